//! `/collabs`, "Collaboration invites": the signed-in user's open
//! invitations to co-author a post, newest first, each with the post as
//! they would see it and Accept / Decline as plain forms, so the page works
//! before the client loads. Any answer reloads the list.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use super::api::{my_invites, AcceptInvite, DeclineInvite};
use super::Invite;
use crate::accounts::use_auth;
use crate::posts::components::PostCard;
use crate::ui::{ErrorAlert, ErrorPage, Loading, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS};

#[component]
pub fn CollabInvitesPage() -> impl IntoView {
    let auth = use_auth();
    let accept = ServerAction::<AcceptInvite>::new();
    let decline = ServerAction::<DeclineInvite>::new();
    let invites = Resource::new(move || (accept.version().get(), decline.version().get()), |_| my_invites());
    let failure = Signal::derive(move || {
        accept.value().get().and_then(Result::err).or_else(|| decline.value().get().and_then(Result::err))
    });
    let accepted = move || matches!(accept.value().get(), Some(Ok(())));
    view! {
        <Title text="Collaboration invites" />
        <div class="mx-auto max-w-xl space-y-4">
            <header>
                <h1 class="text-2xl font-bold" data-testid="collabs-heading">"Collaboration invites"</h1>
                <p class="text-sm text-stone-500">
                    "Accept to co-author a post: it shows on your profile and to your followers, with your name in its byline."
                </p>
            </header>
            <ErrorAlert error=failure />
            {move || accepted().then(|| view! {
                <p role="status" class="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
                    data-testid="collab-accepted">
                    "Accepted: the post is on your profile now."
                </p>
            })}
            <Transition fallback=|| view! { <Loading label="Loading invitations" /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/collabs" /> }.into_any();
                    }
                    match invites.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500" data-testid="no-invites">
                                "No invitations waiting. When someone invites you to co-author a post, it shows here."
                            </p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="space-y-6" data-testid="invites">
                                {list.into_iter().map(|invite| view! { <InviteItem invite accept decline /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn InviteItem(
    invite: Invite,
    accept: ServerAction<AcceptInvite>,
    decline: ServerAction<DeclineInvite>,
) -> impl IntoView {
    let post_id = invite.post.id;
    let creator = invite.post.author.username.clone();
    view! {
        <li data-testid="invite" data-post-id=post_id.to_string()>
            <p class="mb-2 text-sm text-stone-700" data-testid="invite-from">
                <A href=format!("/u/{creator}") attr:class="font-semibold hover:underline">{format!("@{creator}")}</A>
                " invited you to co-author this post."
            </p>
            <PostCard post=invite.post />
            <div class="mt-2 flex gap-3">
                <ActionForm action=accept>
                    <input type="hidden" name="post_id" value=post_id.to_string() />
                    <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="accept-invite">"Accept"</button>
                </ActionForm>
                <ActionForm action=decline>
                    <input type="hidden" name="post_id" value=post_id.to_string() />
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="decline-invite">"Decline"</button>
                </ActionForm>
            </div>
        </li>
    }
}
