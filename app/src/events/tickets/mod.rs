//! Tickets for an event that has a shop. Its ticket types are the variants
//! of one ticket product of that shop (name, price, quota as stock), so the
//! cart, checkout, stock holds and refunds sell them like any item. A paid
//! order issues one ticket (a code) per unit; cancelling or refunding it
//! voids them. Rules here; SQL in `db`, server functions in `api`, the
//! event page's sections in `pages`.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Availability;
use crate::error::AppError;
use crate::money::{Currency, Money};

pub const TYPE_NAME_MAX: usize = 40;
pub const QUOTA_MAX: i32 = 1_000_000;
/// Ticket types one event may have.
pub const TYPES_MAX: usize = 20;
/// A ticket code's length and its letters: Crockford's base32 (no I, L, O
/// or U), so a code read aloud or typed from paper can't be mistaken.
pub const CODE_LEN: usize = 10;
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The option the ticket product's variants are named by.
pub const OPTION_NAME: &str = "Ticket";

/// One ticket type as the event page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketType {
    /// The variant that sells it (what the cart adds).
    pub variant_id: Uuid,
    pub name: String,
    pub price: Money,
    /// All tickets of this type: those left, held and sold.
    pub quota: i32,
    /// Sold (less those refunded back) or held in open checkouts.
    pub taken: i32,
    /// What can be bought now.
    pub available: i32,
    pub on_sale: bool,
}

impl TicketType {
    /// "3 left", "Sold out" or "No longer on sale" for `available` now.
    pub fn label(&self, available: i32) -> String {
        if !self.on_sale {
            "No longer on sale".to_string()
        } else if available <= 0 {
            "Sold out".to_string()
        } else {
            format!("{available} left")
        }
    }
}

/// The event's availability from its ticket types on sale (`None` when it
/// sells none, so the plain ticket total applies).
pub fn availability(types: &[TicketType]) -> Option<Availability> {
    let selling: Vec<&TicketType> = types.iter().filter(|t| t.on_sale).collect();
    if types.is_empty() {
        return None;
    }
    Some(availability_of(selling.iter().map(|t| t.available)))
}

/// Left or sold out, from each type's available count.
pub fn availability_of(available: impl Iterator<Item = i32>) -> Availability {
    match available.map(|n| n.max(0)).sum::<i32>() {
        0 => Availability::SoldOut,
        n => Availability::Left(n),
    }
}

/// The organizer's new-ticket-type form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketTypeForm {
    pub name: String,
    pub price: String,
    pub quota: String,
}

/// A ticket type that passed every rule needing no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicketType {
    pub name: String,
    pub price: Money,
    pub quota: i32,
}

impl TicketTypeForm {
    pub fn validate(&self, currency: Currency) -> Result<NewTicketType, AppError> {
        Ok(NewTicketType {
            name: parse_type_name(&self.name)?,
            price: parse_price(&self.price, currency)?,
            quota: parse_quota(&self.quota)?,
        })
    }
}

/// A type's name: 1–40 characters on one line, spaces tidied.
pub fn parse_type_name(raw: &str) -> Result<String, AppError> {
    if raw.contains(['\n', '\r']) {
        return Err(AppError::validation("name", "A ticket type's name must be one line."));
    }
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(AppError::validation("name", "Name the ticket type, like \"General admission\".")),
        n if n > TYPE_NAME_MAX => {
            Err(AppError::validation("name", format!("Keep the name to {TYPE_NAME_MAX} characters.")))
        }
        _ => Ok(name),
    }
}

/// A ticket's price in the event's currency: zero (free) or more.
pub fn parse_price(raw: &str, currency: Currency) -> Result<Money, AppError> {
    let raw = raw.trim();
    if raw.starts_with('-') {
        return Err(AppError::validation("price", "A price can't be negative."));
    }
    if raw.is_empty() {
        return Err(AppError::validation("price", "Enter a price (0 for free tickets)."));
    }
    Money::parse("price", raw, currency)
}

/// How many tickets of a type there are: 1 to 1,000,000.
pub fn parse_quota(raw: &str) -> Result<i32, AppError> {
    raw.trim().replace([',', ' '], "").parse::<i32>().ok().filter(|n| (1..=QUOTA_MAX).contains(n)).ok_or_else(|| {
        AppError::validation("quota", "Enter how many tickets of this type there are, from 1 to 1,000,000.")
    })
}

/// A quota can't go below the tickets already sold or held.
pub fn check_quota(quota: i32, taken: i32) -> Result<(), AppError> {
    if quota < taken {
        return Err(AppError::validation(
            "quota",
            format!("{taken} of these tickets are sold or held in checkouts; the quota can't be lower."),
        ));
    }
    Ok(())
}

/// A ticket code from 10 random bytes: each byte's low five bits pick a
/// letter (256 is a multiple of 32, so every letter is equally likely).
pub fn code_from_bytes(bytes: [u8; CODE_LEN]) -> String {
    bytes.iter().map(|b| CODE_ALPHABET[(b & 31) as usize] as char).collect()
}

/// Whether `code` looks like a ticket code.
pub fn is_code(code: &str) -> bool {
    code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketStatus {
    Valid,
    Void,
}

impl TicketStatus {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "valid" => Ok(TicketStatus::Valid),
            "void" => Ok(TicketStatus::Void),
            _ => Err(AppError::Internal),
        }
    }
}

/// One issued ticket, as its buyer sees it on the order page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub code: String,
    pub type_name: String,
    pub event_id: Uuid,
    pub event_title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub venue: String,
    pub status: TicketStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, price: &str, quota: &str) -> TicketTypeForm {
        TicketTypeForm { name: name.into(), price: price.into(), quota: quota.into() }
    }

    fn field(r: Result<NewTicketType, AppError>) -> Option<String> {
        r.unwrap_err().field().map(str::to_string)
    }

    #[test]
    fn a_ticket_type_is_named_priced_and_counted() {
        let t = form("  Early   bird ", "12.50", "1,000").validate(Currency::USD).unwrap();
        assert_eq!(t, NewTicketType { name: "Early bird".into(), price: Money::new(1250, Currency::USD), quota: 1000 });
        let free = form("Free entry", "0", "5").validate(Currency::KES).unwrap();
        assert_eq!(free.price, Money::new(0, Currency::KES));
    }

    #[test]
    fn bad_ticket_types_name_their_field() {
        assert_eq!(field(form("", "10", "5").validate(Currency::USD)).as_deref(), Some("name"));
        assert_eq!(field(form(&"a".repeat(41), "10", "5").validate(Currency::USD)).as_deref(), Some("name"));
        assert!(form(&"é".repeat(40), "10", "5").validate(Currency::USD).is_ok());
        assert_eq!(field(form("VIP\nfront row", "10", "5").validate(Currency::USD)).as_deref(), Some("name"));
        for price in ["-1", "", "ten", "1.234"] {
            assert_eq!(field(form("VIP", price, "5").validate(Currency::USD)).as_deref(), Some("price"), "{price}");
        }
        for quota in ["0", "-2", "1.5", "", "1000001", "lots"] {
            assert_eq!(field(form("VIP", "10", quota).validate(Currency::USD)).as_deref(), Some("quota"), "{quota}");
        }
        assert_eq!(parse_quota("1,000,000").unwrap(), QUOTA_MAX);
    }

    #[test]
    fn a_quota_cannot_drop_below_what_is_taken() {
        assert!(check_quota(5, 5).is_ok());
        assert!(check_quota(6, 0).is_ok());
        assert_eq!(check_quota(4, 5).unwrap_err().field(), Some("quota"));
    }

    #[test]
    fn codes_are_ten_unambiguous_letters() {
        let code = code_from_bytes([0, 1, 31, 32, 255, 18, 19, 20, 26, 100]);
        assert_eq!(code, "01Z0ZJKMT4");
        assert!(is_code(&code));
        assert!(!code.contains(['I', 'L', 'O', 'U']));
        assert!(!is_code("01Z0ZJKMT"), "too short");
        assert!(!is_code("01Z0ZJKMTI"), "I is not a code letter");
        assert!(!is_code("01z0zjkmtv"), "codes are upper case");
        assert_eq!(CODE_ALPHABET.iter().collect::<std::collections::BTreeSet<_>>().len(), 32);
    }

    #[test]
    fn availability_sums_the_types_on_sale() {
        let t = |available, on_sale| TicketType {
            variant_id: Uuid::new_v4(),
            name: "GA".into(),
            price: Money::new(100, Currency::USD),
            quota: 10,
            taken: 10 - available,
            available,
            on_sale,
        };
        assert_eq!(availability(&[]), None);
        assert_eq!(availability(&[t(3, true), t(2, true), t(9, false)]), Some(Availability::Left(5)));
        assert_eq!(availability(&[t(0, true), t(9, false)]), Some(Availability::SoldOut));
        assert_eq!(t(0, true).label(0), "Sold out");
        assert_eq!(t(4, true).label(4), "4 left");
        assert_eq!(t(4, false).label(4), "No longer on sale");
    }
}
