//! The dashboards' shared look: cards, headings, links and the tables that
//! scroll sideways on a phone.

pub(crate) const CARD_CLASS: &str = "rounded-2xl border border-stone-200 bg-white p-4 shadow-sm";
pub(crate) const SECTION_HEADING_CLASS: &str = "text-lg font-semibold";
pub(crate) const LINK_CLASS: &str = "text-sm font-semibold text-fuchsia-700 hover:underline";
/// Wide tables scroll sideways on a phone instead of squeezing their numbers.
pub(crate) const TABLE_WRAP_CLASS: &str = "mt-3 overflow-x-auto rounded-2xl border border-stone-200 bg-white shadow-sm";
pub(crate) const TABLE_CLASS: &str = "min-w-full text-sm";
pub(crate) const HEAD_CLASS: &str = "bg-stone-50 text-stone-600";
pub(crate) const BODY_CLASS: &str = "divide-y divide-stone-100";
pub(crate) const TEXT_HEADER_CLASS: &str = "whitespace-nowrap px-3 py-2 text-left font-semibold";
pub(crate) const NUMBER_HEADER_CLASS: &str = "whitespace-nowrap px-3 py-2 text-right font-semibold";
pub(crate) const TEXT_CELL_CLASS: &str = "px-3 py-2 text-left";
pub(crate) const NUMBER_CELL_CLASS: &str = "whitespace-nowrap px-3 py-2 text-right tabular-nums";
