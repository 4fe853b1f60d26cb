//! `/`: the landing page. Guests see what Storefeed is and popular creators;
//! signed-in users see their feed, who to follow next, and a line that fits
//! where they are (following nobody yet, or following people who haven't
//! posted).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use leptos_router::hooks::use_query_map;

use crate::accounts::use_auth;
use crate::posts::api::home_feed;
use crate::posts::feed_list::{FeedSource, InfiniteFeed};
use crate::social::api::{my_following_count, suggested_people};
use crate::social::components::PeopleList;
use crate::ui::{ErrorPage, Loading, SECONDARY_BUTTON_CLASS};

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let people = Resource::new(|| (), |_| suggested_people());
    let query = use_query_map();
    let feed = Resource::new(move || query.read().get("cursor"), home_feed);
    let following = Resource::new(|| (), |_| my_following_count());

    view! {
        <Title text="" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let user = auth.user.await.ok().flatten();
                let feed = feed.await;
                let has_posts = feed.as_ref().is_ok_and(|page| !page.posts.is_empty());
                let hint = FeedHint::of(following.await.ok().flatten().unwrap_or(0), has_posts);
                let intro = match &user {
                    Some(u) => view! {
                        <section class="rounded-2xl bg-gradient-to-br from-fuchsia-600 to-amber-500 p-6 text-white shadow" data-testid="home-welcome">
                            <h1 class="text-2xl font-bold">{format!("Welcome back, {}", u.display_name)}</h1>
                            <p class="mt-1 text-white/90" data-testid="home-hint">{hint.welcome()}</p>
                        </section>
                    }
                    .into_any(),
                    None => view! {
                        <section class="rounded-2xl bg-gradient-to-br from-fuchsia-600 to-amber-500 p-6 text-white shadow sm:p-10" data-testid="home-hero">
                            <h1 class="text-3xl font-black tracking-tight sm:text-4xl">"Every post can sell."</h1>
                            <p class="mt-2 max-w-lg text-white/90">
                                "Storefeed is a social network where creators tag products in their photos, and you buy without leaving the feed."
                            </p>
                            <div class="mt-6 flex flex-wrap gap-3">
                                <A href="/register" attr:class="inline-flex items-center justify-center rounded-lg bg-white px-4 py-2 font-semibold text-fuchsia-700 shadow-sm hover:bg-fuchsia-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-white">"Create an account"</A>
                                <A href="/login" attr:class=SECONDARY_BUTTON_CLASS>"Log in"</A>
                            </div>
                        </section>
                    }
                    .into_any(),
                };
                let signed_in = user.is_some();
                let heading = if signed_in { "Suggested for you" } else { "Popular creators" };
                let list = match people.await {
                    Ok(people) => view! {
                        <PeopleList people signed_in empty="You follow everyone here already. Try Explore." />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                };
                let posts = match feed {
                    Ok(first) => {
                        let empty = if signed_in { hint.empty() } else { "No posts yet." };
                        view! { <InfiniteFeed first source=FeedSource::Home empty /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                };
                view! {
                    {intro}
                    <div class="mt-6 grid gap-6 lg:grid-cols-3">
                        <section class="lg:col-span-2" aria-label="Feed">{posts}</section>
                        <section class="h-fit rounded-2xl border border-stone-200 bg-white px-4 py-2 shadow-sm" data-testid="suggested-people">
                            <h2 class="pt-3 text-lg font-semibold">{heading}</h2>
                            {list}
                        </section>
                    </div>
                }
            })}
        </Suspense>
    }
}

/// Where a signed-in reader's feed stands, for the line under the welcome
/// and the empty feed's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedHint {
    /// Follows nobody: only following fills the feed (it may hold the
    /// reader's own posts).
    FollowsNobody,
    /// Follows people, but the feed is empty: they haven't posted yet.
    FollowsQuietPeople,
    /// Follows people and the feed has posts.
    HasPosts,
}

impl FeedHint {
    pub fn of(following: i64, has_posts: bool) -> Self {
        match (following > 0, has_posts) {
            (false, _) => FeedHint::FollowsNobody,
            (true, false) => FeedHint::FollowsQuietPeople,
            (true, true) => FeedHint::HasPosts,
        }
    }

    pub fn welcome(self) -> &'static str {
        match self {
            FeedHint::FollowsNobody => "Follow creators to fill your feed with things worth buying.",
            FeedHint::FollowsQuietPeople => "The people you follow haven't posted yet.",
            FeedHint::HasPosts => "Here's what's new from the people you follow.",
        }
    }

    pub fn empty(self) -> &'static str {
        match self {
            FeedHint::FollowsNobody => "Your feed is empty. Follow a few creators, or write the first post.",
            FeedHint::FollowsQuietPeople | FeedHint::HasPosts => {
                "Nobody you follow has posted yet. Their posts show up here as soon as they do; Explore has more to follow."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FeedHint;

    #[test]
    fn someone_who_follows_creators_is_not_told_to_follow_creators() {
        let quiet = FeedHint::of(3, false);
        assert_eq!(quiet, FeedHint::FollowsQuietPeople);
        assert!(!quiet.welcome().contains("Follow creators"));
        assert!(!quiet.empty().contains("Follow a few"));
        assert_eq!(FeedHint::of(3, true), FeedHint::HasPosts);
        assert!(!FeedHint::HasPosts.welcome().contains("Follow creators"));
    }

    #[test]
    fn someone_who_follows_nobody_is_invited_to_follow() {
        assert_eq!(FeedHint::of(0, false), FeedHint::FollowsNobody);
        assert!(FeedHint::FollowsNobody.welcome().contains("Follow creators"));
        // Their own posts are in the feed, but only following fills it.
        assert_eq!(FeedHint::of(0, true), FeedHint::FollowsNobody);
    }
}
