//! Sections of a freeform postmortem: which lines are the summary, the timeline, the
//! root cause, the action items...
//!
//! Input: cleaned [`Line`]s. Output: [`Section`]s covering every line, in order. A
//! heading is a Markdown or HTML heading, or a bold or plain line that names a known
//! section (`**Timeline:**`, `Issue Summary`). Deeper headings inside a timeline or an
//! action-item section stay part of it (day headings, `### Prevention`).

use super::text::Line;

/// What a section is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Before the first heading.
    Preamble,
    /// Summary, overview, what happened.
    Summary,
    /// Impact.
    Impact,
    /// Duration.
    Duration,
    /// How it was detected.
    Detection,
    /// Resolution, mitigation, recovery.
    Resolution,
    /// Root cause, causes, contributing factors.
    RootCause,
    /// The timeline.
    Timeline,
    /// Action items, corrective measures, next steps.
    Actions,
    /// Lessons learned, what went well or badly.
    Lessons,
    /// Investigation notes.
    Investigation,
    /// Appendix, chat logs, references.
    Appendix,
    /// Anything else.
    Other,
}

impl Kind {
    /// Sections whose prose states the incident's times and impact.
    pub(crate) fn is_summary_like(self) -> bool {
        matches!(
            self,
            Kind::Preamble
                | Kind::Summary
                | Kind::Impact
                | Kind::Duration
                | Kind::Detection
                | Kind::Resolution
                | Kind::Other
        )
    }
}

/// A timeline label's kind (`**Escalation:**` inside a timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Detection,
    Acknowledgement,
    Investigation,
    Misleading,
    Escalation,
    Mitigation,
    Communication,
    Resolution,
}

/// A run of lines under one heading.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) kind: Kind,
    /// The heading text (empty for the preamble).
    pub(crate) title: String,
    /// Index of the heading line, if any.
    pub(crate) heading: Option<usize>,
    /// Lines after the heading up to the next section.
    pub(crate) lines: std::ops::Range<usize>,
    /// For a labelled part of a timeline: what kind of events it lists.
    pub(crate) label: Option<Label>,
}

fn normalize_title(text: &str) -> String {
    let t = text.trim();
    // leading numbering: "1.", "2)", "0.", "IV."
    let t = t
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['.', ')'])
        .trim_start();
    let t: String = t
        .chars()
        .filter(|c| {
            c.is_alphanumeric()
                || c.is_whitespace()
                || matches!(c, '/' | '-' | '\'' | '(' | ')' | '&')
        })
        .collect();
    t.trim()
        .trim_end_matches([':', ';', '.', '*', ' '])
        .to_lowercase()
}

/// What a heading's words say the section is.
pub(crate) fn classify(title: &str) -> Kind {
    let t = normalize_title(title);
    let has = |w: &str| t.contains(w);
    if t.is_empty() {
        return Kind::Other;
    }
    // A follow-up timeline lists what happened after the incident, not the incident.
    if (has("timeline") || has("time line"))
        && (has("follow-up") || has("follow up") || has("post-incident") || has("aftermath"))
    {
        return Kind::Appendix;
    }
    if has("timeline")
        || has("time line")
        || has("chronology")
        || has("sequence of events")
        || t == "events"
    {
        return Kind::Timeline;
    }
    if has("action item")
        || t == "actions"
        || has("corrective")
        || has("preventa")
        || has("preventi")
        || has("prevention")
        || has("next step")
        || has("follow-up")
        || has("follow up")
        || has("followup")
        || has("remediation")
        || has("to-do")
        || t == "todo"
        || t == "to do"
        || t.starts_with("tasks")
        || t == "task"
        || has("improvements")
        || has("recommendation")
        || has("what will we change")
        || has("what we will change")
        || has("future work")
        || t.ends_with(" actions")
    {
        return Kind::Actions;
    }
    if has("lesson")
        || has("went well")
        || has("went wrong")
        || has("went poorly")
        || has("didn't work")
        || has("what worked")
        || has("got lucky")
        || has("learned")
        || has("learnt")
        || has("conclusion")
        || has("takeaway")
    {
        return Kind::Lessons;
    }
    if has("root cause")
        || has("cause")
        || has("why did")
        || has("why this")
        || has("contributing factor")
        || t == "origin of the incident"
        || has("leadup")
        || has("lead-up")
        || t == "trigger"
    {
        return Kind::RootCause;
    }
    if has("impact") {
        return Kind::Impact;
    }
    if has("appendi")
        || has("chat log")
        || has("supporting information")
        || has("reference")
        || t == "link"
        || t == "links"
        || has("contributors")
        || has("stakeholders")
        || has("ownership")
        || has("discussion")
    {
        return Kind::Appendix;
    }
    if has("summary")
        || has("overview")
        || has("what happened")
        || has("what happens")
        || has("description")
        || has("background")
        || t == "incident"
        || has("the incident")
        || t == "details"
    {
        return Kind::Summary;
    }
    if has("duration") {
        return Kind::Duration;
    }
    if has("detection")
        || t == "alert"
        || t == "symptom"
        || t == "symptoms"
        || has("how was the issue detected")
    {
        return Kind::Detection;
    }
    if has("resolution")
        || has("resolving")
        || has("solving")
        || has("mitigation")
        || has("recovery")
        || has("response")
        || t == "fix"
        || has("the fix")
    {
        return Kind::Resolution;
    }
    if has("investigat") || has("debugging") || has("findings") || has("analysis") {
        return Kind::Investigation;
    }
    Kind::Other
}

/// What a label inside a timeline says its events are.
pub(crate) fn label_of(title: &str) -> Option<Label> {
    let t = normalize_title(title);
    let has = |w: &str| t.contains(w);
    if has("misleading") || has("red herring") || has("wrong path") || has("dead end") {
        return Some(Label::Misleading);
    }
    if has("escalat") {
        return Some(Label::Escalation);
    }
    if has("acknowledg") {
        return Some(Label::Acknowledgement);
    }
    if has("detect") || has("detection") || has("discovered") {
        return Some(Label::Detection);
    }
    if has("resolution") || has("resolved") || has("resolve") || has("fixed") {
        return Some(Label::Resolution);
    }
    if has("mitigat") || has("recovery") {
        return Some(Label::Mitigation);
    }
    if has("communicat") {
        return Some(Label::Communication);
    }
    if has("action") || has("investigat") || has("debug") || has("response") {
        return Some(Label::Investigation);
    }
    None
}

fn is_pseudo_heading(line: &Line) -> bool {
    if line.item || line.cells.is_some() || line.code {
        return false;
    }
    let words = line.text.split_whitespace().count();
    if words == 0 || words > 9 || line.text.chars().count() > 70 {
        return false;
    }
    let text = line.text.trim();
    if !text.starts_with(|c: char| c.is_alphanumeric()) {
        return false;
    }
    let kind = classify(text);
    let label = label_of(text).is_some();
    if line.bold {
        return kind != Kind::Other || label;
    }
    // A plain line: the whole line must be a section name (optionally with a colon
    // and a parenthesis), not a sentence or a field with a value.
    if text.ends_with('.') || words > 7 {
        return false;
    }
    let before_colon = text.trim_end_matches([':', ';', ' ']);
    if before_colon.contains(':') {
        return false;
    }
    let first = text.split_whitespace().next().unwrap_or("").to_lowercase();
    let short = words <= 4
        && !matches!(
            first.as_str(),
            "the" | "a" | "an" | "this" | "our" | "we" | "it"
        );
    match kind {
        Kind::Other => label && text.ends_with(':'),
        Kind::Resolution | Kind::Detection | Kind::Summary | Kind::Duration => short,
        _ => true,
    }
}

/// True when a heading is only a date and/or a time (a day or an entry of a timeline).
fn is_date_or_time_heading(text: &str) -> bool {
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    let words = text.split_whitespace().count();
    has_digit && words <= 8 && !text.to_lowercase().contains("timeline")
}

/// True when a heading opens with a time of day (`13:20`, `~09:05`, `2:15 PM`).
fn starts_with_clock(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    let first = first.trim_start_matches(['~', '*', '(', '[']);
    match first.split_once(':') {
        Some((h, m)) => {
            (1..=2).contains(&h.len())
                && h.chars().all(|c| c.is_ascii_digit())
                && m.chars().take(2).filter(|c| c.is_ascii_digit()).count() == 2
        }
        None => false,
    }
}

/// Splits the lines into sections.
pub(crate) fn split(lines: &[Line]) -> Vec<Section> {
    let mut sections = vec![Section {
        kind: Kind::Preamble,
        title: String::new(),
        heading: None,
        lines: 0..0,
        label: None,
    }];
    // The enclosing timeline or action-item section: (kind, level, title).
    let mut parent: Option<(Kind, u8)> = None;
    for (i, line) in lines.iter().enumerate() {
        if line.code {
            continue;
        }
        let level = match line.heading {
            Some(level) => level,
            None if is_pseudo_heading(line) => 7,
            None => continue,
        };
        let own = classify(&line.text);
        let label = label_of(&line.text);
        let kind = match parent {
            Some((pkind, plevel)) if level > plevel => {
                let breaks_out = matches!(
                    own,
                    Kind::RootCause | Kind::Lessons | Kind::Impact | Kind::Summary | Kind::Appendix
                ) || (own == Kind::Actions && pkind == Kind::Timeline)
                    || (own == Kind::Timeline && pkind == Kind::Actions);
                if breaks_out && !is_date_or_time_heading(&line.text) {
                    parent = None;
                    own
                } else {
                    pkind
                }
            }
            // `## 13:20` under `### 13:10`: a time heading at the wrong level still
            // continues the timeline it follows.
            Some((Kind::Timeline, _)) if own == Kind::Other && starts_with_clock(&line.text) => {
                Kind::Timeline
            }
            _ => {
                parent = None;
                own
            }
        };
        if parent.is_none() && matches!(kind, Kind::Timeline | Kind::Actions) {
            parent = Some((kind, level));
        }
        if let Some(last) = sections.last_mut() {
            last.lines.end = i;
        }
        sections.push(Section {
            kind,
            title: line.text.clone(),
            heading: Some(i),
            lines: i + 1..i + 1,
            label: if kind == Kind::Timeline { label } else { None },
        });
    }
    if let Some(last) = sections.last_mut() {
        last.lines.end = lines.len();
    }
    // A "Post-mortem" or "Retrospective" section after the document's own title is about
    // the review meeting: its date and time are the meeting's, not the incident's.
    let mut seen_heading = false;
    for s in &mut sections {
        if s.heading.is_none() {
            continue;
        }
        if seen_heading && is_meeting_title(&s.title) {
            s.kind = Kind::Appendix;
        }
        seen_heading = true;
    }
    sections
}

fn is_meeting_title(title: &str) -> bool {
    let t = normalize_title(title);
    matches!(
        t.as_str(),
        "post-mortem"
            | "postmortem"
            | "post mortem"
            | "retrospective"
            | "retro"
            | "post-mortem meeting"
            | "postmortem meeting"
            | "review meeting"
            | "incident review meeting"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::lines;

    #[test]
    fn headings_of_every_shape() {
        let doc = "# Postmortem\n## Issue Summary:\ntext\n**Timeline:**\n**Detection :**\n2:45 PM\nTimeline of events (20th December 2023)\nRoot cause and resolution\nthe fix\n### Corrective and Preventative Measures\n**Tasks :**\n- do it\n#### Root Cause Analysis:\n";
        let ls = lines(doc);
        let kinds: Vec<(Kind, Option<Label>)> =
            split(&ls).iter().map(|s| (s.kind, s.label)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Preamble, None),
                (Kind::Other, None),
                (Kind::Summary, None),
                (Kind::Timeline, None),
                (Kind::Detection, None),
                (Kind::Timeline, None),
                (Kind::RootCause, None),
                (Kind::Actions, None),
                (Kind::Actions, None),
                (Kind::RootCause, None),
            ]
        );
        let ls = lines("### Timeline :\n**Detection :**\nx\n**Escalation :**\n### Root Cause\n");
        let kinds: Vec<(Kind, Option<Label>)> =
            split(&ls).iter().map(|s| (s.kind, s.label)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Preamble, None),
                (Kind::Timeline, None),
                (Kind::Timeline, Some(Label::Detection)),
                (Kind::Timeline, Some(Label::Escalation)),
                (Kind::RootCause, None),
            ]
        );
    }
}
