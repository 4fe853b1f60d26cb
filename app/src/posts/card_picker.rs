//! The composer's and edit page's pickers for the group deals and
//! installment plans a post shows: search, pick several, remove. What is
//! picked goes with the post's own form as one hidden field per kind
//! (`card_links`), so it is saved with the post in one transaction. The
//! searches are the post page editors' (`SearchPicker`).

use leptos::prelude::*;

use super::card_links::{GROUPS_FIELD, PLANS_FIELD};
use super::PostView;
use crate::groups::components::find_linkable_groups;
use crate::groups::MAX_POST_GROUPS;
use crate::plans::components::find_plans;
use crate::plans::MAX_PLANS_PER_POST;
use crate::ui::{Pick, PickSearch, SearchPicker};

/// The groups and plans already on `post`, as the edit page's pickers start.
pub fn linked_picks(post: &PostView) -> (Vec<Pick>, Vec<Pick>) {
    let groups = post
        .groups
        .iter()
        .map(|g| Pick { id: g.id.to_string(), label: format!("{} · {}/{} joined", g.product_title, g.joined, g.size) })
        .collect();
    let plans = post
        .plans
        .iter()
        .map(|p| Pick {
            id: p.quote.plan_id.to_string(),
            label: format!("{} · {}", p.product_title, p.quote.terms.title()),
        })
        .collect();
    (groups, plans)
}

/// Both pickers, for the form they sit in.
#[component]
pub fn CardLinksPicker(groups: RwSignal<Vec<Pick>>, plans: RwSignal<Vec<Pick>>) -> impl IntoView {
    view! {
        <PickedLinks name="group" field=GROUPS_FIELD title="Buy-together groups" label="Find a group" max=MAX_POST_GROUPS
            hint="Open groups you started or joined, shown with a Join button." search=find_linkable_groups picked=groups />
        <PickedLinks name="plan" field=PLANS_FIELD title="Payment plans" label="Find a product's plans" max=MAX_PLANS_PER_POST
            hint="Installment plans shown as cards, side by side to compare." search=find_plans picked=plans />
    }
}

/// One kind: what is picked (`picked-{name}` rows, each with Remove), the
/// hidden field the form sends, and the search while there is room.
#[component]
fn PickedLinks(
    name: &'static str,
    field: &'static str,
    title: &'static str,
    label: &'static str,
    hint: &'static str,
    max: usize,
    search: PickSearch,
    picked: RwSignal<Vec<Pick>>,
) -> impl IntoView {
    let on_pick = Callback::new(move |pick: Pick| {
        picked.update(|all| {
            if all.len() < max && all.iter().all(|p| p.id != pick.id) {
                all.push(pick);
            }
        })
    });
    let ids = move || picked.with(|all| all.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(","));
    view! {
        <fieldset class="space-y-2 rounded-xl border border-stone-200 p-3" data-testid=format!("{name}-picker")>
            <legend class="px-1 text-sm font-semibold">{title}</legend>
            <p class="text-xs text-stone-500">{format!("{hint} Up to {max}.")}</p>
            <input type="hidden" name=field value=ids />
            <ul class="space-y-1 text-sm" data-testid=format!("picked-{name}s")>
                <For each=move || picked.get() key=|p| p.id.clone() let:pick>
                    <li class="flex items-center justify-between gap-2" data-testid=format!("picked-{name}")>
                        <span>{pick.label.clone()}</span>
                        <button type="button" class="text-rose-700 hover:underline"
                            on:click=move |_| picked.update(|all| all.retain(|p| p.id != pick.id))>
                            "Remove"
                        </button>
                    </li>
                </For>
            </ul>
            <SearchPicker name label placeholder="Product name" search on_pick />
        </fieldset>
    }
}
