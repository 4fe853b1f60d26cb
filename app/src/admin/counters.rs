//! `/admin/counters`: the last counter reconciliation runs (`reconcile`),
//! what each fixed, and "Run now", a plain form that works before the page
//! hydrates. The rules and the SQL are `reconcile`'s own.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::accounts::use_auth;
use crate::error::AppError;
use crate::reconcile::{CounterReport, Run, Trigger};
use crate::ui::{ErrorAlert, ErrorPage, Loading, PRIMARY_BUTTON_CLASS};

/// The newest runs, newest first: admins only.
#[server(prefix = "/api", endpoint = "admin/counters")]
pub async fn counter_runs() -> Result<Vec<Run>, AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    crate::reconcile::admin::recent_runs(&state.pool, caller).await
}

/// Reconciles every counter now, then returns to the page, which lists the
/// run first: admins only.
#[server(prefix = "/api", endpoint = "admin/counters/run")]
pub async fn run_counters() -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    crate::reconcile::admin::run_now(&state.pool, caller, state.clock.now()).await?;
    leptos_axum::redirect("/admin/counters");
    Ok(())
}

fn when(at: DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{at.format("%-d %b %H:%M:%S UTC").to_string()}</time> }
}

#[component]
pub fn CountersAdminPage() -> impl IntoView {
    let auth = use_auth();
    let run = ServerAction::<RunCounters>::new();
    let runs = Resource::new(move || run.version().get(), |_| counter_runs());
    let error = Signal::derive(move || run.value().get().and_then(Result::err));
    view! {
        <Title text="Counters" />
        <section class="mx-auto max-w-3xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h1 class="text-xl font-bold" data-testid="counters-heading">"Counters"</h1>
            <p class="mt-1 text-sm text-stone-500">
                "Every hour, each stored count (likes, comments, reposts, quotes, bookmarks, followers, posts, unread notifications) is recounted from its rows and fixed if it drifted. A fix means something miscounted: the rows below say which."
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/admin/counters" /> }.into_any();
                    }
                    match runs.await {
                        Ok(list) => view! {
                            <ActionForm action=run attr:class="mt-4" attr:data-testid="counters-run-form">
                                <ErrorAlert error />
                                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="counters-run">"Run now"</button>
                            </ActionForm>
                            {list.is_empty().then(|| view! {
                                <p class="py-8 text-center text-stone-500" data-testid="no-counter-runs">"No run yet."</p>
                            })}
                            <ol class="mt-4 space-y-3" data-testid="counter-runs">
                                {list.into_iter().map(|r| view! { <RunEntry run=r /> }).collect_view()}
                            </ol>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RunEntry(run: Run) -> impl IntoView {
    let by = match (run.trigger, run.requested_by) {
        (Trigger::Schedule, _) => "Hourly job".to_string(),
        (Trigger::Admin, Some(admin)) => format!("Run by @{admin}"),
        (Trigger::Admin, None) => "Run by an admin".to_string(),
    };
    let fixed = run.report.fixed();
    let summary = run.report.summary();
    let shown: Vec<CounterReport> = run.report.counters.into_iter().filter(|c| c.fixed > 0 || c.busy > 0).collect();
    view! {
        <li class="rounded-xl border border-stone-200 p-3" data-testid="counter-run" data-run=run.id.to_string()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 class="font-semibold">{by}" · "{when(run.started_at)}</h2>
                {if fixed > 0 {
                    view! { <span class="rounded-full bg-amber-100 px-2 py-0.5 text-sm font-semibold text-amber-800" data-testid="run-state">"Fixed drift"</span> }.into_any()
                } else {
                    view! { <span class="rounded-full bg-emerald-100 px-2 py-0.5 text-sm font-semibold text-emerald-800" data-testid="run-state">"All right"</span> }.into_any()
                }}
            </div>
            <p class="mt-1 text-sm text-stone-600">
                <span data-testid="run-summary">{summary}</span>" · took "{format!("{} ms", run.duration_ms)}
            </p>
            {(!shown.is_empty()).then(|| view! {
                <ul class="mt-2 space-y-2 text-sm">
                    {shown.into_iter().map(|c| view! { <CounterFixes c /> }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[component]
fn CounterFixes(c: CounterReport) -> impl IntoView {
    let unnamed = c.fixed - c.examples.len() as i64;
    view! {
        <li data-testid="run-counter" data-counter=c.counter.column()>
            <p>
                <span class="font-mono font-semibold">{c.counter.column()}</span>
                {format!(" ({}): ", c.counter.counts())}
                <span data-testid="run-counter-fixed">{format!("{} fixed", c.fixed)}</span>
                {format!(" of {} checked", c.checked)}
                {(c.busy > 0).then(|| format!(", {} busy", c.busy))}
            </p>
            {(!c.examples.is_empty()).then(|| view! {
                <ul class="mt-1 space-y-0.5 pl-4 font-mono text-xs text-stone-600">
                    {c.examples.into_iter().map(|f| view! {
                        <li class="break-all" data-testid="run-fix">{format!("{}: {} → {}", f.id, f.was, f.now)}</li>
                    }).collect_view()}
                    {(unnamed > 0).then(|| view! { <li>{format!("and {unnamed} more")}</li> })}
                </ul>
            })}
        </li>
    }
}
