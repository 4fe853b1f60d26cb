//! The controls that reach safety from where people are: the "…" menu on
//! someone's profile (mute, restrict, block with a confirmation), what a
//! profile you blocked shows, and the notice left where a hidden post was.
//! Every control is a plain form before hydration.

use leptos::prelude::*;
use uuid::Uuid;

use super::api::{SetRelation, UnhidePost};
use super::{HideReason, Relation, Standing};

const MENU_ITEM_CLASS: &str =
    "block w-full px-4 py-2 text-left text-sm text-stone-800 hover:bg-stone-100 focus:bg-stone-100 focus:outline-none";

/// One relation's on/off form; `on` is the state it sets.
#[component]
fn RelationForm(
    action: ServerAction<SetRelation>,
    username: String,
    relation: Relation,
    on: bool,
    #[prop(into)] label: String,
    #[prop(into)] testid: String,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    let class =
        if danger { format!("{MENU_ITEM_CLASS} font-semibold text-rose-700") } else { MENU_ITEM_CLASS.to_string() };
    view! {
        <ActionForm action>
            <input type="hidden" name="username" value=username />
            <input type="hidden" name="relation" value=relation.as_str() />
            <input type="hidden" name="on" value=on.to_string() />
            <button type="submit" class=class data-testid=testid>{label}</button>
        </ActionForm>
    }
}

/// The "…" menu on someone else's profile. `changed` runs after a change
/// saves, so the page shows the new state (a block hides their posts).
#[component]
pub fn AccountActions(username: String, standing: Standing, changed: Callback<()>) -> impl IntoView {
    let action = ServerAction::<SetRelation>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            changed.run(());
        }
    });
    let error = move || action.value().get().and_then(Result::err);
    let toggles = [Relation::Mute, Relation::Restrict].map(|relation| {
        let on = !standing.get(relation);
        let verb = relation.verb(on);
        view! {
            <RelationForm action username=username.clone() relation on label=verb
                testid=format!("{}-button", verb.to_lowercase()) />
        }
    });
    let block = if standing.blocked {
        view! {
            <RelationForm action username=username.clone() relation=Relation::Block on=false label="Unblock" testid="unblock-button" />
        }
        .into_any()
    } else {
        view! {
            // Blocking asks first, inside the menu: a second disclosure.
            <details data-testid="block-details">
                <summary class=format!("{MENU_ITEM_CLASS} cursor-pointer list-none font-semibold text-rose-700 [&::-webkit-details-marker]:hidden")
                    data-testid="block-button">"Block…"</summary>
                <div class="border-t border-stone-100 px-4 py-3 text-sm text-stone-600">
                    <p>"@"{username.clone()}" won't be able to find your profile, posts or comments, or follow, tag or mention you. Follows between you both end. They won't be told."</p>
                    <RelationForm action username=username.clone() relation=Relation::Block on=true
                        label=format!("Block @{username}") testid="block-confirm" danger=true />
                </div>
            </details>
        }
        .into_any()
    };
    view! {
        <details class="relative" data-testid="account-actions">
            <summary role="button" aria-label=format!("More options for @{username}")
                class="flex h-10 w-10 cursor-pointer list-none items-center justify-center rounded-full border border-stone-300 bg-white text-stone-600 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 [&::-webkit-details-marker]:hidden">
                <svg class="h-5 w-5" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
                    <circle cx="5" cy="12" r="2" /><circle cx="12" cy="12" r="2" /><circle cx="19" cy="12" r="2" />
                </svg>
            </summary>
            <div class="absolute right-0 top-full z-20 mt-1 w-72 overflow-hidden rounded-xl border border-stone-200 bg-white py-1 text-left shadow-lg"
                data-testid="account-actions-items">
                {toggles}
                {block}
            </div>
        </details>
        {move || error().map(|e| view! { <p role="alert" class="mt-1 text-sm text-rose-700">{e.to_string()}</p> })}
    }
}

/// What stands in a profile's posts' place for someone who blocked it.
#[component]
pub fn BlockedAccountNotice(username: String) -> impl IntoView {
    view! {
        <div class="rounded-2xl border border-stone-200 bg-white px-6 py-10 text-center shadow-sm" data-testid="blocked-account-notice">
            <p class="font-semibold">"You blocked @"{username}"."</p>
            <p class="mt-1 text-sm text-stone-500">"You don't see their posts, and they can't find your profile. Unblock them from the menu above or in Privacy and safety."</p>
        </div>
    }
}

/// What is left where a post was hidden, with Undo.
#[component]
pub fn HiddenPostNotice(post: Uuid, reason: HideReason, undone: Callback<()>) -> impl IntoView {
    let action = ServerAction::<UnhidePost>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            undone.run(());
        }
    });
    let text = match reason {
        HideReason::Hidden => "Post hidden. You won't see it in your feeds.",
        HideReason::NotInterested => "Got it. You'll see fewer posts like this in Explore.",
    };
    view! {
        <div role="status" class="flex items-center justify-between gap-3 rounded-2xl border border-stone-200 bg-white px-4 py-3 text-sm text-stone-700 shadow-sm"
            data-testid="hidden-post-notice">
            <span>{text}</span>
            <ActionForm action>
                <input type="hidden" name="id" value=post.to_string() />
                <button type="submit" class="font-semibold text-fuchsia-700 hover:underline" data-testid="unhide-button">"Undo"</button>
            </ActionForm>
        </div>
    }
}
