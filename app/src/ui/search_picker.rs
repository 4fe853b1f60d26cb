//! A search box and the results it finds, each a button: what every
//! "link something" picker is made of (the composer's groups and plans, the
//! post page's group and plan editors). The caller says how to search and
//! what picking does; one component, so the WASM carries it once.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::ui::{INPUT_CLASS, LABEL_CLASS};

/// One result: the id a form sends and the line the author reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub id: String,
    pub label: String,
}

/// The results for a query of at least two characters.
pub type PickFuture = Pin<Box<dyn Future<Output = Result<Vec<Pick>, AppError>> + Send>>;
/// How a picker searches: a plain function, so the component is not generic.
pub type PickSearch = fn(String) -> PickFuture;

/// The search input (`{name}-search`) and its results (`{name}-results`,
/// each a `{name}-result` button). Searches once two characters are typed.
#[component]
pub fn SearchPicker(
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    search: PickSearch,
    on_pick: Callback<Pick>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let results = Resource::new(
        move || query.get(),
        move |q| async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                search(q).await
            }
        },
    );
    let input_id = format!("{name}-search");
    view! {
        <div>
            <label for=input_id.clone() class=LABEL_CLASS>{label}</label>
            <input id=input_id.clone() type="search" placeholder=placeholder class=INPUT_CLASS autocomplete="off"
                data-testid=input_id on:input=move |ev| query.set(event_target_value(&ev)) />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let picks = results.await.unwrap_or_default();
                    view! {
                        <ul class="mt-1 divide-y divide-stone-100" data-testid=format!("{name}-results")>
                            {picks.into_iter().map(|pick| {
                                let shown = pick.label.clone();
                                view! {
                                    <li>
                                        <button type="button" class="w-full py-1.5 text-left text-sm hover:bg-stone-50"
                                            data-testid=format!("{name}-result") on:click=move |_| on_pick.run(pick.clone())>
                                            {shown}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </div>
    }
}
