//! Charts drawn as plain SVG and HTML while the page renders, so they read the
//! same before the WASM client loads (or without it). Tailwind classes do the
//! styling; nothing here needs the browser.

use leptos::prelude::*;

/// The bars' drawing space, in viewBox units. The SVG stretches to the
/// container's width and a fixed CSS height, so the text stays out of it (in
/// HTML around it) and keeps its size on every screen.
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 100.0;
/// Share of each bar's slot the bar covers; the rest is the gap to the next.
const BAR_FILL: f64 = 0.7;
/// A value that is not zero never shrinks below this share of the full
/// length, so one small sale next to a big day still shows.
const MIN_VISIBLE: f64 = 0.02;

/// A column chart: one bar per entry, the largest reaching the top. The
/// largest value shows at the top left and the first, middle and last labels
/// under the axis; each bar's own label and value show on hover.
#[component]
pub fn BarChart(
    bars: Vec<(String, i64)>,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: String,
    /// Formats a value for people, e.g. minor units as money.
    format: impl Fn(i64) -> String + 'static,
) -> impl IntoView {
    let values: Vec<i64> = bars.iter().map(|(_, value)| *value).collect();
    let top_value = format(values.iter().copied().max().unwrap_or(0).max(0));
    let axis_labels = labelled_bars(bars.len())
        .into_iter()
        .map(|index| {
            let text = bars[index].0.clone();
            // The outer labels line up with the chart's edges so they never overflow it.
            if index == 0 {
                view! { <span class="absolute left-0">{text}</span> }.into_any()
            } else if index + 1 == bars.len() {
                view! { <span class="absolute right-0">{text}</span> }.into_any()
            } else {
                let center = (index as f64 + 0.5) / bars.len() as f64 * 100.0;
                view! { <span class="absolute -translate-x-1/2" style=format!("left: {center:.2}%")>{text}</span> }
                    .into_any()
            }
        })
        .collect_view();
    let rects = bars
        .iter()
        .zip(layout_bars(&values))
        .map(|((name, value), bar)| {
            let title = format!("{name}: {}", format(*value));
            view! {
                <rect x=coord(bar.x) y=coord(bar.y) width=coord(bar.width) height=coord(bar.height)
                    class="fill-fuchsia-500 hover:fill-fuchsia-700">
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <div class="text-xs text-stone-500">
            <p class="tabular-nums" data-testid="bar-chart-max"><span class="sr-only">"Highest: "</span>{top_value}</p>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" width="100%"
                class="mt-1 block h-40 w-full border-y border-t-stone-100 border-b-stone-300"
                role="img" aria-label=label data-testid="bar-chart">
                {rects}
            </svg>
            <div class="relative mt-1 h-4 whitespace-nowrap" aria-hidden="true">{axis_labels}</div>
        </div>
    }
}

/// A funnel as horizontal bars, each step's length relative to the largest,
/// with how many of the step before made it this far.
#[component]
pub fn FunnelChart(steps: Vec<(String, i64)>) -> impl IntoView {
    let counts: Vec<i64> = steps.iter().map(|(_, count)| *count).collect();
    let widths = scaled(&counts, 100.0);
    let conversions = step_conversions(&counts);
    view! {
        <ol class="space-y-3" data-testid="funnel">
            {steps
                .into_iter()
                .zip(widths)
                .zip(conversions)
                .map(|(((name, count), width), conversion)| view! {
                    <li data-testid="funnel-step">
                        <div class="flex items-baseline justify-between gap-2 text-sm">
                            <span class="font-medium">{name}</span>
                            <span class="font-semibold tabular-nums" data-testid="funnel-count">{count}</span>
                        </div>
                        <div class="mt-1 h-3 overflow-hidden rounded-full bg-stone-100" aria-hidden="true">
                            <div class="h-full rounded-full bg-fuchsia-500" style=format!("width: {width:.1}%")></div>
                        </div>
                        {conversion.map(|pct| view! {
                            <p class="mt-1 text-xs text-stone-500" data-testid="funnel-conversion">
                                {format!("{} of the step before", percent_text(Some(pct)))}
                            </p>
                        })}
                    </li>
                })
                .collect_view()}
        </ol>
    }
}

/// "12.5%" with one decimal, or "—" when there is nothing to divide by.
pub fn percent_text(pct: Option<f64>) -> String {
    match pct {
        Some(pct) => format!("{pct:.1}%"),
        None => "—".to_string(),
    }
}

/// One bar's place in the viewBox.
#[derive(Debug)]
struct BarBox {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// Bars side by side across the full width, standing on the bottom edge.
fn layout_bars(values: &[i64]) -> Vec<BarBox> {
    if values.is_empty() {
        return Vec::new();
    }
    let slot = WIDTH / values.len() as f64;
    scaled(values, HEIGHT)
        .into_iter()
        .enumerate()
        .map(|(i, height)| BarBox {
            x: i as f64 * slot + slot * (1.0 - BAR_FILL) / 2.0,
            y: HEIGHT - height,
            width: slot * BAR_FILL,
            height,
        })
        .collect()
}

/// Each value's length when the largest takes all of `full`. Zero and
/// negative values get no length, and so does every value of an all-zero
/// series (a flat baseline rather than a division by zero).
fn scaled(values: &[i64], full: f64) -> Vec<f64> {
    let max = values.iter().copied().max().unwrap_or(0);
    let length = |value: i64| (value as f64 / max as f64 * full).max(full * MIN_VISIBLE);
    values.iter().map(|&value| if value > 0 && max > 0 { length(value) } else { 0.0 }).collect()
}

/// Which of `count` bars get a label under the axis: the first, the middle
/// and the last, each once.
fn labelled_bars(count: usize) -> Vec<usize> {
    if count == 0 {
        return Vec::new();
    }
    let mut indices = vec![0, count / 2, count - 1];
    indices.dedup();
    indices
}

/// Each step as a share of the step before it: `None` for the first step,
/// and for a step whose predecessor is zero.
fn step_conversions(counts: &[i64]) -> Vec<Option<f64>> {
    counts
        .iter()
        .enumerate()
        .map(|(i, &count)| i.checked_sub(1).and_then(|before| share_pct(count, counts[before])))
        .collect()
}

/// `part` of `whole` in percent, rounded to one decimal; `None` when `whole` is not positive.
fn share_pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// A coordinate for an SVG attribute: two decimals are finer than any screen.
fn coord(value: f64) -> String {
    format!("{value:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_value_fills_the_length_and_the_rest_scale_to_it() {
        assert_eq!(scaled(&[50, 100, 25], 200.0), vec![100.0, 200.0, 50.0]);
    }

    #[test]
    fn empty_zero_and_negative_series_draw_nothing_without_panicking() {
        assert!(scaled(&[], 100.0).is_empty());
        assert_eq!(scaled(&[0, 0, 0], 100.0), vec![0.0, 0.0, 0.0]);
        assert_eq!(scaled(&[-5, 0], 100.0), vec![0.0, 0.0]);
        assert_eq!(scaled(&[-5, 10], 100.0), vec![0.0, 100.0]);
    }

    #[test]
    fn a_tiny_value_next_to_a_huge_one_stays_visible() {
        let lengths = scaled(&[1, 1_000_000], 100.0);
        assert_eq!(lengths[0], 2.0);
        assert_eq!(lengths[1], 100.0);
    }

    #[test]
    fn bars_stand_on_the_baseline_inside_the_chart() {
        let bars = layout_bars(&[0, 30, 60]);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].height, 0.0);
        assert_eq!(bars[0].y, HEIGHT);
        assert_eq!(bars[2].y, 0.0);
        for bar in &bars {
            assert!(bar.x >= 0.0 && bar.x + bar.width <= WIDTH);
            assert_eq!(bar.y + bar.height, HEIGHT);
        }
        assert!(bars[0].x + bars[0].width < bars[1].x);
    }

    #[test]
    fn all_zero_days_lie_flat_and_no_days_draw_no_bars() {
        assert!(layout_bars(&[0; 31]).iter().all(|bar| bar.height == 0.0 && bar.y == HEIGHT));
        assert!(layout_bars(&[]).is_empty());
    }

    #[test]
    fn the_first_middle_and_last_bars_are_labelled_once() {
        assert_eq!(labelled_bars(0), Vec::<usize>::new());
        assert_eq!(labelled_bars(1), vec![0]);
        assert_eq!(labelled_bars(2), vec![0, 1]);
        assert_eq!(labelled_bars(3), vec![0, 1, 2]);
        assert_eq!(labelled_bars(31), vec![0, 15, 30]);
    }

    #[test]
    fn percentages_have_one_decimal_and_a_dash_for_none() {
        assert_eq!(percent_text(Some(12.5)), "12.5%");
        assert_eq!(percent_text(Some(0.0)), "0.0%");
        assert_eq!(percent_text(Some(100.0)), "100.0%");
        assert_eq!(percent_text(None), "—");
    }

    #[test]
    fn each_funnel_step_converts_from_the_one_before() {
        assert_eq!(step_conversions(&[1000, 80, 10, 1]), vec![None, Some(8.0), Some(12.5), Some(10.0)]);
        assert_eq!(step_conversions(&[3, 1]), vec![None, Some(33.3)]);
    }

    #[test]
    fn a_funnel_with_nothing_before_a_step_has_no_conversion_for_it() {
        assert_eq!(step_conversions(&[0, 0, 0, 0]), vec![None, None, None, None]);
        assert_eq!(step_conversions(&[5, 0, 0]), vec![None, Some(0.0), None]);
        assert!(step_conversions(&[]).is_empty());
    }
}
