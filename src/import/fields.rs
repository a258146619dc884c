//! The fields read from words rather than times: the impact statement, the root-cause
//! text for the taxonomy, the services named in labelled lines.

use super::classify;
use super::sections::{Kind, Section};
use super::text::{self, Line};

pub(super) fn section_lines<'a>(lines: &'a [Line], s: &Section) -> impl Iterator<Item = &'a Line> {
    let heading = s.heading.and_then(|h| lines.get(h));
    heading
        .into_iter()
        .chain(lines.get(s.lines.clone()).unwrap_or(&[]).iter())
        .filter(|l| !l.code)
}

fn label_value(text: &str, labels: &[&str]) -> Option<String> {
    let colon = text.find(':')?;
    let label = text.get(..colon)?.trim().to_lowercase();
    labels
        .iter()
        .any(|l| label == *l)
        .then(|| text.get(colon + 1..).unwrap_or("").trim().to_string())
}

/// The impact summary and the share of users affected.
pub(super) fn read_impact(
    lines: &[Line],
    sections: &[Section],
) -> (Option<String>, Option<(f64, String)>) {
    let mut impact_texts: Vec<String> = Vec::new();
    for s in sections {
        if s.kind == Kind::Impact {
            let mut own = String::new();
            if let Some(v) = s
                .heading
                .and_then(|h| lines.get(h))
                .and_then(|l| label_value(&l.text, &["impact"]))
            {
                own.push_str(&v);
            }
            for l in lines.get(s.lines.clone()).unwrap_or(&[]) {
                if l.code || l.cells.is_some() || l.italic {
                    continue;
                }
                if l.is_blank() && !own.is_empty() {
                    break;
                }
                if !l.is_blank() {
                    if !own.is_empty() {
                        own.push(' ');
                    }
                    own.push_str(&l.text);
                }
            }
            if !own.trim().is_empty() {
                impact_texts.push(own);
            }
        } else if s.kind.is_summary_like() {
            let body = text::paragraphs(section_lines(lines, s));
            for (k, p) in body.iter().enumerate() {
                let lower = p.to_lowercase();
                let is_impact_label = lower.starts_with("impact")
                    || lower.starts_with("what was the impact")
                    || lower.starts_with("user impact")
                    || lower.starts_with("customer impact");
                if !is_impact_label {
                    continue;
                }
                let value = p
                    .find(':')
                    .map(|c| p.get(c + 1..).unwrap_or("").trim().to_string());
                match value {
                    Some(v) if !v.is_empty() => impact_texts.push(v),
                    _ => {
                        if let Some(next) = body.get(k + 1) {
                            impact_texts.push(next.clone());
                        }
                    }
                }
            }
        }
    }
    let summary_text: Vec<String> = sections
        .iter()
        .filter(|s| s.kind.is_summary_like())
        .flat_map(|s| text::paragraphs(section_lines(lines, s)))
        .collect();
    let pct = impact_texts
        .iter()
        .chain(summary_text.iter())
        .find_map(|t| classify::users_affected(t).map(|(p, q)| (p, t.clone(), q)));
    let summary = impact_texts
        .first()
        .map(|t| two_sentences(t))
        .or_else(|| {
            pct.as_ref().map(|(_, line, q)| {
                // The sentence holding the percentage.
                text::sentences(line)
                    .into_iter()
                    .map(|(a, b)| line.get(a..b).unwrap_or("").trim().to_string())
                    .find(|s| s.contains(q.as_str()))
                    .unwrap_or_else(|| text::first_sentence(line, 300))
            })
        })
        .filter(|s| !s.trim().is_empty());
    (summary, pct.map(|(p, _, q)| (p, q)))
}

fn two_sentences(text: &str) -> String {
    let spans = text::sentences(text);
    let end = spans.get(1).or(spans.first()).map_or(text.len(), |s| s.1);
    text::truncate_words(text.get(..end).unwrap_or(text).trim(), 300)
}

/// The root cause as stated (sections and "Root cause:" lines), and the rest of the summary.
pub(super) fn root_cause_text(lines: &[Line], sections: &[Section]) -> (String, String) {
    let mut primary = String::new();
    let mut secondary = String::new();
    for s in sections {
        let in_rc = s.kind == Kind::RootCause;
        let summary = s.kind.is_summary_like();
        if !in_rc && !summary {
            continue;
        }
        for l in section_lines(lines, s) {
            let lower = l.text.to_lowercase();
            let stated = lower.contains("root cause")
                || lower.contains("caused by")
                || lower.contains("due to")
                || lower.starts_with("cause");
            if in_rc {
                primary.push_str(&l.text);
                primary.push('\n');
            } else if stated {
                for (a, b) in text::sentences(&l.text) {
                    let sentence = l.text.get(a..b).unwrap_or("");
                    let sl = sentence.to_lowercase();
                    if sl.contains("root cause")
                        || sl.contains("caused by")
                        || sl.contains("due to")
                        || sl.starts_with("cause")
                    {
                        primary.push_str(sentence);
                        primary.push('\n');
                    }
                }
            } else {
                secondary.push_str(&l.text);
                secondary.push('\n');
            }
        }
    }
    (primary, secondary)
}

/// Values of "Affected services:", "Component:", "Affected system:" lines (and the list
/// right under such a label).
pub(super) fn labelled_services(lines: &[Line], sections: &[Section]) -> Vec<String> {
    const LABELS: &[&str] = &[
        "affected services",
        "affected service",
        "services affected",
        "service affected",
        "affected systems",
        "affected system",
        "systems affected",
        "services",
        "service",
        "component",
        "components",
        "affected components",
        "affected component",
    ];
    let mut out = Vec::new();
    for s in sections.iter().filter(|s| s.kind.is_summary_like()) {
        let body: Vec<&Line> = section_lines(lines, s).collect();
        for (k, l) in body.iter().enumerate() {
            if let Some(v) = label_value(&l.text, LABELS) {
                if !v.is_empty() {
                    out.push(v);
                } else {
                    for n in body
                        .iter()
                        .skip(k + 1)
                        .filter(|n| !n.is_blank())
                        .take_while(|n| n.item)
                        .take(5)
                    {
                        out.push(n.text.clone());
                    }
                }
            }
        }
    }
    out
}
