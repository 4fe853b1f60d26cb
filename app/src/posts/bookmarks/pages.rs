//! `/saved`: the signed-in user's saved posts, with their collections as
//! tabs (`?c=<id>`; "All" without), newest saved first, a page at a time
//! (`&cursor=`). A collection's tab renames or deletes it (its posts stay
//! in "All"); each post can move to another collection. Everything is a
//! plain link or form, so the page works before the client loads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::api::{saved_posts, CreateCollection, DeleteCollection, MoveBookmark, RenameCollection};
use super::components::MoveToForm;
use super::{saved_href, Collection, SavedPage, SavedPost, NAME_MAX};
use crate::accounts::use_auth;
use crate::posts::components::PostCard;
use crate::ui::{
    ErrorAlert, ErrorPage, FieldError, Loading, INPUT_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

const TAB: &str = "whitespace-nowrap rounded-full border px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400";
const TAB_ACTIVE: &str = "border-stone-900 bg-stone-900 text-white";
const TAB_IDLE: &str = "border-stone-300 bg-white text-stone-700 hover:bg-stone-100";

#[component]
pub fn SavedPostsPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let create = ServerAction::<CreateCollection>::new();
    let rename = ServerAction::<RenameCollection>::new();
    let remove = ServerAction::<DeleteCollection>::new();
    let moved = ServerAction::<MoveBookmark>::new();
    // Any change reloads the tab shown, so a moved post leaves it at once.
    let page = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("c"),
                q.get("cursor"),
                (create.version().get(), rename.version().get(), remove.version().get(), moved.version().get()),
            )
        },
        |(collection, cursor, _)| saved_posts(collection, cursor),
    );
    let failure = Signal::derive(move || {
        rename
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
            .or_else(|| moved.value().get().and_then(Result::err))
    });

    view! {
        <Title text="Saved" />
        <div class="mx-auto max-w-xl space-y-4">
            <header>
                <h1 class="text-2xl font-bold" data-testid="saved-heading">"Saved"</h1>
                <p class="text-sm text-stone-500">"Only you can see what you've saved."</p>
            </header>
            <Transition fallback=|| view! { <Loading label="Loading saved posts" /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/saved" /> }.into_any();
                    }
                    match page.await {
                        Ok(page) => view! {
                            <SavedTabs collections=page.collections.clone() active=page.active />
                            <NewCollectionForm create />
                            <ErrorAlert error=failure />
                            {page.active.map(|id| view! { <ManageCollection id name=page.active_name() rename remove /> })}
                            <SavedList page moved />
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// "All" and each collection, as links; the one shown is the current page.
#[component]
fn SavedTabs(collections: Vec<Collection>, active: Option<Uuid>) -> impl IntoView {
    let tab = move |href: String, name: String, current: bool, testid: &'static str, id: Option<Uuid>| {
        view! {
            <li class="shrink-0">
                <a href=href class=format!("{TAB} {}", if current { TAB_ACTIVE } else { TAB_IDLE })
                    aria-current=current.then_some("page") data-testid=testid
                    data-collection-id=id.map(|id| id.to_string())>
                    {name}
                </a>
            </li>
        }
    };
    view! {
        <nav aria-label="Collections">
            <ul class="flex gap-2 overflow-x-auto pb-1" data-testid="saved-tabs">
                {tab(saved_href(None, None), "All".into(), active.is_none(), "saved-tab-all", None)}
                {collections.into_iter().map(|c| {
                    tab(saved_href(Some(c.id), None), c.name, active == Some(c.id), "saved-tab", Some(c.id))
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn NewCollectionForm(create: ServerAction<CreateCollection>) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <ActionForm action=create attr:class="flex flex-wrap items-end gap-2" attr:data-testid="new-collection-form">
            <div class="min-w-0 flex-1">
                <label for="new-collection-name" class="block text-sm font-medium text-stone-700">"New collection"</label>
                <input id="new-collection-name" name="name" required maxlength=NAME_MAX.to_string() class=INPUT_CLASS
                    placeholder="e.g. Summer looks" autocomplete="off" aria-describedby="name-error" />
                <FieldError error field="name" />
            </div>
            <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="create-collection" disabled=move || create.pending().get()>
                "Create"
            </button>
        </ActionForm>
        {move || error.get().filter(|e| e.field() != Some("name")).map(|e| view! {
            <p role="alert" class="text-sm text-rose-700">{e.to_string()}</p>
        })}
    }
}

/// The shown collection's name, with rename and delete (after a confirmation).
#[component]
fn ManageCollection(
    id: Uuid,
    name: String,
    rename: ServerAction<RenameCollection>,
    remove: ServerAction<DeleteCollection>,
) -> impl IntoView {
    let rename_error = Signal::derive(move || rename.value().get().and_then(Result::err));
    let question = format!("Delete “{name}”? Its posts stay saved in All.");
    view! {
        <section class="space-y-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="collection-heading"
            data-testid="collection-manage">
            <h2 id="collection-heading" class="break-words text-lg font-semibold" data-testid="collection-name">{name.clone()}</h2>
            <ActionForm action=rename attr:class="flex flex-wrap items-end gap-2" attr:data-testid="rename-collection-form">
                <input type="hidden" name="id" value=id.to_string() />
                <div class="min-w-0 flex-1">
                    <label for="rename-collection-name" class="block text-sm font-medium text-stone-700">"Collection name"</label>
                    <input id="rename-collection-name" name="name" required maxlength=NAME_MAX.to_string() class=INPUT_CLASS
                        value=name autocomplete="off" />
                    <FieldError error=rename_error field="name" />
                </div>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="rename-collection">"Rename"</button>
            </ActionForm>
            <details class="text-sm" data-testid="delete-collection">
                <summary class="cursor-pointer font-medium text-rose-700">"Delete collection…"</summary>
                <p class="mt-2 text-stone-700">{question}</p>
                <ActionForm action=remove attr:class="mt-2">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="rounded-lg bg-rose-600 px-3 py-1.5 font-semibold text-white hover:bg-rose-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400"
                        data-testid="confirm-delete-collection">
                        "Delete collection"
                    </button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn SavedList(page: SavedPage, moved: ServerAction<MoveBookmark>) -> impl IntoView {
    if page.posts.is_empty() {
        let empty = match page.active {
            None => "Nothing saved yet. Tap Save on a post to keep it here.",
            Some(_) => "No posts in this collection yet. Move a saved post here with “Move to…”.",
        };
        return view! {
            <p class="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500" data-testid="saved-empty">
                {empty}
            </p>
        }
        .into_any();
    }
    let older = page.next_cursor.as_deref().map(|cursor| saved_href(page.active, Some(cursor)));
    let collections = page.collections;
    view! {
        <ul class="space-y-4" data-testid="saved-list">
            {page.posts.into_iter().map(|SavedPost { post, collection }| {
                let id = post.id;
                view! {
                    <li data-testid="saved-item" data-post-id=id.to_string()>
                        <PostCard post />
                        <MoveToForm post_id=id collections=collections.clone() current=collection action=moved />
                    </li>
                }
            }).collect_view()}
        </ul>
        {older.map(|href| view! {
            <a href=href class="block py-4 text-center font-semibold text-fuchsia-700 hover:underline" data-testid="saved-older">
                "Older saved posts"
            </a>
        })}
    }
    .into_any()
}
