//! `/creator` (a creator's earnings: what their posts sold and the commission
//! it earned) and `/s/:handle/analytics` (the owner's view of which creators
//! and posts sell, how the attribution models compare, and the settings that
//! decide it). The month comes from `?month=`, so every view is a plain link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{creator_dashboard, shop_dashboard};
use super::special_rates::SpecialRatesPanel;
use super::styles::{
    BODY_CLASS, CARD_CLASS, HEAD_CLASS, LINK_CLASS, NUMBER_CELL_CLASS, NUMBER_HEADER_CLASS, SECTION_HEADING_CLASS,
    TABLE_CLASS, TABLE_WRAP_CLASS, TEXT_CELL_CLASS, TEXT_HEADER_CLASS,
};
use super::{
    Conversion, CreatorDashboard, CreatorRevenue, DailySeries, DayAmount, Earner, Funnel, ModelComparison,
    PostPerformance, SettingsForm, ShopDashboard,
};
use crate::attribution::crediting::api::SaveAttributionSettings;
use crate::attribution::crediting::engine::Model;
use crate::attribution::rates::api::{SaveCommissionRate, SaveSpecialRate};
use crate::money::{CurrencyTotals, Money};
use crate::ui::{
    percent_text, BarChart, ErrorAlert, ErrorPage, FieldError, FunnelChart, Loading, SuccessNote, INPUT_CLASS,
    LABEL_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

/// How tables and data attributes name revenue no creator earned.
const MONTH_ABBREVIATIONS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

#[component]
pub fn CreatorDashboardPage() -> impl IntoView {
    let query = use_query_map();
    let dashboard =
        Resource::new(move || query.read().get("month").filter(|month| !month.is_empty()), creator_dashboard);
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <CreatorEarnings dashboard /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CreatorEarnings(dashboard: CreatorDashboard) -> impl IntoView {
    let CreatorDashboard { month, revenue, commission_pending, commission_payable, daily, funnel, posts } = dashboard;
    let heading = format!("Your earnings · {month}");
    let csv = format!("/creator/earnings.csv?month={month}");
    let statement = format!("/creator/statement?month={month}");
    view! {
        <Title text=heading.clone() />
        <div class="space-y-6">
            <header class="space-y-2">
                <div class="flex flex-wrap items-center justify-between gap-2">
                    <h1 class="text-2xl font-bold">{heading}</h1>
                    <div class="flex flex-wrap items-center gap-4">
                        <a href=statement class=LINK_CLASS data-testid="statement-link">"Commission statement"</a>
                        <CsvLink href=csv />
                    </div>
                </div>
                <MonthNav base="/creator" month=month.clone() />
            </header>
            <dl class="grid gap-3 sm:grid-cols-3">
                <TotalsCard label="Revenue credited" totals=revenue testid="creator-revenue" />
                <TotalsCard label="Commission pending" totals=commission_pending testid="commission-pending" />
                <TotalsCard label="Commission payable" totals=commission_payable testid="commission-payable" />
            </dl>
            <DailyCharts month daily />
            <section class=CARD_CLASS aria-labelledby="funnel-heading">
                <h2 id="funnel-heading" class=SECTION_HEADING_CLASS>"From seen to sold"</h2>
                <div class="mt-3">
                    <FunnelChart steps=funnel_steps(&funnel) />
                </div>
            </section>
            <section aria-labelledby="posts-heading">
                <h2 id="posts-heading" class=SECTION_HEADING_CLASS>"Your posts"</h2>
                {if posts.is_empty() {
                    view! {
                        <p class="mt-2 text-sm text-stone-600" data-testid="creator-empty">"No sales credited to your posts this month yet."</p>
                    }.into_any()
                } else {
                    view! { <PostTable posts show_commission=true /> }.into_any()
                }}
            </section>
        </div>
    }
}

#[component]
pub fn ShopAnalyticsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // Created here rather than in the forms so a save's outcome outlives the
    // reload it triggers.
    let save_settings = ServerAction::<SaveAttributionSettings>::new();
    let save_rate = ServerAction::<SaveCommissionRate>::new();
    let save_special = ServerAction::<SaveSpecialRate>::new();
    // New settings recompute every credit: reload the figures after each save.
    let saves = move || save_settings.version().get() + save_rate.version().get() + save_special.version().get();
    let dashboard = Resource::new(
        move || {
            (
                params.read().get("handle").unwrap_or_default(),
                query.read().get("month").filter(|month| !month.is_empty()),
                saves(),
            )
        },
        |(handle, month, _)| shop_dashboard(handle, month),
    );
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <ShopAnalytics dashboard save_settings save_rate save_special /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ShopAnalytics(
    dashboard: ShopDashboard,
    save_settings: ServerAction<SaveAttributionSettings>,
    save_rate: ServerAction<SaveCommissionRate>,
    save_special: ServerAction<SaveSpecialRate>,
) -> impl IntoView {
    let ShopDashboard {
        shop_handle,
        shop_name,
        month,
        revenue,
        daily,
        by_creator,
        by_post,
        tagged,
        untagged,
        comparison,
        settings,
        special_rates,
        products,
    } = dashboard;
    let currency = revenue.currency;
    let heading = format!("Analytics · {shop_name} · {month}");
    let base = format!("/s/{shop_handle}/analytics");
    let csv = format!("/s/{shop_handle}/analytics.csv?month={month}");
    let manage = format!("/s/{shop_handle}/manage");
    let bars = daily_bars(&month, &daily);
    let default_rate = settings.default_rate_pct.clone();
    view! {
        <Title text=heading.clone() />
        <div class="space-y-6">
            <header class="space-y-2">
                <div class="flex flex-wrap items-center justify-between gap-2">
                    <h1 class="text-2xl font-bold">{heading}</h1>
                    <div class="flex flex-wrap items-center gap-4">
                        <A href=manage attr:class=LINK_CLASS>"Manage shop"</A>
                        <CsvLink href=csv />
                    </div>
                </div>
                <MonthNav base month />
            </header>
            <dl class="grid gap-3 sm:grid-cols-3">
                <SummaryCard label="Revenue" value=revenue.display() testid="shop-revenue" />
            </dl>
            <section class=CARD_CLASS aria-labelledby="daily-heading">
                <h2 id="daily-heading" class=SECTION_HEADING_CLASS>"Revenue per day"</h2>
                <div class="mt-3">
                    <BarChart bars label="Revenue per day" format=move |minor: i64| Money::new(minor, currency).display() />
                </div>
            </section>
            <section aria-labelledby="creators-heading">
                <h2 id="creators-heading" class=SECTION_HEADING_CLASS>"Revenue by creator"</h2>
                <RevenueByCreator rows=by_creator />
            </section>
            <section aria-labelledby="shop-posts-heading">
                <h2 id="shop-posts-heading" class=SECTION_HEADING_CLASS>"Revenue by post"</h2>
                {if by_post.is_empty() {
                    view! {
                        <p class="mt-2 text-sm text-stone-600" data-testid="shop-posts-empty">"No posts sent shoppers to your products this month."</p>
                    }.into_any()
                } else {
                    view! { <PostTable posts=by_post show_commission=false /> }.into_any()
                }}
            </section>
            <section aria-labelledby="tagged-heading">
                <h2 id="tagged-heading" class=SECTION_HEADING_CLASS>"Tagged vs untagged posts"</h2>
                <p class="mt-1 text-sm text-stone-600">"Conversion is purchases per impression."</p>
                <div class="mt-3 grid gap-3 sm:grid-cols-2">
                    <ConversionCard title="Posts that tag your products" conversion=tagged testid="tagged-conversion" />
                    <ConversionCard title="Posts without a product tag" conversion=untagged testid="untagged-conversion" />
                </div>
            </section>
            <section aria-labelledby="models-heading">
                <h2 id="models-heading" class=SECTION_HEADING_CLASS>"Compare attribution models"</h2>
                <p class="mt-1 text-sm text-stone-600">"What each creator would have been credited under each model."</p>
                <ModelComparisonTable comparison />
            </section>
            <div class="grid gap-6 lg:grid-cols-2">
                <AttributionSettingsPanel handle=shop_handle.clone() settings action=save_settings />
                <CommissionRatePanel handle=shop_handle.clone() rate_pct=default_rate action=save_rate />
            </div>
            <SpecialRatesPanel handle=shop_handle rates=special_rates products action=save_special />
        </div>
    }
}

/// "← Previous month" and "Next month →". Plain links: the month lives in the
/// URL, so a month's page can be shared and opens without the WASM client.
#[component]
pub(crate) fn MonthNav(#[prop(into)] base: String, month: String) -> impl IntoView {
    let previous = shift_month(&month, -1).map(|to| format!("{base}?month={to}"));
    let next = shift_month(&month, 1).map(|to| format!("{base}?month={to}"));
    view! {
        <nav aria-label="Months" class="flex justify-between gap-4">
            {previous.map(|href| view! { <a href=href rel="prev" class=LINK_CLASS data-testid="previous-month">"← Previous month"</a> })}
            {next.map(|href| view! { <a href=href rel="next" class=LINK_CLASS data-testid="next-month">"Next month →"</a> })}
        </nav>
    }
}

/// The month's figures as a spreadsheet file, served by the server itself.
#[component]
pub(crate) fn CsvLink(href: String) -> impl IntoView {
    // `download` also keeps the client-side router from treating the file as a page.
    view! {
        <a href=href download class=SECONDARY_BUTTON_CLASS data-testid="download-csv">"Download CSV"</a>
    }
}

/// The creator's credited revenue per day: one chart per currency, since
/// a day's shillings and naira can't be stacked into one bar.
#[component]
fn DailyCharts(month: String, daily: Vec<DailySeries>) -> impl IntoView {
    let several = daily.len() > 1;
    view! {
        <section class=CARD_CLASS aria-labelledby="daily-heading">
            <h2 id="daily-heading" class=SECTION_HEADING_CLASS>"Revenue credited per day"</h2>
            {daily.is_empty().then(|| view! {
                <p class="mt-2 text-sm text-stone-600" data-testid="daily-empty">"No revenue credited this month yet."</p>
            })}
            {daily.into_iter().map(|DailySeries { currency, days }| {
                let bars = daily_bars(&month, &days);
                let label = if several {
                    format!("Revenue credited per day in {}", currency.code())
                } else {
                    "Revenue credited per day".to_string()
                };
                view! {
                    <div class="mt-3" data-testid="daily-chart" data-currency=currency.code()>
                        {several.then(|| view! { <h3 class="mb-1 text-sm font-semibold text-stone-600">{currency.code()}</h3> })}
                        <BarChart bars label format=move |minor: i64| Money::new(minor, currency).display() />
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// A headline figure per currency: each total in its own element
/// (`currency-total`, with `data-currency`), "—" when there is none.
#[component]
pub(crate) fn TotalsCard(label: &'static str, totals: CurrencyTotals, testid: &'static str) -> impl IntoView {
    let empty = totals.is_empty();
    let amounts: Vec<Money> = totals.iter().collect();
    let count = amounts.len();
    view! {
        <div class=CARD_CLASS>
            <dt class="text-sm text-stone-500">{label}</dt>
            <dd class="mt-1 text-xl font-bold" data-testid=testid>
                {empty.then_some("—")}
                {amounts.into_iter().enumerate().map(|(i, money)| view! {
                    <span class="whitespace-nowrap" data-testid="currency-total" data-currency=money.currency.code()>{money.display()}</span>
                    {(i + 1 < count).then_some(" · ")}
                }).collect_view()}
            </dd>
        </div>
    }
}

/// One headline figure; sits in a `<dl>`.
#[component]
pub(crate) fn SummaryCard(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class=CARD_CLASS>
            <dt class="text-sm text-stone-500">{label}</dt>
            <dd class="mt-1 text-xl font-bold" data-testid=testid>{value}</dd>
        </div>
    }
}

/// Each post's path from seen to sold; the creator's own table adds the
/// commission column.
#[component]
fn PostTable(posts: Vec<PostPerformance>, show_commission: bool) -> impl IntoView {
    view! {
        <div class=TABLE_WRAP_CLASS>
            <table class=TABLE_CLASS>
                <thead class=HEAD_CLASS>
                    <tr>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Post"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Impressions"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Tag taps"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Add to cart"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Purchases"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Conversion"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Revenue"</th>
                        {show_commission.then(|| view! { <th scope="col" class=NUMBER_HEADER_CLASS>"Commission"</th> })}
                    </tr>
                </thead>
                <tbody class=BODY_CLASS>
                    {posts.into_iter().map(|post| view! { <PostPerformanceRow post show_commission /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PostPerformanceRow(post: PostPerformance, show_commission: bool) -> impl IntoView {
    let conversion = percent_text(post.conversion_pct());
    let PostPerformance {
        post_id,
        excerpt,
        impressions,
        tag_taps,
        add_to_carts,
        purchases,
        revenue,
        commission,
        self_purchases,
    } = post;
    // A post may be photos only; the link still needs words.
    let link_text = if excerpt.trim().is_empty() { "View post".to_string() } else { excerpt };
    let commission = commission.map(|totals| totals.display()).unwrap_or_else(|| "—".to_string());
    view! {
        <tr data-testid="post-row" data-post-id=post_id.to_string()>
            <td class=TEXT_CELL_CLASS>
                <A href=format!("/post/{post_id}") attr:class="line-clamp-2 min-w-48 font-medium text-fuchsia-700 hover:underline">{link_text}</A>
            </td>
            <td class=NUMBER_CELL_CLASS data-testid="post-impressions">{impressions}</td>
            <td class=NUMBER_CELL_CLASS data-testid="post-taps">{tag_taps}</td>
            <td class=NUMBER_CELL_CLASS data-testid="post-carts">{add_to_carts}</td>
            <td class=NUMBER_CELL_CLASS data-testid="post-purchases">
                {purchases}
                {self_purchases.filter(|n| *n > 0).map(|n| view! {
                    " "
                    <span class="rounded bg-amber-100 px-1 text-xs font-semibold text-amber-800" data-testid="post-self"
                        title="Bought by you or by the shop's owner: no commission">{format!("{n} self")}</span>
                })}
            </td>
            <td class=NUMBER_CELL_CLASS data-testid="post-conversion">{conversion}</td>
            <td class=NUMBER_CELL_CLASS data-testid="post-revenue">{revenue.display()}</td>
            {show_commission.then(|| view! { <td class=NUMBER_CELL_CLASS data-testid="post-commission">{commission}</td> })}
        </tr>
    }
}

/// A creator's profile link, the others summed, or what unattributed revenue is.
#[component]
fn EarnerName(earner: Earner) -> impl IntoView {
    match earner {
        Earner::Creator { username, .. } => {
            let href = format!("/u/{username}");
            let name = format!("@{username}");
            view! { <A href attr:class="font-medium text-fuchsia-700 hover:underline">{name}</A> }.into_any()
        }
        Earner::Others { creators } => {
            let text = if creators == 1 { "1 other creator".to_string() } else { format!("{creators} other creators") };
            view! { <span class="text-stone-600">{text}</span> }.into_any()
        }
        Earner::Unattributed => {
            view! { <span class="text-stone-600">"Unattributed (search, direct)"</span> }.into_any()
        }
    }
}

#[component]
fn RevenueByCreator(rows: Vec<CreatorRevenue>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="mt-2 text-sm text-stone-600" data-testid="creators-empty">"No sales this month."</p> }
            .into_any();
    }
    view! {
        <div class=TABLE_WRAP_CLASS>
            <table class=TABLE_CLASS>
                <thead class=HEAD_CLASS>
                    <tr>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Creator"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Revenue"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Order lines"</th>
                    </tr>
                </thead>
                <tbody class=BODY_CLASS>
                    {rows.into_iter().map(|row| {
                        let CreatorRevenue { earner, revenue, lines } = row;
                        let key = earner.key();
                        view! {
                            <tr data-testid="creator-row" data-username=key>
                                <td class=TEXT_CELL_CLASS data-testid="creator-name"><EarnerName earner /></td>
                                <td class=NUMBER_CELL_CLASS data-testid="creator-revenue">{revenue.display()}</td>
                                <td class=NUMBER_CELL_CLASS data-testid="creator-lines">{lines}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A group of posts from impressions to purchases.
#[component]
fn ConversionCard(title: &'static str, conversion: Conversion, testid: &'static str) -> impl IntoView {
    let rate = percent_text(conversion.rate_pct());
    view! {
        <div class=CARD_CLASS data-testid=testid>
            <h3 class="font-semibold">{title}</h3>
            <dl class="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                <dt class="text-stone-500">"Impressions"</dt>
                <dd class="text-right tabular-nums" data-testid="conversion-impressions">{conversion.impressions}</dd>
                <dt class="text-stone-500">"Tag taps"</dt>
                <dd class="text-right tabular-nums" data-testid="conversion-taps">{conversion.tag_taps}</dd>
                <dt class="text-stone-500">"Purchases"</dt>
                <dd class="text-right tabular-nums" data-testid="conversion-purchases">{conversion.purchases}</dd>
                <dt class="font-medium">"Conversion"</dt>
                <dd class="text-right text-lg font-bold tabular-nums" data-testid="conversion-rate">{rate}</dd>
            </dl>
        </div>
    }
}

/// Every creator's credit under every model, the shop's own column marked.
#[component]
fn ModelComparisonTable(comparison: ModelComparison) -> impl IntoView {
    let ModelComparison { models, active, rows } = comparison;
    if rows.is_empty() {
        return view! { <p class="mt-2 text-sm text-stone-600" data-testid="comparison-empty">"No sales to compare this month."</p> }
            .into_any();
    }
    let header_class = move |column: usize| {
        if column == active {
            format!("{NUMBER_HEADER_CLASS} bg-fuchsia-50 text-fuchsia-900")
        } else {
            NUMBER_HEADER_CLASS.to_string()
        }
    };
    let cell_class = move |column: usize| {
        if column == active {
            format!("{NUMBER_CELL_CLASS} bg-fuchsia-50 font-semibold")
        } else {
            NUMBER_CELL_CLASS.to_string()
        }
    };
    view! {
        <div class=TABLE_WRAP_CLASS>
            <table class=TABLE_CLASS data-testid="model-comparison">
                <thead class=HEAD_CLASS>
                    <tr>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Creator"</th>
                        {models.into_iter().enumerate().map(|(column, model)| view! {
                            <th scope="col" class=header_class(column)>
                                {model}
                                {(column == active).then(|| view! { <span class="font-normal">" (yours)"</span> })}
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class=BODY_CLASS>
                    {rows.into_iter().map(|(earner, amounts)| {
                        let key = earner.key();
                        view! {
                            <tr data-testid="comparison-row" data-creator=key>
                                <th scope="row" class=TEXT_CELL_CLASS><EarnerName earner /></th>
                                {amounts.into_iter().enumerate().map(|(column, amount)| view! {
                                    <td class=cell_class(column) data-testid="comparison-cell" data-model=column.to_string()>{amount.display()}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// How the shop credits sales. Every field is always sent, whichever model is
/// chosen, so the form posts the same with or without the WASM client; the
/// model's own numbers are optional because the server ignores the unused ones.
#[component]
fn AttributionSettingsPanel(
    handle: String,
    settings: SettingsForm,
    action: ServerAction<SaveAttributionSettings>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(action.value().get(), Some(Ok(()))));
    let SettingsForm { click_window_days, view_window_hours, model, half_life_hours, first_pct, last_pct, .. } =
        settings;
    let options = Model::all_defaults()
        .into_iter()
        .map(|choice| {
            let code = choice.code();
            view! { <option value=code selected=code == model>{model_choice_label(&choice)}</option> }
        })
        .collect_view();
    view! {
        <section class=CARD_CLASS aria-labelledby="settings-heading">
            <h2 id="settings-heading" class=SECTION_HEADING_CLASS>"Attribution settings"</h2>
            <p class="mt-1 text-sm text-stone-600">"Saving recomputes the credit for every past sale."</p>
            <ActionForm action=action attr:class="mt-3 space-y-3">
                <ErrorAlert error />
                <SuccessNote show=saved message="Saved. Past sales were credited again with these settings." />
                <input type="hidden" name="handle" value=handle />
                <div class="grid gap-3 sm:grid-cols-2">
                    <div>
                        <label for="click_window_days" class=LABEL_CLASS>"Click window (days)"</label>
                        <input id="click_window_days" name="click_window_days" inputmode="numeric" required
                            value=click_window_days.to_string() class=INPUT_CLASS data-testid="click-window"
                            aria-describedby="click-window-help" />
                        <p id="click-window-help" class="mt-1 text-xs text-stone-500">"How long after a tap on a tagged product a purchase still counts."</p>
                        <FieldError error field="click_window_days" />
                    </div>
                    <div>
                        <label for="view_window_hours" class=LABEL_CLASS>"View window (hours)"</label>
                        <input id="view_window_hours" name="view_window_hours" inputmode="numeric" required
                            value=view_window_hours.to_string() class=INPUT_CLASS data-testid="view-window"
                            aria-describedby="view-window-help" />
                        <p id="view-window-help" class="mt-1 text-xs text-stone-500">"How long seeing a post counts when the shopper never tapped it; 0 turns this off."</p>
                        <FieldError error field="view_window_hours" />
                    </div>
                </div>
                <div>
                    <label for="attribution-model" class=LABEL_CLASS>"Model"</label>
                    <select id="attribution-model" name="model" class=INPUT_CLASS data-testid="attribution-model">
                        {options}
                    </select>
                    <FieldError error field="model" />
                </div>
                <div>
                    <label for="half_life_hours" class=LABEL_CLASS>"Half-life (hours, time decay)"</label>
                    <input id="half_life_hours" name="half_life_hours" inputmode="numeric"
                        value=half_life_hours.to_string() class=INPUT_CLASS data-testid="half-life"
                        aria-describedby="half-life-help" />
                    <p id="half-life-help" class="mt-1 text-xs text-stone-500">"Time decay: a touch this much older than another gets half its credit."</p>
                    <FieldError error field="half_life_hours" />
                </div>
                <fieldset aria-describedby="split-help">
                    <legend class=LABEL_CLASS>"Custom split"</legend>
                    <div class="mt-1 grid grid-cols-2 gap-3">
                        <div>
                            <label for="first_pct" class=LABEL_CLASS>"First touch (%)"</label>
                            <input id="first_pct" name="first_pct" inputmode="numeric"
                                value=first_pct.to_string() class=INPUT_CLASS data-testid="first-pct" />
                            <FieldError error field="first_pct" />
                        </div>
                        <div>
                            <label for="last_pct" class=LABEL_CLASS>"Last touch (%)"</label>
                            <input id="last_pct" name="last_pct" inputmode="numeric"
                                value=last_pct.to_string() class=INPUT_CLASS data-testid="last-pct" />
                            <FieldError error field="last_pct" />
                        </div>
                    </div>
                    <p id="split-help" class="mt-1 text-xs text-stone-500">
                        "Custom split: e.g. 70 / 30 gives 70% to the first touch and 30% to the last; any touches in between share what is left."
                    </p>
                </fieldset>
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="save-attribution" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save and recompute" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// The commission creators earn by default on the shop's sales.
#[component]
fn CommissionRatePanel(handle: String, rate_pct: String, action: ServerAction<SaveCommissionRate>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(action.value().get(), Some(Ok(()))));
    view! {
        <section class=CARD_CLASS aria-labelledby="rate-heading">
            <h2 id="rate-heading" class=SECTION_HEADING_CLASS>"Commission rate"</h2>
            <ActionForm action=action attr:class="mt-3 space-y-3">
                <ErrorAlert error />
                <SuccessNote show=saved message="Rate saved." />
                <input type="hidden" name="handle" value=handle />
                <div>
                    <label for="rate_pct" class=LABEL_CLASS>"Default commission (% of the sale)"</label>
                    <input id="rate_pct" name="rate_pct" inputmode="decimal" required value=rate_pct class=INPUT_CLASS
                        data-testid="commission-rate" aria-describedby="rate-help" />
                    <p id="rate-help" class="mt-1 text-xs text-stone-500">"A lower rate applies to sales from 7 days after you save it; a higher one at once."</p>
                    <FieldError error field="rate_pct" />
                </div>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="save-rate" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save rate" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// The model select's wording. The two models with numbers take them from the
/// fields below, so their default numbers stay out of the name.
fn model_choice_label(model: &Model) -> String {
    match model {
        Model::TimeDecay { .. } => "Time decay (half-life below)".to_string(),
        Model::CustomSplit { .. } => "Custom split (percentages below)".to_string(),
        other => other.label(),
    }
}

/// "$12.00 · €3.00", or "—" when there is nothing.
fn funnel_steps(funnel: &Funnel) -> Vec<(String, i64)> {
    vec![
        ("Impressions".to_string(), funnel.impressions),
        ("Tag taps".to_string(), funnel.tag_taps),
        ("Add to cart".to_string(), funnel.add_to_carts),
        ("Purchases".to_string(), funnel.purchases),
    ]
}

/// The bar chart's bars, each labelled "Dec 3".
fn daily_bars(month: &str, daily: &[DayAmount]) -> Vec<(String, i64)> {
    daily.iter().map(|day| (day_label(month, day.day), day.amount_minor)).collect()
}

/// "Dec 3"; just "3" if the month is not "YYYY-MM".
fn day_label(month: &str, day: u32) -> String {
    match parse_month(month) {
        Some((_, number)) => format!("{} {day}", MONTH_ABBREVIATIONS[number as usize - 1]),
        None => day.to_string(),
    }
}

/// The "YYYY-MM" month `by` months away ("2026-12" + 1 = "2027-01"); `None`
/// when `month` is not "YYYY-MM" or the result leaves years 0 to 9999.
fn shift_month(month: &str, by: i32) -> Option<String> {
    let (year, number) = parse_month(month)?;
    let index = year * 12 + number as i32 - 1 + by;
    let (year, number) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    (0..=9999).contains(&year).then(|| format!("{year:04}-{number:02}"))
}

/// "2026-12" → (2026, 12).
fn parse_month(month: &str) -> Option<(i32, u32)> {
    let (year, number) = month.split_once('-')?;
    let digits = |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(number, 2) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let number: u32 = number.parse().ok()?;
    (1..=12).contains(&number).then_some((year, number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_across_year_ends() {
        assert_eq!(shift_month("2026-12", 1).as_deref(), Some("2027-01"));
        assert_eq!(shift_month("2027-01", -1).as_deref(), Some("2026-12"));
        assert_eq!(shift_month("2026-05", 1).as_deref(), Some("2026-06"));
        assert_eq!(shift_month("2026-05", -1).as_deref(), Some("2026-04"));
        assert_eq!(shift_month("2026-05", -17).as_deref(), Some("2024-12"));
    }

    #[test]
    fn a_month_that_is_not_yyyy_mm_has_no_neighbours() {
        for bad in ["", "2026", "2026-13", "2026-00", "2026-1", "26-01", "abcd-ef", "2026-01-01", "+202-01"] {
            assert_eq!(shift_month(bad, 1), None, "{bad:?}");
        }
        assert_eq!(shift_month("9999-12", 1), None);
        assert_eq!(shift_month("0000-01", -1), None);
    }

    #[test]
    fn days_are_labelled_with_the_month() {
        let daily = [DayAmount { day: 1, amount_minor: 0 }, DayAmount { day: 3, amount_minor: 1200 }];
        assert_eq!(daily_bars("2026-12", &daily), vec![("Dec 1".to_string(), 0), ("Dec 3".to_string(), 1200)]);
        assert_eq!(day_label("2026-01", 31), "Jan 31");
        assert_eq!(day_label("not a month", 7), "7");
    }

    #[test]
    fn the_funnel_runs_from_impressions_to_purchases() {
        let funnel = Funnel { impressions: 800, tag_taps: 80, add_to_carts: 12, purchases: 3 };
        let steps = funnel_steps(&funnel);
        let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Impressions", "Tag taps", "Add to cart", "Purchases"]);
        assert_eq!(steps.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [800, 80, 12, 3]);
    }

    #[test]
    fn the_model_select_offers_every_model_once() {
        let codes: Vec<&str> = Model::all_defaults().iter().map(Model::code).collect();
        assert_eq!(codes, ["last_click", "first_click", "linear", "position_based", "time_decay", "custom_split"]);
        assert_eq!(model_choice_label(&Model::LastClick), "Last click");
        assert_eq!(model_choice_label(&Model::TimeDecay { half_life_hours: 168 }), "Time decay (half-life below)");
    }
}
