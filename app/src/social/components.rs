//! Social building blocks: the follow button (optimistic, and a plain form
//! before hydration) and person rows for lists.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::SetFollow;
use super::{FollowState, PersonCard};
use crate::error::AppError;
use crate::ui::{compact_count, Avatar, AvatarSize};

/// The follow state of one account as the page shows it: the saved state,
/// overridden by a request in flight so the button and counter react at once.
#[derive(Clone, Copy)]
pub struct FollowToggle {
    action: ServerAction<SetFollow>,
    saved: RwSignal<FollowState>,
}

impl FollowToggle {
    pub fn new(following: bool, followers_count: i64) -> Self {
        let action = ServerAction::<SetFollow>::new();
        let saved = RwSignal::new(FollowState { following, followers_count });
        Effect::new(move |_| {
            if let Some(Ok(state)) = action.value().get() {
                saved.set(state);
            }
        });
        FollowToggle { action, saved }
    }

    pub fn following(&self) -> bool {
        match self.action.input().get() {
            Some(pending) => pending.follow,
            None => self.saved.get().following,
        }
    }

    pub fn followers(&self) -> i64 {
        let saved = self.saved.get();
        match self.action.input().get() {
            Some(pending) if pending.follow != saved.following => {
                saved.followers_count + if pending.follow { 1 } else { -1 }
            }
            _ => saved.followers_count,
        }
    }

    /// A follow or unfollow is on its way to the server.
    pub fn pending(&self) -> bool {
        self.action.pending().get()
    }

    fn error(&self) -> Option<AppError> {
        self.action.value().get().and_then(Result::err)
    }
}

#[component]
pub fn FollowButton(username: String, toggle: FollowToggle, #[prop(optional)] compact: bool) -> impl IntoView {
    let size = if compact { "px-3 py-1 text-sm" } else { "px-5 py-2" };
    let label_user = username.clone();
    view! {
        <ActionForm action=toggle.action>
            <input type="hidden" name="username" value=username.clone() />
            <input type="hidden" name="follow" value=move || (!toggle.following()).to_string() />
            <button
                type="submit"
                data-testid="follow-button"
                aria-pressed=move || toggle.following().to_string()
                aria-busy=move || toggle.pending().to_string()
                aria-label=move || format!("{} {label_user}", if toggle.following() { "Unfollow" } else { "Follow" })
                class=move || {
                    let look = if toggle.following() {
                        "border border-stone-300 bg-white text-stone-800 hover:bg-stone-100"
                    } else {
                        "bg-fuchsia-600 text-white hover:bg-fuchsia-700"
                    };
                    format!("rounded-lg font-semibold shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 {size} {look}")
                }
            >
                {move || if toggle.following() { "Following" } else { "Follow" }}
            </button>
        </ActionForm>
        {move || toggle.error().map(|e| view! { <p role="alert" class="mt-1 text-sm text-rose-700">{e.to_string()}</p> })}
    }
}

/// "Follow" for guests: a link to log in that comes back here.
#[component]
pub fn LoginToFollow(username: String, #[prop(optional)] compact: bool) -> impl IntoView {
    let size = if compact { "px-3 py-1 text-sm" } else { "px-5 py-2" };
    view! {
        <A href=format!("/login?next=/u/{username}") attr:data-testid="follow-button"
            attr:class=format!("inline-block rounded-lg bg-fuchsia-600 font-semibold text-white hover:bg-fuchsia-700 {size}")>
            "Follow"
        </A>
    }
}

#[component]
pub fn PersonRow(person: PersonCard, signed_in: bool) -> impl IntoView {
    let toggle = FollowToggle::new(person.viewer_follows, person.followers_count);
    let href = format!("/u/{}", person.username);
    let PersonCard { username, display_name, bio, avatar_url, is_self, .. } = person;
    let handle = format!("@{username}");
    let avatar_name = display_name.clone();
    view! {
        <li class="flex items-center gap-3 py-3" data-testid="person-row">
            <A href=href.clone() attr:class="shrink-0">
                <Avatar url=avatar_url name=avatar_name size=AvatarSize::Medium />
            </A>
            <div class="min-w-0 flex-1">
                <A href=href attr:class="block truncate font-semibold hover:underline">{display_name}</A>
                <p class="truncate text-sm text-stone-500">
                    {handle} " · " {move || compact_count(toggle.followers())} " followers"
                </p>
                {(!bio.is_empty()).then(|| view! { <p class="truncate text-sm text-stone-600">{bio}</p> })}
            </div>
            {match (is_self, signed_in) {
                (true, _) => view! { <span class="text-sm text-stone-500">"You"</span> }.into_any(),
                (false, true) => view! { <FollowButton username toggle compact=true /> }.into_any(),
                (false, false) => view! { <LoginToFollow username compact=true /> }.into_any(),
            }}
        </li>
    }
}

#[component]
pub fn PeopleList(people: Vec<PersonCard>, signed_in: bool, empty: &'static str) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="py-8 text-center text-stone-500" data-testid="people-empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="divide-y divide-stone-200" data-testid="people-list">
            {people.into_iter().map(|person| view! { <PersonRow person signed_in /> }).collect_view()}
        </ul>
    }
    .into_any()
}
