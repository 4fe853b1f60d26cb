//! Context tokens: a product link rendered in a post carries which post,
//! which creators, which surface and when, signed with HMAC-SHA256 under the
//! server's key so it can travel through URLs, carts and orders without
//! being trusted blindly. A token that does not verify is ignored.
//!
//! Format: base64url(payload) "." base64url(first 16 bytes of the MAC), with
//! payload = version (1) · post id (16) · rendered at, Unix seconds (8, big
//! endian) · surface (1) · creator count (1) · creator ids (16 each).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::Surface;

const VERSION: u8 = 1;
const MAC_LEN: usize = 16;
/// More authors than a collaborative post can have is not a real token.
const MAX_CREATORS: usize = 10;
/// Tokens longer than this are not ours (cart lines keep at most 1,000).
pub const MAX_TOKEN_LEN: usize = 400;

/// Where a shopper met a product: what a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub post_id: Uuid,
    pub creators: Vec<Uuid>,
    pub surface: Surface,
    pub rendered_at: DateTime<Utc>,
}

/// The server's signing key (from `STOREFEED_CONTEXT_KEY`, or generated at
/// start, which invalidates old links on restart).
#[derive(Clone)]
pub struct ContextKey(Vec<u8>);

impl ContextKey {
    pub fn new(bytes: Vec<u8>) -> ContextKey {
        ContextKey(bytes)
    }

    fn mac(&self, payload: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// Signs `ctx` into a token for a URL.
    pub fn sign(&self, ctx: &Context) -> String {
        let creators = &ctx.creators[..ctx.creators.len().min(MAX_CREATORS)];
        let mut payload = Vec::with_capacity(27 + 16 * creators.len());
        payload.push(VERSION);
        payload.extend_from_slice(ctx.post_id.as_bytes());
        payload.extend_from_slice(&ctx.rendered_at.timestamp().to_be_bytes());
        payload.push(surface_code(ctx.surface));
        payload.push(creators.len() as u8);
        for c in creators {
            payload.extend_from_slice(c.as_bytes());
        }
        let mac = self.mac(&payload);
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(mac))
    }

    /// The context a genuine token names; `None` for anything else
    /// (tampered, truncated, signed with another key, not a token at all).
    pub fn verify(&self, token: &str) -> Option<Context> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (payload, mac) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
        let expected = self.mac(&payload);
        if mac.len() != MAC_LEN || !constant_time_eq(&mac, &expected) {
            return None;
        }
        parse_payload(&payload)
    }
}

fn parse_payload(p: &[u8]) -> Option<Context> {
    if p.len() < 27 || p[0] != VERSION {
        return None;
    }
    let post_id = Uuid::from_slice(&p[1..17]).ok()?;
    let secs = i64::from_be_bytes(p[17..25].try_into().ok()?);
    let surface = surface_from_code(p[25])?;
    let n = p[26] as usize;
    if n > MAX_CREATORS || p.len() != 27 + 16 * n {
        return None;
    }
    let creators = p[27..].chunks_exact(16).map(Uuid::from_slice).collect::<Result<Vec<_>, _>>().ok()?;
    Some(Context { post_id, creators, surface, rendered_at: DateTime::from_timestamp(secs, 0)? })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const SURFACES: [Surface; 6] = [
    Surface::ImageTag,
    Surface::ProductCard,
    Surface::ShopTag,
    Surface::CommentMention,
    Surface::GroupCard,
    Surface::PlanCard,
];

fn surface_code(s: Surface) -> u8 {
    SURFACES.iter().position(|x| *x == s).map_or(u8::MAX, |i| i as u8)
}

fn surface_from_code(code: u8) -> Option<Surface> {
    SURFACES.get(code as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ContextKey {
        ContextKey::new(b"test key, not for production".to_vec())
    }

    fn ctx(creators: usize) -> Context {
        Context {
            post_id: Uuid::new_v4(),
            creators: (0..creators).map(|_| Uuid::new_v4()).collect(),
            surface: Surface::ImageTag,
            rendered_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn a_signed_token_verifies_to_its_context() {
        for n in [1, 3] {
            let c = ctx(n);
            let token = key().sign(&c);
            assert!(token.len() <= MAX_TOKEN_LEN);
            assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
            assert_eq!(key().verify(&token), Some(c));
        }
    }

    #[test]
    fn an_edited_token_is_ignored() {
        let token = key().sign(&ctx(1));
        let mut bytes = token.clone().into_bytes();
        for i in [0, 10, token.len() / 2, token.len() - 1] {
            let original = bytes[i];
            bytes[i] = if original == b'A' { b'B' } else { b'A' };
            assert_eq!(key().verify(std::str::from_utf8(&bytes).unwrap()), None, "edited at {i}");
            bytes[i] = original;
        }
        assert_eq!(ContextKey::new(b"another key".to_vec()).verify(&token), None);
        for junk in ["", ".", "abc", "abc.def", &"x".repeat(1000)] {
            assert_eq!(key().verify(junk), None);
        }
    }

    #[test]
    fn surfaces_round_trip_and_organic_ones_have_no_code() {
        for s in SURFACES {
            assert_eq!(surface_from_code(surface_code(s)), Some(s));
        }
        assert_eq!(surface_from_code(surface_code(Surface::Search)), None);
    }
}
