//! Library-wide figures for `/insights/` and `hindsight stats`: incidents per month by
//! root cause, shares of incidents and downtime, time-to-x by root cause, service and
//! severity, recurring root cause × service pairs, and the MTTR trend per quarter.
//!
//! [`Insights::of`] reads a finished [`Site`] once: one pass over the postmortems and one
//! over each taxonomy's member lists, so the cost is linear in postmortems plus
//! memberships (sorting each group's durations for its median aside). Figures come only
//! from postmortems that have the timestamps they need; [`Missing`] counts the others.
//! Drawing and formatting belong to `render` and `cli`; nothing here knows about HTML.
//!
//! Two groupings are used on purpose. The month chart and the shares use each incident's
//! *primary* root cause, so the bars and percentages add up to the whole library. The
//! time tables and recurring pairs count an incident under *every* root cause it lists,
//! like the root-cause pages, so their figures match those pages.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::{DurationStats, PostmortemId, Site};
use crate::content::postmortem::Metrics;
use crate::keys::{RootCauseKey, ServiceKey, Slug};

/// Every figure of the insights page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Insights {
    /// Postmortems the figures cover.
    pub postmortems: usize,
    /// The series the month chart stacks and the shares split by: primary root causes in
    /// use, in `site.toml` order, then "No root cause" when some postmortem has none.
    pub causes: Vec<CauseShare>,
    /// Every month from the first incident's to the last one's, oldest first (months
    /// without incidents included, so the axis is true to time).
    pub months: Vec<MonthCount>,
    /// TTD/TTA/TTM/TTR over the whole library.
    pub overall: MetricRow,
    /// By root cause (every listed root cause counts), in `site.toml` order; causes
    /// without incidents are left out.
    pub by_root_cause: Vec<MetricRow>,
    /// By service, in the services page's order; services without incidents left out.
    pub by_service: Vec<MetricRow>,
    /// By severity, most severe first; every configured severity, even without incidents.
    pub by_severity: Vec<MetricRow>,
    /// Root cause × service pairs seen in more than one postmortem, most frequent first.
    pub recurring: Vec<Recurrence>,
    /// Median time to resolve per quarter, oldest first, every quarter from the first
    /// incident's to the last one's.
    pub quarters: Vec<QuarterTtr>,
    /// How many postmortems lacked the timestamps each figure needs.
    pub missing: Missing,
}

/// One series of the month chart and the shares: a primary root cause.
#[derive(Debug, Clone, Serialize)]
pub struct CauseShare {
    /// The root cause; `None` for postmortems that name none.
    pub key: Option<RootCauseKey>,
    /// Display name.
    pub name: String,
    /// Colour slot of the root cause (its position in `site.toml`); `None` for "No root cause".
    #[serde(skip)]
    pub color: Option<usize>,
    /// Incidents with this primary root cause.
    pub incidents: usize,
    /// `incidents` / all incidents, 0..=1.
    pub incident_share: f64,
    /// Of those, how many have a time to resolve (the downtime figures use only these).
    pub with_duration: usize,
    /// Sum of their times to resolve, in seconds.
    pub downtime_seconds: i64,
    /// `downtime_seconds` / the library's total downtime, 0..=1.
    pub downtime_share: f64,
}

/// Incidents of one calendar month, by primary root cause.
#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    /// `2024-08`.
    pub month: String,
    /// The year.
    #[serde(skip)]
    pub year: i16,
    /// 1..=12.
    #[serde(skip)]
    pub number: i8,
    /// All incidents of the month.
    pub total: usize,
    /// Non-zero counts, in the order of [`Insights::causes`].
    pub by_cause: Vec<CauseCount>,
}

/// A count of one series in a month.
#[derive(Debug, Clone, Serialize)]
pub struct CauseCount {
    /// Index into [`Insights::causes`].
    #[serde(skip)]
    pub series: usize,
    /// The root cause (`None`: no root cause given).
    pub cause: Option<RootCauseKey>,
    /// Incidents.
    pub count: usize,
}

/// Time-to-x figures of one group of postmortems.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricRow {
    /// Root-cause or service key, severity name, or `all`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Colour slot (root causes only).
    #[serde(skip)]
    pub color: Option<usize>,
    /// Postmortems in the group, with or without timestamps.
    pub incidents: usize,
    /// Time to detect.
    pub ttd: DurationStats,
    /// Time to acknowledge.
    pub tta: DurationStats,
    /// Time to mitigate.
    pub ttm: DurationStats,
    /// Time to resolve.
    pub ttr: DurationStats,
}

/// A root cause × service pair seen more than once.
#[derive(Debug, Clone, Serialize)]
pub struct Recurrence {
    /// The root cause.
    pub root_cause: RootCauseKey,
    /// Its display name.
    pub root_cause_name: String,
    /// Colour slot of the root cause.
    #[serde(skip)]
    pub color: Option<usize>,
    /// The service.
    pub service: ServiceKey,
    /// Its display name.
    pub service_name: String,
    /// How many postmortems name both.
    pub count: usize,
    /// The most recent dated one's date (`None` when none of them is dated).
    pub last_seen: Option<Date>,
    /// Their slugs, most recent first.
    pub slugs: Vec<Slug>,
    /// Their ids, most recent first.
    #[serde(skip)]
    pub postmortems: Vec<PostmortemId>,
}

/// Time to resolve over the incidents of one quarter.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterTtr {
    /// `2024-Q3`.
    pub quarter: String,
    /// The year.
    #[serde(skip)]
    pub year: i16,
    /// 1..=4.
    #[serde(skip)]
    pub number: i8,
    /// Incidents in the quarter, with or without a time to resolve.
    pub incidents: usize,
    /// Time to resolve of those that have one.
    pub ttr: DurationStats,
}

/// How many postmortems lack what each figure needs. A metric needs `started` and its own
/// milestone (`detected`, `acknowledged`, `mitigated` or `resolved`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// Postmortems with neither `started` nor a stated `duration`: none of their durations
    /// is known.
    pub started: usize,
    /// Without a time to detect.
    pub ttd: usize,
    /// Without a time to acknowledge.
    pub tta: usize,
    /// Without a time to mitigate.
    pub ttm: usize,
    /// Without a time to resolve (left out of the downtime shares and the quarter trend).
    pub ttr: usize,
}

/// Postmortems with no root cause are grouped under this name.
pub const NO_ROOT_CAUSE: &str = "No root cause";

impl Insights {
    /// Computes every figure of `site`.
    pub fn of(site: &Site) -> Self {
        let metrics: Vec<Metrics> = site
            .postmortems
            .iter()
            .map(|p| p.milestones.metrics())
            .collect();
        let all: Vec<PostmortemId> = (0..site.postmortems.len())
            .map(|i| PostmortemId(i as u32))
            .collect();
        Self {
            postmortems: site.postmortems.len(),
            causes: Vec::new(),
            months: Vec::new(),
            overall: metric_row(&metrics, &all, "all", "All postmortems", None),
            by_root_cause: site
                .root_causes
                .terms
                .iter()
                .filter(|t| !t.postmortems.is_empty())
                .map(|t| metric_row(&metrics, &t.postmortems, t.key.as_str(), &t.name, t.color))
                .collect(),
            by_service: site
                .services
                .terms
                .iter()
                .filter(|t| !t.postmortems.is_empty())
                .map(|t| metric_row(&metrics, &t.postmortems, t.key.as_str(), &t.name, None))
                .collect(),
            by_severity: site
                .severities
                .iter()
                .map(|(name, ids)| metric_row(&metrics, ids, name, name, None))
                .collect(),
            recurring: recurring(site),
            quarters: quarters(site, &metrics),
            missing: missing(site, &metrics),
        }
        .with_causes_and_months(site, &metrics)
    }

    /// Fills [`Insights::causes`] and [`Insights::months`] (primary root causes).
    fn with_causes_and_months(mut self, site: &Site, metrics: &[Metrics]) -> Self {
        let slot_of: HashMap<&RootCauseKey, usize> = site
            .root_causes
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.key, i))
            .collect();
        // Series index by taxonomy slot; the last one is "no root cause".
        let none_slot = site.root_causes.terms.len();
        let mut incidents = vec![0usize; none_slot + 1];
        let mut with_duration = vec![0usize; none_slot + 1];
        let mut downtime = vec![0i64; none_slot + 1];
        let mut per_month: BTreeMap<(i16, i8), Vec<usize>> = BTreeMap::new();
        for (p, m) in site.postmortems.iter().zip(metrics) {
            let slot = p
                .primary_root_cause()
                .and_then(|k| slot_of.get(k).copied())
                .unwrap_or(none_slot);
            incidents[slot] += 1;
            if let Some(ttr) = m.ttr {
                with_duration[slot] += 1;
                downtime[slot] += ttr.as_secs().max(0);
            }
            if let Some(date) = p.date {
                per_month
                    .entry((date.year(), date.month()))
                    .or_insert_with(|| vec![0; none_slot + 1])[slot] += 1;
            }
        }
        let total = site.postmortems.len();
        let total_downtime: i64 = downtime.iter().sum();
        let ratio = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        // Slot → series index, for slots in use.
        let mut series_of = vec![None; none_slot + 1];
        for slot in (0..=none_slot).filter(|s| incidents[*s] > 0) {
            series_of[slot] = Some(self.causes.len());
            let term = site.root_causes.terms.get(slot);
            self.causes.push(CauseShare {
                key: term.map(|t| t.key.clone()),
                name: term.map_or_else(|| NO_ROOT_CAUSE.to_string(), |t| t.name.clone()),
                color: term.and_then(|t| t.color),
                incidents: incidents[slot],
                incident_share: ratio(incidents[slot] as f64, total as f64),
                with_duration: with_duration[slot],
                downtime_seconds: downtime[slot],
                downtime_share: ratio(downtime[slot] as f64, total_downtime as f64),
            });
        }
        let (Some(first), Some(last)) = (
            per_month.keys().next().copied(),
            per_month.keys().next_back().copied(),
        ) else {
            return self;
        };
        for (year, number) in month_range(first, last) {
            let counts = per_month.get(&(year, number));
            let by_cause: Vec<CauseCount> = counts
                .into_iter()
                .flat_map(|c| c.iter().enumerate())
                .filter(|(_, count)| **count > 0)
                .filter_map(|(slot, count)| {
                    Some(CauseCount {
                        series: series_of[slot]?,
                        cause: site.root_causes.terms.get(slot).map(|t| t.key.clone()),
                        count: *count,
                    })
                })
                .collect();
            self.months.push(MonthCount {
                month: format!("{year}-{number:02}"),
                year,
                number,
                total: by_cause.iter().map(|c| c.count).sum(),
                by_cause,
            });
        }
        self
    }
}

/// Every (year, month) from `first` to `last`, inclusive.
fn month_range(first: (i16, i8), last: (i16, i8)) -> Vec<(i16, i8)> {
    let index = |(y, m): (i16, i8)| i32::from(y) * 12 + i32::from(m) - 1;
    (index(first)..=index(last))
        .map(|i| ((i.div_euclid(12)) as i16, (i.rem_euclid(12) + 1) as i8))
        .collect()
}

fn metric_row(
    metrics: &[Metrics],
    members: &[PostmortemId],
    key: &str,
    name: &str,
    color: Option<usize>,
) -> MetricRow {
    let of = |pick: fn(&Metrics) -> Option<jiff::SignedDuration>| {
        DurationStats::of(members.iter().filter_map(|id| pick(&metrics[id.index()])))
    };
    MetricRow {
        key: key.to_string(),
        name: name.to_string(),
        color,
        incidents: members.len(),
        ttd: of(|m| m.ttd),
        tta: of(|m| m.tta),
        ttm: of(|m| m.ttm),
        ttr: of(|m| m.ttr),
    }
}

fn recurring(site: &Site) -> Vec<Recurrence> {
    let service_index: HashMap<&ServiceKey, usize> = site
        .services
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.key, i))
        .collect();
    // (root-cause slot, service index) → postmortems, most recent first (ids ascend).
    let mut pairs: BTreeMap<(usize, usize), Vec<PostmortemId>> = BTreeMap::new();
    for (slot, term) in site.root_causes.terms.iter().enumerate() {
        for id in &term.postmortems {
            let services = &site.postmortem(*id).services;
            for (i, service) in services.iter().enumerate() {
                if services[..i].contains(service) {
                    continue; // named twice in one postmortem: count it once
                }
                if let Some(index) = service_index.get(service) {
                    pairs.entry((slot, *index)).or_default().push(*id);
                }
            }
        }
    }
    let mut found: Vec<(usize, usize, Vec<PostmortemId>)> = pairs
        .into_iter()
        .map(|((slot, service), mut ids)| {
            ids.sort();
            ids.dedup();
            (slot, service, ids)
        })
        .filter(|(_, _, ids)| ids.len() > 1)
        .collect();
    found.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then((a.0, a.1).cmp(&(b.0, b.1))));
    found
        .into_iter()
        .map(|(slot, service, ids)| {
            let cause = &site.root_causes.terms[slot];
            let service = &site.services.terms[service];
            Recurrence {
                root_cause: cause.key.clone(),
                root_cause_name: cause.name.clone(),
                color: cause.color,
                service: service.key.clone(),
                service_name: service.name.clone(),
                count: ids.len(),
                last_seen: ids.iter().find_map(|id| site.postmortem(*id).date),
                slugs: ids
                    .iter()
                    .map(|id| site.postmortem(*id).slug.clone())
                    .collect(),
                postmortems: ids,
            }
        })
        .collect()
}

fn quarters(site: &Site, metrics: &[Metrics]) -> Vec<QuarterTtr> {
    let mut per_quarter: BTreeMap<(i16, i8), (usize, Vec<jiff::SignedDuration>)> = BTreeMap::new();
    for (p, m) in site.postmortems.iter().zip(metrics) {
        let Some(date) = p.date else {
            continue;
        };
        let quarter = (date.year(), (date.month() - 1) / 3 + 1);
        let entry = per_quarter.entry(quarter).or_default();
        entry.0 += 1;
        entry.1.extend(m.ttr);
    }
    let (Some(first), Some(last)) = (
        per_quarter.keys().next().copied(),
        per_quarter.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    let index = |(y, q): (i16, i8)| i32::from(y) * 4 + i32::from(q) - 1;
    (index(first)..=index(last))
        .map(|i| {
            let (year, number) = (i.div_euclid(4) as i16, (i.rem_euclid(4) + 1) as i8);
            let (incidents, durations) = per_quarter.remove(&(year, number)).unwrap_or_default();
            QuarterTtr {
                quarter: format!("{year}-Q{number}"),
                year,
                number,
                incidents,
                ttr: DurationStats::of(durations),
            }
        })
        .collect()
}

fn missing(site: &Site, metrics: &[Metrics]) -> Missing {
    let lacking = |pick: fn(&Metrics) -> bool| metrics.iter().filter(|m| !pick(m)).count();
    Missing {
        started: site
            .postmortems
            .iter()
            .filter(|p| p.milestones.started.is_none() && p.milestones.duration.is_none())
            .count(),
        ttd: lacking(|m| m.ttd.is_some()),
        tta: lacking(|m| m.tta.is_some()),
        ttm: lacking(|m| m.ttm.is_some()),
        ttr: lacking(|m| m.ttr.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    use super::*;
    use crate::site::test_site;

    const CONFIG: &str = r#"
title = "Test"
base_url = "https://example.org/"
[root_causes]
configuration = { name = "Configuration" }
deployment = { name = "Deployment" }
capacity = { name = "Capacity" }
"#;

    /// Five incidents whose figures are worked out by hand in the tests below.
    fn site() -> Site {
        test_site(
            CONFIG,
            &[
                (
                    "content/a.md",
                    "---\ntitle: A\nstarted: 2024-08-14T14:30:00Z\ndetected: 2024-08-14T14:30:00Z\nacknowledged: 2024-08-14T14:32:00Z\nmitigated: 2024-08-14T15:05:00Z\nresolved: 2024-08-14T15:15:00Z\nseverity: SEV2\nservices: [web-app, mysql]\nroot_cause: configuration\n---\n",
                ),
                (
                    "content/b.md",
                    "---\ntitle: B\nstarted: 2023-12-01T09:00:00Z\ndetected: 2023-12-01T09:20:00Z\nresolved: 2023-12-01T11:30:00Z\nseverity: SEV1\nservices: [api, mysql]\nroot_cause: [configuration, deployment]\n---\n",
                ),
                (
                    "content/c.md",
                    "---\ntitle: C\nstarted: 2024-03-05T08:00:00Z\nresolved: 2024-03-05T08:20:00Z\nseverity: SEV3\nservices: api\nroot_cause: capacity\n---\n",
                ),
                (
                    "content/d.md",
                    "---\ntitle: D\ndate: 2024-08-20\nseverity: SEV2\nservices: mysql\nroot_cause: configuration\n---\n",
                ),
                (
                    "content/e.md",
                    "---\ntitle: E\nstarted: 2024-03-28T10:00:00Z\ndetected: 2024-03-28T10:10:00Z\nacknowledged: 2024-03-28T10:15:00Z\nresolved: 2024-03-28T16:00:00Z\nseverity: SEV1\nservices: web-app\nroot_cause: deployment\n---\n",
                ),
            ],
        )
    }

    fn mins(m: i64) -> Option<SignedDuration> {
        Some(SignedDuration::from_mins(m))
    }

    fn secs(s: i64) -> Option<SignedDuration> {
        Some(SignedDuration::from_secs(s))
    }

    #[test]
    fn shares_use_the_primary_root_cause() {
        let insights = site().insights;
        let rows: Vec<(Option<&str>, usize, usize, i64)> = insights
            .causes
            .iter()
            .map(|c| {
                (
                    c.key.as_ref().map(RootCauseKey::as_str),
                    c.incidents,
                    c.with_duration,
                    c.downtime_seconds,
                )
            })
            .collect();
        // configuration: A 45m + B 150m (D has no duration); deployment: E 6h; capacity: C 20m.
        assert_eq!(
            rows,
            [
                (Some("configuration"), 3, 2, 195 * 60),
                (Some("deployment"), 1, 1, 360 * 60),
                (Some("capacity"), 1, 1, 20 * 60),
            ]
        );
        assert!((insights.causes[0].incident_share - 0.6).abs() < 1e-9);
        assert!((insights.causes[1].downtime_share - 360.0 / 575.0).abs() < 1e-9);
    }

    #[test]
    fn months_run_without_gaps_and_stack_by_primary_cause() {
        let insights = site().insights;
        let months: Vec<&str> = insights.months.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(
            months,
            [
                "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06",
                "2024-07", "2024-08"
            ]
        );
        let counts = |month: &str| -> Vec<(String, usize)> {
            insights
                .months
                .iter()
                .find(|m| m.month == month)
                .map(|m| {
                    m.by_cause
                        .iter()
                        .map(|c| {
                            (
                                c.cause.as_ref().map(|k| k.to_string()).unwrap_or_default(),
                                c.count,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(counts("2023-12"), [("configuration".to_string(), 1)]);
        assert_eq!(
            counts("2024-03"),
            [("deployment".to_string(), 1), ("capacity".to_string(), 1)]
        );
        assert_eq!(counts("2024-08"), [("configuration".to_string(), 2)]);
        assert_eq!(counts("2024-05"), []);
        assert_eq!(insights.months.iter().map(|m| m.total).sum::<usize>(), 5);
    }

    #[test]
    fn metrics_by_root_cause_count_every_listed_cause() {
        let insights = site().insights;
        let config = &insights.by_root_cause[0];
        assert_eq!(
            (config.key.as_str(), config.incidents),
            ("configuration", 3)
        );
        // A 45m and B 150m: the median of an even count is the mean of the middle two.
        assert_eq!(config.ttr.count, 2);
        assert_eq!(config.ttr.median, secs(97 * 60 + 30));
        assert_eq!(config.ttr.p90, mins(150));
        assert_eq!((config.ttd.median, config.ttd.p90), (mins(10), mins(20)));
        assert_eq!((config.tta.count, config.tta.median), (1, mins(2)));
        assert_eq!((config.ttm.count, config.ttm.median), (1, mins(35)));
        let deployment = &insights.by_root_cause[1];
        assert_eq!(deployment.incidents, 2); // B lists it second, E first
        assert_eq!(deployment.ttr.median, mins(255));
        let capacity = &insights.by_root_cause[2];
        assert_eq!((capacity.ttd.count, capacity.ttd.median), (0, None));
    }

    #[test]
    fn metrics_by_service_and_severity() {
        let insights = site().insights;
        let services: Vec<(&str, usize, Option<SignedDuration>)> = insights
            .by_service
            .iter()
            .map(|r| (r.key.as_str(), r.ttr.count, r.ttr.median))
            .collect();
        assert_eq!(
            services,
            [
                ("api", 2, mins(85)),
                ("mysql", 2, secs(97 * 60 + 30)),
                ("web-app", 2, secs(202 * 60 + 30)),
            ]
        );
        let severities: Vec<(&str, usize, usize, Option<SignedDuration>)> = insights
            .by_severity
            .iter()
            .map(|r| (r.key.as_str(), r.incidents, r.ttr.count, r.ttr.median))
            .collect();
        assert_eq!(
            severities,
            [
                ("SEV1", 2, 2, mins(255)),
                ("SEV2", 2, 1, mins(45)),
                ("SEV3", 1, 1, mins(20)),
                ("SEV4", 0, 0, None),
            ]
        );
        // 20m, 45m, 150m, 360m: median (45 + 150) / 2, p90 the 4th (ceil(0.9 * 4)).
        assert_eq!(insights.overall.ttr.median, secs(97 * 60 + 30));
        assert_eq!(insights.overall.ttr.p90, mins(360));
    }

    #[test]
    fn recurring_pairs_need_two_postmortems() {
        let insights = site().insights;
        assert_eq!(insights.recurring.len(), 1);
        let pair = &insights.recurring[0];
        assert_eq!(
            (pair.root_cause.as_str(), pair.service.as_str(), pair.count),
            ("configuration", "mysql", 3)
        );
        assert_eq!(
            pair.last_seen.map(|d| d.to_string()).as_deref(),
            Some("2024-08-20")
        );
        let slugs: Vec<&str> = pair.slugs.iter().map(Slug::as_str).collect();
        assert_eq!(slugs, ["d", "a", "b"]);
    }

    #[test]
    fn quarters_include_empty_ones() {
        let insights = site().insights;
        let quarters: Vec<(&str, usize, usize, Option<SignedDuration>)> = insights
            .quarters
            .iter()
            .map(|q| (q.quarter.as_str(), q.incidents, q.ttr.count, q.ttr.median))
            .collect();
        assert_eq!(
            quarters,
            [
                ("2023-Q4", 1, 1, mins(150)),
                ("2024-Q1", 2, 2, mins(190)),
                ("2024-Q2", 0, 0, None),
                ("2024-Q3", 2, 1, mins(45)),
            ]
        );
    }

    #[test]
    fn missing_timestamps_are_counted_per_metric() {
        assert_eq!(
            site().insights.missing,
            Missing {
                started: 1,
                ttd: 2,
                tta: 3,
                ttm: 4,
                ttr: 1,
            }
        );
    }

    #[test]
    fn an_empty_library_has_no_figures() {
        let site = test_site(CONFIG, &[]);
        let insights = &site.insights;
        assert!(insights.causes.is_empty() && insights.months.is_empty());
        assert!(insights.quarters.is_empty() && insights.recurring.is_empty());
        assert_eq!(insights.overall.ttr, DurationStats::default());
    }

    #[test]
    fn postmortems_without_root_cause_get_their_own_series() {
        let site = test_site(
            CONFIG,
            &[(
                "content/x.md",
                "---\ntitle: X\ndate: 2024-01-02\nseverity: SEV4\n---\n",
            )],
        );
        let causes = &site.insights.causes;
        assert_eq!(causes.len(), 1);
        assert_eq!(
            (causes[0].key.as_ref(), causes[0].name.as_str()),
            (None, NO_ROOT_CAUSE)
        );
        assert_eq!(site.insights.months[0].by_cause[0].series, 0);
    }
}
