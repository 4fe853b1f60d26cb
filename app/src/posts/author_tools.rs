//! The post page's tools for its author: tag the images, link products,
//! shops and events, buy-together groups and installment plans. Nobody but
//! the author needs their code, so it is its own part of the client
//! (`#[lazy]`, split out by `cargo leptos build --split`): the author's
//! post page loads it while it hydrates, everyone else never does. The
//! server renders the tools in full either way.

use leptos::prelude::*;
use uuid::Uuid;

use super::links::components::LinkEditor;
use super::links::LinkCard;
use super::tag_editor::TagEditor;
use super::{MediaView, PostView};
use crate::groups::components::GroupLinkEditor;
use crate::groups::GroupCard;
use crate::plans::components::PlanEditor;
use crate::plans::PlanCard;

/// What the author's tools show: the post's images, links, groups and
/// plans as they are now, and the signal that reloads the post after an edit.
#[derive(Clone)]
pub struct AuthorTools {
    pub post_id: Uuid,
    pub media: Vec<MediaView>,
    pub links: Vec<LinkCard>,
    pub groups: Vec<GroupCard>,
    pub plans: Vec<PlanCard>,
    pub changed: RwSignal<u32>,
}

impl AuthorTools {
    /// The tools for `post`, if the viewer is its author.
    pub fn of(post: &PostView, changed: RwSignal<u32>) -> Option<AuthorTools> {
        post.is_author.then(|| AuthorTools {
            post_id: post.id,
            media: post.media.clone(),
            links: post.links.clone(),
            groups: post.groups.clone(),
            plans: post.plans.clone(),
            changed,
        })
    }
}

/// The tools, once their part of the client is loaded.
#[leptos::lazy]
pub fn author_tools(tools: AuthorTools) -> AnyView {
    let AuthorTools { post_id, media, links, groups, plans, changed } = tools;
    view! {
        {(!media.is_empty()).then(|| view! { <div class="mx-auto max-w-3xl"><TagEditor media changed /></div> })}
        <div class="mx-auto max-w-xl"><LinkEditor post_id links changed /></div>
        <div class="mx-auto max-w-xl"><GroupLinkEditor post_id groups changed /></div>
        <div class="mx-auto max-w-xl"><PlanEditor post_id plans changed /></div>
    }
    .into_any()
}
