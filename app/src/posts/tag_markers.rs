//! A post's photo with its tags. The markers are rendered on the server as
//! real links and revealed by a CSS-only switch (a visually hidden checkbox
//! and a label over the photo), so the first tap works before the WASM has
//! loaded and without JavaScript at all; once hydrated, a product tag opens
//! the in-feed product sheet instead of leaving the feed.

use leptos::prelude::*;

use super::product_sheet::use_sheet_opener;
use super::{MediaView, TagKind, TagView};

/// Where a marker sits: `left`/`top` put it on its tag's spot (percent of
/// the photo), the shift (percent of the marker's own size) decides which
/// point of the marker lies on that spot, and the width cap keeps a long
/// label from reaching past the photo's edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub left: f64,
    pub top: f64,
    pub shift_x: f64,
    pub shift_y: f64,
    /// The widest the marker may be, in percent of the photo's width.
    pub max_width: f64,
}

/// How far into the marker its spot lies: the middle for spots away from
/// the edges, sliding towards the marker's near end within 20% of an edge,
/// so a marker never sticks out of the photo.
fn anchor(at: f64) -> f64 {
    if at <= 50.0 {
        (at * 2.5).min(50.0)
    } else {
        100.0 - ((100.0 - at) * 2.5).min(50.0)
    }
}

/// The placement of a marker for a tag at `x`, `y` percent.
pub fn placement(x: f64, y: f64) -> Placement {
    let clamp = |v: f64| if v.is_finite() { v.clamp(0.0, 100.0) } else { 50.0 };
    let (x, y) = (clamp(x), clamp(y));
    let (shift_x, shift_y) = (anchor(x), anchor(y));
    // Left of the spot the marker takes shift_x% of its width and must fit
    // in x% of the photo's; right of it the rest must fit in the rest.
    let fits_left = if shift_x > 0.0 { x / shift_x * 100.0 } else { f64::INFINITY };
    let fits_right = if shift_x < 100.0 { (100.0 - x) / (100.0 - shift_x) * 100.0 } else { f64::INFINITY };
    let round = |v: f64| (v * 100.0).round() / 100.0;
    // Rounded down, so rounding never lets a marker past the edge.
    let cap = (fits_left.min(fits_right).min(100.0) * 100.0).floor() / 100.0;
    Placement { left: round(x), top: round(y), shift_x: round(shift_x), shift_y: round(shift_y), max_width: cap }
}

impl Placement {
    fn style(&self) -> String {
        format!(
            "left: {}%; top: {}%; transform: translate(-{}%, -{}%); max-width: {}%",
            self.left, self.top, self.shift_x, self.shift_y, self.max_width
        )
    }
}

/// The cue on a tagged photo: "1 tag", "3 tags".
pub fn tag_count_text(count: usize) -> String {
    if count == 1 {
        "1 tag".to_string()
    } else {
        format!("{count} tags")
    }
}

/// One image; tapping it shows or hides its tags.
#[component]
pub fn TaggedImage(media: MediaView) -> impl IntoView {
    let count = media.tags.len();
    let ratio = format!("aspect-ratio: {} / {}", media.width, media.height);
    let alt = if media.alt.is_empty() { "Post image".to_string() } else { media.alt.clone() };
    // Unique per image, so each label switches its own photo's tags.
    let switch_id = format!("tags-{}", media.id);
    view! {
        <figure class="relative w-full shrink-0 snap-center overflow-hidden bg-stone-100" style=ratio data-testid="post-image">
            <img src=media.url_600.clone() srcset=crate::ui::srcset_600_1200(&media.url_600, &media.url_1200, media.width)
                sizes="(min-width: 640px) 600px, 100vw" alt=alt loading="lazy"
                width=media.width height=media.height class="h-full w-full object-cover" />
            {(count > 0).then(|| view! {
                <input type="checkbox" id=switch_id.clone() class="peer sr-only" data-testid="tags-switch"
                    aria-label=format!("Show the {} on this photo", tag_count_text(count)) />
                <label for=switch_id class="absolute inset-0 cursor-pointer peer-focus-visible:ring-4 peer-focus-visible:ring-inset peer-focus-visible:ring-fuchsia-400"
                    data-testid="toggle-tags">
                    <TagCountCue count />
                </label>
                <ul class="pointer-events-none absolute inset-0 m-0 hidden list-none p-0 peer-checked:block" data-testid="tag-markers"
                    aria-label="Tags on this photo">
                    {media.tags.into_iter().map(|tag| view! { <TagMarker tag /> }).collect_view()}
                </ul>
            })}
        </figure>
    }
}

/// A tag icon and the number of tags, in a corner of the photo.
#[component]
fn TagCountCue(count: usize) -> impl IntoView {
    view! {
        <span class="absolute bottom-2 left-2 inline-flex items-center gap-1 rounded-full bg-black/70 px-2 py-1 text-xs font-semibold text-white shadow"
            data-testid="tag-count" aria-hidden="true">
            <svg class="h-3.5 w-3.5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" aria-hidden="true">
                <path d="M20.6 13.4 13.4 20.6a2 2 0 0 1-2.8 0L3 13V3h10l7.6 7.6a2 2 0 0 1 0 2.8z" /><circle cx="7.5" cy="7.5" r="1.5" />
            </svg>
            {tag_count_text(count)}
        </span>
    }
}

/// One tag: a link to what it names. A product tag's link carries the post's
/// context token, so a visit without JavaScript is credited to the post; with
/// the WASM loaded, the same tap opens the product sheet over the page.
#[component]
fn TagMarker(tag: TagView) -> impl IntoView {
    let open_sheet = use_sheet_opener();
    let (icon, kind) = match tag.kind {
        TagKind::Product => (
            view! {
                <svg class="mr-1 inline h-3 w-3" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" aria-hidden="true">
                    <path d="M5 8h14l-1 12H6z" /><path d="M9 8V6a3 3 0 0 1 6 0v2" />
                </svg>
            }
            .into_any(),
            "Product: ",
        ),
        TagKind::Shop => (view! { <span aria-hidden="true">"$"</span> }.into_any(), "Shop: "),
        TagKind::User => (view! { <span aria-hidden="true">"@"</span> }.into_any(), "Person: "),
    };
    let product = (tag.kind == TagKind::Product).then_some(tag.product_id).flatten();
    let ctx = tag.ctx.clone();
    let on_click = move |ev: web_sys::MouseEvent| {
        // A new tab or window keeps the plain link.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        if let Some(id) = product {
            ev.prevent_default();
            open_sheet(id, ctx.clone());
        }
    };
    view! {
        <li class="pointer-events-auto absolute" style=placement(tag.x_pct, tag.y_pct).style() data-testid="tag-marker-spot">
            <a href=tag.href.clone() data-testid="tag-marker" data-kind=format!("{:?}", tag.kind).to_lowercase()
                class="block truncate whitespace-nowrap rounded-full bg-black/75 px-2.5 py-1 text-xs font-semibold text-white shadow hover:bg-black focus:outline-none focus-visible:ring-2 focus-visible:ring-white"
                on:click=on_click>
                {icon}<span class="sr-only">{kind}</span>{tag.label.clone()}
            </a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a marker `width` percent of the photo wide reaches, in percent.
    fn extent(p: &Placement, width: f64) -> (f64, f64) {
        let start = p.left - p.shift_x / 100.0 * width;
        (start, start + width)
    }

    #[test]
    fn markers_stay_inside_the_photo_wherever_the_tag_is() {
        for x in (0..=100).map(f64::from).chain([0.5, 99.5, 33.33]) {
            let p = placement(x, 50.0);
            assert!(p.max_width > 0.0 && p.max_width <= 100.0, "x={x}: {p:?}");
            for width in [1.0, 10.0, 25.0, 40.0, p.max_width] {
                let width = width.min(p.max_width);
                let (start, end) = extent(&p, width);
                assert!(start >= -0.01 && end <= 100.01, "x={x}, width={width}: {start}..{end}");
                assert!(start <= x + 0.01 && x - 0.01 <= end, "the marker covers its spot: x={x}");
            }
        }
    }

    #[test]
    fn a_marker_at_a_390px_photos_right_edge_fits() {
        // A 150 px marker on a 390 px photo, tagged 2% from the right edge.
        let p = placement(98.0, 97.0);
        let width = 150.0 / 390.0 * 100.0;
        assert!(width <= p.max_width);
        let (start, end) = extent(&p, width);
        assert!(start >= 0.0 && end <= 100.0, "{start}..{end}");
        assert_eq!(p.shift_y, 92.5, "near the bottom the marker sits above its spot");
    }

    #[test]
    fn markers_away_from_the_edges_are_centred_on_their_spot() {
        let p = placement(30.0, 40.0);
        assert_eq!((p.left, p.top, p.shift_x, p.shift_y), (30.0, 40.0, 50.0, 50.0));
        assert_eq!(p.max_width, 60.0);
        assert_eq!(placement(50.0, 50.0).max_width, 100.0);
        assert_eq!(
            placement(30.0, 40.0).style(),
            "left: 30%; top: 40%; transform: translate(-50%, -50%); max-width: 60%"
        );
    }

    #[test]
    fn bad_coordinates_are_kept_on_the_photo() {
        assert_eq!(placement(-5.0, 140.0), placement(0.0, 100.0));
        assert_eq!(placement(f64::NAN, f64::INFINITY).left, 50.0);
    }

    #[test]
    fn the_cue_counts_tags() {
        assert_eq!(tag_count_text(1), "1 tag");
        assert_eq!(tag_count_text(3), "3 tags");
    }
}
