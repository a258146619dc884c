//! `hindsight stats`: the figures of `/insights/` as aligned text tables or as JSON.
//!
//! Both come from [`Site::insights`], the same values the insights page draws, so the
//! terminal and the site never disagree. This module only builds strings; `cli` prints.

use std::fmt::Write as _;

use jiff::SignedDuration;

use crate::content::time::format_duration;
use crate::site::insights::MetricRow;
use crate::site::{DurationStats, Site};

/// The insights as pretty JSON (see `Insights` for the shape; durations in seconds).
pub fn json(site: &Site) -> String {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        title: &'a str,
        #[serde(flatten)]
        insights: &'a crate::site::Insights,
    }
    let report = Report {
        title: &site.config.title,
        insights: &site.insights,
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// The insights as aligned plain-text tables.
pub fn text(site: &Site) -> String {
    let i = &site.insights;
    let mut out = String::new();
    let span = match (i.months.first(), i.months.last()) {
        (Some(a), Some(b)) if a.month != b.month => format!(", {} to {}", a.month, b.month),
        (Some(a), _) => format!(", {}", a.month),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{}: {} postmortem{}{span}",
        site.config.title,
        i.postmortems,
        plural(i.postmortems)
    );
    if i.postmortems == 0 {
        return out;
    }
    let m = i.missing;
    let _ = writeln!(
        out,
        "Figures use only postmortems with the timestamps: TTD from {}, TTA from {}, TTM from {}, TTR from {} of {}.",
        i.postmortems - m.ttd,
        i.postmortems - m.tta,
        i.postmortems - m.ttm,
        i.postmortems - m.ttr,
        i.postmortems
    );
    if m.started > 0 {
        let _ = writeln!(
            out,
            "{} lack `started`, so none of their durations is known.",
            m.started
        );
    }

    section(&mut out, "Incidents and downtime by primary root cause");
    let rows = i
        .causes
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.incidents.to_string(),
                pct(c.incident_share),
                if c.with_duration > 0 {
                    format!(
                        "{} ({})",
                        format_duration(SignedDuration::from_secs(c.downtime_seconds)),
                        c.with_duration
                    )
                } else {
                    "—".to_string()
                },
                pct(c.downtime_share),
            ]
        })
        .collect();
    table(
        &mut out,
        &["Root cause", "Incidents", "Share", "Downtime (n)", "Share"],
        rows,
    );

    section(
        &mut out,
        "Median / p90 (n), measured from the start of impact",
    );
    let metric_rows = |rows: &[MetricRow]| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| {
                let mut row = vec![r.name.clone(), r.incidents.to_string()];
                row.extend([&r.ttd, &r.tta, &r.ttm, &r.ttr].map(figure));
                row
            })
            .collect()
    };
    for (n, (title, rows)) in [
        ("All", std::slice::from_ref(&i.overall)),
        ("Root cause", i.by_root_cause.as_slice()),
        ("Service", i.by_service.as_slice()),
        ("Severity", i.by_severity.as_slice()),
    ]
    .into_iter()
    .enumerate()
    {
        if n > 0 {
            out.push('\n');
        }
        table(
            &mut out,
            &[title, "Incidents", "TTD", "TTA", "TTM", "TTR"],
            metric_rows(rows),
        );
    }

    section(
        &mut out,
        "Recurring causes (root cause × service, more than once)",
    );
    if i.recurring.is_empty() {
        out.push_str("None.\n");
    } else {
        let rows = i
            .recurring
            .iter()
            .map(|r| {
                vec![
                    r.root_cause_name.clone(),
                    r.service_name.clone(),
                    r.count.to_string(),
                    r.last_seen.map(|d| d.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &mut out,
            &["Root cause", "Service", "Incidents", "Last seen"],
            rows,
        );
    }

    section(&mut out, "Time to resolve per quarter");
    let rows = i
        .quarters
        .iter()
        .map(|q| {
            vec![
                q.quarter.clone(),
                q.incidents.to_string(),
                duration(q.ttr.median),
                duration(q.ttr.p90),
                q.ttr.count.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        &["Quarter", "Incidents", "Median", "p90", "n"],
        rows,
    );

    section(&mut out, "Incidents per month (months with incidents)");
    let rows = i
        .months
        .iter()
        .filter(|m| m.total > 0)
        .map(|m| {
            let mix: Vec<String> = m
                .by_cause
                .iter()
                .filter_map(|c| {
                    i.causes
                        .get(c.series)
                        .map(|s| format!("{} {}", s.name, c.count))
                })
                .collect();
            vec![m.month.clone(), m.total.to_string(), mix.join(", ")]
        })
        .collect();
    table(&mut out, &["Month", "Incidents", "By root cause"], rows);
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn section(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n{title}\n{}", "─".repeat(title.chars().count()));
}

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn duration(d: Option<SignedDuration>) -> String {
    d.map(format_duration).unwrap_or_else(|| "—".to_string())
}

/// `45m / 2h (3)`, or `— (0)` without data.
fn figure(stats: &DurationStats) -> String {
    match (stats.median, stats.p90) {
        (Some(median), Some(p90)) => format!(
            "{} / {} ({})",
            format_duration(median),
            format_duration(p90),
            stats.count
        ),
        _ => "— (0)".to_string(),
    }
}

/// Writes `rows` under `headers`, columns padded to their widest cell; the first column
/// is left-aligned, the others right-aligned (they hold figures).
fn table(out: &mut String, headers: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: Vec<&str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            let pad = " ".repeat(width.saturating_sub(cell.chars().count()));
            if i == 0 {
                text.push_str(cell);
                text.push_str(&pad);
            } else {
                text.push_str("  ");
                text.push_str(&pad);
                text.push_str(cell);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(out, headers.to_vec());
    for row in &rows {
        line(out, row.iter().map(String::as_str).collect());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let mut out = String::new();
        table(
            &mut out,
            &["Name", "N"],
            vec![
                vec!["Configuration".to_string(), "3".to_string()],
                vec!["Capacity".to_string(), "12".to_string()],
            ],
        );
        assert_eq!(
            out,
            "Name            N\nConfiguration   3\nCapacity       12\n"
        );
    }
}
