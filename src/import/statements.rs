//! What the prose states about the incident's times: each clock time of the summary-like
//! sections with the role its words give it (a start, an end, a detection...), each stated
//! duration, and the zone the document declares. Findings only: which of them is believed
//! is the decision step's job.

use super::evidence::Evidence;
use super::mentions::{self, Mention, Role};
use super::phrases;
use super::sections::{Kind, Section};
use super::text::{self, Line, Paragraph, Source};
use super::timeline;
use super::times::{self, ClockRules, DayOrder, Zone};

/// A time stated in prose, with the sentence and line it came from.
#[derive(Debug, Clone)]
pub(super) struct Stated {
    pub(super) mention: Mention,
    pub(super) evidence: Evidence,
    /// The section it is in (an index into the sections).
    pub(super) section: usize,
}

/// A duration stated in prose ("the outage lasted about two hours").
#[derive(Debug, Clone)]
pub(super) struct StatedDuration {
    pub(super) value: times::DurationMention,
    pub(super) evidence: Evidence,
}

/// Every time the summary-like sections state, by role, in document order.
#[derive(Debug, Default)]
pub(super) struct Statements {
    pub(super) starts: Vec<Stated>,
    /// Spans written as one statement ("from 3:00 PM to 4:30 PM CAT"): their length is
    /// stated even where the day is not.
    pub(super) spans: Vec<(Stated, Stated)>,
    pub(super) ends: Vec<Stated>,
    pub(super) detected: Vec<Stated>,
    pub(super) acknowledged: Vec<Stated>,
    pub(super) mitigated: Vec<Stated>,
    /// Times with no cue ("Date/time: 2016-11-07 21:30").
    pub(super) bare: Vec<Stated>,
    pub(super) durations: Vec<StatedDuration>,
    /// Zones attached to times in the summary, each with the sentence of its time.
    pub(super) zones: Vec<(Zone, Evidence)>,
}

pub(super) fn stated_duration(text: &str, d: &times::DurationMention) -> bool {
    // "about 30% of requests failed for 46 minutes": a word of failure, then "for", then
    // the duration.
    let just_before = text::window_before(text, d.range.start, 128)
        .trim_end()
        .to_lowercase();
    let failure_for = just_before.strip_suffix(" for").is_some_and(|rest| {
        let word = rest
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        [
            "failed",
            "failing",
            "down",
            "unavailable",
            "unreachable",
            "broken",
            "degraded",
            "slow",
            "offline",
            "halted",
            "errored",
            "erroring",
            "affected",
            "impacted",
        ]
        .contains(&word)
    });
    if failure_for {
        return true;
    }
    let before = text::window_before(text, d.range.start, 128).to_lowercase();
    let tail: String = before
        .chars()
        .rev()
        .take(40)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    let after = text::window_after(text, d.range.end, 128).to_lowercase();
    let after = after.trim_start_matches([' ', '-']);
    let in_parens = tail.trim_end().ends_with('(') && after.trim_start().starts_with(')');
    phrases::DURATION_BEFORE.iter().any(|w| tail.contains(w))
        || phrases::DURATION_AFTER.iter().any(|w| after.starts_with(w))
        || in_parens
        || text
            .get(..d.range.start)
            .unwrap_or("")
            .trim_start()
            .get(..8)
            .is_some_and(|word| word.eq_ignore_ascii_case("duration"))
}

/// `Time: ...`, `Start time: ...`, `Duration: ...`: a label that says a time follows.
fn is_time_label(text: &str) -> bool {
    text.split_once(':').is_some_and(|(label, _)| {
        let label = label.trim().to_lowercase();
        label.split_whitespace().count() <= 3
            && ["time", "start", "end", "duration", "when", "date"]
                .iter()
                .any(|w| label.contains(w))
    })
}

/// Where the sentence around byte `at` starts and ends, from a paragraph's `sentences`
/// (in order, found once per paragraph rather than once per mention).
fn sentence_bounds(sentences: &[(usize, usize)], whole: usize, at: usize) -> (usize, usize) {
    let after = sentences.partition_point(|(start, _)| *start <= at);
    after
        .checked_sub(1)
        .and_then(|i| sentences.get(i))
        .filter(|(_, end)| at < *end)
        .copied()
        .unwrap_or((0, whole))
}

/// Reads the times stated in the summary-like sections.
pub(super) fn read(
    source: &Source,
    lines: &[Line],
    sections: &[Section],
    order: DayOrder,
) -> Statements {
    let mut st = Statements::default();
    for (index, section) in sections.iter().enumerate() {
        // Durations are stated in conclusions and causes too; times only in the summary.
        let times_here = section.kind.is_summary_like();
        if !times_here
            && matches!(
                section.kind,
                Kind::Timeline | Kind::Appendix | Kind::Actions
            )
        {
            continue;
        }
        let heading_line = section.heading.and_then(|h| lines.get(h));
        let body = lines.get(section.lines.clone()).unwrap_or(&[]);
        // Wrapped lines joined; "Start-time:" on its own line labels what follows.
        let mut logical: Vec<Paragraph> = Vec::new();
        let mut carry: Option<Paragraph> = None;
        // A key/value table (`| Time | 0730 - 1230 (UTC) |`) states as a label does.
        for line in body.iter().filter(|l| !l.code) {
            if let Some([key, value]) = line.cells.as_deref()
                && !key.trim().is_empty()
                && !value.trim().is_empty()
                && key.split_whitespace().count() <= 4
            {
                let key = key.trim().trim_end_matches(':');
                logical.push(Paragraph {
                    text: format!("{key}: {}", value.trim()),
                    starts: vec![(0, line.src)],
                });
            }
        }
        for p in text::paragraphs_at(heading_line.into_iter().chain(body.iter())) {
            if p.text.trim_end().ends_with(':') && p.text.split_whitespace().count() <= 6 {
                carry = Some(match carry.take() {
                    Some(c) => c.joined(p),
                    None => p,
                });
                continue;
            }
            logical.push(match carry.take() {
                Some(c) => c.joined(p),
                None => p,
            });
        }
        for paragraph in &logical {
            let text = paragraph.text.as_str();
            let sentences = std::cell::OnceCell::new();
            // Evidence: the line a value is written on, quoted from there.
            let evidence_at = |at: usize| {
                let line = source.line_number(paragraph.src_at(at));
                let sentences = sentences.get_or_init(|| text::sentences(text));
                let (start, end) = sentence_bounds(sentences, text.len(), at);
                let start = start.max(paragraph.line_start(at));
                Evidence::new(line, text.get(start..end).unwrap_or(text))
            };
            for d in times::find_durations(text) {
                if stated_duration(text, &d) {
                    let evidence = evidence_at(d.range.start);
                    st.durations.push(StatedDuration { value: d, evidence });
                }
            }
            if !times_here {
                continue;
            }
            // "Time: 0730 - 1230 (UTC)": four digits are a time after a time's label.
            let rules = if is_time_label(text) {
                ClockRules {
                    dot: false,
                    bare: true,
                }
            } else {
                ClockRules::default()
            };
            let mut ms = mentions::find(text, order, rules);
            let spans = mentions::spans(text, &mut ms);
            for m in &ms {
                if let Some(z) = &m.zone {
                    st.zones.push((z.clone(), evidence_at(m.range.start)));
                }
            }
            let stated = |m: &Mention| Stated {
                mention: m.clone(),
                evidence: evidence_at(m.range.start),
                section: index,
            };
            let mut in_span = vec![false; ms.len()];
            for &(a, b) in &spans {
                for i in [a, b] {
                    if let Some(x) = in_span.get_mut(i) {
                        *x = true;
                    }
                }
                // A span is a start and an end, unless its words say detection.
                if matches!(mentions::role(text, &ms, a), Some(Role::Detected)) {
                    continue;
                }
                if let (Some(ma), Some(mb)) = (ms.get(a), ms.get(b)) {
                    st.starts.push(stated(ma));
                    st.ends.push(stated(mb));
                    st.spans.push((stated(ma), stated(mb)));
                }
            }
            for (i, m) in ms.iter().enumerate() {
                if in_span.get(i).copied().unwrap_or(false) {
                    continue;
                }
                let list = match mentions::role(text, &ms, i) {
                    Some(Role::Start) => &mut st.starts,
                    Some(Role::Detected) => &mut st.detected,
                    Some(Role::Acknowledged) => &mut st.acknowledged,
                    Some(Role::Mitigated) => &mut st.mitigated,
                    Some(Role::End) => &mut st.ends,
                    None => &mut st.bare,
                };
                list.push(stated(m));
            }
        }
    }
    st
}

/// The zone for times written without one: a statement ("All times in PST"), else the only
/// zone the document uses, else the one nearly all its times use. The evidence is the
/// statement, or the first time written in that zone.
pub(super) fn document_zone(
    source: &Source,
    lines: &[Line],
    sections: &[Section],
    stated: &[(Zone, Evidence)],
    entries: &[timeline::RawEntry],
) -> Option<(Zone, Evidence)> {
    for section in sections {
        if section.kind == Kind::Appendix {
            continue;
        }
        if let Some(h) = section.heading.and_then(|h| lines.get(h))
            && let Some(z) = times::zone_statement(&h.text, true)
            && (section.kind == Kind::Timeline || section.kind.is_summary_like())
        {
            return Some((z, Evidence::new(source.line_number(h.src), &h.text)));
        }
        for line in lines.get(section.lines.clone()).unwrap_or(&[]) {
            if line.code {
                continue;
            }
            if let Some(z) = times::zone_statement(&line.text, line.heading.is_some()) {
                return Some((z, Evidence::new(source.line_number(line.src), &line.text)));
            }
        }
    }
    let mut all: Vec<(Zone, Evidence)> = stated.to_vec();
    all.extend(entries.iter().filter_map(|e| {
        let evidence = Evidence::new(source.line_number(e.src), e.evidence_text());
        e.mention.zone.clone().map(|z| (z, evidence))
    }));
    // Zones are equal by key; counted once each, not once per time.
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (z, _) in &all {
        *counts.entry(z.key.as_str()).or_default() += 1;
    }
    let count = |z: &Zone| counts.get(z.key.as_str()).copied().unwrap_or(0);
    let best = all.iter().max_by_key(|(z, _)| count(z))?.clone();
    (count(&best.0) * 4 >= all.len() * 3).then_some(best)
}
