//! Order links: the key in `/orders/<id>?key=…` that lets whoever holds it
//! read that one order (a guest's confirmation page and receipt mail). The
//! key is an HMAC-SHA256 of the order id under the stored `order_link`
//! signing key (`signing_keys`, shared by every server on the database), so
//! it can be computed again for a retried "Pay" or a resent receipt and is
//! never stored itself.
//!
//! Format: base64url(key id, 4 bytes big endian · first 20 bytes of
//! HMAC(secret, "storefeed order link v1" · order id)). The MAC is checked
//! in constant time (`Mac::verify_truncated_left`); a key for another order,
//! an edited key or one naming an unknown key reads nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppResult;

const PURPOSE: &str = "order_link";
const DOMAIN: &[u8] = b"storefeed order link v1\0";
const MAC_LEN: usize = 20;
/// A longer key is not one of ours; don't decode it.
const MAX_KEY_LEN: usize = 64;

fn mac(secret: &[u8], order: Uuid) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(DOMAIN);
    mac.update(order.as_bytes());
    mac
}

/// The key for `order`'s link, signed with `secret` (stored as `key_id`).
pub fn sign_with(key_id: u32, secret: &[u8], order: Uuid) -> String {
    let tag = mac(secret, order).finalize().into_bytes();
    let mut out = Vec::with_capacity(4 + MAC_LEN);
    out.extend_from_slice(&key_id.to_be_bytes());
    out.extend_from_slice(&tag[..MAC_LEN]);
    URL_SAFE_NO_PAD.encode(out)
}

/// Whether `key` is `order`'s, given a lookup of the signing key it names.
pub fn verify_with(key: &str, order: Uuid, secret_of: impl FnOnce(u32) -> Option<Vec<u8>>) -> bool {
    let Some((key_id, tag)) = parse(key) else { return false };
    let Some(secret) = secret_of(key_id) else { return false };
    mac(&secret, order).verify_truncated_left(&tag).is_ok()
}

fn parse(key: &str) -> Option<(u32, Vec<u8>)> {
    if key.len() > MAX_KEY_LEN {
        return None;
    }
    let raw = URL_SAFE_NO_PAD.decode(key.trim()).ok()?;
    if raw.len() != 4 + MAC_LEN {
        return None;
    }
    let id = u32::from_be_bytes(raw[..4].try_into().ok()?);
    Some((id, raw[4..].to_vec()))
}

/// The stored key that signs order links, created on first use (two
/// servers creating it at once keep one: the unique index decides).
async fn signer(db: &mut PgConnection, now: DateTime<Utc>) -> AppResult<(u32, Vec<u8>)> {
    if let Some(found) = current(db).await? {
        return Ok(found);
    }
    let mut secret = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    sqlx::query!(
        "INSERT INTO signing_keys (purpose, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (purpose) WHERE retired_at IS NULL DO NOTHING",
        PURPOSE,
        secret,
        now
    )
    .execute(&mut *db)
    .await?;
    current(db).await?.ok_or(crate::error::AppError::Internal)
}

async fn current(db: &mut PgConnection) -> AppResult<Option<(u32, Vec<u8>)>> {
    let row = sqlx::query!("SELECT id, secret FROM signing_keys WHERE purpose = $1 AND retired_at IS NULL", PURPOSE)
        .fetch_optional(db)
        .await?;
    // Ids are checked by the table to fit 32 bits.
    Ok(row.map(|k| (k.id as u32, k.secret)))
}

/// The key for `order`'s link.
pub async fn sign(db: &mut PgConnection, order: Uuid, now: DateTime<Utc>) -> AppResult<String> {
    let (id, secret) = signer(db, now).await?;
    Ok(sign_with(id, &secret, order))
}

/// Whether `key` opens `order` at `now` (a retired key opens nothing once
/// its `verify_until` has passed).
pub async fn verify(db: &mut PgConnection, order: Uuid, key: &str, now: DateTime<Utc>) -> AppResult<bool> {
    let Some((key_id, _)) = parse(key) else { return Ok(false) };
    let secret = sqlx::query_scalar!(
        "SELECT secret FROM signing_keys
         WHERE id = $1 AND purpose = $2 AND (verify_until IS NULL OR verify_until > $3)",
        i64::from(key_id),
        PURPOSE,
        now
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(verify_with(key, order, |_| secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_opens_only_its_own_order() {
        let secret = vec![7u8; 32];
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let key = sign_with(3, &secret, a);
        let lookup = |id: u32| (id == 3).then(|| secret.clone());
        assert!(verify_with(&key, a, lookup));
        assert!(!verify_with(&key, b, lookup), "another order's key");
        assert!(!verify_with(&key, a, |_| Some(vec![8u8; 32])), "another secret");
        assert!(!verify_with(&key, a, |_| None), "an unknown key id");
    }

    #[test]
    fn edited_or_malformed_keys_open_nothing() {
        let secret = vec![7u8; 32];
        let order = Uuid::new_v4();
        let key = sign_with(3, &secret, order);
        let lookup = |_: u32| Some(secret.clone());
        let mut bytes = URL_SAFE_NO_PAD.decode(&key).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(!verify_with(&URL_SAFE_NO_PAD.encode(&bytes), order, lookup), "a flipped bit");
        assert!(!verify_with(&key[..key.len() - 2], order, lookup), "truncated");
        for junk in ["", "not a key", "%%%", &"A".repeat(200)] {
            assert!(!verify_with(junk, order, lookup), "{junk:?}");
        }
    }
}
