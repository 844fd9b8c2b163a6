//! Bar and line charts drawn as inline SVG on the server, so they need no script and print well.
//!
//! The chart has no `viewBox`: its coordinates are CSS pixels and bar lengths are percentages of
//! its width, so the text keeps its size and the bars stretch from a phone to a wide screen.

use maud::{Markup, html};

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar stands for, shown above it.
    pub label: String,
    /// Its value, which sets its length.
    pub value: i64,
    /// The value as shown, formatted for the reader's language.
    pub value_text: String,
    /// Drawn in a quieter colour, for a remainder such as "other countries".
    pub muted: bool,
}

/// Vertical distance from one bar's row to the next, in pixels.
const ROW_HEIGHT: u32 = 46;
/// Where a row's label sits (its baseline) below the row's top.
const LABEL_BASELINE: u32 = 17;
/// Where a row's bar starts below the row's top.
const BAR_TOP: u32 = 25;
/// The thickness of a bar.
const BAR_HEIGHT: u32 = 12;

/// The length of a bar as a percentage of the widest, at least a sliver for a non-zero value.
fn bar_percentage(value: i64, largest: i64) -> f64 {
    if value <= 0 || largest <= 0 {
        return 0.0;
    }
    let share = value as f64 / largest as f64 * 100.0;
    share.clamp(0.8, 100.0)
}

/// A horizontal bar chart: one row per bar with its label on the left and its value on the
/// right, the bar below them. `id` must be unique in the page; `title` and `description` are
/// what assistive technology reads (the description should carry the figures).
pub fn horizontal_bar_chart(id: &str, title: &str, description: &str, bars: &[Bar]) -> Markup {
    let largest = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    let height = ROW_HEIGHT * u32::try_from(bars.len()).unwrap_or(u32::MAX / ROW_HEIGHT);
    let title_id = format!("{id}-title");
    let description_id = format!("{id}-description");
    html! {
        svg.bar-chart #(id) width="100%" height=(height) role="img"
            aria-labelledby=(format!("{title_id} {description_id}")) {
            title #(title_id) { (title) }
            desc #(description_id) { (description) }
            @for (index, bar) in bars.iter().enumerate() {
                @let top = ROW_HEIGHT * u32::try_from(index).unwrap_or(0);
                g.bar-row {
                    text.bar-label x="0" y=(top + LABEL_BASELINE) { (bar.label) }
                    text.bar-value x="100%" y=(top + LABEL_BASELINE) text-anchor="end" { (bar.value_text) }
                    rect.bar-track x="0" y=(top + BAR_TOP) width="100%" height=(BAR_HEIGHT) rx="6" {}
                    rect.bar.bar-muted[bar.muted] x="0" y=(top + BAR_TOP)
                        width=(format!("{:.2}%", bar_percentage(bar.value, largest)))
                        height=(BAR_HEIGHT) rx="6" {}
                }
            }
        }
    }
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What the line stands for, shown in the legend.
    pub label: String,
    /// One value per x position; `None` leaves a gap in the line.
    pub values: Vec<Option<f64>>,
}

/// The height of a line chart, in pixels.
const LINE_CHART_HEIGHT: f64 = 240.0;
/// The plot's top and bottom edges, in pixels from the chart's top.
const PLOT_TOP: f64 = 18.0;
const PLOT_BOTTOM: f64 = 206.0;
/// The plot's left and right edges as percentages of the chart's width (room for the first and
/// last x labels).
const PLOT_LEFT_PERCENT: f64 = 3.0;
const PLOT_RIGHT_PERCENT: f64 = 97.0;
/// The width of the value axis beside the plot, in pixels.
const AXIS_WIDTH: f64 = 84.0;
/// The most x labels drawn; the others are skipped evenly.
const MAX_X_LABELS: usize = 8;
/// The line styles; series beyond them reuse them in turn.
pub const LINE_STYLES: usize = 5;

/// Round steps for an axis from `low` to `high` with about `count` intervals: the first tick at
/// or below `low`, the last at or above `high`.
pub fn nice_ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    let (low, high) = if (high - low).abs() < f64::EPSILON {
        let pad = low.abs().max(1.0) * 0.1;
        (low - pad, high + pad)
    } else {
        (low.min(high), low.max(high))
    };
    let raw = (high - low) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).floor() * step;
    let mut ticks = Vec::new();
    for index in 0..=count.max(1) * 3 {
        let tick = first + step * index as f64;
        ticks.push(tick);
        if tick >= high - step * 1e-9 {
            break;
        }
    }
    ticks
}

/// A line chart of series over the same x positions, as inline SVG: the lines stretch with the
/// chart's width (a nested SVG without aspect ratio, strokes that do not scale), the labels and
/// points keep their size. Each point has a tooltip; `title` and `description` are what
/// assistive technology reads, so the description (or a table beside the chart) should carry
/// the figures. `format` writes a value for the axis and the tooltips.
pub fn line_chart(
    id: &str,
    title: &str,
    description: &str,
    x_labels: &[String],
    series: &[Series],
    format: &dyn Fn(f64) -> String,
) -> Markup {
    let values: Vec<f64> = series
        .iter()
        .flat_map(|line| line.values.iter().flatten().copied())
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ticks = if values.is_empty() {
        vec![0.0, 1.0]
    } else {
        nice_ticks(low, high, 4)
    };
    let (axis_low, axis_high) = (ticks[0], ticks[ticks.len() - 1]);
    let span = (axis_high - axis_low).max(f64::EPSILON);
    let n = x_labels.len().max(1);
    let x_percent = |index: usize| {
        if n == 1 {
            50.0
        } else {
            PLOT_LEFT_PERCENT
                + (PLOT_RIGHT_PERCENT - PLOT_LEFT_PERCENT) * index as f64 / (n - 1) as f64
        }
    };
    let x_unit = |index: usize| {
        if n == 1 {
            500.0
        } else {
            1000.0 * index as f64 / (n - 1) as f64
        }
    };
    let y_pixels = |value: f64| PLOT_BOTTOM - (value - axis_low) / span * (PLOT_BOTTOM - PLOT_TOP);
    let y_unit = |value: f64| 1000.0 - (value - axis_low) / span * 1000.0;
    let label_every = n.div_ceil(MAX_X_LABELS).max(1);
    let title_id = format!("{id}-title");
    let description_id = format!("{id}-description");
    // Each unbroken run of known values is one polyline.
    let runs = |line: &Series| -> Vec<String> {
        let mut runs = Vec::new();
        let mut current = String::new();
        for (index, value) in line.values.iter().enumerate() {
            match value {
                Some(value) => {
                    if !current.is_empty() {
                        current.push(' ');
                    }
                    current.push_str(&format!("{:.1},{:.1}", x_unit(index), y_unit(*value)));
                }
                None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
                None => {}
            }
        }
        if !current.is_empty() {
            runs.push(current);
        }
        runs
    };
    html! {
        div.line-chart-frame {
        // The value axis in a column of its own, so that no label ever covers a line.
        svg.line-chart-axis width=(AXIS_WIDTH) height=(LINE_CHART_HEIGHT) aria-hidden="true" focusable="false" {
            @for tick in &ticks {
                text.chart-axis x=(AXIS_WIDTH - 8.0) y=(format!("{:.1}", y_pixels(*tick) + 4.0)) text-anchor="end" { (format(*tick)) }
            }
        }
        svg.line-chart #(id) width="100%" height=(LINE_CHART_HEIGHT) role="img"
            aria-labelledby=(format!("{title_id} {description_id}")) {
            title #(title_id) { (title) }
            desc #(description_id) { (description) }
            g.chart-grid aria-hidden="true" {
                @for tick in &ticks {
                    @let y = y_pixels(*tick);
                    line x1="0" x2="100%" y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) {}
                }
                @for (index, label) in x_labels.iter().enumerate() {
                    @if index % label_every == 0 || index + 1 == n {
                        text.chart-axis x=(format!("{:.2}%", x_percent(index))) y=(LINE_CHART_HEIGHT - 8.0) text-anchor="middle" { (label) }
                    }
                }
            }
            svg x=(format!("{PLOT_LEFT_PERCENT}%")) y=(PLOT_TOP)
                width=(format!("{}%", PLOT_RIGHT_PERCENT - PLOT_LEFT_PERCENT)) height=(PLOT_BOTTOM - PLOT_TOP)
                viewBox="0 0 1000 1000" preserveAspectRatio="none" overflow="visible" aria-hidden="true" {
                @for (number, line) in series.iter().enumerate() {
                    @for run in runs(line) {
                        polyline.{"chart-line line-s" (number % LINE_STYLES)} points=(run) {}
                    }
                }
            }
            @for (number, line) in series.iter().enumerate() {
                g.{"chart-points line-s" (number % LINE_STYLES)} {
                    @for (index, value) in line.values.iter().enumerate() {
                        @if let Some(value) = value {
                            circle cx=(format!("{:.2}%", x_percent(index))) cy=(format!("{:.1}", y_pixels(*value))) r="3.5" {
                                title {
                                    @if series.len() > 1 { (line.label) ", " }
                                    (x_labels.get(index).map_or("", String::as_str)) ": " (format(*value))
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        @if series.len() > 1 {
            ul.chart-legend aria-hidden="true" {
                @for (number, line) in series.iter().enumerate() {
                    li { span.{"legend-line line-s" (number % LINE_STYLES)} {} (line.label) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        // A range of 780,000 in about 4 steps: 195,000 rounds up to 200,000, from 3,400,000.
        let ticks = nice_ticks(3_510_000.0, 4_290_000.0, 4);
        assert_eq!(ticks.first().copied(), Some(3_400_000.0));
        assert_eq!(ticks.last().copied(), Some(4_400_000.0));
        assert!(
            ticks
                .windows(2)
                .all(|pair| (pair[1] - pair[0] - 200_000.0).abs() < 1e-6)
        );
        let small = nice_ticks(0.42, 1.9, 4);
        assert_eq!(small.first().copied(), Some(0.0));
        assert!(*small.last().unwrap() >= 1.9);
        // A maximum on a tick ends the axis there.
        assert_eq!(nice_ticks(0.0, 4.0, 4), [0.0, 1.0, 2.0, 3.0, 4.0]);
        // One value alone still gets an axis around it.
        let flat = nice_ticks(5.0, 5.0, 4);
        assert!(flat.first().unwrap() < &5.0 && flat.last().unwrap() > &5.0);
    }

    #[test]
    fn a_line_chart_breaks_at_missing_values_and_labels_its_points() {
        let markup = line_chart(
            "trend",
            "Employment",
            "2000: 10, 2002: 30",
            &[
                String::from("2000"),
                String::from("2001"),
                String::from("2002"),
                String::from("2003"),
            ],
            &[Series {
                label: String::from("<b>Wien</b>"),
                values: vec![Some(10.0), None, Some(30.0), Some(20.0)],
            }],
            &|value| format!("{value:.0}"),
        )
        .into_string();
        // Two runs: 2000 alone, then 2002–2003.
        assert_eq!(markup.matches("<polyline").count(), 2);
        assert_eq!(markup.matches("<circle").count(), 3);
        assert!(markup.contains("2002: 30"));
        assert!(markup.contains("aria-labelledby=\"trend-title trend-description\""));
        // One series: no legend; its label is escaped wherever it appears.
        assert!(!markup.contains("chart-legend"));
        assert!(!markup.contains("<b>"));
    }

    fn bar(label: &str, value: i64) -> Bar {
        Bar {
            label: label.to_owned(),
            value,
            value_text: value.to_string(),
            muted: false,
        }
    }

    #[test]
    fn bars_are_proportional_with_a_visible_minimum() {
        assert!((bar_percentage(50, 200) - 25.0).abs() < 1e-9);
        assert!((bar_percentage(200, 200) - 100.0).abs() < 1e-9);
        assert!((bar_percentage(1, 10_000) - 0.8).abs() < 1e-9);
        assert!(bar_percentage(0, 10).abs() < 1e-9);
        assert!(bar_percentage(5, 0).abs() < 1e-9);
    }

    #[test]
    fn the_chart_has_one_row_per_bar_and_escapes_labels() {
        let markup = horizontal_bar_chart(
            "chart",
            "Organisations",
            "DE 120, FR 60",
            &[bar("Germany", 120), bar("<script>alert(1)</script>", 60)],
        )
        .into_string();
        assert_eq!(markup.matches("class=\"bar-row\"").count(), 2);
        assert!(markup.contains("height=\"92\""));
        assert!(markup.contains("width=\"50.00%\""));
        assert!(markup.contains("&lt;script&gt;"));
        assert!(!markup.contains("<script>"));
        assert!(markup.contains("aria-labelledby=\"chart-title chart-description\""));
    }
}
