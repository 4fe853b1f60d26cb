//! The post page's conversation: "Save to…" and the comment thread with its
//! replies, edits, likes and the author's moderation. Only the post page
//! shows them (feed cards link to it), so their code is its own part of the
//! client (`#[lazy]`, split out by `cargo leptos build --split`), which the
//! post page loads while it hydrates; the server renders them in full, so
//! they read and post as plain forms before it arrives.

use leptos::prelude::*;
use uuid::Uuid;

use super::bookmarks::components::SaveToChooser;
use super::comments::components::CommentsSection;

/// "Save to…" and the comments of a published post, once their part of the
/// client is loaded.
#[leptos::lazy]
pub fn conversation(post_id: Uuid, changed: RwSignal<u32>) -> AnyView {
    view! {
        <div class="mx-auto max-w-xl"><SaveToChooser post_id changed /></div>
        <div class="mx-auto max-w-xl"><CommentsSection post_id /></div>
    }
    .into_any()
}
