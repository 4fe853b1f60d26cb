//! The account pages: log in, sign up, forgotten password, reset, email
//! verification, and the email card in the settings. Forms are
//! `ActionForm`s, so they work before (or without) the WASM client;
//! hydration adds inline errors and the show-password toggle.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{my_email, verify_email, Login, Register, RequestPasswordReset, ResendVerification, ResetPassword};
use super::next::{login_href, register_href};
use super::use_auth;
use crate::error::AppError;
use crate::ui::{ErrorAlert, FieldError, Loading, SuccessNote, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS};

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
    let was_reset = move || query.read().get("reset").is_some_and(|v| v == "done");

    view! {
        <Title text="Log in" />
        <AuthCard title="Log in to Storefeed">
            <ActionForm action=login>
                <div class="space-y-4" data-testid="login-form">
                    {move || was_reset().then(|| view! {
                        <p role="status" data-testid="password-reset-done" class="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
                            "Your password was changed and every session signed out. Log in with your new password."
                        </p>
                    })}
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
            <p class="mt-4 text-center text-sm">
                <A href="/forgot-password" attr:class="font-semibold text-fuchsia-700 underline">"Forgot your password?"</A>
            </p>
            <p class="mt-2 text-center text-sm text-stone-600">
                "New here? " <a href=move || register_href(&next()) class="font-semibold text-fuchsia-700 underline" data-testid="login-register-link">"Create an account"</a>
            </p>
        </AuthCard>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let outcome = Signal::derive(move || register.value().get());
    let error = error_of(outcome);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <Title text="Create your account" />
        <AuthCard title="Create your Storefeed account">
            <ActionForm action=register>
                <div class="space-y-4" data-testid="register-form">
                    <ErrorAlert error />
                    <input type="hidden" name="next" value=next />
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
                "Already have an account? " <a href=move || login_href(&next()) class="font-semibold text-fuchsia-700 underline" data-testid="register-login-link">"Log in"</a>
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
fn PasswordField(
    autocomplete: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "Password")] label: &'static str,
) -> impl IntoView {
    let visible = RwSignal::new(false);
    view! {
        <div>
            <label for="password" class=LABEL_CLASS>{label}</label>
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
                <p class="mt-1 text-xs text-stone-500">"At least 8 characters, hard to guess: a few unrelated words work well."</p>
            })}
            <FieldError error field="password" />
        </div>
    }
}

/// Asks for a reset link. The page that follows says the same whether or
/// not the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = error_of(Signal::derive(move || request.value().get()));
    view! {
        <Title text="Forgot your password" />
        <AuthCard title="Reset your password">
            <ActionForm action=request>
                <div class="space-y-4" data-testid="forgot-password-form">
                    <p class="text-sm text-stone-600">"Enter your account's email and we'll send you a link to choose a new password."</p>
                    <ErrorAlert error />
                    <div>
                        <label for="email" class=LABEL_CLASS>"Email"</label>
                        <input id="email" name="email" type="email" required maxlength="254" autocomplete="email" class=INPUT_CLASS />
                        <FieldError error field="email" />
                    </div>
                    <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") data-testid="forgot-password-submit"
                        disabled=move || request.pending().get()>
                        "Send the link"
                    </button>
                </div>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-stone-600">
                <A href="/login" attr:class="font-semibold text-fuchsia-700 underline">"Back to log in"</A>
            </p>
        </AuthCard>
    }
}

/// Where registration and reset requests land: one message whatever
/// happened, because what happened depends on whether the address has an
/// account, and only its owner should learn that (from the mail).
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let query = use_query_map();
    let registering = move || query.read().get("for").is_some_and(|v| v == "register");
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Check your email" />
        <AuthCard title="Check your email">
            <div data-testid="check-email" role="status" class="space-y-3 text-stone-700">
                {move || if registering() {
                    view! {
                        <p>"We've sent a message to the address you gave. Follow the link in it to confirm your email."</p>
                        <p>"Then log in with your username and password."</p>
                    }.into_any()
                } else {
                    view! {
                        <p>"If that address has a Storefeed account, a link to choose a new password is on its way. It works once, for one hour."</p>
                        <p>"Nothing arrived? Check your spam folder, or ask again in a minute."</p>
                    }.into_any()
                }}
            </div>
            <p class="mt-6 text-center text-sm">
                <a href=move || login_href(&next()) class="font-semibold text-fuchsia-700 underline" data-testid="check-email-login">"Go to log in"</a>
            </p>
        </AuthCard>
    }
}

/// Opened from the reset mail: choose the new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    let error = error_of(Signal::derive(move || reset.value().get()));
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password" />
        <AuthCard title="Choose a new password">
            <ActionForm action=reset>
                <div class="space-y-4" data-testid="reset-password-form">
                    <ErrorAlert error />
                    <input type="hidden" name="token" value=token />
                    <PasswordField autocomplete="new-password" error label="New password" />
                    <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") data-testid="reset-password-submit"
                        disabled=move || reset.pending().get()>
                        "Set the new password"
                    </button>
                </div>
            </ActionForm>
            {move || error.get().filter(|e| e.field() == Some("token")).map(|_| view! {
                <p class="mt-4 text-center text-sm">
                    <A href="/forgot-password" attr:class="font-semibold text-fuchsia-700 underline">"Send me a new link"</A>
                </p>
            })}
        </AuthCard>
    }
}

/// Opened from the verification mail: the link itself verifies.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let outcome = Resource::new(move || query.read().get("token").unwrap_or_default(), verify_email);
    let next = move || query.read_untracked().get("next").unwrap_or_default();
    view! {
        <Title text="Confirm your email" />
        <AuthCard title="Confirm your email">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(()) => view! {
                            <p role="status" data-testid="email-verified" class="text-stone-700">"Thanks: your email address is confirmed."</p>
                            <p class="mt-6 text-center text-sm">
                                {match next() {
                                    n if n.starts_with('/') && n != "/" => view! {
                                        <a href=login_href(&n) class="font-semibold text-fuchsia-700 underline" data-testid="verified-continue">"Log in to continue"</a>
                                    }.into_any(),
                                    _ => view! { <A href="/" attr:class="font-semibold text-fuchsia-700 underline">"Go to your feed"</A> }.into_any(),
                                }}
                            </p>
                        }.into_any(),
                        Err(error) => view! {
                            <p role="alert" data-testid="email-verify-failed" class="text-rose-800">{error.to_string()}</p>
                            <p class="mt-6 text-center text-sm">
                                <A href="/settings/profile" attr:class="font-semibold text-fuchsia-700 underline">"Send a new link from your settings"</A>
                            </p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

/// The settings' email card: the address, and until it is confirmed, a
/// button that mails a new link.
#[component]
pub fn EmailStatusCard() -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let status = Resource::new(move || resend.version().get(), |_| my_email());
    let error = error_of(Signal::derive(move || resend.value().get()));
    let sent = Signal::derive(move || matches!(resend.value().get(), Some(Ok(()))));
    view! {
        <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6" data-testid="email-status">
            <h2 class="text-lg font-semibold">"Email"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    status.await.ok().map(|s| {
                        let verified = s.verified;
                        view! {
                            <p class="mt-2 text-stone-700">
                                <span data-testid="email-address">{s.email}</span>" "
                                {if verified {
                                    view! { <span data-testid="email-verified-badge" class="rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">"Verified"</span> }.into_any()
                                } else {
                                    view! { <span data-testid="email-unverified-badge" class="rounded bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-800">"Not verified yet"</span> }.into_any()
                                }}
                            </p>
                            {(!verified).then(|| view! {
                                <ActionForm action=resend>
                                    <div class="mt-3 space-y-2">
                                        <p class="text-sm text-stone-600">"Follow the link we mailed you to confirm this address. Lost it?"</p>
                                        <ErrorAlert error />
                                        <SuccessNote show=sent message="We sent you a new link." />
                                        <button type="submit" data-testid="resend-verification" class=crate::ui::SECONDARY_BUTTON_CLASS
                                            disabled=move || resend.pending().get()>
                                            "Resend the link"
                                        </button>
                                    </div>
                                </ActionForm>
                            })}
                        }
                    })
                })}
            </Transition>
        </div>
    }
}
