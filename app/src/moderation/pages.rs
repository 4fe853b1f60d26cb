//! The moderation pages and notices: the report form (`/report/:kind/:id`),
//! the admin queue with its audit log (`/admin/moderation`), the banner a
//! suspended or banned account sees, and the removal notice its author sees
//! on removed content. Every form is a plain form before hydration.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::api::{moderation_queue, my_standing, post_removal, product_removal, Moderate, ReportContent};
use super::{AuditEntry, QueueItem, ReportReason, TargetKind, TEXT_MAX};
use crate::accounts::use_auth;
use crate::error::AppError;
use crate::ui::{ErrorAlert, ErrorPage, FieldError, Loading, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS};

/// Where the report form for a target lives.
pub fn report_href(kind: TargetKind, id: Uuid) -> String {
    format!("/report/{}/{id}", kind.as_str())
}

/// A "Report" link to the report form, for profiles, shops and products.
#[component]
pub fn ReportLink(kind: TargetKind, id: Uuid) -> impl IntoView {
    view! {
        <a href=report_href(kind, id) rel="nofollow" data-testid="report-link"
            class="text-sm text-stone-500 underline hover:text-rose-700">
            {format!("Report this {}", kind.noun())}
        </a>
    }
}

/// `/report/:kind/:id`: why the user reports it (a reason, and their own
/// words), or, once sent, a thank-you. Signed out, a link to sign in.
#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let auth = use_auth();
    let report = ServerAction::<ReportContent>::new();
    let error = Signal::derive(move || report.value().get().and_then(Result::err));
    let target = move || {
        let kind = TargetKind::parse(&params.read().get("kind").unwrap_or_default()).ok()?;
        let id = Uuid::parse_str(&params.read().get("id").unwrap_or_default()).ok()?;
        Some((kind, id))
    };
    let sent = move || query.read().get("sent").is_some() || matches!(report.value().get(), Some(Ok(())));
    view! {
        <Title text="Report" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Some((kind, id)) = target() else {
                    return view! { <ErrorPage error=AppError::NotFound("Page".into()) /> }.into_any();
                };
                if !matches!(auth.user.await, Ok(Some(_))) {
                    return view! { <ErrorPage error=AppError::Unauthorized /> }.into_any();
                }
                view! {
                    <section class="mx-auto max-w-xl space-y-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6"
                        data-testid="report-page">
                        <h1 class="text-xl font-bold">{format!("Report this {}", kind.noun())}</h1>
                        <Show when=sent fallback=move || view! { <ReportForm kind id report error /> }>
                            <p role="status" data-testid="report-sent"
                                class="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
                                "Thanks for telling us. An admin will look at it; the account is not told who reported it."
                            </p>
                        </Show>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn ReportForm(
    kind: TargetKind,
    id: Uuid,
    report: ServerAction<ReportContent>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <ActionForm action=report attr:class="space-y-4" attr:data-testid="report-form">
            <ErrorAlert error />
            <input type="hidden" name="kind" value=kind.as_str() />
            <input type="hidden" name="id" value=id.to_string() />
            <fieldset class="space-y-2">
                <legend class=LABEL_CLASS>"What is wrong with it?"</legend>
                {ReportReason::ALL
                    .into_iter()
                    .map(|r| view! {
                        <label class="flex min-h-11 items-center gap-3 rounded-lg border border-stone-200 px-3 py-2">
                            <input type="radio" name="reason" value=r.as_str() required=true
                                data-testid=format!("reason-{}", r.as_str()) />
                            <span>{r.label()}</span>
                        </label>
                    })
                    .collect_view()}
                <FieldError error field="reason" />
            </fieldset>
            <div>
                <label for="report-details" class=LABEL_CLASS>"Anything else we should know? (needed for “Something else”)"</label>
                <textarea id="report-details" name="details" rows="4" maxlength=TEXT_MAX class=INPUT_CLASS
                    data-testid="report-details"></textarea>
                <FieldError error field="details" />
            </div>
            <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="report-submit">"Send report"</button>
        </ActionForm>
    }
}

/// `/admin/moderation`: the queue, most reported first, each target with
/// its reasons, a preview and the action form; then the audit log. Anyone
/// but an admin gets the 403 (or, signed out, 401) page.
#[component]
pub fn ModerationPage() -> impl IntoView {
    let act = ServerAction::<Moderate>::new();
    let queue = Resource::new(move || act.version().get(), |_| moderation_queue());
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    view! {
        <Title text="Moderation" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => view! {
                        <section class="mx-auto max-w-3xl space-y-4" data-testid="moderation-page">
                            <h1 class="text-xl font-bold">"Moderation"</h1>
                            <ErrorAlert error />
                            <h2 class="font-semibold">{format!("Open reports ({})", queue.items.len())}</h2>
                            {queue.items.is_empty().then(|| view! {
                                <p class="text-stone-500" data-testid="queue-empty">"Nothing to review."</p>
                            })}
                            <ol class="space-y-4" data-testid="moderation-queue">
                                {queue.items.into_iter().map(|item| view! { <QueueEntry item act error /> }).collect_view()}
                            </ol>
                            <AuditLog log=queue.log />
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn QueueEntry(item: QueueItem, act: ServerAction<Moderate>, error: Signal<Option<AppError>>) -> impl IntoView {
    let reasons = item.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
    let form_id = format!("act-{}", item.target_id);
    let removable = item.kind.removable() && !item.removed;
    view! {
        <li class="space-y-2 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm"
            data-testid="queue-item" data-target=item.target_id.to_string()>
            <p class="text-sm text-stone-500">
                <span class="font-semibold text-stone-800" data-testid="queue-count">
                    {crate::ui::exact_count(item.open_reports, "report", "reports")}
                </span>
                {format!(" · {} · first {}", item.kind.noun(), item.first_reported_at.format("%-d %b %Y %H:%M UTC"))}
                {item.subject.map(|s| format!(" · by @{s}"))}
                {item.removed.then_some(" · removed")}
            </p>
            <p class="text-sm"><span class="font-medium">"Reasons: "</span>{reasons}</p>
            <blockquote class="whitespace-pre-wrap break-words border-l-4 border-stone-200 pl-3 text-stone-700"
                data-testid="queue-preview">
                {item.preview.unwrap_or_else(|| "(gone)".into())}
            </blockquote>
            {(!item.details.is_empty()).then(|| view! {
                <ul class="list-disc pl-5 text-sm text-stone-600">
                    {item.details.into_iter().map(|d| view! { <li class="break-words">{d}</li> }).collect_view()}
                </ul>
            })}
            {item.href.map(|href| view! { <a href=href class="text-sm text-fuchsia-700 underline">"Open it"</a> })}
            <ActionForm action=act attr:class="grid gap-2 sm:grid-cols-2" attr:data-testid="moderation-form">
                <input type="hidden" name="kind" value=item.kind.as_str() />
                <input type="hidden" name="id" value=item.target_id.to_string() />
                <div>
                    <label for=format!("{form_id}-action") class=LABEL_CLASS>"Action"</label>
                    <select id=format!("{form_id}-action") name="action" class=INPUT_CLASS data-testid="moderation-action">
                        <option value="dismiss">"Dismiss the reports"</option>
                        {removable.then(|| view! { <option value="remove">"Remove the content"</option> })}
                        <option value="suspend">"Suspend the account"</option>
                        <option value="ban">"Ban the account"</option>
                    </select>
                </div>
                <div>
                    <label for=format!("{form_id}-days") class=LABEL_CLASS>"Days (for a suspension)"</label>
                    <input id=format!("{form_id}-days") name="days" type="number" min="1" max="365" value="7"
                        inputmode="numeric" class=INPUT_CLASS data-testid="moderation-days" />
                </div>
                <div class="sm:col-span-2">
                    <label for=format!("{form_id}-reason") class=LABEL_CLASS>"Reason (shown to the account)"</label>
                    <textarea id=format!("{form_id}-reason") name="reason" rows="2" required=true maxlength=TEXT_MAX
                        class=INPUT_CLASS data-testid="moderation-reason"></textarea>
                    <FieldError error field="reason" />
                </div>
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="moderation-submit">"Apply"</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn AuditLog(log: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <section aria-labelledby="audit-heading" class="space-y-2">
            <h2 id="audit-heading" class="font-semibold">"Audit log"</h2>
            {log.is_empty().then(|| view! { <p class="text-stone-500">"No actions yet."</p> })}
            <ol class="divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white text-sm" data-testid="audit-log">
                {log
                    .into_iter()
                    .map(|e| view! {
                        <li class="space-y-1 p-3" data-testid="audit-entry">
                            <p>
                                <span class="font-semibold">{e.admin.map(|a| format!("@{a}")).unwrap_or_else(|| "(gone)".into())}</span>
                                {format!(" {}", e.action)}
                                {e.days.map(|d| format!(" for {d} days"))}
                                {format!(" · {} {}", e.kind.noun(), e.target_id)}
                                {e.subject.map(|s| format!(" · @{s}"))}
                            </p>
                            <p class="break-words text-stone-600">{e.reason}</p>
                            <p class="text-stone-500">
                                {format!("{} · {}", e.at.format("%-d %b %Y %H:%M UTC"),
                                    crate::ui::exact_count(e.reports_closed.into(), "report closed", "reports closed"))}
                            </p>
                        </li>
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

/// On every page of a suspended or banned account: why, and until when.
#[component]
pub fn StandingBanner() -> impl IntoView {
    // Signed out, the server answers `None` without a database read.
    let standing = Resource::new(|| (), |_| async move { my_standing().await.ok().flatten() });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                standing.await.map(|restriction| view! {
                    <p role="status" data-testid="standing-banner"
                        class="mx-auto mt-3 max-w-5xl rounded-lg border border-rose-300 bg-rose-50 px-4 py-3 text-sm text-rose-900">
                        {restriction.message()}
                        " You can still read, but not post, comment, repost or sell."
                    </p>
                })
            })}
        </Suspense>
    }
}

/// Above a removed post, for its author: "Removed by Storefeed: <reason>".
#[component]
pub fn PostRemovalNotice(post_id: Uuid) -> impl IntoView {
    let notice = Resource::new(move || post_id, post_removal);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                notice.await.ok().flatten().map(|notice| view! { <RemovalNotice notice /> })
            })}
        </Suspense>
    }
}

/// On a removed product's page, for its shop's owner.
#[component]
pub fn ProductRemovalNotice(product_id: Uuid) -> impl IntoView {
    let notice = Resource::new(move || product_id, product_removal);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                notice.await.ok().flatten().map(|notice| view! { <div class="mt-4"><RemovalNotice notice /></div> })
            })}
        </Suspense>
    }
}

/// The notice itself, for posts and products.
#[component]
pub fn RemovalNotice(notice: String) -> impl IntoView {
    view! {
        <p role="status" data-testid="removal-notice"
            class="mx-auto mb-3 max-w-xl rounded-lg border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900">
            {notice}
            " Only you can see it."
        </p>
    }
}
