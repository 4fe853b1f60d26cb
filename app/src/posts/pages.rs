//! `/compose` (write and publish a post) and `/post/:id` (one post, with a
//! shareable URL).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::{Meta, Title};
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, SubmitEvent};

use super::api::{create_post, get_post, CreatePost, PublishPost};
use super::bookmarks::components::SaveToChooser;
use super::card_picker::CardLinksPicker;
use super::collabs::components::LeaveCollaboration;
use super::comments::components::CommentsSection;
use super::components::PostCard;
use super::links::components::LinkEditor;
use super::reposts::api::quotable_post;
use super::reposts::components::QuotedPostCard;
use super::tag_editor::TagEditor;
use super::{BODY_MAX, MAX_IMAGES, POST_IMAGES};
use crate::accounts::use_auth;
use crate::error::AppError;
use crate::groups::components::GroupLinkEditor;
use crate::media::{check_picked, ImagePicker};
use crate::plans::components::{ComposeClaimWarning, PlanEditor};
use crate::ui::{
    ErrorAlert, ErrorPage, Loading, Pick, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

#[component]
pub fn ComposePage() -> impl IntoView {
    let auth = use_auth();
    // `?quote=<post>`: the post being quoted (the repost menu's "Quote").
    let quote = use_query_map().with_untracked(|q| q.get("quote").and_then(|id| Uuid::parse_str(&id).ok()));
    let back = match quote {
        Some(id) => format!("/login?next=/compose%3Fquote%3D{id}"),
        None => "/login?next=/compose".to_string(),
    };
    view! {
        <Title text=if quote.is_some() { "Quote post" } else { "New post" } />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let back = back.clone();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(_)) => view! { <ComposeForm quote /> }.into_any(),
                        _ => view! { <Redirect path=back /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Above the compose form when quoting: the quoted post's card and the
/// hidden field that names it, or why it cannot be quoted.
#[component]
fn QuotingPost(id: Uuid) -> impl IntoView {
    let quoted = Resource::new(move || id, quotable_post);
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match quoted.await {
                    Ok(quoted) => view! {
                        <div class="-mx-4" data-testid="quoting">
                            <input type="hidden" name="quote_of" value=id.to_string() />
                            <QuotedPostCard id quoted />
                        </div>
                    }
                    .into_any(),
                    Err(_) => view! {
                        <p role="alert" class="rounded-lg bg-amber-50 p-3 text-sm text-amber-900" data-testid="quote-unavailable">
                            "That post can't be quoted: it is no longer available, or it isn't public."
                        </p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ComposeForm(quote: Option<Uuid>) -> impl IntoView {
    let publish = Action::new_local(|data: &FormData| create_post(data.clone().into()));
    let local_error = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || local_error.get().or_else(|| publish.value().get().and_then(Result::err)));
    let length = RwSignal::new(0usize);
    let body = RwSignal::new(String::new());
    // The group deals and plans picked to show on the post (`card_picker`).
    let groups = RwSignal::new(Vec::<Pick>::new());
    let plans = RwSignal::new(Vec::<Pick>::new());
    let plans_linked = Signal::derive(move || plans.with(|p| !p.is_empty()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = publish.value().get() {
            navigate(&format!("/post/{id}"), Default::default());
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        if let Err(e) = check_picked(&form, &POST_IMAGES) {
            local_error.set(Some(e));
            return;
        }
        if let Ok(data) = FormData::new_with_form(&form) {
            // The clicked button says whether to publish or keep a draft.
            let intent = ev.submitter().and_then(|b| b.get_attribute("value")).unwrap_or_else(|| "publish".into());
            let _ = data.append_with_str("intent", &intent);
            publish.dispatch_local(data);
        }
    };

    view! {
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h1 class="text-2xl font-bold">{if quote.is_some() { "Quote post" } else { "New post" }}</h1>
            <form method="post" enctype="multipart/form-data" action=CreatePost::url() on:submit=on_submit
                class="mt-4 space-y-4" data-testid="compose-form">
                <ErrorAlert error />
                {quote.map(|id| view! { <QuotingPost id /> })}
                <div>
                    <label for="body" class=LABEL_CLASS>"What's on your mind?"</label>
                    <textarea id="body" name="body" rows="5" maxlength=BODY_MAX.to_string() class=INPUT_CLASS
                        aria-describedby="body-count" on:input=move |ev| { let text = event_target_value(&ev); length.set(text.chars().count()); body.set(text); }></textarea>
                    <p id="body-count" class="mt-1 text-right text-xs text-stone-500">{move || format!("{}/{BODY_MAX}", length.get())}</p>
                    <div class="-mx-4"><ComposeClaimWarning body plans_linked /></div>
                </div>
                <div>
                    <ImagePicker limits=POST_IMAGES id="images" label=format!("Images (up to {MAX_IMAGES}, JPEG, PNG or WebP)") />
                </div>
                <div>
                    <label for="visibility" class=LABEL_CLASS>"Who can see it"</label>
                    <select id="visibility" name="visibility" class=INPUT_CLASS>
                        <option value="public">"Everyone"</option>
                        <option value="followers">"Followers only"</option>
                    </select>
                </div>
                <CardLinksPicker groups plans />
                <div>
                    <label for="collaborators" class=LABEL_CLASS>"Collaborators"</label>
                    <input id="collaborators" name=super::collabs::FIELD type="text" class=INPUT_CLASS autocomplete="off"
                        placeholder="@username, @another" aria-describedby="collaborators-help" data-testid="compose-collaborators" />
                    <p id="collaborators-help" class="mt-1 text-xs text-stone-500">
                        {format!("Optional: invite up to {} people to co-author this post. It shows on their profiles once they accept.", super::collabs::MAX_COLLABORATORS)}
                    </p>
                </div>
                <div class="flex flex-wrap gap-3">
                    <button type="submit" name="intent" value="publish" class=PRIMARY_BUTTON_CLASS data-testid="publish"
                        disabled=move || publish.pending().get()>
                        {move || if publish.pending().get() { "Saving…" } else { "Publish" }}
                    </button>
                    <button type="submit" name="intent" value="draft" class=SECONDARY_BUTTON_CLASS data-testid="save-draft"
                        disabled=move || publish.pending().get()>
                        "Save draft, then tag"
                    </button>
                </div>
                <p class="text-sm text-stone-500">
                    "A draft is only visible to you: tag products and people on your images and link products, shops or events, then publish. Groups and plans picked above are linked either way. "
                    <A href="/drafts" attr:class="font-medium text-fuchsia-700 hover:underline">"Your drafts"</A>
                </p>
            </form>
        </section>
    }
}

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let changed = RwSignal::new(0u32);
    let post = Resource::new(
        move || (params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok()), changed.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_post(id).await,
                None => Err(AppError::NotFound("Post".into())),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(p) => {
                        let title = format!("{} on Storefeed", p.author.display_name);
                        let description: String = p.body.chars().take(160).collect();
                        let (id, is_draft, is_coauthor, is_author) = (p.id, p.is_draft, p.is_coauthor, p.is_author);
                        let tag_editor = (p.is_author && !p.media.is_empty()).then(|| p.media.clone());
                        let link_editor = p.is_author.then(|| p.links.clone());
                        let group_editor = p.is_author.then(|| p.groups.clone());
                        let plan_editor = p.is_author.then(|| p.plans.clone());
                        view! {
                            <Title text=title />
                            <Meta name="description" content=description />
                            {is_draft.then(|| view! { <DraftBanner id changed /> })}
                            {is_author.then(|| view! { <crate::moderation::pages::PostRemovalNotice post_id=id /> })}
                            <div class="mx-auto max-w-xl"><PostCard post=p /></div>
                            {is_coauthor.then(|| view! { <div class="mx-auto max-w-xl"><LeaveCollaboration post_id=id changed /></div> })}
                            {tag_editor.map(|media| view! { <div class="mx-auto max-w-3xl"><TagEditor media changed /></div> })}
                            {link_editor.map(|links| view! { <div class="mx-auto max-w-xl"><LinkEditor post_id=id links changed /></div> })}
                            {group_editor.map(|groups| view! { <div class="mx-auto max-w-xl"><GroupLinkEditor post_id=id groups changed /></div> })}
                            {plan_editor.map(|plans| view! { <div class="mx-auto max-w-xl"><PlanEditor post_id=id plans changed /></div> })}
                            {(!is_draft).then(|| view! { <div class="mx-auto max-w-xl"><SaveToChooser post_id=id changed /></div> })}
                            {(!is_draft).then(|| view! { <div class="mx-auto max-w-xl"><CommentsSection post_id=id /></div> })}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Above a draft: only the author sees it; publish when the tags are right.
#[component]
fn DraftBanner(id: Uuid, changed: RwSignal<u32>) -> impl IntoView {
    let publish = ServerAction::<PublishPost>::new();
    Effect::new(move |_| {
        if matches!(publish.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || publish.value().get().and_then(Result::err));
    view! {
        <section class="mx-auto mb-4 max-w-xl rounded-2xl border border-amber-300 bg-amber-50 p-4" data-testid="draft-banner">
            <p class="font-semibold text-amber-900">"Draft: only you can see this post."</p>
            <p class="text-sm text-amber-900/80">"Tag your images and link products below, then publish it to your followers."</p>
            <ActionForm action=publish attr:class="mt-3">
                <ErrorAlert error />
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="publish-draft" disabled=move || publish.pending().get()>
                    {move || if publish.pending().get() { "Publishing…" } else { "Publish" }}
                </button>
            </ActionForm>
        </section>
    }
}
