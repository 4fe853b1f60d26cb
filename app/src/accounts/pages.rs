//! The log-in and sign-up pages. Both are `ActionForm`s, so they work before
//! (or without) the WASM client; hydration adds inline errors and the
//! show-password toggle.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{Login, Register};
use super::use_auth;
use crate::error::AppError;
use crate::ui::{ErrorAlert, FieldError, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS};

type Outcome = Signal<Option<Result<(), AppError>>>;

/// Refreshes the signed-in user once the form's action succeeds.
fn refresh_on_success(outcome: Outcome) {
    let auth = use_auth();
    Effect::new(move |_| {
        if matches!(outcome.get(), Some(Ok(()))) {
            auth.refresh();
        }
    });
}

fn error_of(outcome: Outcome) -> Signal<Option<AppError>> {
    Signal::derive(move || outcome.get().and_then(Result::err))
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let outcome = Signal::derive(move || login.value().get());
    refresh_on_success(outcome);
    let error = error_of(outcome);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <Title text="Log in" />
        <AuthCard title="Log in to Storefeed">
            <ActionForm action=login>
                <div class="space-y-4" data-testid="login-form">
                    <ErrorAlert error />
                    <input type="hidden" name="next" value=next />
                    <div>
                        <label for="identifier" class=LABEL_CLASS>"Username or email"</label>
                        <input id="identifier" name="identifier" type="text" required autocomplete="username"
                            autocapitalize="none" spellcheck="false" maxlength="254" class=INPUT_CLASS />
                    </div>
                    <PasswordField autocomplete="current-password" error />
                    <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") data-testid="login-submit"
                        disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                    </button>
                </div>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-stone-600">
                "New here? " <A href="/register" attr:class="font-semibold text-fuchsia-700 underline">"Create an account"</A>
            </p>
        </AuthCard>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let outcome = Signal::derive(move || register.value().get());
    refresh_on_success(outcome);
    let error = error_of(outcome);

    view! {
        <Title text="Create your account" />
        <AuthCard title="Create your Storefeed account">
            <ActionForm action=register>
                <div class="space-y-4" data-testid="register-form">
                    <ErrorAlert error />
                    <div>
                        <label for="username" class=LABEL_CLASS>"Username"</label>
                        <input id="username" name="username" type="text" required minlength="3" maxlength="30"
                            pattern="[A-Za-z0-9_]{3,30}" autocomplete="username" autocapitalize="none" spellcheck="false"
                            aria-describedby="username-help" class=INPUT_CLASS />
                        <p id="username-help" class="mt-1 text-xs text-stone-500">"3–30 letters, numbers or underscores."</p>
                        <FieldError error field="username" />
                    </div>
                    <div>
                        <label for="display_name" class=LABEL_CLASS>"Display name " <span class="font-normal text-stone-500">"(optional)"</span></label>
                        <input id="display_name" name="display_name" type="text" maxlength="50" autocomplete="name" class=INPUT_CLASS />
                        <FieldError error field="display_name" />
                    </div>
                    <div>
                        <label for="email" class=LABEL_CLASS>"Email"</label>
                        <input id="email" name="email" type="email" required maxlength="254" autocomplete="email" class=INPUT_CLASS />
                        <FieldError error field="email" />
                    </div>
                    <PasswordField autocomplete="new-password" error />
                    <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") data-testid="register-submit"
                        disabled=move || register.pending().get()>
                        {move || if register.pending().get() { "Creating account…" } else { "Create account" }}
                    </button>
                </div>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-stone-600">
                "Already have an account? " <A href="/login" attr:class="font-semibold text-fuchsia-700 underline">"Log in"</A>
            </p>
        </AuthCard>
    }
}

#[component]
fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="mx-auto mt-6 max-w-md rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:mt-12 sm:p-8">
            <h1 class="mb-6 text-2xl font-bold tracking-tight">{title}</h1>
            {children()}
        </section>
    }
}

/// A password input with a show/hide toggle. The toggle only works once the
/// WASM client has hydrated the page (the end-to-end suite relies on that).
#[component]
fn PasswordField(autocomplete: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    let visible = RwSignal::new(false);
    view! {
        <div>
            <label for="password" class=LABEL_CLASS>"Password"</label>
            <div class="relative">
                <input id="password" name="password" required maxlength="128"
                    type=move || if visible.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    minlength=if autocomplete == "new-password" { Some("8") } else { None }
                    class=format!("{INPUT_CLASS} pr-20") />
                <button type="button" data-testid="password-toggle"
                    class="absolute inset-y-0 right-0 mr-1 mt-1 px-3 text-sm font-medium text-stone-600 hover:text-fuchsia-700"
                    aria-controls="password" aria-pressed=move || visible.get().to_string()
                    on:click=move |_| visible.update(|v| *v = !*v)>
                    {move || if visible.get() { "Hide" } else { "Show" }}
                </button>
            </div>
            {(autocomplete == "new-password").then(|| view! {
                <p class="mt-1 text-xs text-stone-500">"At least 8 characters."</p>
            })}
            <FieldError error field="password" />
        </div>
    }
}
