//! Loading, error and not-found states, and form messages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::error::AppError;

#[component]
pub fn Loading(#[prop(optional, into)] label: Option<String>) -> impl IntoView {
    let label = label.unwrap_or_else(|| "Loading…".to_string());
    view! {
        <div class="flex items-center gap-3 py-10 text-stone-500" role="status" aria-live="polite" data-testid="loading">
            <span class="h-5 w-5 animate-spin rounded-full border-2 border-stone-300 border-t-fuchsia-600"></span>
            <span>{label}</span>
        </div>
    }
}

/// The form-level message for an error (field errors show under their field too).
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p role="alert" data-testid="form-error" class="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
                    {e.to_string()}
                </p>
            }
        })
    }
}

/// The message under one input, when the error is about that field.
#[component]
pub fn FieldError(#[prop(into)] error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.get().filter(|e| e.field() == Some(field)).map(|e| {
            view! {
                <p class="mt-1 text-sm text-rose-700" id=format!("{field}-error") data-testid=format!("{field}-error")>
                    {e.to_string()}
                </p>
            }
        })
    }
}

#[component]
pub fn SuccessNote(#[prop(into)] show: Signal<bool>, message: &'static str) -> impl IntoView {
    move || {
        show.get().then(|| {
            view! {
                <p role="status" data-testid="form-success" class="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
                    {message}
                </p>
            }
        })
    }
}

/// The 404 page; also sets the HTTP status when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::http_status::set_page_status(404);
    view! {
        <Title text="Page not found" />
        <section class="mx-auto max-w-md py-16 text-center" data-testid="not-found">
            <p class="text-6xl font-black text-fuchsia-600">"404"</p>
            <h1 class="mt-4 text-2xl font-bold">"This page isn't here"</h1>
            <p class="mt-2 text-stone-600">"The link may be broken, or the page may have been removed."</p>
            <A href="/" attr:class="mt-6 inline-block font-semibold text-fuchsia-700 underline">"Back to your feed"</A>
        </section>
    }
}

/// What an error boundary shows: the 404 page for missing things, a message
/// (with the matching status on the server) for everything else.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    if matches!(error, AppError::NotFound(_)) {
        return view! { <NotFound /> }.into_any();
    }
    #[cfg(feature = "ssr")]
    crate::http_status::set_page_status(error.status_code());
    let login_hint = matches!(error, AppError::Unauthorized);
    let here = crate::accounts::next::current_path();
    view! {
        <Title text="Something went wrong" />
        <section class="mx-auto max-w-md py-16 text-center" data-testid="error-page" role="alert">
            <h1 class="text-2xl font-bold">
                {if login_hint { "Log in to continue" } else { "Something went wrong" }}
            </h1>
            <p class="mt-2 text-stone-600">{error.to_string()}</p>
            {login_hint.then(|| view! {
                <a href=move || crate::accounts::login_href(&here.get()) class="mt-6 inline-block font-semibold text-fuchsia-700 underline" data-testid="error-login">"Log in"</a>
            })}
        </section>
    }
    .into_any()
}
