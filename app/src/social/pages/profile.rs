//! `/u/:username`: cover, avatar, bio, counts and the follow button, then the
//! posts; a private account shows its header only, unless the viewer is its
//! owner or an accepted follower.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::accounts::use_auth;
use crate::posts::api::user_posts;
use crate::posts::feed_list::{FeedLayout, FeedSource, InfiniteFeed};
use crate::social::api::get_profile;
use crate::social::components::{FollowButton, FollowToggle, LoginToFollow, PrivateAccountNotice};
use crate::social::safety::components::{AccountActions, BlockedAccountNotice};
use crate::social::{FollowState, Profile};
use crate::ui::{compact_count, plural, Avatar, AvatarSize, ErrorPage, Loading, SECONDARY_BUTTON_CLASS};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let auth = use_auth();
    let profile = Resource::new(move || params.read().get("username").unwrap_or_default(), get_profile);
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading profile…" /> }>
            {move || Suspend::new(async move {
                let signed_in = matches!(auth.user.await, Ok(Some(_)));
                // A block, mute or restrict from the menu reloads the profile.
                let changed = Callback::new(move |_| profile.refetch());
                match profile.await {
                    Ok(p) => view! { <ProfileView profile=p signed_in changed /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The profile's posts the viewer may see, as a grid, with the "Tagged" tab beside it.
#[component]
fn ProfilePosts(username: String) -> impl IntoView {
    let name = username.clone();
    // `?cursor=` is the no-JavaScript "Older posts" link's next page.
    let query = leptos_router::hooks::use_query_map();
    let posts =
        Resource::new(move || (username.clone(), query.read().get("cursor")), |(u, cursor)| user_posts(u, cursor));
    view! {
        <section class="mx-auto mt-6 max-w-xl" data-testid="profile-posts" aria-label="Posts">
            <nav class="mb-3 flex gap-4 border-b border-stone-200 text-sm font-semibold" aria-label="Profile sections">
                <span class="border-b-2 border-stone-900 pb-2" aria-current="page">"Posts"</span>
                <A href=format!("/u/{name}/tagged") attr:class="pb-2 text-stone-500 hover:text-stone-900" attr:data-testid="tagged-tab">"Tagged"</A>
            </nav>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || {
                    let name = name.clone();
                    Suspend::new(async move {
                        match posts.await {
                            Ok(first) => view! {
                                <InfiniteFeed first source=FeedSource::User(name) empty="No posts yet." layout=FeedLayout::Grid />
                            }
                            .into_any(),
                            Err(error) => view! { <ErrorPage error /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

fn joined(at: DateTime<Utc>) -> String {
    format!("Joined {}", at.format("%B %Y"))
}

#[component]
fn ProfileView(profile: Profile, signed_in: bool, changed: Callback<()>) -> impl IntoView {
    let state = FollowState {
        following: profile.viewer_follows,
        requested: profile.viewer_requested,
        followers_count: profile.followers_count,
    };
    let toggle = FollowToggle::new(state, profile.is_private);
    let visible = profile.content_visible;
    let Profile { username, display_name, bio, location, website, avatar_url, cover_url, .. } = profile.clone();
    let description = if bio.is_empty() { format!("{display_name} (@{username}) on Storefeed") } else { bio.clone() };
    let cover_style = cover_url
        .as_ref()
        .map(|_| String::new())
        .unwrap_or_else(|| "background-image: linear-gradient(135deg, #f0abfc, #fbbf24)".to_string());

    let standing = profile.standing;
    let action = match (profile.is_self, signed_in) {
        (true, _) => view! {
            <div class="flex flex-wrap justify-end gap-2">
                <A href="/saved" attr:class=SECONDARY_BUTTON_CLASS attr:data-testid="saved-link">"Saved"</A>
                <A href="/settings/profile" attr:class=SECONDARY_BUTTON_CLASS attr:data-testid="edit-profile-link">"Edit profile"</A>
            </div>
        }
        .into_any(),
        // Someone you blocked can't be followed: the menu has Unblock.
        (false, true) => view! {
            <div class="flex items-center gap-2">
                {(!standing.blocked).then(|| view! { <FollowButton username=username.clone() toggle /> })}
                <AccountActions username=username.clone() standing changed />
            </div>
        }
        .into_any(),
        (false, false) => view! { <LoginToFollow username=username.clone() /> }.into_any(),
    };

    view! {
        <Title text=format!("{display_name} (@{username})") />
        <Meta name="description" content=description />
        <article data-testid="profile" class="overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm">
            <div class="h-32 w-full bg-cover bg-center sm:h-48" style=cover_style data-testid="profile-cover">
                {cover_url.map(|url| view! { <img src=url alt=format!("{display_name}'s cover image") class="h-full w-full object-cover" /> })}
            </div>
            <div class="px-4 pb-6 sm:px-8">
                <div class="-mt-12 flex items-end justify-between gap-4 sm:-mt-16">
                    <Avatar url=avatar_url name=display_name.clone() size=AvatarSize::Large />
                    <div class="pb-1">{action}</div>
                </div>
                <h1 class="mt-3 flex items-center gap-2 text-2xl font-bold" data-testid="profile-display-name">
                    {display_name.clone()}
                    {profile.is_verified.then(|| view! {
                        <span class="rounded-full bg-sky-500 px-1.5 text-xs text-white" title="Verified account">"✓"<span class="sr-only">" Verified"</span></span>
                    })}
                    {profile.is_private.then(|| view! {
                        <span class="text-stone-500" title="Private account" data-testid="private-badge">
                            <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></svg>
                            <span class="sr-only">" Private account"</span>
                        </span>
                    })}
                </h1>
                <p class="text-stone-500" data-testid="profile-username">"@"{username.clone()}</p>
                {(!bio.is_empty()).then(|| view! { <p class="mt-3 whitespace-pre-line" data-testid="profile-bio">{bio}</p> })}
                <ul class="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-stone-600">
                    {(!location.is_empty()).then(|| view! { <li class="flex items-center gap-1" data-testid="profile-location">
                        <svg class="h-4 w-4" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z" /><circle cx="12" cy="10" r="2.5" /></svg>
                        <span class="sr-only">"Location: "</span>{location}
                    </li> })}
                    {(!website.is_empty()).then(|| {
                        let shown = website.trim_start_matches("https://").trim_start_matches("http://").to_string();
                        view! {
                            <li><a href=website rel="nofollow ugc noopener noreferrer" target="_blank" class="text-fuchsia-700 hover:underline" data-testid="profile-website">{shown}</a></li>
                        }
                    })}
                    <li data-testid="profile-joined">{joined(profile.joined_at)}</li>
                    {(!profile.is_self).then(|| view! {
                        <li><crate::moderation::pages::ReportLink kind=crate::moderation::TargetKind::User id=profile.id /></li>
                    })}
                </ul>
                <ul class="mt-4 flex gap-6 text-sm" aria-label="Profile stats">
                    <li><span class="font-bold" data-testid="posts-count">{compact_count(profile.posts_count)}</span>" "{plural(profile.posts_count, "post", "posts")}</li>
                    // A private account's lists open to its followers only.
                    <li>
                        {if visible {
                            view! {
                                <A href=format!("/u/{username}/followers") attr:class="hover:underline">
                                    <span class="font-bold" data-testid="followers-count">{move || compact_count(toggle.followers())}</span>" "{move || plural(toggle.followers(), "follower", "followers")}
                                </A>
                            }
                            .into_any()
                        } else {
                            view! { <span class="font-bold" data-testid="followers-count">{move || compact_count(toggle.followers())}</span>" "{move || plural(toggle.followers(), "follower", "followers")} }.into_any()
                        }}
                    </li>
                    <li>
                        {if visible {
                            view! {
                                <A href=format!("/u/{username}/following") attr:class="hover:underline">
                                    <span class="font-bold" data-testid="following-count">{compact_count(profile.following_count)}</span>" following"
                                </A>
                            }
                            .into_any()
                        } else {
                            view! { <span class="font-bold" data-testid="following-count">{compact_count(profile.following_count)}</span>" following" }.into_any()
                        }}
                    </li>
                </ul>
                {(profile.is_self && (profile.is_private || profile.pending_requests > 0)).then(|| view! {
                    <A href="/follow-requests" attr:class="mt-4 inline-block text-sm font-semibold text-fuchsia-700 hover:underline" attr:data-testid="follow-requests-link">
                        "Follow requests "
                        <span class="rounded-full bg-fuchsia-100 px-2" data-testid="follow-requests-count">{profile.pending_requests}</span>
                    </A>
                })}
            </div>
        </article>
        {if standing.blocked {
            view! { <section class="mx-auto mt-6 max-w-xl" aria-label="Posts"><BlockedAccountNotice username=username.clone() /></section> }.into_any()
        } else if visible {
            view! { <ProfilePosts username=username.clone() /> }.into_any()
        } else {
            view! { <section class="mx-auto mt-6 max-w-xl" aria-label="Posts"><PrivateAccountNotice /></section> }.into_any()
        }}
    }
}
