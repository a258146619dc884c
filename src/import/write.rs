//! The writer: the front matter of an imported postmortem, in the schema's own words, with
//! each value's evidence as a YAML comment on its line
//! (`started: 2024-08-14T14:30:00+01:00  # line 7: "from 2:30 PM to 3:15 PM (GMT+1)"`),
//! and the same values listed in the report. Comments are what YAML ignores, so `check`
//! and `build` read the file as if they were not there; `# line` marks every one, for a
//! reviewer to find and delete.

use crate::content::postmortem::{ActionStatus, Detection, Status};

use super::actions::ActionItem;
use super::decide::{Milestone, Times};
use super::evidence::{Evidence, Report, Value};

/// The fields that are not times, each with its evidence where it has one.
#[derive(Debug, Default)]
pub(super) struct Fields {
    pub(super) title: String,
    pub(super) severity: Option<(String, Evidence)>,
    pub(super) services: Vec<String>,
    pub(super) root_cause: Option<(String, String)>,
    pub(super) detection: Option<Detection>,
    pub(super) impact_summary: Option<String>,
    pub(super) users_affected_pct: Option<(f64, Evidence)>,
    pub(super) action_items: Vec<(ActionItem, Evidence)>,
}

/// A YAML scalar for `text`: plain where that reads back as the same string, quoted
/// otherwise (serde_yaml decides), always on one line.
fn scalar(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    serde_yaml::to_string(&one_line)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| format!("{one_line:?}"))
}

/// The front matter's lines, each value's comment beside it, and the report's values.
struct Writer<'a> {
    yaml: String,
    report: &'a mut Report,
}

impl Writer<'_> {
    fn line(&mut self, text: &str, evidence: Option<&Evidence>) {
        self.yaml.push_str(text);
        if let Some(e) = evidence {
            self.yaml.push_str("  # ");
            self.yaml.push_str(&comment(e));
        }
        self.yaml.push('\n');
    }

    fn value(&mut self, field: &str, value: &str, evidence: Option<&Evidence>) {
        self.line(&format!("{field}: {}", scalar(value)), evidence);
        self.report.values.push(Value {
            field: field.to_string(),
            value: value.to_string(),
            evidence: evidence.cloned(),
        });
    }

    fn milestone(&mut self, field: &str, m: &Option<Milestone>) {
        if let Some(m) = m {
            self.value(field, &m.at.rfc3339(), Some(&m.evidence));
        }
    }
}

/// `line 7: "..."`, or `file name: "..."` for what the file's name says.
fn comment(e: &Evidence) -> String {
    if e.line == 0 {
        format!("file name: {}", super::evidence::quote(&e.quote))
    } else {
        e.describe()
    }
}

/// `2h 30m`, `45m`, `1d 4h`: the schema's duration.
pub(crate) fn schema_duration(d: jiff::SignedDuration) -> String {
    let minutes = d.as_secs().max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins}m"));
    }
    parts.join(" ")
}

/// Writes the front matter (without its `---` fences) and fills the report's values.
pub(super) fn front_matter(fields: &Fields, times: &Times, report: &mut Report) -> String {
    let mut w = Writer {
        yaml: String::new(),
        report,
    };
    w.value("title", &fields.title, None);
    if let Some((date, evidence)) = &times.date {
        w.value("date", &date.to_string(), Some(evidence));
    }
    w.milestone("started", &times.started);
    w.milestone("detected", &times.detected);
    w.milestone("acknowledged", &times.acknowledged);
    w.milestone("mitigated", &times.mitigated);
    w.milestone("resolved", &times.resolved);
    if let Some((d, evidence)) = &times.duration {
        w.value("duration", &schema_duration(*d), Some(evidence));
    } else if let (Some(s), Some(e)) = (&times.started, &times.resolved) {
        let d = schema_duration(e.at.at.duration_since(s.at.at));
        w.report
            .note(format!("duration: {d} from started to resolved"));
    }
    if let Some((severity, evidence)) = &fields.severity {
        w.value("severity", severity, Some(evidence));
    }
    // An import needs a person's review before it is published.
    w.value("status", Status::Review.as_str(), None);
    if !fields.services.is_empty() {
        let list: Vec<String> = fields.services.iter().map(|s| scalar(s)).collect();
        w.line(&format!("services: [{}]", list.join(", ")), None);
        w.report.values.push(Value {
            field: "services".into(),
            value: fields.services.join(", "),
            evidence: None,
        });
    }
    if let Some((key, words)) = &fields.root_cause {
        w.line(
            &format!("root_cause: {}  # words: {words}", scalar(key)),
            None,
        );
        w.report.values.push(Value {
            field: "root_cause".into(),
            value: key.clone(),
            evidence: None,
        });
    }
    if let Some(detection) = fields.detection {
        w.value("detection", detection.as_str(), None);
    }
    if fields.impact_summary.is_some() || fields.users_affected_pct.is_some() {
        w.line("impact:", None);
        if let Some(summary) = &fields.impact_summary {
            w.line(&format!("  summary: {}", scalar(summary)), None);
        }
        if let Some((pct, evidence)) = &fields.users_affected_pct {
            let pct = if pct.fract() == 0.0 {
                format!("{pct:.0}")
            } else {
                pct.to_string()
            };
            w.line(&format!("  users_affected_pct: {pct}"), Some(evidence));
            w.report.values.push(Value {
                field: "impact.users_affected_pct".into(),
                value: pct,
                evidence: Some(evidence.clone()),
            });
        }
    }
    timeline(&mut w, times);
    action_items(&mut w, &fields.action_items);
    w.yaml
}

fn timeline(w: &mut Writer<'_>, times: &Times) {
    if times.timeline.is_empty() {
        return;
    }
    w.line("timeline:", None);
    for (e, evidence) in &times.timeline {
        let at = if e.day_only {
            e.at.date().to_string()
        } else {
            e.at.rfc3339()
        };
        w.line(&format!("  - at: {at}"), Some(evidence));
        w.line(&format!("    kind: {}", e.kind.as_str()), None);
        w.line(&format!("    event: {}", scalar(&e.text)), None);
    }
    w.report.values.push(Value {
        field: "timeline".into(),
        value: format!("{} entries", times.timeline.len()),
        evidence: None,
    });
}

fn action_items(w: &mut Writer<'_>, items: &[(ActionItem, Evidence)]) {
    if items.is_empty() {
        return;
    }
    w.line("action_items:", None);
    for (item, evidence) in items {
        w.line(&format!("  - task: {}", scalar(&item.task)), Some(evidence));
        if let Some(owner) = &item.owner {
            w.line(&format!("    owner: {}", scalar(owner)), None);
        }
        let status = ActionStatus::parse(item.status).unwrap_or(ActionStatus::Open);
        w.line(&format!("    status: {}", status.as_str()), None);
        if let Some(due) = item.due {
            w.line(&format!("    due: {due}"), None);
        }
        if let Some(link) = &item.link {
            w.line(&format!("    link: {}", scalar(link)), None);
        }
    }
    let open = items.iter().filter(|(i, _)| i.status == "open").count();
    w.report.values.push(Value {
        field: "action_items".into(),
        value: format!("{} ({open} open)", items.len()),
        evidence: None,
    });
}
