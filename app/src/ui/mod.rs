//! Shared UI: the header, the phone's tab bar and Me page, avatars, form
//! feedback, loading and error states.

mod avatar;
mod chart;
mod feedback;
mod form_error_url;
mod format;
mod header;
pub mod hydration;
mod icons;
mod me_page;
mod query;
mod raw_text;
mod search_picker;
mod srcset;
mod tab_bar;

pub use avatar::{Avatar, AvatarSize};
pub use chart::{percent_text, BarChart, FunnelChart};
pub use feedback::{ErrorAlert, ErrorPage, FieldError, Loading, NotFound, SuccessNote};
pub use form_error_url::ForgetFormErrorInUrl;
pub use format::{compact_count, count_label, exact_count, plural};
pub use header::Header;
pub use icons::BellIcon;
pub use me_page::MePage;
pub use query::encode_query_value;
pub use raw_text::raw_text_safe;
pub use search_picker::{Pick, PickFuture, PickSearch, SearchPicker};
pub use srcset::srcset_600_1200;
pub use tab_bar::{TabBar, TAB_BAR_CLEARANCE};

/// Tailwind classes shared by form controls, so every form looks alike.
pub const INPUT_CLASS: &str = "mt-1 block w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-base shadow-sm focus:border-fuchsia-500 focus:outline-none focus:ring-2 focus:ring-fuchsia-200";
pub const LABEL_CLASS: &str = "block text-sm font-medium text-stone-700";
pub const PRIMARY_BUTTON_CLASS: &str = "inline-flex items-center justify-center rounded-lg bg-fuchsia-600 px-4 py-2 font-semibold text-white shadow-sm hover:bg-fuchsia-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 focus-visible:ring-offset-2 disabled:opacity-60";
pub const SECONDARY_BUTTON_CLASS: &str = "inline-flex items-center justify-center rounded-lg border border-stone-300 bg-white px-4 py-2 font-semibold text-stone-800 shadow-sm hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 disabled:opacity-60";
