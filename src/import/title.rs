//! The title, the slug and the body: what the document calls itself, and its text
//! without the title line.

use super::evidence::quote;
use super::mentions;
use super::phrases;
use super::sections::{self, Kind, Section};
use super::text::{self, Line};
use super::times::{self, ClockRules, DayOrder};

fn title_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace("post-mortem", "postmortem");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_string)
        .filter(|w| !w.is_empty())
        .collect()
}

pub(super) fn is_generic_title(text: &str) -> bool {
    title_words(text)
        .iter()
        .all(|w| phrases::GENERIC_TITLE_WORDS.contains(&w.as_str()))
}

fn is_date_only(text: &str, order: DayOrder) -> bool {
    let dates = times::find_dates(text, order);
    let mut rest = text.to_string();
    for d in dates.iter().rev() {
        rest.replace_range(d.range.clone(), "");
    }
    !dates.is_empty() && rest.chars().all(|c| !c.is_alphanumeric())
}

/// Strips "Postmortem:"-style prefixes when what remains still says what happened.
fn strip_title_prefix(title: &str, order: DayOrder) -> String {
    let mut t = title.trim().to_string();
    if let Some(rest) = t.strip_prefix('[')
        && let Some(close) = rest.find(']')
    {
        let inner = rest.get(..close).unwrap_or("");
        let after = rest.get(close + 1..).unwrap_or("").trim();
        if is_generic_title(inner) && !after.is_empty() {
            t = after.to_string();
        }
    }
    for _ in 0..3 {
        let cut = [":", " - ", " – ", " — ", " | "]
            .iter()
            .filter_map(|sep| t.find(sep).map(|p| (p, sep.len())))
            .min();
        let Some((pos, len)) = cut else { break };
        let left = t.get(..pos).unwrap_or("");
        let right = t.get(pos + len..).unwrap_or("").trim();
        if is_generic_title(left)
            && !right.is_empty()
            && !is_date_only(right, order)
            && !is_generic_title(right)
        {
            t = right.to_string();
        } else {
            break;
        }
    }
    t.trim()
        .trim_end_matches(['.', ':', ' '])
        .trim()
        .to_string()
}

#[derive(Clone)]
pub(super) struct TitleChoice {
    pub(super) text: String,
    /// The source line to drop from the body.
    pub(super) src: Option<usize>,
    pub(super) note: Option<String>,
}

pub(super) fn choose_title(
    source: &text::Source,
    lines: &[Line],
    sections: &[Section],
    order: DayOrder,
    summary_sentence: Option<&str>,
) -> TitleChoice {
    if let Some(t) = &source.preamble_title
        && !is_generic_title(t)
    {
        return TitleChoice {
            text: strip_title_prefix(t, order),
            src: None,
            note: Some("title: from the metadata at the top of the document".to_string()),
        };
    }
    // Candidates: lines before the first section of a postmortem's body.
    let limit = sections
        .iter()
        .find(|s| {
            matches!(
                s.kind,
                Kind::Summary
                    | Kind::Impact
                    | Kind::Duration
                    | Kind::Timeline
                    | Kind::RootCause
                    | Kind::Actions
                    | Kind::Lessons
            ) && s.heading.is_some_and(|h| {
                // A first heading such as "Web Stack Debugging" is a title, not a section.
                lines
                    .get(h)
                    .is_some_and(|l| l.text.split_whitespace().count() <= 5 || h > 0)
            })
        })
        .and_then(|s| s.heading)
        .unwrap_or(lines.len());
    let mut strong: Vec<(usize, String)> = Vec::new();
    let mut weak: Vec<(usize, String)> = Vec::new();
    let mut plain_seen = 0;
    for (i, line) in lines.iter().enumerate().take(limit) {
        if line.code || line.is_blank() {
            continue;
        }
        let text = line.text.trim().to_string();
        if line.italic || line.text.starts_with("Note:") {
            continue;
        }
        if !line.item && line.heading.is_none() && text.split_whitespace().count() >= 12 {
            // Prose: the title, if any, came before.
            if strong.is_empty() && weak.is_empty() {
                continue;
            }
            break;
        }
        // Not a title: a section name alone, a field ("Duration: ..."), a line with a time.
        let section_name =
            sections::classify(&text) != Kind::Other && text.split_whitespace().count() <= 3;
        let has_time = !mentions::find(&text, order, ClockRules::default()).is_empty();
        let field = text.find(':').is_some_and(|c| {
            let label = text.get(..c).unwrap_or("").to_lowercase();
            [
                "duration",
                "date",
                "impact",
                "start",
                "end",
                "root cause",
                "summary",
                "issue summary",
                "due",
            ]
            .iter()
            .any(|f| label.trim().starts_with(f))
        });
        if section_name || has_time || field {
            if line.heading.is_some() || line.bold {
                plain_seen += 1;
            }
            continue;
        }
        if line.heading.is_some() || line.bold {
            strong.push((i, text));
        } else if plain_seen < 3 && line.cells.is_none() {
            plain_seen += 1;
            if text.chars().count() <= 120 && !line.item {
                weak.push((i, text));
            }
        }
        if strong.len() + weak.len() > 8 {
            break;
        }
    }
    let pick = strong
        .iter()
        .find(|(_, t)| !is_generic_title(t) && !is_generic_title(&strip_title_prefix(t, order)))
        .or_else(|| {
            let words = [
                "postmortem",
                "post-mortem",
                "incident",
                "outage",
                "report",
                "failure",
                "down",
            ];
            weak.iter()
                .filter(|(_, t)| {
                    !is_generic_title(t) && !is_generic_title(&strip_title_prefix(t, order))
                })
                .find(|(_, t)| words.iter().any(|w| t.to_lowercase().contains(w)))
                .or_else(|| {
                    // A plain first line that is not obviously a title (an author's name...)
                    // only when nothing else could be one.
                    let any_generic = strong.iter().chain(weak.iter()).any(|(_, t)| {
                        is_generic_title(t) || is_generic_title(&strip_title_prefix(t, order))
                    });
                    weak.iter().find(|(_, t)| {
                        !is_generic_title(t)
                            && strong.is_empty()
                            && !any_generic
                            && !t.contains(':')
                    })
                })
        });
    if let Some((i, t)) = pick {
        return TitleChoice {
            text: strip_title_prefix(t, order),
            src: lines.get(*i).map(|l| l.src),
            note: None,
        };
    }
    let generic = strong
        .iter()
        .chain(weak.iter())
        .find(|(_, t)| is_generic_title(t) || is_generic_title(&strip_title_prefix(t, order)))
        .or(strong.first())
        .or(weak.first());
    let src = generic.and_then(|(i, _)| lines.get(*i)).map(|l| l.src);
    match summary_sentence {
        Some(s) if !s.trim().is_empty() => TitleChoice {
            text: text::first_sentence(s, 90)
                .trim_end_matches('.')
                .to_string(),
            src: if generic.is_some_and(|(_, t)| is_generic_title(t)) {
                src
            } else {
                None
            },
            note: Some(match generic {
                Some((_, t)) => format!(
                    "title: the document's own title {} says nothing about the incident; used its first summary sentence",
                    quote(t)
                ),
                None => {
                    "title: the document has no title; used its first summary sentence".to_string()
                }
            }),
        },
        _ => match generic {
            Some((_, t)) => TitleChoice {
                text: t.clone(),
                src,
                note: Some(format!(
                    "title: only a generic title {}; write a descriptive one",
                    quote(t)
                )),
            },
            None => TitleChoice {
                text: "Untitled postmortem".to_string(),
                src: None,
                note: Some("title: none in the document; write one".to_string()),
            },
        },
    }
}

/// statement, else the first sentence of the summary without a time in it, else its first
/// sentence.
pub(super) fn summary_sentence(
    lines: &[Line],
    sections: &[Section],
    order: DayOrder,
) -> Option<String> {
    let has_summary = sections
        .iter()
        .any(|s| matches!(s.kind, Kind::Summary | Kind::Impact));
    let paragraphs: Vec<String> = sections
        .iter()
        .filter(|s| {
            matches!(s.kind, Kind::Summary | Kind::Impact)
                || (!has_summary && matches!(s.kind, Kind::Preamble | Kind::Other))
        })
        .flat_map(|s| {
            text::paragraphs(
                lines
                    .get(s.lines.clone())
                    .unwrap_or(&[])
                    .iter()
                    .filter(|l| l.heading.is_none() && !l.italic && !l.bold),
            )
        })
        .collect();
    let label_of = |t: &str| -> Option<(String, String)> {
        let c = t.find(':')?;
        let label = t.get(..c)?;
        (label.split_whitespace().count() <= 4 && !label.chars().any(|ch| ch.is_ascii_digit()))
            .then(|| {
                (
                    label.trim().to_lowercase(),
                    t.get(c + 1..).unwrap_or("").trim().to_string(),
                )
            })
    };
    let mut sentences: Vec<(bool, String)> = Vec::new();
    for p in &paragraphs {
        let (impact, body) = match label_of(p) {
            Some((label, value))
                if label.contains("impact")
                    || label.contains("what happened")
                    || label.contains("summary") =>
            {
                (label.contains("impact"), value)
            }
            Some(_) => continue,
            None => (false, p.clone()),
        };
        for (a, b) in text::sentences(&body) {
            let s = body.get(a..b).unwrap_or("").trim().to_string();
            if s.split_whitespace().count() >= 6 {
                sentences.push((impact, s));
            }
        }
    }
    let no_time = |s: &str| mentions::find(s, order, ClockRules::default()).is_empty();
    sentences
        .iter()
        .find(|(impact, s)| *impact && no_time(s))
        .or_else(|| sentences.first())
        .map(|(_, s)| s.clone())
}

pub(super) fn slug_for(title: &str, date: Option<&str>) -> String {
    let mut slug = crate::keys::slugify(title);
    if slug.chars().count() > 60 {
        let mut cut = String::new();
        for part in slug.split('-') {
            if cut.chars().count() + part.chars().count() + 1 > 60 {
                break;
            }
            if !cut.is_empty() {
                cut.push('-');
            }
            cut.push_str(part);
        }
        slug = cut;
    }
    if slug.is_empty() || is_generic_title(title) {
        slug = match date {
            Some(d) => format!("postmortem-{d}"),
            None => "postmortem".to_string(),
        };
    }
    slug
}

pub(super) fn body_of(text: &str, title_src: Option<usize>) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if let Some(i) = title_src
        && i < lines.len()
    {
        lines.remove(i);
    }
    let mut body = lines.join("\n");
    let trimmed = body.trim_start_matches(['\n', ' ']).len();
    let leading = body.len() - trimmed;
    if leading > 0 {
        // Keep the indentation of the first line; drop only blank lines.
        let first_nonblank = body
            .split('\n')
            .position(|l| !l.trim().is_empty())
            .unwrap_or(0);
        body = body
            .split('\n')
            .skip(first_nonblank)
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut body = body.trim_end().to_string();
    body.push('\n');
    body
}
