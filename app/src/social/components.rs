//! Social building blocks: the follow button (optimistic, and a plain form
//! before hydration) and person rows for lists.

use leptos::prelude::*;
use leptos_router::components::A;

use super::api::SetFollow;
use super::{FollowState, PersonCard};
use crate::error::AppError;
use crate::ui::{count_label, Avatar, AvatarSize};

/// Where the viewer stands with an account, as the follow button shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    None,
    /// Asked to follow a private account; waiting for its owner.
    Requested,
    Following,
}

impl Relation {
    fn of(state: FollowState) -> Relation {
        match (state.following, state.requested) {
            (true, _) => Relation::Following,
            (false, true) => Relation::Requested,
            (false, false) => Relation::None,
        }
    }
}

/// The follow state of one account as the page shows it: the saved state,
/// overridden by a request in flight so the button and counter react at once
/// (a private account's follow shows as "Requested", counting nobody).
#[derive(Clone, Copy)]
pub struct FollowToggle {
    action: ServerAction<SetFollow>,
    saved: RwSignal<FollowState>,
    private: bool,
}

impl FollowToggle {
    pub fn new(state: FollowState, private: bool) -> Self {
        let action = ServerAction::<SetFollow>::new();
        let saved = RwSignal::new(state);
        Effect::new(move |_| {
            if let Some(Ok(state)) = action.value().get() {
                saved.set(state);
            }
        });
        FollowToggle { action, saved, private }
    }

    fn relation(&self) -> Relation {
        match self.action.input().get() {
            Some(pending) if pending.follow && self.private => Relation::Requested,
            Some(pending) if pending.follow => Relation::Following,
            Some(_) => Relation::None,
            None => Relation::of(self.saved.get()),
        }
    }

    /// Following, or asked to: the button's next press undoes it.
    fn engaged(&self) -> bool {
        self.relation() != Relation::None
    }

    pub fn followers(&self) -> i64 {
        let saved = self.saved.get();
        let shown = i64::from(self.relation() == Relation::Following);
        let counted = i64::from(Relation::of(saved) == Relation::Following);
        saved.followers_count + shown - counted
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
            <input type="hidden" name="follow" value=move || (!toggle.engaged()).to_string() />
            <button
                type="submit"
                data-testid="follow-button"
                aria-pressed=move || toggle.engaged().to_string()
                aria-busy=move || toggle.pending().to_string()
                aria-label=move || match toggle.relation() {
                    Relation::Following => format!("Unfollow {label_user}"),
                    Relation::Requested => format!("Cancel your request to follow {label_user}"),
                    Relation::None => format!("Follow {label_user}"),
                }
                class=move || {
                    let look = if toggle.engaged() {
                        "border border-stone-300 bg-white text-stone-800 hover:bg-stone-100"
                    } else {
                        "bg-fuchsia-600 text-white hover:bg-fuchsia-700"
                    };
                    format!("rounded-lg font-semibold shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 {size} {look}")
                }
            >
                {move || match toggle.relation() {
                    Relation::Following => "Following",
                    Relation::Requested => "Requested",
                    Relation::None => "Follow",
                }}
            </button>
        </ActionForm>
        {move || toggle.error().map(|e| view! { <p role="alert" class="mt-1 text-sm text-rose-700">{e.to_string()}</p> })}
    }
}

/// What a private account shows in place of its posts to someone who is not
/// an accepted follower.
#[component]
pub fn PrivateAccountNotice() -> impl IntoView {
    view! {
        <div class="rounded-2xl border border-stone-200 bg-white px-6 py-10 text-center shadow-sm" data-testid="private-account-notice">
            <svg class="mx-auto h-8 w-8 text-stone-500" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></svg>
            <p class="mt-3 font-semibold">"This account is private — follow to see their posts."</p>
            <p class="mt-1 text-sm text-stone-500">"Only people its owner approves see its posts, tags, followers and following."</p>
        </div>
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
    let state = FollowState {
        following: person.viewer_follows,
        requested: person.viewer_requested,
        followers_count: person.followers_count,
    };
    let toggle = FollowToggle::new(state, person.is_private);
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
                    {handle} " · " {move || count_label(toggle.followers(), "follower", "followers")}
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
