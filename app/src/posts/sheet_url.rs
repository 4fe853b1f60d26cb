//! The product sheet's address: the page it opens over plus
//! `product=<id>&sheet_ctx=<token>`, so opening it is a history entry (Back
//! closes it) and the open sheet is a link anyone can share or load directly.
//! The token has a name of its own because the page under the sheet may
//! have a `ctx` of its own (a product page reached from a post).

use uuid::Uuid;

use crate::ui::encode_query_value;

/// The query key naming the product shown in the sheet.
pub const PRODUCT_KEY: &str = "product";
/// The query key of the sheet's attribution context token.
pub const CTX_KEY: &str = "sheet_ctx";
/// The product page's own key for the token.
const PAGE_CTX_KEY: &str = "ctx";
/// Longer than this is not one of our tokens (cart lines keep at most 1,000).
const MAX_CTX_LEN: usize = 1000;

/// What a sheet address asks for: the product and the token it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRequest {
    pub product: Uuid,
    pub ctx: Option<String>,
}

impl SheetRequest {
    /// From the `product` and `ctx` query values; `None` when there is no
    /// sheet to show (no or a malformed product id). An empty or oversized
    /// token is dropped rather than refused: the product still shows, uncredited.
    pub fn parse(product: Option<&str>, ctx: Option<&str>) -> Option<SheetRequest> {
        let product = Uuid::parse_str(product?.trim()).ok()?;
        let ctx = ctx.map(str::trim).filter(|c| !c.is_empty() && c.len() <= MAX_CTX_LEN).map(str::to_owned);
        Some(SheetRequest { product, ctx })
    }
}

/// `path` with its query `search` (raw, without the `?`) and the sheet for
/// `product` opened over it; an earlier sheet's parameters are replaced.
pub fn sheet_href(path: &str, search: &str, product: Uuid, ctx: Option<&str>) -> String {
    let mut pairs = page_pairs(search);
    pairs.push(format!("{PRODUCT_KEY}={product}"));
    if let Some(ctx) = ctx.filter(|c| !c.is_empty()) {
        pairs.push(format!("{CTX_KEY}={}", encode_query_value(ctx)));
    }
    format!("{path}?{}", pairs.join("&"))
}

/// `path` and `search` with the sheet closed: its two parameters removed,
/// everything else kept as it was.
pub fn without_sheet(path: &str, search: &str) -> String {
    let pairs = page_pairs(search);
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// The product's own page, carrying the token so a visit from the sheet is
/// credited like one from the tag.
pub fn product_href(product: Uuid, ctx: Option<&str>) -> String {
    match ctx.filter(|c| !c.is_empty()) {
        Some(ctx) => format!("/p/{product}?{PAGE_CTX_KEY}={}", encode_query_value(ctx)),
        None => format!("/p/{product}"),
    }
}

/// The raw `key=value` pairs of `search` that belong to the page, not the sheet.
fn page_pairs(search: &str) -> Vec<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            key != PRODUCT_KEY && key != CTX_KEY
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Uuid {
        Uuid::parse_str("6f1c7a52-8a7e-4d8e-9a53-2c1f5e0b9d11").unwrap()
    }

    #[test]
    fn the_sheet_opens_over_the_page_it_was_tapped_on() {
        assert_eq!(sheet_href("/", "", id(), Some("abc.DEF-_")), format!("/?product={}&sheet_ctx=abc.DEF-_", id()));
        assert_eq!(sheet_href("/explore", "q=ann%20b", id(), None), format!("/explore?q=ann%20b&product={}", id()));
        assert_eq!(sheet_href("/post/1", "", id(), Some("")), format!("/post/1?product={}", id()));
    }

    #[test]
    fn opening_another_product_replaces_the_open_one() {
        let open = "cursor=xyz&product=11111111-1111-1111-1111-111111111111&sheet_ctx=old";
        assert_eq!(sheet_href("/", open, id(), Some("new")), format!("/?cursor=xyz&product={}&sheet_ctx=new", id()));
    }

    #[test]
    fn a_product_pages_own_token_stays_under_the_sheet() {
        let page = format!("/p/{}", id());
        let other = Uuid::nil();
        let open = sheet_href(&page, "ctx=page.tok", other, Some("sheet.tok"));
        assert_eq!(open, format!("{page}?ctx=page.tok&product={other}&sheet_ctx=sheet.tok"));
        let (path, search) = open.split_once('?').unwrap();
        assert_eq!(without_sheet(path, search), format!("{page}?ctx=page.tok"));
    }

    #[test]
    fn closing_keeps_the_page_and_drops_only_the_sheet() {
        assert_eq!(without_sheet("/", &format!("product={}&sheet_ctx=t", id())), "/");
        assert_eq!(
            without_sheet("/tag/linen", "cursor=abc&sheet_ctx=t&product=x&products=2"),
            "/tag/linen?cursor=abc&products=2"
        );
        assert_eq!(without_sheet("/explore", "?q=x"), "/explore?q=x");
    }

    #[test]
    fn odd_characters_in_a_token_are_escaped() {
        let href = sheet_href("/", "", id(), Some("a b&c=d/é"));
        assert!(href.ends_with("&sheet_ctx=a%20b%26c%3Dd/%C3%A9"), "{href}");
    }

    #[test]
    fn the_product_page_link_keeps_the_token() {
        assert_eq!(product_href(id(), Some("abc.d")), format!("/p/{}?ctx=abc.d", id()));
        assert_eq!(product_href(id(), None), format!("/p/{}", id()));
    }

    #[test]
    fn a_sheet_request_needs_a_product_id() {
        assert_eq!(
            SheetRequest::parse(Some(&id().to_string()), Some("tok")),
            Some(SheetRequest { product: id(), ctx: Some("tok".into()) })
        );
        assert_eq!(SheetRequest::parse(Some(&id().to_string()), Some("")).unwrap().ctx, None);
        assert_eq!(SheetRequest::parse(Some(&id().to_string()), Some(&"t".repeat(1001))).unwrap().ctx, None);
        assert_eq!(SheetRequest::parse(Some("not-a-product"), Some("tok")), None);
        assert_eq!(SheetRequest::parse(None, Some("tok")), None);
    }
}
