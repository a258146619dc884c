//! Action items: list items, task lists, tables with owner and status, plain lines under
//! an action-item heading, `TODO:`/`DONE:` lines and `Deadline:` lines.

use super::phrases;
use jiff::civil::Date;

use super::sections::{Kind, Section};
use super::text::Line;
use super::times::{DayOrder, find_dates};

/// A follow-up as the schema has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionItem {
    pub(crate) task: String,
    pub(crate) owner: Option<String>,
    pub(crate) status: &'static str,
    pub(crate) due: Option<Date>,
    pub(crate) link: Option<String>,
    /// The line it is written on (a source line index of the normalised text).
    pub(crate) src: usize,
}

/// Reads a status word (`DONE`, `In progress`, `TODO`, `won't fix`).
pub(crate) fn status_of(text: &str) -> Option<&'static str> {
    let t = text
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '✅')
        .to_lowercase();
    let t = t.as_str();
    match t {
        "done" | "completed" | "complete" | "fixed" | "resolved" | "closed" | "shipped"
        | "merged" | "✅" | "yes" | "finished" | "implemented" => Some("done"),
        "in progress" | "in-progress" | "doing" | "ongoing" | "wip" | "started" | "underway"
        | "in review" | "active" | "work in progress" => Some("in-progress"),
        "todo" | "to do" | "to-do" | "open" | "planned" | "not started" | "pending" | "backlog"
        | "tbd" | "new" | "proposed" | "already planned" => Some("open"),
        "won't do" | "wont do" | "won't fix" | "wontfix" | "wont-do" | "cancelled" | "canceled"
        | "dropped" | "rejected" | "declined" | "abandoned" | "not planned" => Some("wont-do"),
        _ => None,
    }
}

fn link_of(raw: &str) -> Option<String> {
    let start = raw.find("https://").or_else(|| raw.find("http://"))?;
    let rest = raw.get(start..)?;
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']' | '|' | '"'))
        .unwrap_or(rest.len());
    Some(rest.get(..end)?.to_string())
}

/// Column roles of an action-item table, from its header cells.
#[derive(Debug, Default, Clone)]
struct Columns {
    task: Option<usize>,
    owner: Option<usize>,
    status: Option<usize>,
    due: Option<usize>,
    link: Option<usize>,
}

fn columns(header: &[String]) -> Option<Columns> {
    let mut c = Columns::default();
    for (i, cell) in header.iter().enumerate() {
        let h = cell.to_lowercase();
        if c.task.is_none()
            && (h.contains("action")
                || h.contains("task")
                || h.contains("description")
                || h == "item"
                || h.contains("what")
                || h.contains("follow"))
        {
            c.task = Some(i);
        } else if c.owner.is_none()
            && (h.contains("owner")
                || h.contains("assignee")
                || h.contains("who")
                || h.contains("responsible")
                || h.contains("team"))
        {
            c.owner = Some(i);
        } else if c.status.is_none() && (h.contains("status") || h.contains("state") || h == "done")
        {
            c.status = Some(i);
        } else if c.due.is_none()
            && (h.contains("due")
                || h.contains("deadline")
                || h.contains("eta")
                || h.contains("target"))
        {
            c.due = Some(i);
        } else if c.link.is_none()
            && (h.contains("issue")
                || h.contains("bug")
                || h.contains("ticket")
                || h.contains("link")
                || h.contains("tracking")
                || h.contains("pr"))
        {
            c.link = Some(i);
        }
    }
    c.task.map(|_| c)
}

/// A finding, not a task: "`iasql_upgrade` didn't have a test case at all".
fn reads_as_finding(text: &str) -> bool {
    let t = text.to_lowercase();
    phrases::FINDINGS.iter().any(|p| t.contains(p))
}

fn is_filler(text: &str) -> bool {
    let t = text.to_lowercase();
    phrases::FILLER_STARTS.iter().any(|f| t.starts_with(f)) || t.ends_with(':')
}

fn strip_task_label(text: &str) -> String {
    let t = text.trim();
    for prefix in [
        "Task:",
        "task:",
        "TODO:",
        "Todo:",
        "To-do:",
        "Action:",
        "Action item:",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.trim().to_string();
        }
    }
    t.to_string()
}

/// Finds `(in progress)`, `(done)`, `(Already planned)` in a task's text and removes it.
fn inline_status(text: &str) -> (String, Option<&'static str>) {
    let lower = text.to_lowercase();
    for (needle, status) in [
        ("(in progress)", "in-progress"),
        ("(in-progress)", "in-progress"),
        ("(done)", "done"),
        ("(completed)", "done"),
        ("(already planned)", "open"),
        ("(planned)", "open"),
        ("(wip)", "in-progress"),
    ] {
        if let Some(pos) = lower.find(needle) {
            let mut out = String::new();
            out.push_str(text.get(..pos).unwrap_or(""));
            out.push_str(text.get(pos + needle.len()..).unwrap_or(""));
            return (
                out.split_whitespace().collect::<Vec<_>>().join(" "),
                Some(status),
            );
        }
    }
    (text.to_string(), None)
}

fn owner_in(text: &str) -> (String, Option<String>) {
    let lower = text.to_lowercase();
    for key in ["owner:", "owners:", "assignee:", "assigned to:", "owned by"] {
        if let Some(pos) = lower.find(key) {
            let value = text.get(pos + key.len()..).unwrap_or("");
            let value: String = value
                .trim_start_matches([':', ' '])
                .chars()
                .take_while(|c| !matches!(c, ')' | ',' | ';' | '.' | ']' | '|'))
                .collect();
            let value = value
                .split(" - ")
                .next()
                .unwrap_or("")
                .split(" – ")
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let mut task = text.get(..pos).unwrap_or("").trim().to_string();
            task = task
                .trim_end_matches(['(', '[', '-', '—', ',', ' '])
                .to_string();
            if !value.is_empty() && value.chars().count() <= 40 {
                return (task, Some(value));
            }
        }
    }
    (text.to_string(), None)
}

/// Reads the action items of the document.
pub(crate) fn extract(
    lines: &[Line],
    raw_lines: &[&str],
    sections: &[Section],
    order: DayOrder,
) -> Vec<ActionItem> {
    let mut out: Vec<ActionItem> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut push = |out: &mut Vec<ActionItem>, item: ActionItem| {
        let key = item.task.to_lowercase();
        if item.task.chars().count() >= 4 && seen.insert(key) {
            out.push(item);
        }
    };
    // A section called "Action items" or "Actions" is the list; beside one, sections of
    // suggestions are ideas, not follow-ups.
    let explicit = |s: &Section| {
        let t = s.title.to_lowercase();
        let t = t
            .trim()
            .trim_end_matches([':', ' '])
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ' || c == '#');
        s.kind == Kind::Actions
            && (t.starts_with("action item")
                || t.starts_with("action point")
                || matches!(
                    t,
                    "actions" | "corrective actions" | "follow-up actions" | "follow up actions"
                ))
    };
    let any_explicit = sections.iter().any(explicit);
    let level = |s: &Section| {
        s.heading
            .and_then(|h| lines.get(h))
            .and_then(|l| l.heading)
            .unwrap_or(7)
    };
    // The level of the explicit action section we are in (its sub-sections belong to it).
    let mut explicit_level: Option<u8> = None;
    // The level of the action section whose sub-sections we are in.
    let mut actions_level: Option<u8> = None;
    for section in sections {
        let sub_section =
            section.kind == Kind::Actions && actions_level.is_some_and(|l| level(section) > l);
        if section.kind != Kind::Actions || !sub_section {
            actions_level = (section.kind == Kind::Actions).then(|| level(section));
        }
        if explicit(section) {
            explicit_level = Some(level(section));
        } else if explicit_level.is_some_and(|l| level(section) <= l) {
            explicit_level = None;
        }
        // Beside an explicit list, a section of suggestions ("Possible improvements",
        // "Recommendations") holds ideas; other follow-up sections still count.
        let suggestions = {
            let t = section.title.to_lowercase();
            phrases::SUGGESTION_TITLES.iter().any(|w| t.contains(w))
        };
        let in_actions = section.kind == Kind::Actions
            && (!any_explicit || explicit_level.is_some() || !suggestions);
        let section_lines = lines.get(section.lines.clone()).unwrap_or(&[]);
        // Where the section lists its items, a plain line is an introduction or the
        // wrapped end of the item above, not an item of its own.
        let listed = section_lines
            .iter()
            .any(|l| !l.code && (l.item || l.task.is_some()));
        // Without markers, lines are items only when they read as an unmarked list: at
        // least two, each one short line; paragraphs of prose describe, they do not list.
        let plain: Vec<&Line> = section_lines
            .iter()
            .filter(|l| !l.code && !l.is_blank() && l.cells.is_none() && l.heading.is_none())
            .collect();
        // A line that goes on in lower case right under the one before is a paragraph
        // wrapped by hand, not a list.
        let wrapped = plain.windows(2).any(|w| {
            w.get(1).is_some_and(|next| {
                w.first().is_some_and(|l| l.src + 1 == next.src)
                    && next.text.starts_with(|c: char| c.is_lowercase())
            })
        });
        let unmarked_list = plain.len() >= 2
            && !wrapped
            && plain.iter().all(|l| {
                l.text.chars().count() <= 300 && super::text::sentences(&l.text).len() <= 2
            });
        // A sub-heading of the action items with only prose beneath ("## Removal of the
        // `--trust` flag", then why and how) is one item: the heading says what will change.
        if in_actions
            && sub_section
            && !listed
            && !unmarked_list
            && plain
                .iter()
                .map(|l| l.text.split_whitespace().count())
                .sum::<usize>()
                >= 8
            && section_lines.iter().all(|l| l.cells.is_none())
        {
            let task = section.title.trim().trim_end_matches(':').to_string();
            let src = section
                .heading
                .and_then(|h| lines.get(h))
                .map_or(0, |l| l.src);
            push(
                &mut out,
                ActionItem {
                    task,
                    owner: None,
                    status: "open",
                    due: None,
                    link: None,
                    src,
                },
            );
            continue;
        }
        let mut header: Option<Columns> = None;
        // The last item at the outermost level: its indent, and whether it was taken (a
        // label such as "Monitoring:" is not; its sub-items are the tasks).
        let mut parent: Option<(usize, bool)> = None;
        let mut after_item = false;
        for line in section_lines {
            if line.cells.as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            // A list item that is only a link cleans to nothing; it is still an item.
            let link_only_item = (line.item || line.task.is_some())
                && line.is_blank()
                && raw_lines
                    .get(line.src)
                    .and_then(|raw| link_of(raw))
                    .is_some();
            if (line.code || line.is_blank()) && !link_only_item {
                if line.is_blank() {
                    header = None;
                    after_item = false;
                }
                continue;
            }
            let text = line.text.trim();
            // TODO: / DONE: / Action point: lines anywhere but in a timeline; in an appendix
            // only an explicit "Action point:" (a TODO there is a note on the document).
            let action_point = text.to_lowercase().starts_with("action");
            let prefixed = match section.kind {
                Kind::Timeline => None,
                Kind::Appendix if !action_point => None,
                _ => status_prefix(text),
            };
            if let Some((status, task)) = prefixed {
                let (task, owner) = owner_in(&task);
                push(
                    &mut out,
                    ActionItem {
                        task,
                        owner,
                        status,
                        due: None,
                        link: None,
                        src: line.src,
                    },
                );
                continue;
            }
            if !in_actions {
                continue;
            }
            if let Some(cells) = &line.cells {
                match &header {
                    None => {
                        header = columns(cells);
                        if header.is_none() {
                            // A table without a header we understand: first cell is the task.
                            header = Some(Columns {
                                task: Some(0),
                                ..Columns::default()
                            });
                            if let Some(item) = row_item(cells, header.as_ref(), order, line.src) {
                                push(&mut out, item);
                            }
                        }
                    }
                    Some(cols) => {
                        if let Some(item) = row_item(cells, Some(cols), order, line.src) {
                            push(&mut out, item);
                        }
                    }
                }
                continue;
            }
            header = None;
            if line.heading.is_some() || line.italic {
                continue;
            }
            // "Deadline: 2024-09-01" for the item above.
            let lower = text.to_lowercase();
            if lower.starts_with("deadline")
                || lower.starts_with("due date")
                || lower.starts_with("due:")
            {
                if let (Some(last), Some(d)) = (out.last_mut(), find_dates(text, order).first())
                    && let Some(date) = d.value.full()
                {
                    last.due = Some(date);
                }
                continue;
            }
            let is_item = line.item || line.task.is_some();
            if in_actions && reads_as_finding(text) {
                continue;
            }
            if listed && !is_item {
                if after_item && let Some(last) = out.last_mut() {
                    last.task = format!("{} {}", last.task, text);
                }
                continue;
            }
            let nested_under = parent.filter(|(indent, _)| is_item && line.indent > *indent);
            if let Some((_, taken)) = nested_under {
                // A detail of the item above, or a task under a label.
                if taken {
                    continue;
                }
            } else if is_item {
                parent = Some((line.indent, !is_filler(text)));
            }
            after_item = is_item;
            if is_filler(text) {
                after_item = false;
                continue;
            }
            // A task that is only a link ("- [ ] https://tracker/issues/6477") is that link.
            let link_only = (text.chars().count() < 8)
                .then(|| raw_lines.get(line.src).and_then(|raw| link_of(raw)))
                .flatten();
            if let Some(link) = link_only {
                push(
                    &mut out,
                    ActionItem {
                        task: link.clone(),
                        owner: None,
                        status: if line.task == Some(true) {
                            "done"
                        } else {
                            "open"
                        },
                        due: None,
                        link: Some(link),
                        src: line.src,
                    },
                );
                continue;
            }
            let plain_ok = is_item || unmarked_list;
            if !plain_ok || text.chars().count() < 8 {
                continue;
            }
            let mut status = match line.task {
                Some(true) => "done",
                _ => "open",
            };
            let (task, inline) = inline_status(&strip_task_label(text));
            if let Some(s) = inline
                && line.task != Some(true)
            {
                status = s;
            }
            let due = due_in(&task, order);
            let (task, owner) = owner_in(&task);
            let task = if due.is_some() {
                strip_due(&task)
            } else {
                task
            };
            push(
                &mut out,
                ActionItem {
                    task: task.trim().to_string(),
                    owner,
                    status,
                    due,
                    link: None,
                    src: line.src,
                },
            );
        }
    }
    out
}

fn status_prefix(text: &str) -> Option<(&'static str, String)> {
    for (word, status) in [
        ("TODO", "open"),
        ("DONE", "done"),
        ("DOING", "in-progress"),
        ("IN PROGRESS", "in-progress"),
        ("WONTFIX", "wont-do"),
        ("Action point", "open"),
        ("Action Point", "open"),
        ("ACTION POINT", "open"),
        ("Action item", "open"),
        ("Action Item", "open"),
        ("ACTION ITEM", "open"),
        ("ACTION", "open"),
    ] {
        if let Some(rest) = text.strip_prefix(word) {
            let rest = rest.trim_start();
            if let Some(rest) = rest.strip_prefix(':') {
                let task = rest.trim().to_string();
                if task.chars().count() >= 4 {
                    return Some((status, task));
                }
            }
        }
    }
    None
}

/// Removes a trailing "- Due: 2022-10-01" from a task.
fn strip_due(task: &str) -> String {
    let lower = task.to_lowercase();
    match ["due:", "due ", "deadline:"]
        .iter()
        .filter_map(|w| lower.rfind(w))
        .max()
    {
        Some(pos) if pos > 0 => task
            .get(..pos)
            .unwrap_or(task)
            .trim_end_matches(['(', '[', '-', '—', '–', ',', ' '])
            .to_string(),
        _ => task.to_string(),
    }
}

fn due_in(text: &str, order: DayOrder) -> Option<Date> {
    let lower = text.to_lowercase();
    let pos = ["due ", "deadline", "by "]
        .iter()
        .filter_map(|w| lower.find(w))
        .min()?;
    find_dates(text.get(pos..).unwrap_or(""), order)
        .first()
        .and_then(|d| d.value.full())
}

fn row_item(
    cells: &[String],
    cols: Option<&Columns>,
    order: DayOrder,
    src: usize,
) -> Option<ActionItem> {
    let cols = cols?;
    let get = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|c| c.trim().to_string());
    let task = get(cols.task)?;
    if task.is_empty() || task.eq_ignore_ascii_case("none") {
        return None;
    }
    let owner = get(cols.owner).filter(|o| !o.is_empty() && o.chars().count() <= 60);
    let status_cell = get(cols.status);
    let mut status = status_cell.as_deref().and_then(status_of);
    if status.is_none() && cols.status.is_none() {
        // A "Notes" column that only says "Done".
        status = cells.iter().find_map(|c| status_of(c));
    }
    let link = status_cell
        .as_deref()
        .and_then(link_of)
        .or_else(|| get(cols.link).as_deref().and_then(link_of));
    let due =
        get(cols.due).and_then(|d| find_dates(&d, order).first().and_then(|m| m.value.full()));
    Some(ActionItem {
        task,
        owner,
        status: status.unwrap_or("open"),
        due,
        link,
        src,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::sections::split;
    use crate::import::text::lines;

    fn items(doc: &str) -> Vec<ActionItem> {
        let ls = lines(doc);
        let secs = split(&ls);
        extract(&ls, &[], &secs, DayOrder::Unknown)
    }

    #[test]
    fn lists_task_lists_and_tables() {
        let got = items(
            "## Action Items\n- [ ] Add replicas (in progress)\n- [x] Rotate keys\n* Alert on auth failures (owner: sre)\nDeadline: 2024-09-01\n\n| Action Item | Owner | Status |\n|---|---|---|\n| Revert driver | olivier | **DONE** |\n| Open ticket | charles | TODO |\n\n## Lessons\n- not an item\n**TODO**: monitor systemd\n",
        );
        let tasks: Vec<(&str, &str, Option<&str>)> = got
            .iter()
            .map(|i| (i.task.as_str(), i.status, i.owner.as_deref()))
            .collect();
        assert_eq!(
            tasks,
            [
                ("Add replicas", "in-progress", None),
                ("Rotate keys", "done", None),
                ("Alert on auth failures", "open", Some("sre")),
                ("Revert driver", "done", Some("olivier")),
                ("Open ticket", "open", Some("charles")),
                ("monitor systemd", "open", None),
            ]
        );
        assert_eq!(got[2].due, Some(Date::constant(2024, 9, 1)));
    }
}
