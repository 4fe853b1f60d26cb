//! The signed-in buyers a seed script prints: one `sf_session=…` cookie a
//! line (`bench/sql/flash_seed.sql`), read by `flash-sale` and `group-rush`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use hyper::header::HeaderValue;

/// Every non-empty line of `path` as a `Cookie` header value.
pub fn read_cookies(path: &Path) -> Result<Vec<HeaderValue>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("--cookie-file: cannot read {}", path.display()))?;
    let cookies: Vec<HeaderValue> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(HeaderValue::from_str)
        .collect::<Result<_, _>>()
        .context("a cookie line is not a valid header value")?;
    if cookies.is_empty() {
        bail!("the cookie file has no buyers");
    }
    Ok(cookies)
}
