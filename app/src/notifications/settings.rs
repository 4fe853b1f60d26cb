//! `/settings/notifications`: one choice per category (from everyone, from
//! people I follow, off), each a plain form that saves on its own. Order
//! news about your own purchases is always on.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::api::{notification_settings, SetNotificationSetting};
use super::digest::components::DigestSetting;
use super::{Category, Setting};
use crate::accounts::use_auth;
use crate::ui::{ErrorAlert, ErrorPage, Loading, SECONDARY_BUTTON_CLASS};

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let auth = use_auth();
    let save = ServerAction::<SetNotificationSetting>::new();
    let settings = Resource::new(move || save.version().get(), |_| notification_settings());
    let failure = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <Title text="Notification settings" />
        <section class="mx-auto max-w-xl space-y-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <div>
                <h1 class="text-xl font-bold" data-testid="notification-settings-heading">"Notification settings"</h1>
                <p class="mt-1 text-sm text-stone-500">
                    "Choose what you hear about. News of your own orders, refunds and instalments always reaches you."
                </p>
            </div>
            <ErrorAlert error=failure />
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/settings/notifications" /> }.into_any();
                    }
                    match settings.await {
                        Ok(rows) => view! {
                            <ul class="divide-y divide-stone-200">
                                {rows.into_iter().map(|(category, setting)| view! { <Choice category setting save /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
            <DigestSetting />
        </section>
    }
}

#[component]
fn Choice(category: Category, setting: Setting, save: ServerAction<SetNotificationSetting>) -> impl IntoView {
    let field = format!("setting-{}", category.as_str());
    view! {
        <li class="py-3" data-testid="notification-setting" data-category=category.as_str() data-setting=setting.as_str()>
            <ActionForm action=save attr:class="flex flex-wrap items-center justify-between gap-2">
                <input type="hidden" name="category" value=category.as_str() />
                <label for=field.clone() class="min-w-0 flex-1 text-sm font-medium text-stone-800">{category.label()}</label>
                <select id=field name="setting" class="rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm"
                    data-testid=format!("setting-select-{}", category.as_str())>
                    {Setting::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=s == setting>{s.label()}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid=format!("setting-save-{}", category.as_str())>
                    "Save"
                </button>
            </ActionForm>
        </li>
    }
}
