//! Who an action counts against, and the allowance a request carries into
//! the domain function that writes it.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Action, ActionLimits};
use crate::error::AppResult;

/// What a limit is counted per: the signed-in account, or the address of an
/// anonymous request (an IPv6 one by its /64, `request::source_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Account(Uuid),
    Address(String),
}

impl Subject {
    /// An anonymous caller by the address `request::client_ip` read.
    pub fn address(client_ip: &str) -> Subject {
        match client_ip.parse::<IpAddr>() {
            Ok(ip) => Subject::Address(crate::request::source_key(ip).to_string()),
            Err(_) => Subject::Address(client_ip.chars().take(64).collect()),
        }
    }

    /// The key stored in `action_limits.subject`.
    pub fn key(&self) -> String {
        match self {
            Subject::Account(id) => format!("account:{id}"),
            Subject::Address(ip) => format!("address:{ip}"),
        }
    }
}

/// The allowance one request carries: whose it is, the limits and the time
/// it was made. A domain function that writes a limited action calls
/// [`Quota::take`] inside its transaction.
#[derive(Debug, Clone)]
pub struct Quota(Option<Meter>);

#[derive(Debug, Clone)]
struct Meter {
    subject: Subject,
    limits: ActionLimits,
    now: DateTime<Utc>,
}

impl Quota {
    pub fn new(subject: Subject, limits: ActionLimits, now: DateTime<Utc>) -> Quota {
        Quota(Some(Meter { subject, limits, now }))
    }

    /// The caller of the request being served: their account when signed
    /// in, otherwise the address the request came from.
    pub fn for_caller(state: &crate::state::AppState, user: Option<Uuid>) -> Quota {
        let subject = match user {
            Some(id) => Subject::Account(id),
            None => Subject::address(&crate::request::client_ip(&state.config)),
        };
        Quota::new(subject, state.config.action_limits, state.clock.now())
    }

    /// Counts nothing: for seeding demo data and setting up tests, never for
    /// a request.
    pub fn exempt() -> Quota {
        Quota(None)
    }

    /// Counts one `action`, or refuses it with `RateLimited` and the wait.
    /// Call it first in the transaction that writes the action: the
    /// counter stays locked until that transaction ends, and goes back
    /// with it if the action fails.
    pub async fn take(&self, tx: &mut PgConnection, action: Action) -> AppResult<()> {
        let Some(meter) = &self.0 else { return Ok(()) };
        super::db::take(tx, action, &meter.subject.key(), meter.limits.per_hour(action), meter.now).await
    }
}
