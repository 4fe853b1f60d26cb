//! `/admin/outbox`: the relay's durable consumers as an admin sees them, so
//! one that keeps failing (and the event it is stuck on) is found without
//! reading logs. The SQL is the outbox's own (`outbox::status`).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::use_auth;
use crate::error::AppError;
use crate::ui::{exact_count, ErrorPage, Loading};

/// "Behind" counts at most this many events, so the page stays cheap on a
/// long backlog (more reads as "over").
pub const BEHIND_CAP: i64 = 10_000;

/// One durable consumer of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerStatus {
    pub name: String,
    /// Its cursor, `"<tx_id>.<id>"`.
    pub position: String,
    /// Events after its cursor, up to `BEHIND_CAP + 1`.
    pub behind: i64,
    /// Failures in a row; 0 when healthy.
    pub failures: i32,
    pub last_error: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub retry_at: Option<DateTime<Utc>>,
    /// When its cursor or failure record last changed.
    pub updated_at: DateTime<Utc>,
    /// While failing: the event its next batch starts with.
    pub stuck_on: Option<StuckEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckEvent {
    pub id: i64,
    pub kind: String,
    pub aggregate: String,
    pub aggregate_id: Uuid,
    pub at: DateTime<Utc>,
}

impl ConsumerStatus {
    /// "3 events behind", "Over 10000 events behind", "Up to date".
    pub fn behind_label(&self) -> String {
        match self.behind {
            0 => "Up to date".into(),
            n if n > BEHIND_CAP => format!("Over {BEHIND_CAP} events behind"),
            n => format!("{} behind", exact_count(n, "event", "events")),
        }
    }
}

#[server(prefix = "/api", endpoint = "admin/outbox")]
pub async fn outbox_consumers() -> Result<Vec<ConsumerStatus>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    crate::outbox::status::for_admin(&state.pool, user.id).await
}

fn when(at: DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{at.format("%-d %b %H:%M:%S UTC").to_string()}</time> }
}

#[component]
pub fn OutboxAdminPage() -> impl IntoView {
    let auth = use_auth();
    let consumers = Resource::new(|| (), |_| outbox_consumers());
    view! {
        <Title text="Outbox relay" />
        <section class="mx-auto max-w-3xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h1 class="text-xl font-bold" data-testid="outbox-heading">"Outbox relay"</h1>
            <p class="mt-1 text-sm text-stone-500">
                "Each consumer reads every event from its own cursor. One that fails waits longer before each retry and stays on the same event until it succeeds."
            </p>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/admin/outbox" /> }.into_any();
                    }
                    match consumers.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="py-8 text-center text-stone-500" data-testid="no-consumers">"No consumer has read the outbox yet."</p>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="mt-4 space-y-3" data-testid="outbox-consumers">
                                {list.into_iter().map(|c| view! { <ConsumerRow c /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ConsumerRow(c: ConsumerStatus) -> impl IntoView {
    let failing = c.failures > 0;
    let behind = c.behind_label();
    view! {
        <li class="rounded-xl border border-stone-200 p-3" data-testid="outbox-consumer" data-consumer=c.name.clone()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 class="break-all font-mono font-semibold">{c.name.clone()}</h2>
                {if failing {
                    view! { <span class="rounded-full bg-rose-100 px-2 py-0.5 text-sm font-semibold text-rose-800" data-testid="consumer-state">"Failing"</span> }.into_any()
                } else {
                    view! { <span class="rounded-full bg-emerald-100 px-2 py-0.5 text-sm font-semibold text-emerald-800" data-testid="consumer-state">"Healthy"</span> }.into_any()
                }}
            </div>
            <p class="mt-1 text-sm text-stone-600">
                <span data-testid="consumer-behind">{behind}</span>" · cursor "<span class="font-mono">{c.position.clone()}</span>" · changed " {when(c.updated_at)}
            </p>
            {failing.then(|| view! {
                <div class="mt-2 space-y-1 text-sm" data-testid="consumer-failure">
                    <p>{exact_count(c.failures.into(), "failure", "failures")}" in a row"
                        {c.failing_since.map(|at| view! { ", since " {when(at)} })}
                        {c.retry_at.map(|at| view! { "; next try " {when(at)} })}
                    </p>
                    {c.stuck_on.clone().map(|e| view! {
                        <p data-testid="stuck-event">"Stuck on event "<span class="font-mono">{format!("#{}", e.id)}</span>" "
                            <span class="font-mono">{e.kind}</span>" of "<span class="font-mono break-all">{format!("{} {}", e.aggregate, e.aggregate_id)}</span>
                            ", written " {when(e.at)}
                        </p>
                    })}
                    {c.last_error.clone().map(|e| view! {
                        <pre class="max-h-40 overflow-auto whitespace-pre-wrap break-all rounded-lg bg-stone-100 p-2 font-mono text-xs" data-testid="consumer-error">{e}</pre>
                    })}
                </div>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(behind: i64) -> ConsumerStatus {
        ConsumerStatus {
            name: "timeline".into(),
            position: "1.1".into(),
            behind,
            failures: 0,
            last_error: None,
            failing_since: None,
            retry_at: None,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            stuck_on: None,
        }
    }

    #[test]
    fn behind_reads_as_a_count_and_caps() {
        assert_eq!(status(0).behind_label(), "Up to date");
        assert_eq!(status(1).behind_label(), "1 event behind");
        assert_eq!(status(1234).behind_label(), "1234 events behind");
        assert_eq!(status(BEHIND_CAP + 1).behind_label(), "Over 10000 events behind");
    }
}
