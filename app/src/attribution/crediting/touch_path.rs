//! An order line's touch path as the shop's order page and the credited
//! creator's statement show it: a `<details>` list that opens without the
//! WASM client.

use leptos::prelude::*;
use leptos_router::components::A;

use super::TouchView;

/// How the buyer came to the line's product: each touch point, oldest first,
/// with the credit it earned under the shop's attribution model.
#[component]
pub fn TouchPath(touches: Vec<TouchView>) -> impl IntoView {
    view! {
        <details class="mt-1 text-stone-600" data-testid="touch-path">
            <summary class="cursor-pointer text-xs font-semibold uppercase tracking-wide">"How they found it"</summary>
            <ol class="mt-1 space-y-1 border-l-2 border-fuchsia-200 pl-3">
                {touches.into_iter().map(|t| view! {
                    <li data-testid="touch">
                        <time datetime=t.at.to_rfc3339()>{t.at.format("%-d %b %H:%M").to_string()}</time>
                        {format!(" · {} {}", t.kind, t.surface.to_lowercase())}
                        {t.post_id.map(|p| view! { " in " <A href=format!("/post/{p}") attr:class="text-fuchsia-700 hover:underline">"a post"</A> })}
                        {(!t.creators.is_empty()).then(|| format!(" by @{}", t.creators.join(", @")))}
                        {t.credit.map(|c| view! { <span class="font-semibold text-stone-900" data-testid="touch-credit">{format!(" · credited {}", c.display())}</span> })}
                        {t.self_referral.then(|| view! {
                            " "
                            <span class="rounded bg-amber-100 px-1 text-xs font-semibold text-amber-800" data-testid="touch-self"
                                title="The buyer is one of this post's creators or the shop's owner: no commission">"self"</span>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}
