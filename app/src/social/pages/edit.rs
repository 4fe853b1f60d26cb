//! `/settings/profile`: profile text (an `ActionForm`) and the avatar/cover
//! uploads (multipart forms: plain posts before hydration, in-page after).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, SubmitEvent};

use crate::accounts::use_auth;
use crate::accounts::validate::{BIO_MAX, DISPLAY_NAME_MAX, LOCATION_MAX, WEBSITE_MAX};
use crate::error::AppError;
use crate::media::{check_picked, ImagePicker};
use crate::social::api::{my_profile, upload_profile_image, UpdateProfile, UploadProfileImage};
use crate::social::{EditableProfile, PROFILE_IMAGE};
use crate::ui::{
    raw_text_safe, Avatar, AvatarSize, ErrorAlert, ErrorPage, FieldError, Loading, SuccessNote, INPUT_CLASS,
    LABEL_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

#[component]
pub fn EditProfilePage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let auth = use_auth();
    let uploads = RwSignal::new(0u32);
    let profile = Resource::new(move || (update.version().get(), uploads.get()), |_| my_profile());
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(()))) {
            auth.refresh();
        }
    });

    view! {
        <Title text="Edit profile" />
        <section class="mx-auto max-w-xl">
            <h1 class="text-2xl font-bold">"Edit profile"</h1>
            <div class="mt-4"><crate::accounts::pages::EmailStatusCard /></div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(p) => view! { <EditForms profile=p update uploads /> }.into_any(),
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/settings/profile" /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EditForms(profile: EditableProfile, update: ServerAction<UpdateProfile>, uploads: RwSignal<u32>) -> impl IntoView {
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(()))));
    let EditableProfile { username, display_name, bio, location, website, avatar_url, cover_url, is_private } = profile;
    let bio_len = RwSignal::new(bio.chars().count());

    view! {
        <div class="mt-4 space-y-6">
            <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6" data-testid="profile-pictures">
                <h2 class="text-lg font-semibold">"Pictures"</h2>
                <div class="mt-4 flex items-center gap-4">
                    <Avatar url=avatar_url name=display_name.clone() size=AvatarSize::Medium />
                    <ImageUpload kind="avatar" label="Profile picture" uploads />
                </div>
                <div class="mt-4 flex items-center gap-4">
                    {match cover_url {
                        Some(url) => view! { <img src=url alt="Your cover image" class="h-12 w-36 rounded object-cover" /> }.into_any(),
                        None => view! { <span class="h-12 w-36 rounded bg-gradient-to-br from-fuchsia-300 to-amber-300" aria-hidden="true"></span> }.into_any(),
                    }}
                    <ImageUpload kind="cover" label="Cover image" uploads />
                </div>
            </div>

            <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
                <ActionForm action=update>
                    <div class="space-y-4" data-testid="profile-form">
                        <ErrorAlert error />
                        <SuccessNote show=saved message="Profile saved." />
                        <div>
                            <label for="display_name" class=LABEL_CLASS>"Display name"</label>
                            <input id="display_name" name="display_name" type="text" required maxlength=DISPLAY_NAME_MAX.to_string()
                                value=display_name class=INPUT_CLASS />
                            <FieldError error field="display_name" />
                        </div>
                        <div>
                            <label for="bio" class=LABEL_CLASS>"Bio"</label>
                            <textarea id="bio" name="bio" rows="3" maxlength=BIO_MAX.to_string() class=INPUT_CLASS
                                aria-describedby="bio-count"
                                on:input=move |ev| bio_len.set(event_target_value(&ev).chars().count())>{raw_text_safe(bio)}</textarea>
                            <p id="bio-count" class="mt-1 text-right text-xs text-stone-500">{move || format!("{}/{BIO_MAX}", bio_len.get())}</p>
                            <FieldError error field="bio" />
                        </div>
                        <div>
                            <label for="location" class=LABEL_CLASS>"Location"</label>
                            <input id="location" name="location" type="text" maxlength=LOCATION_MAX.to_string() value=location class=INPUT_CLASS />
                            <FieldError error field="location" />
                        </div>
                        <div>
                            <label for="website" class=LABEL_CLASS>"Website"</label>
                            <input id="website" name="website" type="text" inputmode="url" maxlength=WEBSITE_MAX.to_string()
                                placeholder="https://example.com" value=website class=INPUT_CLASS />
                            <FieldError error field="website" />
                        </div>
                        <div class="flex items-start gap-3">
                            <input id="is_private" name="is_private" type="checkbox" checked=is_private class="mt-1 h-4 w-4 rounded border-stone-300 text-fuchsia-600" />
                            <label for="is_private" class="text-sm">
                                <span class="font-medium">"Private account"</span>
                                <span class="block text-stone-500">"Only people you approve will see your posts."</span>
                                <span class="block text-stone-500">"Making it public again accepts every request still waiting. "
                                    <A href="/follow-requests" attr:class="text-fuchsia-700 hover:underline" attr:data-testid="settings-follow-requests">"Follow requests"</A>
                                </span>
                            </label>
                        </div>
                        <div class="flex gap-3">
                            <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="profile-save" disabled=move || update.pending().get()>
                                {move || if update.pending().get() { "Saving…" } else { "Save profile" }}
                            </button>
                            <A href=format!("/u/{username}") attr:class=SECONDARY_BUTTON_CLASS attr:data-testid="view-profile">"View profile"</A>
                        </div>
                    </div>
                </ActionForm>
            </div>
        </div>
    }
}

/// One image upload form. Before hydration it is a plain multipart post to
/// the server function; after, it uploads in the page and shows progress.
#[component]
fn ImageUpload(kind: &'static str, label: &'static str, uploads: RwSignal<u32>) -> impl IntoView {
    let upload = Action::new_local(|data: &FormData| upload_profile_image(data.clone().into()));
    let auth = use_auth();
    let local_error = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || local_error.get().or_else(|| upload.value().get().and_then(Result::err)));
    Effect::new(move |_| {
        if matches!(upload.value().get(), Some(Ok(_))) {
            uploads.update(|n| *n += 1);
            auth.refresh(); // the header shows the new avatar too
        }
    });
    let input_id = format!("{kind}-file");

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        match check_picked(&form, &PROFILE_IMAGE) {
            Err(e) => local_error.set(Some(e)),
            Ok(()) => {
                if let Ok(data) = FormData::new_with_form(&form) {
                    upload.dispatch_local(data);
                }
            }
        }
    };

    view! {
        <form method="post" enctype="multipart/form-data" action=UploadProfileImage::url() on:submit=on_submit
            class="flex flex-1 flex-wrap items-center gap-2" data-testid=format!("{kind}-upload")>
            <input type="hidden" name="kind" value=kind />
            <ImagePicker limits=PROFILE_IMAGE id=input_id label label_class="sr-only" input_class="w-full sm:w-auto" />
            <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || upload.pending().get()>
                {move || if upload.pending().get() { "Uploading…".to_string() } else { format!("Upload {}", label.to_lowercase()) }}
            </button>
            <div class="w-full"><ErrorAlert error /></div>
        </form>
    }
}
