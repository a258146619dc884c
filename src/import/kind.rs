//! Is it a postmortem? A guide, a template, a policy page or a list of many incidents is
//! declined with the reason, since importing it would invent an incident.

use super::phrases;
use super::sections::{Kind, Section};
use super::text::Line;

fn count_phrase(text: &str, phrase: &str) -> usize {
    text.matches(phrase).count().min(3)
}

pub(super) fn not_a_postmortem(
    lines: &[Line],
    sections: &[Section],
    title: &str,
    has_date: bool,
    has_times: bool,
    entries: usize,
    document_links: usize,
) -> Option<String> {
    if document_links >= 3 && entries == 0 {
        return Some(format!(
            "an index of other documents: it lists {document_links} links to other reports; import those instead"
        ));
    }
    if is_guide_title(title) && entries == 0 {
        return Some(format!(
            "a guide: its title \"{}\" is about postmortems in general, and it has no timeline",
            title.trim()
        ));
    }
    if let Some(reason) = many_incidents(lines, sections) {
        return Some(reason);
    }
    if let Some(reason) = template(lines, title) {
        return Some(reason);
    }
    if !has_date && !has_times && entries == 0 && !calls_itself_a_report(lines, title) {
        return Some(
            "reports no incident: no date, no time, no timeline, and it does not call itself a postmortem or incident report"
                .to_string(),
        );
    }
    let text: String = lines
        .iter()
        .filter(|l| !l.code)
        .map(|l| l.text.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let second = words
        .iter()
        .filter(|w| matches!(**w, "you" | "your" | "you're" | "yourself" | "you'll"))
        .count();
    let ratio = if words.is_empty() {
        0.0
    } else {
        second as f64 / words.len() as f64
    };
    let hits: Vec<&str> = phrases::INSTRUCTION_PHRASES
        .iter()
        .copied()
        .filter(|p| text.contains(p))
        .collect();
    let instruction: usize = hits.iter().map(|p| count_phrase(&text, p)).sum();
    let incident_words = [
        "outage",
        "incident",
        "downtime",
        "went down",
        "was down",
        "root cause",
        "restored",
        "resolved",
        "impact",
        "affected",
        "unavailable",
        "degraded",
        "failure",
        "failed",
        "error",
        "crash",
        "bug",
        "hotfix",
        "broke",
        "unresponsive",
        "disruption",
        "mitigat",
    ]
    .iter()
    .map(|w| text.matches(w).count().min(3))
    .sum::<usize>();
    let pm_kinds: std::collections::BTreeSet<u8> = sections
        .iter()
        .filter_map(|s| match s.kind {
            Kind::Summary => Some(0),
            Kind::Timeline => Some(1),
            Kind::RootCause => Some(2),
            Kind::Impact => Some(3),
            Kind::Resolution => Some(4),
            Kind::Actions => Some(5),
            Kind::Lessons => Some(6),
            Kind::Detection => Some(7),
            _ => None,
        })
        .collect();
    // The document calls itself a postmortem (in its title or first heading).
    let heading_text = heads(lines, title);
    let named = [
        "postmortem",
        "post-mortem",
        "post mortem",
        "incident",
        "outage",
        "retro",
        "rca",
        "root cause analysis",
        "downtime",
    ]
    .iter()
    .any(|w| heading_text.contains(w));
    let evidence = if entries >= 2 { 3 } else { 0 }
        + if named { 2 } else { 0 }
        + if has_times { 2 } else { 0 }
        + usize::from(has_date)
        + pm_kinds.len().min(4)
        + if incident_words >= 3 { 2 } else { 0 };
    let against = instruction * 2 + if ratio > 0.02 { 3 } else { 0 };
    if hits.len() >= 2 && against >= 4 && against >= evidence {
        let shown: Vec<String> = hits.iter().take(4).map(|h| format!("\"{h}\"")).collect();
        return Some(format!(
            "reads as instructions, not a report of an incident: {}{}",
            shown.join(", "),
            if ratio > 0.02 {
                ", written to \"you\""
            } else {
                ""
            }
        ));
    }
    if evidence < 3 {
        let mut lacks = Vec::new();
        if !has_date {
            lacks.push("no incident date");
        }
        if entries < 2 {
            lacks.push("no timeline");
        }
        if incident_words < 3 {
            lacks.push("no outage or impact words");
        }
        if pm_kinds.is_empty() {
            lacks.push("no postmortem sections");
        }
        return Some(format!(
            "does not read as a postmortem: {}",
            lacks.join(", ")
        ));
    }
    None
}

super::times::pattern!(
    /// `{{title}}`, `{{#each authors}}`, `{{ summary }}`: a template's fields. Not a site
    /// generator's variables (`{{ site.name }}`, `{{ page.title }}`), which real reports
    /// published with Jekyll or Hugo contain.
    TEMPLATE_FIELD = r"\{\{\s*[#/]?(?:[A-Za-z_][A-Za-z0-9_]*)(?:\s+[A-Za-z_][A-Za-z0-9_.]*)?\s*\}\}"
);
super::times::pattern!(
    /// `[descriptive name here]`, `[Internal, Outage, Corruption, Breach]`, `<insert date>`,
    /// `YYYY-MM-DD`, `HH:MM`: what a template asks the writer to fill in.
    FILL_IN = r"(?i)\[[^\]]*\b(?:here|name|title|date|description|tbd|todo|insert|fill)\b[^\]]*\](?:[^(]|$)|\[(?:[A-Z][a-z]+, ){2,}[A-Z][a-z]+\]|<(?:insert|your|add|enter)\b[^>]*>|\bYYYY-MM-DD\b|\bHH:MM\b"
);

/// A template: fields to fill in (`{{title}}`, `[descriptive name here]`), or a document
/// that says it is one.
fn template(lines: &[Line], title: &str) -> Option<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut says_so = false;
    for line in lines.iter().filter(|l| !l.code) {
        let lower = line.text.to_lowercase();
        says_so |= [
            "this is a postmortem template",
            "this is a post-mortem template",
            "this is an incident template",
            "this template",
            "template for",
        ]
        .iter()
        .any(|p| lower.contains(p));
        for re in [&TEMPLATE_FIELD, &FILL_IN] {
            if let Some(re) = re.as_ref() {
                fields.extend(
                    re.find_iter(&line.text)
                        .map(|m| m.as_str().trim().to_string()),
                );
            }
        }
    }
    let title = title.to_lowercase();
    says_so |= title.contains("template");
    if fields.len() >= 3
        || (says_so && !fields.is_empty())
        || (says_so && title.contains("template"))
    {
        let shown: Vec<String> = fields.iter().take(3).map(|f| format!("\"{f}\"")).collect();
        return Some(if shown.is_empty() {
            "a template: it says so".to_string()
        } else {
            format!("a template: fields to fill in such as {}", shown.join(", "))
        });
    }
    None
}

/// A page listing many incidents (a status archive): sections headed by dates that span
/// more than a few weeks, outside any timeline.
fn many_incidents(lines: &[Line], sections: &[Section]) -> Option<String> {
    let mut days: Vec<jiff::civil::Date> = Vec::new();
    for section in sections.iter().filter(|s| s.kind != Kind::Timeline) {
        let Some(heading) = section.heading.and_then(|h| lines.get(h)) else {
            continue;
        };
        let dates = super::times::find_dates(&heading.text, super::times::DayOrder::Unknown);
        if let Some(d) = dates.first().and_then(|d| d.value.full()) {
            days.push(d);
        }
    }
    days.sort();
    days.dedup();
    let (first, last) = (days.first()?, days.last()?);
    let span = (*last - *first).get_days();
    (days.len() >= 4 && span > 21).then(|| {
        format!(
            "a list of many incidents: {} sections headed by dates from {first} to {last}; import each incident from a document of its own",
            days.len()
        )
    })
}

/// The title or first heading says the document reports an incident.
fn calls_itself_a_report(lines: &[Line], title: &str) -> bool {
    let heads = heads(lines, title);
    phrases::REPORT_NAMES.iter().any(|w| heads.contains(w))
}

/// The title and the first two headings, lower-cased: where a document says what it is.
fn heads(lines: &[Line], title: &str) -> String {
    lines
        .iter()
        .filter(|l| l.heading.is_some() || l.bold)
        .take(2)
        .map(|l| l.text.to_lowercase())
        .chain(std::iter::once(title.to_lowercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A title about postmortems in general: "How we write postmortems", "Incident review
/// guidelines", "Postmortem process".
fn is_guide_title(title: &str) -> bool {
    let t = title.to_lowercase();
    let about_them = phrases::ABOUT_POSTMORTEMS.iter().any(|w| t.contains(w));
    let guide = phrases::GUIDE_WORDS.iter().any(|w| t.contains(w));
    about_them && guide
}
