//! What collaborative posts add to a post: the byline on its card and page
//! ("By @a, @b and @c", each name a link), the creator's "Pending
//! collaboration with @x", a co-author's Leave button on the post page, and
//! the edit page's list of collaborators with Remove and an invite field.
//! Every control is a plain form before hydration; names are text nodes.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{list_collaborators, InviteCollaborators, LeavePost, RemoveCollaborator};
use super::{joiner, pending_line, CollabStatus, Collaborator, FIELD, MAX_COLLABORATORS};
use crate::posts::Author;
use crate::ui::{ErrorAlert, FieldError, Loading, INPUT_CLASS, LABEL_CLASS, SECONDARY_BUTTON_CLASS};

const NAME_LINK: &str = "font-medium text-stone-800 hover:underline";
const SMALL_BUTTON: &str = "rounded-lg border border-stone-300 bg-white px-3 py-1.5 text-sm font-semibold text-stone-800 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 disabled:opacity-60";

/// "By @creator, @a and @b" under the creator's name on a co-authored post.
#[component]
pub fn Byline(author: Author, coauthors: Vec<Author>) -> impl IntoView {
    let count = coauthors.len() + 1;
    let names: Vec<String> = std::iter::once(author.username).chain(coauthors.into_iter().map(|a| a.username)).collect();
    view! {
        <p class="text-xs text-stone-600" data-testid="byline">
            "By "
            {names.into_iter().enumerate().map(|(i, name)| view! {
                {joiner(i, count)}
                <A href=format!("/u/{name}") attr:class=NAME_LINK attr:data-testid="byline-name">{format!("@{name}")}</A>
            }).collect_view()}
        </p>
    }
}

/// The creator's reminder of invitations not answered yet.
#[component]
pub fn PendingCollaboration(pending: Vec<Author>) -> impl IntoView {
    let names: Vec<String> = pending.into_iter().map(|a| a.username).collect();
    view! { <p class="text-xs italic text-stone-500" data-testid="pending-collab">{pending_line(&names)}</p> }
}

/// On the post page, for one of its co-authors: take your name off it.
/// `changed` reloads the post once they left.
#[component]
pub fn LeaveCollaboration(post_id: Uuid, changed: RwSignal<u32>) -> impl IntoView {
    let leave = ServerAction::<LeavePost>::new();
    Effect::new(move |_| {
        if matches!(leave.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || leave.value().get().and_then(Result::err));
    view! {
        <section class="mt-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="coauthor-heading"
            data-testid="coauthor-panel">
            <h2 id="coauthor-heading" class="font-semibold">"You co-author this post"</h2>
            <p class="text-sm text-stone-600">"It shows on your profile and to your followers. Leaving takes your name off it; the post stays."</p>
            <ActionForm action=leave attr:class="mt-2">
                <ErrorAlert error />
                <input type="hidden" name="post_id" value=post_id.to_string() />
                <button type="submit" class=SMALL_BUTTON data-testid="leave-collab" disabled=move || leave.pending().get()>
                    "Leave collaboration"
                </button>
            </ActionForm>
        </section>
    }
}

/// On the creator's edit page: the post's collaborators with their status
/// and a Remove button each, and the field to invite more.
#[component]
pub fn CollaboratorsEditor(post_id: Uuid) -> impl IntoView {
    let invite = ServerAction::<InviteCollaborators>::new();
    let remove = ServerAction::<RemoveCollaborator>::new();
    let list = Resource::new(
        move || (invite.version().get(), remove.version().get()),
        move |_| list_collaborators(post_id),
    );
    let invite_error = Signal::derive(move || invite.value().get().and_then(Result::err));
    // What is not about the field (a post gone, not yours) shows above it.
    let invite_failed = Signal::derive(move || invite_error.get().filter(|e| e.field().is_none()));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    // A successful invitation empties the field.
    let typed = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(invite.value().get(), Some(Ok(()))) {
            typed.set(String::new());
        }
    });
    view! {
        <div class="mt-8 border-t border-stone-200 pt-4" data-testid="collaborators-editor">
            <h2 class="font-semibold">"Collaborators"</h2>
            <p class="text-sm text-stone-600">
                {format!("Invite up to {MAX_COLLABORATORS} people to co-author this post. Once they accept, it shows on their profile and to their followers too.")}
            </p>
            <ErrorAlert error=remove_error />
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(people) if people.is_empty() => view! {
                            <p class="mt-2 text-sm text-stone-500" data-testid="no-collaborators">"No collaborators yet."</p>
                        }.into_any(),
                        Ok(people) => view! { <CollaboratorList post_id people remove /> }.into_any(),
                        Err(error) => view! { <p role="alert" class="text-sm text-rose-700">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=invite attr:class="mt-3 space-y-2" attr:data-testid="invite-form">
                <ErrorAlert error=invite_failed />
                <input type="hidden" name="post_id" value=post_id.to_string() />
                <label for="invite-collaborators" class=LABEL_CLASS>"Invite collaborators"</label>
                <input id="invite-collaborators" name=FIELD type="text" class=INPUT_CLASS autocomplete="off"
                    placeholder="@username, @another" aria-describedby="collaborators-error"
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                    data-testid="invite-collaborators-input" />
                <FieldError error=invite_error field=FIELD />
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="invite-collaborators"
                    disabled=move || invite.pending().get()>
                    "Invite"
                </button>
            </ActionForm>
        </div>
    }
}

#[component]
fn CollaboratorList(post_id: Uuid, people: Vec<Collaborator>, remove: ServerAction<RemoveCollaborator>) -> impl IntoView {
    view! {
        <ul class="mt-2 divide-y divide-stone-100 rounded-xl border border-stone-200" data-testid="collaborators">
            {people.into_iter().map(|c| {
                let username = c.author.username;
                let (href, shown, field) = (format!("/u/{username}"), format!("@{username}"), username.clone());
                let remove_label = format!("Remove @{username}");
                let status_class = match c.status {
                    CollabStatus::Accepted => "rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800",
                    CollabStatus::Invited => "rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-800",
                };
                view! {
                    <li class="flex items-center justify-between gap-3 px-3 py-2" data-testid="collaborator" data-username=username>
                        <span class="min-w-0">
                            <A href=href attr:class=NAME_LINK>{shown}</A>
                            " "
                            <span class=status_class data-testid="collaborator-status">{c.status.label()}</span>
                        </span>
                        <ActionForm action=remove>
                            <input type="hidden" name="post_id" value=post_id.to_string() />
                            <input type="hidden" name="username" value=field />
                            <button type="submit" class=SMALL_BUTTON data-testid="remove-collaborator" aria-label=remove_label>
                                "Remove"
                            </button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
