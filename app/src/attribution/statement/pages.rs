//! `/creator/statement`: the month's statement as a page, each line with its
//! touch path, and a link to the same as CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{Statement, StatementLine};
use crate::attribution::crediting::touch_path::TouchPath;
use crate::attribution::dashboards::pages::{CsvLink, MonthNav, SummaryCard, TotalsCard};
use crate::attribution::dashboards::styles::LINK_CLASS;
use crate::attribution::rates::rules::rate_text;
use crate::ui::{ErrorPage, Loading};

#[component]
pub fn CreatorStatementPage() -> impl IntoView {
    let query = use_query_map();
    let statement = Resource::new(
        move || query.read().get("month").filter(|month| !month.is_empty()),
        super::api::creator_statement,
    );
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match statement.await {
                    Ok(statement) => view! { <StatementView statement /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StatementView(statement: Statement) -> impl IntoView {
    let Statement { month, lines, pending, payable, reversed_lines } = statement;
    let heading = format!("Commission statement · {month}");
    let csv = format!("/creator/statement.csv?month={month}");
    let reversed = reversed_lines.to_string();
    view! {
        <Title text=heading.clone() />
        <div class="space-y-6">
            <header class="space-y-2">
                <div class="flex flex-wrap items-center justify-between gap-2">
                    <h1 class="text-2xl font-bold">{heading}</h1>
                    <div class="flex flex-wrap items-center gap-4">
                        <a href=format!("/creator?month={month}") class=LINK_CLASS>"Earnings dashboard"</a>
                        <CsvLink href=csv />
                    </div>
                </div>
                <MonthNav base="/creator/statement" month=month.clone() />
                <p class="text-sm text-stone-600">
                    "Commission is pending until the order is delivered and its 14-day return window has passed, then payable. A refund reverses it."
                </p>
            </header>
            <dl class="grid gap-3 sm:grid-cols-3">
                <TotalsCard label="Pending" totals=pending testid="statement-pending" />
                <TotalsCard label="Payable" totals=payable testid="statement-payable" />
                <SummaryCard label="Reversed lines" value=reversed testid="statement-reversed" />
            </dl>
            {if lines.is_empty() {
                view! { <p class="text-sm text-stone-600" data-testid="statement-empty">"No commission on this month's sales."</p> }.into_any()
            } else {
                view! { <StatementTable lines /> }.into_any()
            }}
        </div>
    }
}

#[component]
fn StatementTable(lines: Vec<StatementLine>) -> impl IntoView {
    use crate::attribution::dashboards::styles::{
        BODY_CLASS, HEAD_CLASS, NUMBER_CELL_CLASS, NUMBER_HEADER_CLASS, TABLE_CLASS, TABLE_WRAP_CLASS, TEXT_CELL_CLASS,
        TEXT_HEADER_CLASS,
    };
    view! {
        <div class=TABLE_WRAP_CLASS>
            <table class=TABLE_CLASS data-testid="statement">
                <thead class=HEAD_CLASS>
                    <tr>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Date"</th>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Sale"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Credited"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Rate"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Commission"</th>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Status"</th>
                    </tr>
                </thead>
                <tbody class=BODY_CLASS>
                    {lines.into_iter().map(|line| {
                        let status = line.status_text();
                        let rate = format!("{}%", rate_text(line.rate_bp));
                        let shop = format!("/s/{}", line.shop_handle);
                        view! {
                            <tr data-testid="statement-line" data-status=line.status.as_str()>
                                <td class="whitespace-nowrap px-3 py-2 align-top">
                                    <time datetime=line.purchased_at.to_rfc3339()>{line.purchased_at.format("%-d %b").to_string()}</time>
                                </td>
                                <td class=format!("{TEXT_CELL_CLASS} align-top")>
                                    <span class="font-medium" data-testid="statement-product">{line.product}</span>
                                    " · "
                                    <a href=shop class="text-fuchsia-700 hover:underline">{line.shop_name}</a>
                                    {(!line.touches.is_empty()).then(|| view! { <TouchPath touches=line.touches /> })}
                                </td>
                                <td class=format!("{NUMBER_CELL_CLASS} align-top") data-testid="statement-credit">{line.credit.display()}</td>
                                <td class=format!("{NUMBER_CELL_CLASS} align-top") data-testid="statement-rate">{rate}</td>
                                <td class=format!("{NUMBER_CELL_CLASS} align-top font-semibold") data-testid="statement-commission">{line.commission.display()}</td>
                                <td class="px-3 py-2 align-top text-stone-700" data-testid="statement-status">{status}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
