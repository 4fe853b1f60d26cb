//! `/creator/statement`: a creator's commission statement for a month. Every
//! order line they were credited on, what it paid them at which rate, where
//! the commission stands (pending until delivery and the return window,
//! then payable; reversed by a refund), and how the buyer came to it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::dashboard::{Month, TouchView};
use super::pages::{money_list, CsvLink, MonthNav, SummaryCard};
use super::touch_path::TouchPath;
use crate::money::Money;
use crate::ui::{ErrorPage, Loading};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommissionStatus {
    Pending,
    Payable,
    Reversed,
}

impl CommissionStatus {
    pub fn parse(s: &str) -> Option<CommissionStatus> {
        match s {
            "pending" => Some(CommissionStatus::Pending),
            "payable" => Some(CommissionStatus::Payable),
            "reversed" => Some(CommissionStatus::Reversed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommissionStatus::Pending => "pending",
            CommissionStatus::Payable => "payable",
            CommissionStatus::Reversed => "reversed",
        }
    }
}

/// One order line the creator earned on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementLine {
    pub order_line_id: Uuid,
    pub purchased_at: DateTime<Utc>,
    pub shop_name: String,
    pub shop_handle: String,
    pub product: String,
    /// The share of the line's revenue credited to the creator.
    pub credit: Money,
    pub rate_bp: i32,
    pub commission: Money,
    pub status: CommissionStatus,
    /// When a pending commission becomes payable (set at delivery).
    pub payable_after: Option<DateTime<Utc>>,
    pub touches: Vec<TouchView>,
}

impl StatementLine {
    /// Where the commission stands, in words.
    pub fn status_text(&self) -> String {
        match (self.status, self.payable_after) {
            (CommissionStatus::Pending, Some(at)) => format!("Pending · payable from {}", at.format("%-d %b %Y")),
            (CommissionStatus::Pending, None) => "Pending · awaiting delivery".into(),
            (CommissionStatus::Payable, _) => "Payable".into(),
            (CommissionStatus::Reversed, _) => "Reversed (refunded)".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub month: Month,
    /// Oldest first.
    pub lines: Vec<StatementLine>,
    /// Commission on the month's sales, per currency, by status.
    pub pending: Vec<Money>,
    pub payable: Vec<Money>,
    pub reversed_lines: i64,
}

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
                        <a href=format!("/creator?month={month}") class=super::pages::LINK_CLASS>"Earnings dashboard"</a>
                        <CsvLink href=csv />
                    </div>
                </div>
                <MonthNav base="/creator/statement" month=month.clone() />
                <p class="text-sm text-stone-600">
                    "Commission is pending until the order is delivered and its 14-day return window has passed, then payable. A refund reverses it."
                </p>
            </header>
            <dl class="grid gap-3 sm:grid-cols-3">
                <SummaryCard label="Pending" value=money_list(&pending) testid="statement-pending" />
                <SummaryCard label="Payable" value=money_list(&payable) testid="statement-payable" />
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
    use super::pages::{
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
                        let rate = format!("{}%", super::settings_form::rate_text(line.rate_bp));
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_status_says_when_a_pending_commission_becomes_payable() {
        let at = Utc.with_ymd_and_hms(2026, 12, 16, 9, 0, 0).unwrap();
        let mut line = StatementLine {
            order_line_id: Uuid::nil(),
            purchased_at: at,
            shop_name: "Shop".into(),
            shop_handle: "shop".into(),
            product: "Linen shirt".into(),
            credit: Money::new(5000, crate::money::Currency::USD),
            rate_bp: 1000,
            commission: Money::new(500, crate::money::Currency::USD),
            status: CommissionStatus::Pending,
            payable_after: None,
            touches: Vec::new(),
        };
        assert_eq!(line.status_text(), "Pending · awaiting delivery");
        line.payable_after = Some(at);
        assert_eq!(line.status_text(), "Pending · payable from 16 Dec 2026");
        line.status = CommissionStatus::Reversed;
        assert_eq!(line.status_text(), "Reversed (refunded)");
        for s in [CommissionStatus::Pending, CommissionStatus::Payable, CommissionStatus::Reversed] {
            assert_eq!(CommissionStatus::parse(s.as_str()), Some(s));
        }
    }
}
