//! Events: something happening at a venue between two times, with a ticket
//! price range and, optionally, a limited number of tickets. The rules for
//! what an organizer may enter live here as plain functions; pages in
//! `pages`, server functions in `api`, SQL in `db`.

pub mod api;
pub mod pages;
pub mod tickets;

#[cfg(feature = "ssr")]
pub mod db;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::validate::bounded_text;
use crate::error::AppError;
use crate::money::{Currency, Money};

pub const TITLE_MAX: usize = 140;
pub const DESCRIPTION_MAX: usize = 5000;
pub const VENUE_MAX: usize = 200;
/// The new-event form's optional `image` field.
pub const EVENT_IMAGE: crate::media::ImageLimits = crate::media::ImageLimits::post_images("image", 1);
pub const TICKETS_MAX: i32 = 1_000_000;
/// How long one event may last.
pub const MAX_DAYS: i64 = 31;
/// How far ahead an event may be scheduled.
pub const MAX_YEARS_AHEAD: i64 = 5;
/// Events listed on `/events`.
pub const UPCOMING_LIMIT: i64 = 50;
/// Results of `search_events`.
pub const SEARCH_LIMIT: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventStatus {
    Scheduled,
    Cancelled,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Scheduled => "scheduled",
            EventStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "scheduled" => Ok(EventStatus::Scheduled),
            "cancelled" => Ok(EventStatus::Cancelled),
            _ => Err(AppError::validation("status", "Unknown event status.")),
        }
    }
}

/// The cheapest and the dearest ticket, in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPrices {
    pub min: Money,
    pub max: Money,
}

impl TicketPrices {
    pub fn new(min: Money, max: Money) -> Result<Self, AppError> {
        if min.currency != max.currency {
            return Err(AppError::validation("ticket_max", "Both prices must be in the same currency."));
        }
        if min.minor < 0 || max.minor < 0 {
            return Err(AppError::validation("ticket_min", "Prices can't be negative."));
        }
        if min.minor > max.minor {
            return Err(AppError::validation("ticket_max", "The highest price must be at least the lowest price."));
        }
        Ok(TicketPrices { min, max })
    }

    /// "Free", "$15.00" or "$10.00 – $25.00".
    pub fn label(&self) -> String {
        let show = |m: Money| if m.minor == 0 { "Free".to_string() } else { m.display() };
        if self.min == self.max {
            show(self.min)
        } else {
            format!("{} – {}", show(self.min), show(self.max))
        }
    }
}

/// How many tickets are left, as visitors are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    /// No limit was set: nothing is shown.
    Unlimited,
    Left(i32),
    SoldOut,
}

impl Availability {
    pub fn of(tickets_total: Option<i32>, tickets_sold: i32) -> Self {
        match tickets_total {
            None => Availability::Unlimited,
            Some(total) if tickets_sold >= total => Availability::SoldOut,
            Some(total) => Availability::Left(total - tickets_sold),
        }
    }

    pub fn label(self) -> Option<String> {
        match self {
            Availability::Unlimited => None,
            Availability::Left(n) => Some(format!("{} left", crate::ui::exact_count(n.into(), "ticket", "tickets"))),
            Availability::SoldOut => Some("Sold out".to_string()),
        }
    }
}

/// An event in a picker (the post composer links events with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSummary {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub venue: String,
    pub image_url: Option<String>,
}

/// An event in the `/events` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCard {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub venue: String,
    pub image_url: Option<String>,
    pub prices: TicketPrices,
    pub availability: Availability,
    /// The ticket types on sale, as (variant, available when read), so the
    /// card's availability follows the live channel; empty when the event
    /// sells no tickets.
    pub ticket_stock: Vec<(Uuid, i32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventImage {
    pub url_600: String,
    pub url_1200: String,
    pub width: i32,
    pub height: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organizer {
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopLink {
    pub handle: String,
    pub name: String,
}

/// An event page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub image: Option<EventImage>,
    pub prices: TicketPrices,
    pub tickets_total: Option<i32>,
    pub tickets_sold: i32,
    pub status: EventStatus,
    pub organizer: Organizer,
    pub shop: Option<ShopLink>,
    /// The viewer organizes this event (may edit or cancel it).
    pub is_organizer: bool,
    /// The ticket types sold through its shop, in order (`tickets`).
    pub ticket_types: Vec<tickets::TicketType>,
}

impl Event {
    /// Summed over its ticket types when it sells tickets; from the ticket
    /// total otherwise.
    pub fn availability(&self) -> Availability {
        tickets::availability(&self.ticket_types)
            .unwrap_or_else(|| Availability::of(self.tickets_total, self.tickets_sold))
    }
}

/// What the event form sends, as typed. Date-times come from
/// `<input type="datetime-local">` and are read as UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventForm {
    pub title: String,
    pub description: String,
    pub venue: String,
    pub starts_at: String,
    pub ends_at: String,
    pub currency: String,
    pub ticket_min: String,
    pub ticket_max: String,
    pub tickets_total: String,
    /// The handle of one of the organizer's shops, or empty.
    pub shop: String,
}

/// An event form that passed every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDetails {
    pub title: String,
    pub description: String,
    pub venue: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub prices: TicketPrices,
    pub tickets_total: Option<i32>,
}

impl EventForm {
    /// The field a form input named `name` fills, for reading multipart forms.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "title" => &mut self.title,
            "description" => &mut self.description,
            "venue" => &mut self.venue,
            "starts_at" => &mut self.starts_at,
            "ends_at" => &mut self.ends_at,
            "currency" => &mut self.currency,
            "ticket_min" => &mut self.ticket_min,
            "ticket_max" => &mut self.ticket_max,
            "tickets_total" => &mut self.tickets_total,
            "shop" => &mut self.shop,
            _ => return None,
        })
    }

    /// Checks every field, reporting the first mistake on its field.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<EventDetails, AppError> {
        let title = one_line("title", "Title", &self.title, TITLE_MAX)?;
        if title.is_empty() {
            return Err(AppError::validation("title", "Give the event a title."));
        }
        let description =
            bounded_text("description", "Description", &self.description.replace("\r\n", "\n"), DESCRIPTION_MAX)?;
        let venue = one_line("venue", "Venue", &self.venue, VENUE_MAX)?;
        if venue.is_empty() {
            return Err(AppError::validation("venue", "Say where the event takes place."));
        }
        let starts_at = parse_utc_datetime("starts_at", &self.starts_at)?;
        let ends_at = parse_utc_datetime("ends_at", &self.ends_at)?;
        check_schedule(starts_at, ends_at, now)?;
        let currency = Currency::parse(&self.currency)?;
        let prices = parse_prices(&self.ticket_min, &self.ticket_max, currency)?;
        let tickets_total = parse_tickets_total(&self.tickets_total)?;
        Ok(EventDetails { title, description, venue, starts_at, ends_at, prices, tickets_total })
    }
}

fn one_line(field: &str, label: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let text = bounded_text(field, label, raw, max)?;
    if text.contains('\n') {
        return Err(AppError::validation(field, format!("{label} must be one line.")));
    }
    Ok(text)
}

/// Reads what `<input type="datetime-local">` sends ("2026-12-01T19:30",
/// seconds optional) as a UTC time.
pub fn parse_utc_datetime(field: &str, raw: &str) -> Result<DateTime<Utc>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        let what = if field == "ends_at" { "ends" } else { "starts" };
        return Err(AppError::validation(field, format!("Choose when the event {what}.")));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .map(|naive| naive.and_utc())
        .ok_or_else(|| AppError::validation(field, "Enter a date and time, like 2026-12-01 19:30 (UTC)."))
}

/// The value a `datetime-local` input shows for `at` (UTC, to the minute).
pub fn datetime_local_value(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

/// "Sat 12 Dec 2026, 19:30 UTC".
pub fn when_label(at: DateTime<Utc>) -> String {
    at.format("%a %-d %b %Y, %H:%M UTC").to_string()
}

/// "Sat 5 Dec 2026, 16:00 – 22:30 UTC" for an event within one day, both
/// dates in full otherwise.
pub fn span_label(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
    if starts_at.date_naive() == ends_at.date_naive() {
        format!("{} – {} UTC", starts_at.format("%a %-d %b %Y, %H:%M"), ends_at.format("%H:%M"))
    } else {
        format!("{} – {}", when_label(starts_at), when_label(ends_at))
    }
}

/// An event ends after it starts, has not ended yet, lasts at most
/// `MAX_DAYS` and starts within `MAX_YEARS_AHEAD`.
pub fn check_schedule(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), AppError> {
    if ends_at <= starts_at {
        return Err(AppError::validation("ends_at", "The event must end after it starts."));
    }
    if ends_at <= now {
        return Err(AppError::validation("ends_at", "That end time has already passed."));
    }
    if ends_at - starts_at > Duration::days(MAX_DAYS) {
        return Err(AppError::validation("ends_at", format!("An event can last at most {MAX_DAYS} days.")));
    }
    if starts_at > now + Duration::days(365 * MAX_YEARS_AHEAD) {
        return Err(AppError::validation(
            "starts_at",
            format!("Events can be scheduled at most {MAX_YEARS_AHEAD} years ahead."),
        ));
    }
    Ok(())
}

/// The ticket price range as typed: an empty lowest price is free, an empty
/// highest price is the lowest one.
pub fn parse_prices(min_raw: &str, max_raw: &str, currency: Currency) -> Result<TicketPrices, AppError> {
    let parse = |field: &str, raw: &str| {
        if raw.trim().starts_with('-') {
            return Err(AppError::validation(field, "Prices can't be negative."));
        }
        Money::parse(field, raw, currency)
    };
    let min = match min_raw.trim() {
        "" => Money::new(0, currency),
        raw => parse("ticket_min", raw)?,
    };
    let max = match max_raw.trim() {
        "" => min,
        raw => parse("ticket_max", raw)?,
    };
    TicketPrices::new(min, max)
}

/// How many tickets there are: empty means unlimited.
pub fn parse_tickets_total(raw: &str) -> Result<Option<i32>, AppError> {
    let raw = raw.trim().replace([',', ' '], "");
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i32>().ok().filter(|n| (1..=TICKETS_MAX).contains(n)).map(Some).ok_or_else(|| {
        AppError::validation(
            "tickets_total",
            "Enter a whole number of tickets from 1 to 1,000,000, or leave it empty for no limit.",
        )
    })
}

/// A new ticket total can't be below the tickets already sold.
pub fn check_capacity(tickets_total: Option<i32>, tickets_sold: i32) -> Result<(), AppError> {
    match tickets_total {
        Some(total) if total < tickets_sold => Err(AppError::validation(
            "tickets_total",
            format!("{tickets_sold} tickets are already sold; the total can't be lower."),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A fixed "now" for tests across the events domain.
    pub fn fixed_now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap()
    }

    /// A valid form for an event a month after `fixed_now()`.
    pub fn form() -> EventForm {
        EventForm {
            title: "Rooftop market".into(),
            description: "Makers, food and music.".into(),
            venue: "Kenyatta Ave, Nairobi".into(),
            starts_at: "2026-12-05T16:00".into(),
            ends_at: "2026-12-05T22:30".into(),
            currency: "KES".into(),
            ticket_min: "500".into(),
            ticket_max: "1,500".into(),
            tickets_total: "200".into(),
            shop: String::new(),
        }
    }

    fn field_of(form: EventForm) -> Option<String> {
        form.validate(fixed_now()).unwrap_err().field().map(str::to_string)
    }

    #[test]
    fn a_complete_form_becomes_event_details() {
        let d = form().validate(fixed_now()).unwrap();
        assert_eq!(d.starts_at, Utc.with_ymd_and_hms(2026, 12, 5, 16, 0, 0).unwrap());
        assert_eq!(d.prices.min, Money::new(50000, Currency::KES));
        assert_eq!(d.prices.max, Money::new(150000, Currency::KES));
        assert_eq!(d.tickets_total, Some(200));
    }

    #[test]
    fn datetime_local_values_are_read_as_utc() {
        let at = parse_utc_datetime("starts_at", "2026-12-05T16:00:30").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 12, 5, 16, 0, 30).unwrap());
        assert_eq!(datetime_local_value(at), "2026-12-05T16:00");
        assert_eq!(when_label(at), "Sat 5 Dec 2026, 16:00 UTC");
        for bad in ["tomorrow", "2026-13-01T10:00", "2026-12-05", "5/12/2026 16:00"] {
            assert_eq!(parse_utc_datetime("starts_at", bad).unwrap_err().field(), Some("starts_at"), "{bad}");
        }
        assert_eq!(parse_utc_datetime("ends_at", " ").unwrap_err().to_string(), "Choose when the event ends.");
    }

    #[test]
    fn spans_read_well() {
        let d = form().validate(fixed_now()).unwrap();
        assert_eq!(span_label(d.starts_at, d.ends_at), "Sat 5 Dec 2026, 16:00 – 22:30 UTC");
        let next_day = d.ends_at + Duration::hours(5);
        assert_eq!(span_label(d.starts_at, next_day), "Sat 5 Dec 2026, 16:00 UTC – Sun 6 Dec 2026, 03:30 UTC");
    }

    #[test]
    fn an_event_must_end_after_it_starts() {
        let f = EventForm { ends_at: "2026-12-05T15:00".into(), ..form() };
        assert_eq!(
            f.validate(fixed_now()).unwrap_err(),
            AppError::validation("ends_at", "The event must end after it starts.")
        );
        let same = EventForm { ends_at: "2026-12-05T16:00".into(), ..form() };
        assert_eq!(field_of(same).as_deref(), Some("ends_at"));
    }

    #[test]
    fn schedules_are_bounded() {
        let past = EventForm { starts_at: "2026-10-01T10:00".into(), ends_at: "2026-10-01T12:00".into(), ..form() };
        assert_eq!(field_of(past).as_deref(), Some("ends_at"));
        let long = EventForm { ends_at: "2027-02-01T10:00".into(), ..form() };
        assert_eq!(field_of(long).as_deref(), Some("ends_at"));
        let far = EventForm { starts_at: "2040-01-01T10:00".into(), ends_at: "2040-01-01T12:00".into(), ..form() };
        assert_eq!(field_of(far).as_deref(), Some("starts_at"));
        let started = EventForm { starts_at: "2026-11-01T10:00".into(), ends_at: "2026-11-01T14:00".into(), ..form() };
        assert!(started.validate(fixed_now()).is_ok(), "an event under way can still be saved");
    }

    #[test]
    fn prices_are_checked() {
        let inverted = EventForm { ticket_min: "20".into(), ticket_max: "10".into(), ..form() };
        assert_eq!(field_of(inverted).as_deref(), Some("ticket_max"));
        let negative = EventForm { ticket_min: "-5".into(), ..form() };
        assert_eq!(
            negative.validate(fixed_now()).unwrap_err(),
            AppError::validation("ticket_min", "Prices can't be negative.")
        );
        let garbage = EventForm { ticket_max: "lots".into(), ..form() };
        assert_eq!(field_of(garbage).as_deref(), Some("ticket_max"));
        let unknown = EventForm { currency: "XYZ".into(), ..form() };
        assert_eq!(field_of(unknown).as_deref(), Some("currency"));
        let free = parse_prices("", "", Currency::USD).unwrap();
        assert_eq!((free.min.minor, free.max.minor), (0, 0));
        assert_eq!(parse_prices("12", "", Currency::USD).unwrap().max.minor, 1200);
    }

    #[test]
    fn text_fields_have_limits() {
        let long_title = EventForm { title: "a".repeat(TITLE_MAX + 1), ..form() };
        assert_eq!(field_of(long_title).as_deref(), Some("title"));
        let empty_title = EventForm { title: "  ".into(), ..form() };
        assert_eq!(field_of(empty_title).as_deref(), Some("title"));
        let two_lines = EventForm { venue: "Hall\nRoom 2".into(), ..form() };
        assert_eq!(field_of(two_lines).as_deref(), Some("venue"));
        let no_venue = EventForm { venue: String::new(), ..form() };
        assert_eq!(field_of(no_venue).as_deref(), Some("venue"));
        let long_description = EventForm { description: "a".repeat(DESCRIPTION_MAX + 1), ..form() };
        assert_eq!(field_of(long_description).as_deref(), Some("description"));
        let ok = EventForm { title: "a".repeat(TITLE_MAX), description: "line\r\nline".into(), ..form() };
        assert_eq!(ok.validate(fixed_now()).unwrap().description, "line\nline");
    }

    #[test]
    fn ticket_totals_are_whole_numbers_or_unlimited() {
        assert_eq!(parse_tickets_total("").unwrap(), None);
        assert_eq!(parse_tickets_total(" 1,000 ").unwrap(), Some(1000));
        for bad in ["0", "-3", "2.5", "many", "1000001"] {
            assert_eq!(parse_tickets_total(bad).unwrap_err().field(), Some("tickets_total"), "{bad}");
        }
        assert!(check_capacity(Some(10), 10).is_ok());
        assert!(check_capacity(None, 500).is_ok());
        assert_eq!(check_capacity(Some(9), 10).unwrap_err().field(), Some("tickets_total"));
    }

    #[test]
    fn availability_is_told_plainly() {
        assert_eq!(Availability::of(None, 40).label(), None);
        assert_eq!(Availability::of(Some(100), 97).label().as_deref(), Some("3 tickets left"));
        assert_eq!(Availability::of(Some(100), 99).label().as_deref(), Some("1 ticket left"));
        assert_eq!(Availability::of(Some(100), 100).label().as_deref(), Some("Sold out"));
    }

    #[test]
    fn price_ranges_read_well() {
        let usd = |m| Money::new(m, Currency::USD);
        assert_eq!(TicketPrices::new(usd(0), usd(0)).unwrap().label(), "Free");
        assert_eq!(TicketPrices::new(usd(1500), usd(1500)).unwrap().label(), "$15.00");
        assert_eq!(TicketPrices::new(usd(1000), usd(2500)).unwrap().label(), "$10.00 – $25.00");
        assert_eq!(TicketPrices::new(usd(0), usd(2500)).unwrap().label(), "Free – $25.00");
        assert!(TicketPrices::new(usd(100), Money::new(200, Currency::EUR)).is_err());
    }

    #[test]
    fn form_inputs_map_to_fields() {
        let mut f = EventForm::default();
        *f.field_mut("venue").unwrap() = "Hall".into();
        assert_eq!(f.venue, "Hall");
        assert!(f.field_mut("image").is_none());
    }

    #[test]
    fn status_round_trips() {
        for s in [EventStatus::Scheduled, EventStatus::Cancelled] {
            assert_eq!(EventStatus::parse(s.as_str()).unwrap(), s);
        }
    }
}
