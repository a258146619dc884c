//! The `/insights/` page value: the [`Insights`] of the site, formatted, with its charts
//! drawn by [`charts`] and a table of the same figures beside each chart.
//!
//! Shapes are documented for theme authors in `themes/default/CONTEXT.md` (`insights`).

use jiff::SignedDuration;
use serde::Serialize;

use super::charts::{self, ChartText, DurationColumn, Series, ShareBar, StackedColumn};
use super::view::{DurationView, TermRef, Views, color_class};
use crate::content::time::format_duration;
use crate::site::insights::{Insights, MetricRow, NO_ROOT_CAUSE};
use crate::site::{DurationStats, Site};

/// Class of the "no root cause" series.
const NO_CAUSE_CLASS: &str = "rc-none";

/// `insights` in `insights.html`.
#[derive(Debug, Clone, Serialize)]
pub struct InsightsView {
    /// Postmortems covered.
    pub postmortems: usize,
    /// The root causes of the charts, in stacking order, with their colours.
    pub legend: Vec<LegendEntry>,
    /// Incidents per month stacked by primary root cause (safe SVG).
    pub months_svg: String,
    /// The months that had incidents, oldest first, with a count per legend entry.
    pub months: Vec<MonthRow>,
    /// Share of incidents and of downtime by primary root cause (safe SVG).
    pub shares_svg: String,
    /// One row per legend entry.
    pub shares: Vec<ShareRow>,
    /// Sum of every known time to resolve.
    pub total_downtime: Option<DurationView>,
    /// Postmortems the downtime comes from.
    pub downtime_count: usize,
    /// TTD/TTA/TTM/TTR over the whole library.
    pub overall: MetricRowView,
    /// The same by root cause, by service and by severity.
    pub groups: Vec<MetricGroup>,
    /// Root cause × service pairs seen more than once.
    pub recurring: Vec<RecurrenceView>,
    /// Median time to resolve per quarter (safe SVG).
    pub quarters_svg: String,
    /// Every quarter from the first incident's to the last one's, oldest first.
    pub quarters: Vec<QuarterView>,
    /// Postmortems lacking each figure's timestamps.
    pub missing: MissingView,
}

/// A root cause of the charts.
#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    /// Key, empty for "No root cause".
    pub key: String,
    /// Name.
    pub name: String,
    /// Colour class (`rc-3`, or `rc-none`).
    pub color: String,
    /// Root-cause page, empty for "No root cause".
    pub url: String,
}

/// A month of the table beside the month chart.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// `2024-08`.
    pub key: String,
    /// `August 2024`.
    pub label: String,
    /// Incidents per legend entry, in legend order.
    pub counts: Vec<usize>,
    /// All incidents of the month.
    pub total: usize,
}

/// A row of the shares table.
#[derive(Debug, Clone, Serialize)]
pub struct ShareRow {
    /// The root cause.
    pub cause: LegendEntry,
    /// Incidents with this primary root cause.
    pub incidents: usize,
    /// `36%`.
    pub incident_pct: String,
    /// Their summed time to resolve, or null when none has one.
    pub downtime: Option<DurationView>,
    /// `12%`.
    pub downtime_pct: String,
    /// How many of the incidents have a time to resolve.
    pub with_duration: usize,
}

/// A table of time-to-x figures.
#[derive(Debug, Clone, Serialize)]
pub struct MetricGroup {
    /// `root-cause`, `service`, `severity`: used for ids.
    pub key: &'static str,
    /// `By root cause`.
    pub title: &'static str,
    /// Header of the first column (`Root cause`).
    pub label: &'static str,
    /// One row per group.
    pub rows: Vec<MetricRowView>,
}

/// The figures of one group.
#[derive(Debug, Clone, Serialize)]
pub struct MetricRowView {
    /// Key (root cause, service, severity name, `all`).
    pub key: String,
    /// Name.
    pub name: String,
    /// The group's page, or empty.
    pub url: String,
    /// Colour class (root causes), or empty.
    pub color: String,
    /// Postmortems in the group.
    pub incidents: usize,
    /// TTD, TTA, TTM, TTR, in that order.
    pub figures: Vec<FigureView>,
}

/// Median and p90 of one metric, with the count behind them.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// `TTD`.
    pub abbr: &'static str,
    /// `Time to detect`.
    pub label: &'static str,
    /// Median, or null without data.
    pub median: Option<DurationView>,
    /// 90th percentile, or null.
    pub p90: Option<DurationView>,
    /// Postmortems with this metric.
    pub count: usize,
}

/// A recurring root cause × service pair.
#[derive(Debug, Clone, Serialize)]
pub struct RecurrenceView {
    /// The root cause.
    pub root_cause: TermRef,
    /// The service.
    pub service: TermRef,
    /// Postmortems naming both.
    pub count: usize,
    /// The most recent one's date, `14 Aug 2024`.
    pub last_seen: String,
    /// ISO date of the same.
    pub last_seen_iso: String,
    /// The most recent postmortems ([`RECURRING_SHOWN`] at most), most recent first.
    pub postmortems: Vec<PostmortemLink>,
    /// How many more there are (on the root-cause and service pages).
    pub more: usize,
}

/// Postmortems listed per recurring pair; a big library repeats the same pair hundreds of
/// times, and the root-cause and service pages list them all.
pub const RECURRING_SHOWN: usize = 5;

/// A link to a postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct PostmortemLink {
    /// Page URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// `14 Aug 2024`.
    pub date_display: String,
    /// ISO date.
    pub date: String,
}

/// A quarter of the MTTR trend.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterView {
    /// `2024-Q3`.
    pub key: String,
    /// `Q3 2024`.
    pub label: String,
    /// Incidents in the quarter.
    pub incidents: usize,
    /// Median time to resolve, or null.
    pub median: Option<DurationView>,
    /// 90th percentile, or null.
    pub p90: Option<DurationView>,
    /// Incidents with a time to resolve.
    pub count: usize,
}

/// How many postmortems lack each figure's timestamps.
#[derive(Debug, Clone, Serialize)]
pub struct MissingView {
    /// All postmortems.
    pub total: usize,
    /// Without `started`.
    pub started: usize,
    /// One row per metric: `{ abbr, label, missing, present }`.
    pub metrics: Vec<MissingMetric>,
    /// True when every postmortem has every timestamp.
    pub none: bool,
}

/// Postmortems without one metric.
#[derive(Debug, Clone, Serialize)]
pub struct MissingMetric {
    /// `TTR`.
    pub abbr: &'static str,
    /// `Time to resolve`.
    pub label: &'static str,
    /// The milestone it needs besides `started`.
    pub milestone: &'static str,
    /// Postmortems without it.
    pub missing: usize,
    /// Postmortems with it.
    pub present: usize,
}

const METRICS: [(&str, &str, &str); 4] = [
    ("TTD", "Time to detect", "detected"),
    ("TTA", "Time to acknowledge", "acknowledged"),
    ("TTM", "Time to mitigate", "mitigated"),
    ("TTR", "Time to resolve", "resolved"),
];

impl InsightsView {
    /// Formats the site's insights and draws the charts.
    pub fn new(site: &Site, views: &Views<'_>) -> Self {
        let insights = &site.insights;
        let legend: Vec<LegendEntry> = insights
            .causes
            .iter()
            .map(|c| match &c.key {
                Some(key) => {
                    let term = views.root_cause_ref(key);
                    LegendEntry {
                        key: term.key,
                        name: term.name,
                        color: term.color,
                        url: term.url,
                    }
                }
                None => LegendEntry {
                    key: String::new(),
                    name: NO_ROOT_CAUSE.to_string(),
                    color: NO_CAUSE_CLASS.to_string(),
                    url: String::new(),
                },
            })
            .collect();
        let series: Vec<Series> = legend
            .iter()
            .map(|l| Series {
                key: l.key.clone(),
                name: l.name.clone(),
                class: if l.color.is_empty() {
                    NO_CAUSE_CLASS.to_string()
                } else {
                    l.color.clone()
                },
            })
            .collect();
        let total_downtime: i64 = insights.causes.iter().map(|c| c.downtime_seconds).sum();
        let downtime_count: usize = insights.causes.iter().map(|c| c.with_duration).sum();
        Self {
            postmortems: insights.postmortems,
            months_svg: months_chart(insights, &series),
            months: insights
                .months
                .iter()
                .filter(|m| m.total > 0)
                .map(|m| {
                    let mut counts = vec![0; legend.len()];
                    for c in &m.by_cause {
                        if let Some(slot) = counts.get_mut(c.series) {
                            *slot = c.count;
                        }
                    }
                    MonthRow {
                        key: m.month.clone(),
                        label: month_label(m.year, m.number),
                        counts,
                        total: m.total,
                    }
                })
                .collect(),
            shares_svg: shares_chart(insights, &series),
            shares: insights
                .causes
                .iter()
                .zip(&legend)
                .map(|(c, entry)| ShareRow {
                    cause: entry.clone(),
                    incidents: c.incidents,
                    incident_pct: percent(c.incident_share),
                    downtime: (c.with_duration > 0)
                        .then(|| DurationView::new(SignedDuration::from_secs(c.downtime_seconds))),
                    downtime_pct: percent(c.downtime_share),
                    with_duration: c.with_duration,
                })
                .collect(),
            total_downtime: (downtime_count > 0)
                .then(|| DurationView::new(SignedDuration::from_secs(total_downtime))),
            downtime_count,
            legend,
            overall: metric_row(&insights.overall, String::new(), String::new()),
            groups: vec![
                MetricGroup {
                    key: "root-cause",
                    title: "By root cause",
                    label: "Root cause",
                    rows: insights
                        .by_root_cause
                        .iter()
                        .map(|r| {
                            metric_row(
                                r,
                                views.url(&crate::urls::term(crate::urls::ROOT_CAUSES, &r.key)),
                                color_class(r.color),
                            )
                        })
                        .collect(),
                },
                MetricGroup {
                    key: "service",
                    title: "By service",
                    label: "Service",
                    rows: insights
                        .by_service
                        .iter()
                        .map(|r| {
                            metric_row(
                                r,
                                views.url(&crate::urls::term(crate::urls::SERVICES, &r.key)),
                                String::new(),
                            )
                        })
                        .collect(),
                },
                MetricGroup {
                    key: "severity",
                    title: "By severity",
                    label: "Severity",
                    rows: insights
                        .by_severity
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let url = super::page::List::Severity(i).url(site);
                            metric_row(r, url, String::new())
                        })
                        .collect(),
                },
            ],
            recurring: insights
                .recurring
                .iter()
                .map(|r| RecurrenceView {
                    root_cause: views.root_cause_ref(&r.root_cause),
                    service: views.service_ref(&r.service),
                    count: r.count,
                    last_seen: r
                        .last_seen
                        .map(|d| d.strftime("%-d %b %Y").to_string())
                        .unwrap_or_default(),
                    last_seen_iso: r.last_seen.map(|d| d.to_string()).unwrap_or_default(),
                    more: r.postmortems.len().saturating_sub(RECURRING_SHOWN),
                    postmortems: r
                        .postmortems
                        .iter()
                        .take(RECURRING_SHOWN)
                        .map(|id| {
                            let s = views.summary(*id);
                            PostmortemLink {
                                url: s.url.clone(),
                                title: s.title.clone(),
                                date_display: s.date_display.clone(),
                                date: s.date.clone(),
                            }
                        })
                        .collect(),
                })
                .collect(),
            quarters_svg: quarters_chart(insights),
            quarters: insights
                .quarters
                .iter()
                .map(|q| QuarterView {
                    key: q.quarter.clone(),
                    label: format!("Q{} {}", q.number, q.year),
                    incidents: q.incidents,
                    median: q.ttr.median.map(DurationView::new),
                    p90: q.ttr.p90.map(DurationView::new),
                    count: q.ttr.count,
                })
                .collect(),
            missing: missing_view(insights),
        }
    }
}

fn metric_row(row: &MetricRow, url: String, color: String) -> MetricRowView {
    let figure =
        |(abbr, label, _): (&'static str, &'static str, &str), stats: &DurationStats| FigureView {
            abbr,
            label,
            median: stats.median.map(DurationView::new),
            p90: stats.p90.map(DurationView::new),
            count: stats.count,
        };
    MetricRowView {
        key: row.key.clone(),
        name: row.name.clone(),
        url,
        color,
        incidents: row.incidents,
        figures: METRICS
            .into_iter()
            .zip([&row.ttd, &row.tta, &row.ttm, &row.ttr])
            .map(|(m, stats)| figure(m, stats))
            .collect(),
    }
}

fn missing_view(insights: &Insights) -> MissingView {
    let m = insights.missing;
    let total = insights.postmortems;
    MissingView {
        total,
        started: m.started,
        none: m.ttd + m.tta + m.ttm + m.ttr == 0,
        metrics: METRICS
            .into_iter()
            .zip([m.ttd, m.tta, m.ttm, m.ttr])
            .map(|((abbr, label, milestone), missing)| MissingMetric {
                abbr,
                label,
                milestone,
                missing,
                present: total - missing.min(total),
            })
            .collect(),
    }
}

/// `36%`; below 1% (but above 0) `<1%`, so a small share never reads as nothing.
fn percent(share: f64) -> String {
    let pct = share * 100.0;
    if pct > 0.0 && pct < 1.0 {
        "<1%".to_string()
    } else {
        format!("{pct:.0}%")
    }
}

fn month_label(year: i16, month: i8) -> String {
    jiff::civil::Date::new(year, month, 1)
        .map(|d| d.strftime("%B %Y").to_string())
        .unwrap_or_else(|_| format!("{year}-{month:02}"))
}

/// Year labels for a time axis of `(year, starts a year)` columns: every January (every
/// 5 or 10 years on long ranges), and the first column when the first January is at
/// least `min_gap` columns away, so two labels never collide.
fn year_ticks(columns: &[(i16, bool)], min_gap: usize) -> Vec<Option<String>> {
    let years = columns
        .first()
        .zip(columns.last())
        .map_or(0, |(a, b)| (b.0 - a.0) as usize + 1);
    let every = match years {
        0..=12 => 1,
        13..=30 => 5,
        _ => 10,
    };
    let mut ticks: Vec<Option<String>> = columns
        .iter()
        .map(|(year, first)| (*first && i32::from(*year) % every == 0).then(|| year.to_string()))
        .collect();
    let first_label = ticks.iter().position(Option::is_some);
    if first_label.is_none_or(|at| at >= min_gap)
        && let (Some(slot), Some((year, _))) = (ticks.first_mut(), columns.first())
    {
        *slot = Some(year.to_string());
    }
    ticks
}

fn months_chart(insights: &Insights, series: &[Series]) -> String {
    let ticks = year_ticks(
        &insights
            .months
            .iter()
            .map(|m| (m.year, m.number == 1))
            .collect::<Vec<_>>(),
        4,
    );
    let columns: Vec<StackedColumn> = insights
        .months
        .iter()
        .zip(ticks)
        .map(|(m, tick)| StackedColumn {
            key: m.month.clone(),
            label: month_label(m.year, m.number),
            tick,
            segments: m
                .by_cause
                .iter()
                .map(|c| (c.series, c.count as u64))
                .collect(),
        })
        .collect();
    let (first, last) = match (insights.months.first(), insights.months.last()) {
        (Some(a), Some(b)) => (month_label(a.year, a.number), month_label(b.year, b.number)),
        _ => (String::new(), String::new()),
    };
    let mix: Vec<String> = insights
        .causes
        .iter()
        .map(|c| format!("{} {}", c.name, c.incidents))
        .collect();
    let desc = if columns.is_empty() {
        "No incidents yet.".to_string()
    } else {
        format!(
            "Stacked columns, one per month from {first} to {last}, split by primary root cause. {} incidents: {}. The table below lists every month.",
            insights.postmortems,
            mix.join(", ")
        )
    };
    charts::stacked_columns(
        &ChartText {
            id: "chart-months".to_string(),
            title: "Incidents per month by root cause".to_string(),
            desc,
            y_label: "Incidents".to_string(),
            x_label: "Month".to_string(),
        },
        "month",
        series,
        &columns,
    )
}

fn shares_chart(insights: &Insights, series: &[Series]) -> String {
    let total_downtime: i64 = insights.causes.iter().map(|c| c.downtime_seconds).sum();
    let bars = vec![
        ShareBar {
            key: "incidents".to_string(),
            label: "Incidents".to_string(),
            segments: insights
                .causes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        i,
                        c.incidents as f64,
                        format!(
                            "{}: {} of {} incidents ({})",
                            c.name,
                            c.incidents,
                            insights.postmortems,
                            percent(c.incident_share)
                        ),
                    )
                })
                .collect(),
        },
        ShareBar {
            key: "downtime".to_string(),
            label: "Downtime".to_string(),
            segments: insights
                .causes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        i,
                        c.downtime_seconds as f64,
                        format!(
                            "{}: {} of {} downtime ({})",
                            c.name,
                            format_duration(SignedDuration::from_secs(c.downtime_seconds)),
                            format_duration(SignedDuration::from_secs(total_downtime)),
                            percent(c.downtime_share)
                        ),
                    )
                })
                .collect(),
        },
    ];
    let mix: Vec<String> = insights
        .causes
        .iter()
        .map(|c| {
            format!(
                "{} {} of incidents and {} of downtime",
                c.name,
                percent(c.incident_share),
                percent(c.downtime_share)
            )
        })
        .collect();
    charts::share_bars(
        &ChartText {
            id: "chart-shares".to_string(),
            title: "Share of incidents and of downtime by root cause".to_string(),
            desc: if mix.is_empty() {
                "No incidents yet.".to_string()
            } else {
                format!("Two bars, each adding up to 100%: {}.", mix.join("; "))
            },
            y_label: String::new(),
            x_label: "Share".to_string(),
        },
        series,
        &bars,
    )
}

fn quarters_chart(insights: &Insights) -> String {
    let ticks = year_ticks(
        &insights
            .quarters
            .iter()
            .map(|q| (q.year, q.number == 1))
            .collect::<Vec<_>>(),
        2,
    );
    let columns: Vec<DurationColumn> = insights
        .quarters
        .iter()
        .zip(ticks)
        .map(|(q, tick)| DurationColumn {
            key: q.quarter.clone(),
            tick,
            seconds: q.ttr.median.map(|d| d.as_secs()),
            count: q.ttr.count,
            tooltip: match (q.ttr.median, q.ttr.p90) {
                (Some(median), Some(p90)) => format!(
                    "Q{} {}: median {} (p90 {}) over {} incident{}",
                    q.number,
                    q.year,
                    format_duration(median),
                    format_duration(p90),
                    q.ttr.count,
                    if q.ttr.count == 1 { "" } else { "s" }
                ),
                _ => format!("Q{} {}: no time to resolve", q.number, q.year),
            },
        })
        .collect();
    let known: Vec<String> = insights
        .quarters
        .iter()
        .filter_map(|q| {
            q.ttr
                .median
                .map(|m| format!("Q{} {} {}", q.number, q.year, format_duration(m)))
        })
        .collect();
    charts::duration_columns(
        &ChartText {
            id: "chart-quarters".to_string(),
            title: "Median time to resolve per quarter".to_string(),
            desc: if known.is_empty() {
                "No incident has a time to resolve yet.".to_string()
            } else {
                format!(
                    "One column per quarter; quarters without a resolved incident have none. {}. The table below gives each quarter's median, p90 and count.",
                    known.join(", ")
                )
            },
            y_label: "Median time to resolve".to_string(),
            x_label: "Quarter".to_string(),
        },
        "quarter",
        &columns,
    )
}
