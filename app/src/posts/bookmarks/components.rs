//! The bookmark button on every post card (an instant toggle once
//! hydrated, a plain form before), the post page's "Save to…" chooser and
//! the saved page's "Move to…" control.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{my_collections, MoveBookmark, SetBookmark};
use super::Collection;
use crate::ui::ErrorAlert;

const SELECT_CLASS: &str = "min-w-0 max-w-full rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm focus:border-fuchsia-500 focus:outline-none focus:ring-2 focus:ring-fuchsia-200";
const SMALL_BUTTON: &str = "rounded-lg border border-stone-300 bg-white px-3 py-1.5 text-sm font-semibold text-stone-800 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 disabled:opacity-60";

/// Save / unsave, shown at once (optimistic) and stored in the background.
/// Saving from here puts the post in "All"; the post page's chooser picks
/// a collection.
#[component]
pub fn BookmarkButton(post: Uuid, saved: bool) -> impl IntoView {
    let action = ServerAction::<SetBookmark>::new();
    let stored = RwSignal::new(saved);
    Effect::new(move |_| {
        if let Some(Ok(state)) = action.value().get() {
            stored.set(state.saved);
        }
    });
    let shown = move || match action.input().get() {
        Some(pending) => pending.save,
        None => stored.get(),
    };
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action attr:class="ml-auto">
            <input type="hidden" name="id" value=post.to_string() />
            <input type="hidden" name="save" value=move || (!shown()).to_string() />
            // A toggle keeps its name ("Save"); aria-pressed and the filled star say it is saved.
            <button type="submit" data-testid="bookmark-button" title=move || if shown() { "Saved: tap to remove" } else { "Save to your Saved posts" }
                aria-pressed=move || shown().to_string() aria-busy=move || action.pending().get().to_string()
                class=move || if shown() { "font-semibold text-stone-900" } else { "hover:text-stone-900" }>
                <span aria-hidden="true">{move || if shown() { "★ " } else { "☆ " }}</span>
                "Save"
            </button>
        </ActionForm>
        {move || error().map(|e| view! { <span role="alert" class="text-rose-700">{e.to_string()}</span> })}
    }
}

/// Below a post on its page, for someone signed in: save it straight into
/// one of their collections (or "All"). `changed` reloads the post, so its
/// bookmark button shows the new state.
#[component]
pub fn SaveToChooser(post_id: Uuid, changed: RwSignal<u32>) -> impl IntoView {
    let save = ServerAction::<SetBookmark>::new();
    let collections = Resource::new(|| (), |_| my_collections());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Signed out (Unauthorized): the card's button says to log in.
                let Ok(collections) = collections.await else { return ().into_any() };
                view! {
                    <section id="save-to" class="mt-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm"
                        aria-labelledby="save-to-heading" data-testid="save-to">
                        <h2 id="save-to-heading" class="font-semibold">"Save to…"</h2>
                        <ActionForm action=save attr:class="mt-2 flex flex-wrap items-end gap-2" attr:data-testid="save-to-form">
                            <ErrorAlert error />
                            <input type="hidden" name="id" value=post_id.to_string() />
                            <input type="hidden" name="save" value="true" />
                            <label class="flex min-w-0 flex-col text-sm text-stone-700">
                                "Collection"
                                <CollectionSelect collections current=None />
                            </label>
                            <button type="submit" class=SMALL_BUTTON data-testid="save-to-submit" disabled=move || save.pending().get()>
                                "Save"
                            </button>
                            <A href="/saved" attr:class="text-sm font-medium text-fuchsia-700 hover:underline">"New collection"</A>
                        </ActionForm>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// A `collection` select: "All (no collection)" and each of the user's
/// collections, by name (as text), `current` chosen.
#[component]
pub fn CollectionSelect(collections: Vec<Collection>, current: Option<Uuid>) -> impl IntoView {
    view! {
        <select name="collection" class=SELECT_CLASS data-testid="collection-select">
            <option value="" selected=current.is_none()>"All (no collection)"</option>
            {collections.into_iter().map(|c| {
                let chosen = current == Some(c.id);
                view! { <option value=c.id.to_string() selected=chosen>{c.name}</option> }
            }).collect_view()}
        </select>
    }
}

/// Under a saved post on the saved page: move it to another collection or
/// out of any.
#[component]
pub fn MoveToForm(
    post_id: Uuid,
    collections: Vec<Collection>,
    current: Option<Uuid>,
    action: ServerAction<MoveBookmark>,
) -> impl IntoView {
    let select_id = format!("move-{post_id}");
    view! {
        <ActionForm action attr:class="flex flex-wrap items-center gap-2 px-1 pt-2" attr:data-testid="move-form">
            <input type="hidden" name="id" value=post_id.to_string() />
            <label for=select_id.clone() class="text-sm text-stone-700">"Move to…"</label>
            <select id=select_id name="collection" class=SELECT_CLASS data-testid="move-select">
                <option value="" selected=current.is_none()>"All (no collection)"</option>
                {collections.into_iter().map(|c| {
                    let chosen = current == Some(c.id);
                    view! { <option value=c.id.to_string() selected=chosen>{c.name}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class=SMALL_BUTTON data-testid="move-submit">"Move"</button>
        </ActionForm>
    }
}
