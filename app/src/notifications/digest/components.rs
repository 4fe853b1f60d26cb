//! The digest's control on /settings/notifications: daily or off, a plain
//! form that works before hydration and reloads the shown choice on save.

use leptos::prelude::*;

use super::api::{digest_setting, SetDigest};
use super::Frequency;
use crate::ui::{ErrorAlert, SECONDARY_BUTTON_CLASS};

#[component]
pub fn DigestSetting() -> impl IntoView {
    let save = ServerAction::<SetDigest>::new();
    let current = Resource::new(move || save.version().get(), |_| digest_setting());
    let failure = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <div class="space-y-2 border-t border-stone-200 pt-4">
            <h2 class="text-base font-semibold">"Email digest"</h2>
            <p class="text-sm text-stone-500">
                "Once a day, a mail listing your unread notifications from the last 24 hours."
            </p>
            <ErrorAlert error=failure />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(frequency) => view! { <DigestForm frequency save /> }.into_any(),
                        Err(e) => view! { <p role="alert" class="text-sm text-rose-700">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn DigestForm(frequency: Frequency, save: ServerAction<SetDigest>) -> impl IntoView {
    view! {
        <div data-testid="digest-setting" data-frequency=frequency.as_str()>
            <ActionForm action=save attr:class="flex flex-wrap items-center justify-between gap-2">
                <label for="digest-frequency" class="min-w-0 flex-1 text-sm font-medium text-stone-800">
                    "Email: digest"
                </label>
                <select id="digest-frequency" name="frequency" class="rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm"
                    data-testid="digest-select">
                    {Frequency::ALL
                        .into_iter()
                        .map(|f| view! { <option value=f.as_str() selected=f == frequency>{f.label()}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="digest-save">"Save"</button>
            </ActionForm>
        </div>
    }
}
