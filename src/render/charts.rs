//! Charts drawn at build time as inline, accessible SVG: no script, no library.
//!
//! Each function takes plain series and returns an `<svg role="img">` string with a
//! `<title>` and `<desc>` (referenced by `aria-labelledby`), axis labels, and one `<rect>`
//! per value carrying its figures as `data-*` attributes and a `<title>` tooltip. Colours
//! come from the theme's CSS classes (`rc-N` sets `--rc`), never inline, so dark mode and
//! print are the stylesheet's business. The page puts a `<table>` of the same figures next
//! to every chart, for screen readers, print and exact values. Every text is escaped here;
//! the output is safe HTML. Output depends only on the input (no clock, no randomness).

use std::fmt::Write as _;

use crate::content::time::format_duration;
use crate::highlight::escape;

/// Drawing area, in SVG user units (the SVG scales to its container).
const WIDTH: f64 = 720.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 46.0;

/// One series of a chart: a root cause, say.
#[derive(Debug, Clone)]
pub struct Series {
    /// Key written to `data-series` (`configuration`; empty for "none").
    pub key: String,
    /// Display name.
    pub name: String,
    /// CSS class giving the colour (`rc-3`).
    pub class: String,
}

/// Names and labels shared by every chart.
#[derive(Debug, Clone)]
pub struct ChartText {
    /// Prefix of the element ids (`chart-months`); unique on the page.
    pub id: String,
    /// Short title (the accessible name).
    pub title: String,
    /// One or two sentences describing what the chart shows (the accessible description).
    pub desc: String,
    /// What the vertical axis measures.
    pub y_label: String,
    /// What the horizontal axis measures.
    pub x_label: String,
}

/// One column of a stacked column chart.
#[derive(Debug, Clone)]
pub struct StackedColumn {
    /// Written to `data-<x_attr>` (`2024-08`).
    pub key: String,
    /// Spoken label (`August 2024`).
    pub label: String,
    /// Axis label under the column, if any (`2024`).
    pub tick: Option<String>,
    /// (series index, value), bottom first; zero values are skipped.
    pub segments: Vec<(usize, u64)>,
}

/// Columns stacked by series (incidents per month by root cause).
pub fn stacked_columns(
    text: &ChartText,
    x_attr: &str,
    series: &[Series],
    columns: &[StackedColumn],
) -> String {
    let height = 260.0;
    let plot_h = height - TOP - BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let max = columns
        .iter()
        .map(|c| c.segments.iter().map(|s| s.1).sum::<u64>())
        .max()
        .unwrap_or(0);
    let (top, step) = count_scale(max);
    let mut svg = open_svg(text, height);
    count_axis(&mut svg, top, step, plot_h);
    let slot = plot_w / columns.len().max(1) as f64;
    let bar_w = (slot * 0.8).max(1.0);
    for (i, column) in columns.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let total: u64 = column.segments.iter().map(|s| s.1).sum();
        let _ = write!(
            svg,
            r#"<g class="column" data-{x_attr}="{}" data-total="{total}">"#,
            escape(&column.key)
        );
        let mut y = TOP + plot_h;
        for (index, value) in column.segments.iter().filter(|s| s.1 > 0) {
            let Some(s) = series.get(*index) else {
                continue;
            };
            let h = plot_h * *value as f64 / top as f64;
            y -= h;
            let _ = write!(
                svg,
                r#"<rect class="bar {}" x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}" data-{x_attr}="{}" data-series="{}" data-value="{value}"><title>{}: {} {}</title></rect>"#,
                escape(&s.class),
                escape(&column.key),
                escape(&s.key),
                escape(&column.label),
                value,
                escape(&s.name),
            );
        }
        svg.push_str("</g>");
        if let Some(tick) = &column.tick {
            x_tick(&mut svg, LEFT + slot * i as f64, plot_h, tick);
        }
    }
    axis_titles(&mut svg, text, height);
    svg.push_str("</svg>");
    svg
}

/// One horizontal 100% bar of a share chart.
#[derive(Debug, Clone)]
pub struct ShareBar {
    /// Written to `data-measure` (`incidents`, `downtime`).
    pub key: String,
    /// Label left of the bar (`Incidents`).
    pub label: String,
    /// (series index, value, tooltip text); zero values are skipped.
    pub segments: Vec<(usize, f64, String)>,
}

/// Horizontal bars split by series, each adding up to 100%.
pub fn share_bars(text: &ChartText, series: &[Series], bars: &[ShareBar]) -> String {
    let row = 40.0;
    let bar_h = 26.0;
    let label_w = 96.0;
    let height = TOP + row * bars.len() as f64 + BOTTOM;
    let plot_w = WIDTH - LEFT - label_w - RIGHT;
    let x0 = LEFT + label_w;
    let mut svg = open_svg(text, height);
    for pct in [0, 25, 50, 75, 100] {
        let x = x0 + plot_w * f64::from(pct) / 100.0;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{x:.1}" x2="{x:.1}" y1="{TOP:.1}" y2="{:.1}"/><text class="x-tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{pct}%</text>"#,
            height - BOTTOM,
            height - BOTTOM + 16.0,
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + row * i as f64 + (row - bar_h) / 2.0;
        let total: f64 = bar.segments.iter().map(|s| s.1).sum();
        let _ = write!(
            svg,
            r#"<text class="y-tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><g class="share" data-measure="{}">"#,
            x0 - 8.0,
            y + bar_h / 2.0 + 4.0,
            escape(&bar.label),
            escape(&bar.key),
        );
        let mut x = x0;
        for (index, value, tooltip) in bar.segments.iter().filter(|s| s.1 > 0.0) {
            let Some(s) = series.get(*index) else {
                continue;
            };
            let share = if total > 0.0 { value / total } else { 0.0 };
            let w = plot_w * share;
            let _ = write!(
                svg,
                r#"<rect class="bar {}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bar_h:.1}" data-series="{}" data-value="{value}" data-share="{:.4}"><title>{}</title></rect>"#,
                escape(&s.class),
                escape(&s.key),
                share,
                escape(tooltip),
            );
            x += w;
        }
        svg.push_str("</g>");
    }
    axis_titles(&mut svg, text, height);
    svg.push_str("</svg>");
    svg
}

/// One column of a duration chart.
#[derive(Debug, Clone)]
pub struct DurationColumn {
    /// Written to `data-<x_attr>` (`2024-Q3`).
    pub key: String,
    /// Axis label under the column, if any.
    pub tick: Option<String>,
    /// The figure in seconds; `None` draws nothing (no data).
    pub seconds: Option<i64>,
    /// How many values the figure comes from (`data-count`).
    pub count: usize,
    /// Tooltip.
    pub tooltip: String,
}

/// Columns whose heights are durations (median time to resolve per quarter).
pub fn duration_columns(text: &ChartText, x_attr: &str, columns: &[DurationColumn]) -> String {
    let height = 240.0;
    let plot_h = height - TOP - BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let max = columns.iter().filter_map(|c| c.seconds).max().unwrap_or(0);
    let (top, step) = duration_scale(max);
    let mut svg = open_svg(text, height);
    let mut tick = 0;
    while tick <= top {
        let y = TOP + plot_h - plot_h * tick as f64 / top as f64;
        let label = if tick == 0 {
            "0".to_string()
        } else {
            format_duration(jiff::SignedDuration::from_secs(tick))
        };
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/><text class="y-tick" x="{:.1}" y="{:.1}" text-anchor="end">{label}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
        tick += step;
    }
    let slot = plot_w / columns.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(1.0);
    for (i, column) in columns.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        if let Some(seconds) = column.seconds {
            let h = plot_h * seconds.max(0) as f64 / top as f64;
            let _ = write!(
                svg,
                r#"<rect class="bar bar-neutral" x="{x:.1}" y="{:.1}" width="{bar_w:.1}" height="{h:.1}" data-{x_attr}="{}" data-seconds="{seconds}" data-count="{}"><title>{}</title></rect>"#,
                TOP + plot_h - h,
                escape(&column.key),
                column.count,
                escape(&column.tooltip),
            );
        }
        if let Some(tick) = &column.tick {
            x_tick(&mut svg, LEFT + slot * i as f64, plot_h, tick);
        }
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/>"#,
        WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    );
    axis_titles(&mut svg, text, height);
    svg.push_str("</svg>");
    svg
}

fn open_svg(text: &ChartText, height: f64) -> String {
    let id = escape(&text.id);
    format!(
        r#"<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" focusable="false" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&text.title),
        escape(&text.desc)
    )
}

/// The tick mark and label `tick` under the column at `cx`.
fn x_tick(svg: &mut String, cx: f64, plot_h: f64, tick: &str) {
    let _ = write!(
        svg,
        r#"<line class="tick" x1="{cx:.1}" x2="{cx:.1}" y1="{:.1}" y2="{:.1}"/><text class="x-tick" x="{:.1}" y="{:.1}">{}</text>"#,
        TOP + plot_h,
        TOP + plot_h + 5.0,
        cx + 2.0,
        TOP + plot_h + 17.0,
        escape(tick)
    );
}

/// Horizontal grid lines and labels for a count axis from 0 to `top`.
fn count_axis(svg: &mut String, top: u64, step: u64, plot_h: f64) {
    let mut tick = 0;
    while tick <= top {
        let y = TOP + plot_h - plot_h * tick as f64 / top as f64;
        let class = if tick == 0 { "axis" } else { "grid" };
        let _ = write!(
            svg,
            r#"<line class="{class}" x1="{LEFT:.1}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/><text class="y-tick" x="{:.1}" y="{:.1}" text-anchor="end">{tick}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
        tick += step;
    }
}

fn axis_titles(svg: &mut String, text: &ChartText, height: f64) {
    let mid_y = TOP + (height - TOP - BOTTOM) / 2.0;
    if !text.y_label.is_empty() {
        let _ = write!(
            svg,
            r#"<text class="axis-title" x="14" y="{mid_y:.1}" text-anchor="middle" transform="rotate(-90 14 {mid_y:.1})">{}</text>"#,
            escape(&text.y_label)
        );
    }
    if !text.x_label.is_empty() {
        let _ = write!(
            svg,
            r#"<text class="axis-title" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            height - 6.0,
            escape(&text.x_label)
        );
    }
}

/// A round top for a count axis and its tick step: at most about five ticks.
fn count_scale(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let step = [
        1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000,
    ]
    .into_iter()
    .find(|step| max.div_ceil(*step) <= 5)
    .unwrap_or_else(|| max.div_ceil(5));
    (max.div_ceil(step) * step, step)
}

/// A round top for a duration axis (seconds) and its tick step.
fn duration_scale(max: i64) -> (i64, i64) {
    const MIN: i64 = 60;
    const HOUR: i64 = 3_600;
    const DAY: i64 = 86_400;
    let max = max.max(MIN);
    let step = [
        5 * MIN,
        10 * MIN,
        15 * MIN,
        30 * MIN,
        HOUR,
        2 * HOUR,
        3 * HOUR,
        6 * HOUR,
        12 * HOUR,
        DAY,
        2 * DAY,
        7 * DAY,
        14 * DAY,
        30 * DAY,
    ]
    .into_iter()
    .find(|step| (max + step - 1) / step <= 5)
    .unwrap_or_else(|| (max + 4) / 5);
    (((max + step - 1) / step) * step, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> ChartText {
        ChartText {
            id: "c".to_string(),
            title: "Incidents <per> month".to_string(),
            desc: "A & B".to_string(),
            y_label: "Incidents".to_string(),
            x_label: "Month".to_string(),
        }
    }

    #[test]
    fn scales_round_up_to_few_ticks() {
        assert_eq!(count_scale(0), (1, 1));
        assert_eq!(count_scale(3), (3, 1));
        assert_eq!(count_scale(7), (8, 2));
        assert_eq!(count_scale(23), (25, 5));
        assert_eq!(count_scale(480), (500, 100));
        assert_eq!(duration_scale(45 * 60), (50 * 60, 10 * 60));
        assert_eq!(duration_scale(5 * 3_600 + 1), (6 * 3_600, 2 * 3_600));
    }

    #[test]
    fn stacked_columns_escape_text_and_skip_zero_segments() {
        let series = vec![Series {
            key: "a\"b".to_string(),
            name: "<A>".to_string(),
            class: "rc-0".to_string(),
        }];
        let svg = stacked_columns(
            &text(),
            "month",
            &series,
            &[StackedColumn {
                key: "2024-08".to_string(),
                label: "August 2024".to_string(),
                tick: Some("2024".to_string()),
                segments: vec![(0, 2), (0, 0)],
            }],
        );
        assert!(svg.starts_with(
            r#"<svg class="chart" id="c" role="img" aria-labelledby="c-title c-desc""#
        ));
        assert!(svg.contains("<title id=\"c-title\">Incidents &lt;per&gt; month</title>"));
        assert!(svg.contains("<desc id=\"c-desc\">A &amp; B</desc>"));
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains(
            r#"data-series="a&quot;b" data-value="2"><title>August 2024: 2 &lt;A&gt;</title>"#
        ));
    }
}
