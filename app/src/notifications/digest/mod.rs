//! The daily email digest: once a day, a user with unread notifications
//! from the last 24 hours gets one mail listing them (seed 003: "Email:
//! DIGEST (daily)", switched off on /settings/notifications). The hourly
//! job (`db::send_due`) writes each digest to the mail outbox
//! (`crate::mail`, kind `digest`) and stamps the user's digest row in one
//! transaction under that row's lock, so a digest exists exactly once per
//! day however many servers run the job; the configured mail sender
//! delivers it. The words are the inbox's (`text::sentence`), the rows are
//! the ones the inbox would show (`notifications_seen_by`).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
#[cfg(feature = "ssr")]
pub mod render;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How often the digest comes. No row means `Daily`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    #[default]
    Daily,
    Off,
}

impl Frequency {
    pub const ALL: [Frequency; 2] = [Frequency::Daily, Frequency::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Off => "off",
        }
    }

    pub fn parse(raw: &str) -> Result<Frequency, AppError> {
        Frequency::ALL
            .into_iter()
            .find(|f| f.as_str() == raw)
            .ok_or_else(|| AppError::validation("frequency", "Choose daily or off."))
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Daily => "Daily",
            Frequency::Off => "Off",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_parse_what_they_print_and_nothing_else() {
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.as_str()).unwrap(), f);
        }
        assert!(Frequency::parse("weekly").is_err());
        assert_eq!(Frequency::default(), Frequency::Daily, "a missing row is daily");
    }
}
