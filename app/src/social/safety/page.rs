//! `/settings/safety`, "Privacy and safety": the accounts the signed-in user
//! blocked, restricted and muted, their muted words (with a form to add
//! one) and the posts they hid, each with undo. Every control is a plain
//! form before hydration; any change reloads the lists.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use super::api::{my_safety_lists, AddMutedWord, RemoveMutedWord, SetRelation, UnhidePost};
use super::{HiddenPost, HideReason, ListedAccount, MutedWordView, Relation, SafetyLists};
use crate::accounts::use_auth;
use crate::ui::{
    Avatar, AvatarSize, ErrorPage, Loading, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

/// The page's actions; any of them saving reloads the lists.
#[derive(Clone, Copy)]
struct Actions {
    relation: ServerAction<SetRelation>,
    add_word: ServerAction<AddMutedWord>,
    remove_word: ServerAction<RemoveMutedWord>,
    unhide: ServerAction<UnhidePost>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            relation: ServerAction::new(),
            add_word: ServerAction::new(),
            remove_word: ServerAction::new(),
            unhide: ServerAction::new(),
        }
    }

    fn versions(&self) -> (usize, usize, usize, usize) {
        (
            self.relation.version().get(),
            self.add_word.version().get(),
            self.remove_word.version().get(),
            self.unhide.version().get(),
        )
    }

    fn failure(&self) -> Option<String> {
        let err = |e: Option<Result<_, crate::error::AppError>>| e.and_then(Result::err).map(|e| e.to_string());
        err(self.relation.value().get().map(|r| r.map(|_| ())))
            .or_else(|| err(self.remove_word.value().get()))
            .or_else(|| err(self.unhide.value().get()))
    }
}

#[component]
pub fn SafetyPage() -> impl IntoView {
    let auth = use_auth();
    let actions = Actions::new();
    let lists = Resource::new(move || actions.versions(), |_| my_safety_lists());
    view! {
        <Title text="Privacy and safety" />
        <section class="mx-auto max-w-xl space-y-6 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <div>
                <h1 class="text-xl font-bold" data-testid="safety-heading">"Privacy and safety"</h1>
                <p class="mt-1 text-sm text-stone-500">"Nobody is told when you block, restrict or mute them."</p>
            </div>
            {move || actions.failure().map(|e| view! { <p role="alert" class="text-sm text-rose-700">{e}</p> })}
            <MutedWordForm action=actions.add_word />
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/settings/safety" /> }.into_any();
                    }
                    match lists.await {
                        Ok(lists) => view! { <Lists lists actions /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MutedWordForm(action: ServerAction<AddMutedWord>) -> impl IntoView {
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action attr:class="flex flex-wrap items-end gap-2" attr:data-testid="muted-word-form">
            <label class="min-w-0 flex-1">
                <span class=LABEL_CLASS>"Mute a word, phrase or #hashtag"</span>
                <input type="text" name="word" required maxlength="50" class=INPUT_CLASS autocomplete="off"
                    aria-describedby="muted-word-help" data-testid="muted-word-input" />
            </label>
            <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="muted-word-add">"Mute"</button>
            <p id="muted-word-help" class="w-full text-xs text-stone-500">
                "Posts and comments with it leave your feeds and comment lists. Whole words only: “sale” hides “Big sale!”, not “wholesale”."
            </p>
            {move || error().map(|e| view! { <p role="alert" class="w-full text-sm text-rose-700" data-testid="muted-word-error">{e.to_string()}</p> })}
        </ActionForm>
    }
}

#[component]
fn Lists(lists: SafetyLists, actions: Actions) -> impl IntoView {
    let SafetyLists { blocked, restricted, muted, words, hidden } = lists;
    view! {
        <AccountSection title="Blocked accounts" testid="blocked-list" relation=Relation::Block accounts=blocked
            empty="You haven't blocked anyone." action=actions.relation />
        <AccountSection title="Restricted accounts" testid="restricted-list" relation=Relation::Restrict accounts=restricted
            empty="You haven't restricted anyone. Their new comments on your posts would wait for your approval." action=actions.relation />
        <AccountSection title="Muted accounts" testid="muted-list" relation=Relation::Mute accounts=muted
            empty="You haven't muted anyone." action=actions.relation />
        <section aria-labelledby="muted-words-title">
            <h2 id="muted-words-title" class="font-semibold">"Muted words"</h2>
            {if words.is_empty() {
                view! { <p class="py-3 text-sm text-stone-500">"No muted words."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 flex flex-wrap gap-2" data-testid="muted-words">
                        {words.into_iter().map(|word| view! { <MutedWordChip word action=actions.remove_word /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        <section aria-labelledby="hidden-posts-title">
            <h2 id="hidden-posts-title" class="font-semibold">"Hidden posts"</h2>
            {if hidden.is_empty() {
                view! { <p class="py-3 text-sm text-stone-500">"No hidden posts."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-stone-200" data-testid="hidden-posts">
                        {hidden.into_iter().map(|post| view! { <HiddenRow post action=actions.unhide /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AccountSection(
    title: &'static str,
    testid: &'static str,
    relation: Relation,
    accounts: Vec<ListedAccount>,
    empty: &'static str,
    action: ServerAction<SetRelation>,
) -> impl IntoView {
    let heading = format!("{testid}-title");
    let labelled_by = heading.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading class="font-semibold">{title}</h2>
            {if accounts.is_empty() {
                view! { <p class="py-3 text-sm text-stone-500">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-stone-200" data-testid=testid>
                        {accounts.into_iter().map(|account| view! { <AccountRow account relation action /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AccountRow(account: ListedAccount, relation: Relation, action: ServerAction<SetRelation>) -> impl IntoView {
    let ListedAccount { username, display_name, avatar_url, .. } = account;
    let undo = relation.verb(false);
    let label = format!("{undo} @{username}");
    let avatar_name = display_name.clone();
    let (row_name, handle) = (username.clone(), format!("@{username}"));
    // A blocked account's profile is closed to its blocker too: no link.
    let name = if relation == Relation::Block {
        view! { <span class="block truncate font-semibold">{display_name}</span> }.into_any()
    } else {
        view! { <A href=format!("/u/{username}") attr:class="block truncate font-semibold hover:underline">{display_name}</A> }.into_any()
    };
    view! {
        <li class="flex items-center gap-3 py-3" data-testid="safety-account" data-username=row_name>
            <Avatar url=avatar_url name=avatar_name size=AvatarSize::Small />
            <div class="min-w-0 flex-1">
                {name}
                <p class="truncate text-sm text-stone-500">{handle}</p>
            </div>
            <ActionForm action>
                <input type="hidden" name="username" value=username />
                <input type="hidden" name="relation" value=relation.as_str() />
                <input type="hidden" name="on" value="false" />
                <button type="submit" class=SECONDARY_BUTTON_CLASS aria-label=label data-testid="undo-relation">{undo}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn MutedWordChip(word: MutedWordView, action: ServerAction<RemoveMutedWord>) -> impl IntoView {
    let label = format!("Unmute “{}”", word.word);
    view! {
        <li class="flex items-center gap-1 rounded-full bg-stone-100 py-1 pl-3 pr-1 text-sm" data-testid="muted-word">
            <span>{word.word}</span>
            <ActionForm action>
                <input type="hidden" name="id" value=word.id.to_string() />
                <button type="submit" aria-label=label data-testid="muted-word-remove"
                    class="flex h-6 w-6 items-center justify-center rounded-full text-stone-500 hover:bg-stone-200 hover:text-stone-900">
                    <span aria-hidden="true">"×"</span>
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
fn HiddenRow(post: HiddenPost, action: ServerAction<UnhidePost>) -> impl IntoView {
    let HiddenPost { post_id, author, excerpt, reason } = post;
    let title = if excerpt.is_empty() { format!("A post by @{author}") } else { excerpt };
    let why = match reason {
        HideReason::Hidden => "Hidden",
        HideReason::NotInterested => "Not interested",
    };
    view! {
        <li class="flex items-center gap-3 py-3" data-testid="hidden-post">
            <div class="min-w-0 flex-1">
                <A href=format!("/post/{post_id}") attr:class="block truncate font-medium hover:underline">
                    {title}
                </A>
                <p class="text-sm text-stone-500">"@"{author}" · "{why}</p>
            </div>
            <ActionForm action>
                <input type="hidden" name="id" value=post_id.to_string() />
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="unhide-button">"Unhide"</button>
            </ActionForm>
        </li>
    }
}
