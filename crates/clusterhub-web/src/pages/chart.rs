//! Bar charts drawn as inline SVG on the server, so they need no script and print well.
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

#[cfg(test)]
mod tests {
    use super::*;

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
