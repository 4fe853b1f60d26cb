//! The cart: a server-side resource found by an HTTP-only cookie for guests
//! and by account for signed-in users (a guest cart merges into the account
//! at login). Lines are per variant; totals are always recomputed here from
//! current prices, and each line says when its price changed or it can no
//! longer be bought as it is.

pub mod api;
pub mod count;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::money::{Currency, Money};

/// The most of one variant a single cart line holds.
pub const MAX_LINE_QUANTITY: i32 = 99;
/// The most distinct lines a cart holds.
pub const MAX_LINES: i64 = 100;

/// Parses a quantity typed or picked in a form: 1 to 99.
pub fn parse_quantity(raw: &str) -> Result<i32, AppError> {
    let bad = || AppError::validation("quantity", format!("Choose a quantity from 1 to {MAX_LINE_QUANTITY}."));
    let n: i64 = raw.trim().parse().map_err(|_| bad())?;
    if !(1..=MAX_LINE_QUANTITY as i64).contains(&n) {
        return Err(bad());
    }
    Ok(n as i32)
}

/// One line as the shopper sees it, with current numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub id: Uuid,
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub variant_title: String,
    pub image_url: Option<String>,
    pub quantity: i32,
    /// The price now.
    pub price: Money,
    /// The price when the line was added (or last confirmed).
    pub seen_price: Money,
    /// What can still be bought (on hand minus held).
    pub available: i32,
    /// The product is still for sale (active).
    pub for_sale: bool,
}

/// What is wrong with a line, if anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineStatus {
    Ok,
    PriceChanged { was: Money },
    OnlyLeft(i32),
    SoldOut,
    Unavailable,
}

impl CartLine {
    pub fn status(&self) -> LineStatus {
        if !self.for_sale || self.price.currency != self.seen_price.currency {
            LineStatus::Unavailable
        } else if self.available <= 0 {
            LineStatus::SoldOut
        } else if self.quantity > self.available {
            LineStatus::OnlyLeft(self.available)
        } else if self.price != self.seen_price {
            LineStatus::PriceChanged { was: self.seen_price }
        } else {
            LineStatus::Ok
        }
    }

    /// A line can go to checkout unless it can't be bought or too few are left.
    pub fn purchasable(&self) -> bool {
        matches!(self.status(), LineStatus::Ok | LineStatus::PriceChanged { .. })
    }

    pub fn total(&self) -> Money {
        Money::new(self.price.minor * self.quantity as i64, self.price.currency)
    }

    pub fn name(&self) -> String {
        crate::inventory::item_name(&self.title, &self.variant_title)
    }
}

impl LineStatus {
    /// The note shown under the line, if any.
    pub fn message(&self, line: &CartLine) -> Option<String> {
        match self {
            LineStatus::Ok => None,
            LineStatus::PriceChanged { was } => {
                let direction = if line.price.minor < was.minor { "dropped" } else { "went up" };
                Some(format!("The price {direction} from {} to {}.", was.display(), line.price.display()))
            }
            LineStatus::OnlyLeft(n) => Some(format!("Only {n} left: lower the quantity to check out.")),
            LineStatus::SoldOut => Some("Sold out: remove it to check out.".into()),
            LineStatus::Unavailable => Some("No longer available: remove it to check out.".into()),
        }
    }
}

/// One shop's part of the cart: a checkout (and an order) is per shop, in
/// the shop's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopCart {
    pub shop_id: Uuid,
    pub handle: String,
    pub name: String,
    pub currency: Currency,
    pub lines: Vec<CartLine>,
}

impl ShopCart {
    /// The sum of the lines that can be bought, at current prices.
    pub fn subtotal(&self) -> Money {
        let minor = self.lines.iter().filter(|l| l.purchasable()).map(|l| l.total().minor).sum();
        Money::new(minor, self.currency)
    }

    /// Every line can be bought as it stands (and there is at least one).
    pub fn ready(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(CartLine::purchasable)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub shops: Vec<ShopCart>,
}

impl CartView {
    pub fn item_count(&self) -> i64 {
        self.shops.iter().flat_map(|s| &s.lines).map(|l| l.quantity as i64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shops.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: i32, price: i64, seen: i64, available: i32) -> CartLine {
        CartLine {
            id: Uuid::new_v4(),
            variant_id: Uuid::new_v4(),
            product_id: Uuid::new_v4(),
            title: "Tote".into(),
            variant_title: "Default".into(),
            image_url: None,
            quantity,
            price: Money::new(price, Currency::USD),
            seen_price: Money::new(seen, Currency::USD),
            available,
            for_sale: true,
        }
    }

    #[test]
    fn quantities_are_1_to_99() {
        assert_eq!(parse_quantity("3").unwrap(), 3);
        for bad in ["0", "-1", "100", "1e3", "", "two", "99999999999999999999"] {
            assert_eq!(parse_quantity(bad).unwrap_err().field(), Some("quantity"), "{bad}");
        }
    }

    #[test]
    fn lines_say_what_changed() {
        assert_eq!(line(1, 2500, 2500, 5).status(), LineStatus::Ok);
        let cheaper = line(1, 2000, 2500, 5);
        assert_eq!(cheaper.status(), LineStatus::PriceChanged { was: Money::new(2500, Currency::USD) });
        assert_eq!(cheaper.status().message(&cheaper).unwrap(), "The price dropped from $25.00 to $20.00.");
        assert_eq!(line(4, 2500, 2500, 2).status(), LineStatus::OnlyLeft(2));
        assert_eq!(line(1, 2500, 2500, 0).status(), LineStatus::SoldOut);
        let mut archived = line(1, 2500, 2500, 5);
        archived.for_sale = false;
        assert_eq!(archived.status(), LineStatus::Unavailable);
    }

    #[test]
    fn subtotals_use_current_prices_of_buyable_lines() {
        let shop = ShopCart {
            shop_id: Uuid::new_v4(),
            handle: "s".into(),
            name: "S".into(),
            currency: Currency::USD,
            lines: vec![line(2, 1000, 900, 5), line(1, 500, 500, 0)],
        };
        assert_eq!(shop.subtotal(), Money::new(2000, Currency::USD));
        assert!(!shop.ready(), "an unavailable line blocks checkout until removed");
    }
}
