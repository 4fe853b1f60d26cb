//! Context tokens: a product link rendered in a post carries which post,
//! which creators, which surface and when, signed with HMAC-SHA256 under one
//! of the server's keys so it can travel through URLs, carts and orders
//! without being trusted blindly. A token that does not verify is ignored.
//! Which keys exist, sign and still verify is `super::keys`.
//!
//! Format: base64url(payload) "." base64url(first 16 bytes of the MAC), with
//! payload = version (2) · key id (4, big endian) · post id (16) · rendered
//! at, Unix seconds (8, big endian) · surface (1) · creator count (1) ·
//! creator ids (16 each). The key id says which key to check the MAC with;
//! it is inside the MAC, so editing it voids the token. Version 1 tokens
//! (before keys had ids: the same without the key id) are checked only with
//! the key configured in `STOREFEED_CONTEXT_KEY`, the only key that could
//! have signed one still in circulation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::Surface;

const VERSION: u8 = 2;
const UNNAMED_VERSION: u8 = 1;
const MAC_LEN: usize = 16;
/// More authors than a collaborative post can have is not a real token.
const MAX_CREATORS: usize = 10;
/// Tokens longer than this are not ours (cart lines keep at most 1,000).
pub const MAX_TOKEN_LEN: usize = 400;

/// Names a signing key inside a token.
pub type KeyId = u32;

/// Where a shopper met a product: what a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub post_id: Uuid,
    pub creators: Vec<Uuid>,
    pub surface: Surface,
    pub rendered_at: DateTime<Utc>,
}

/// One key: its id, written into every token it signs, and its secret.
#[derive(Clone)]
pub struct SigningKey {
    id: KeyId,
    secret: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn new(id: KeyId, secret: Vec<u8>) -> SigningKey {
        SigningKey { id, secret }
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    /// For storing the key (`super::keys`).
    pub(super) fn secret(&self) -> &[u8] {
        &self.secret
    }

    fn mac(&self, payload: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// Signs `ctx` into a token for a URL.
    pub fn sign(&self, ctx: &Context) -> String {
        let creators = &ctx.creators[..ctx.creators.len().min(MAX_CREATORS)];
        let mut payload = Vec::with_capacity(31 + 16 * creators.len());
        payload.push(VERSION);
        payload.extend_from_slice(&self.id.to_be_bytes());
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

    /// The context of `token` if this key signed it; `None` for anything
    /// else (tampered, truncated, naming or signed with another key).
    pub fn verify(&self, token: &Token) -> Option<Context> {
        if token.key_id.is_some_and(|id| id != self.id) {
            return None;
        }
        let expected = self.mac(&token.payload);
        if !constant_time_eq(&token.mac, &expected) {
            return None;
        }
        parse_payload(&token.payload)
    }
}

/// A token taken apart but not yet verified: only its key id is read, to
/// pick the key to verify it with.
#[derive(Debug, Clone)]
pub struct Token {
    key_id: Option<KeyId>,
    payload: Vec<u8>,
    mac: Vec<u8>,
}

impl Token {
    /// `None` for what cannot be a token at all.
    pub fn parse(token: &str) -> Option<Token> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (payload, mac) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
        if mac.len() != MAC_LEN {
            return None;
        }
        let key_id = match *payload.first()? {
            VERSION => Some(KeyId::from_be_bytes(payload.get(1..5)?.try_into().ok()?)),
            UNNAMED_VERSION => None,
            _ => return None,
        };
        Some(Token { key_id, payload, mac })
    }

    /// The key the token says signed it; `None` for a version 1 token.
    pub fn key_id(&self) -> Option<KeyId> {
        self.key_id
    }
}

/// The context a payload of either version names, after its header.
fn parse_payload(p: &[u8]) -> Option<Context> {
    let p = match *p.first()? {
        VERSION => p.get(5..)?,
        UNNAMED_VERSION => &p[1..],
        _ => return None,
    };
    if p.len() < 26 {
        return None;
    }
    let post_id = Uuid::from_slice(&p[..16]).ok()?;
    let secs = i64::from_be_bytes(p[16..24].try_into().ok()?);
    let surface = surface_from_code(p[24])?;
    let n = p[25] as usize;
    if n > MAX_CREATORS || p.len() != 26 + 16 * n {
        return None;
    }
    let creators = p[26..].chunks_exact(16).map(Uuid::from_slice).collect::<Result<Vec<_>, _>>().ok()?;
    Some(Context { post_id, creators, surface, rendered_at: DateTime::from_timestamp(secs, 0)? })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The surfaces a post renders tokens on: the first six of `Surface::ALL`
/// (search and direct visits carry none). A surface's position here is its
/// code inside a token, so `Surface::ALL` only ever grows at its end.
const SURFACES: &[Surface] = Surface::ALL.split_at(6).0;

fn surface_code(s: Surface) -> u8 {
    SURFACES.iter().position(|x| *x == s).map_or(u8::MAX, |i| i as u8)
}

fn surface_from_code(code: u8) -> Option<Surface> {
    SURFACES.get(code as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::new(7, b"test key, not for production, 32+".to_vec())
    }

    fn verify(key: &SigningKey, token: &str) -> Option<Context> {
        key.verify(&Token::parse(token)?)
    }

    fn ctx(creators: usize) -> Context {
        Context {
            post_id: Uuid::new_v4(),
            creators: (0..creators).map(|_| Uuid::new_v4()).collect(),
            surface: Surface::ImageTag,
            rendered_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        }
    }

    /// A token as version 1 wrote it: no key id.
    fn unnamed_token(key: &SigningKey, ctx: &Context) -> String {
        let mut payload = vec![UNNAMED_VERSION];
        payload.extend_from_slice(ctx.post_id.as_bytes());
        payload.extend_from_slice(&ctx.rendered_at.timestamp().to_be_bytes());
        payload.push(surface_code(ctx.surface));
        payload.push(ctx.creators.len() as u8);
        for c in &ctx.creators {
            payload.extend_from_slice(c.as_bytes());
        }
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(key.mac(&payload)))
    }

    #[test]
    fn a_signed_token_names_its_key_and_verifies_to_its_context() {
        for n in [1, 3, MAX_CREATORS] {
            let c = ctx(n);
            let token = key().sign(&c);
            assert!(token.len() <= MAX_TOKEN_LEN);
            assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
            assert_eq!(Token::parse(&token).unwrap().key_id(), Some(7));
            assert_eq!(verify(&key(), &token), Some(c));
        }
        let high = SigningKey::new(u32::MAX, b"another test key, 32 bytes long.".to_vec());
        assert_eq!(Token::parse(&high.sign(&ctx(1))).unwrap().key_id(), Some(u32::MAX));
    }

    #[test]
    fn an_edited_token_is_ignored() {
        let token = key().sign(&ctx(1));
        let mut bytes = token.clone().into_bytes();
        for i in [0, 3, 10, token.len() / 2, token.len() - 1] {
            let original = bytes[i];
            bytes[i] = if original == b'A' { b'B' } else { b'A' };
            assert_eq!(verify(&key(), std::str::from_utf8(&bytes).unwrap()), None, "edited at {i}");
            bytes[i] = original;
        }
        for junk in ["", ".", "abc", "abc.def", &"x".repeat(1000)] {
            assert_eq!(verify(&key(), junk), None);
        }
    }

    #[test]
    fn only_the_named_key_verifies() {
        let c = ctx(2);
        let token = key().sign(&c);
        let same_id_other_secret = SigningKey::new(7, b"another key, also 32 bytes long!".to_vec());
        assert_eq!(verify(&same_id_other_secret, &token), None);
        let same_secret_other_id = SigningKey::new(8, b"test key, not for production, 32+".to_vec());
        assert_eq!(verify(&same_secret_other_id, &token), None, "a token names the key that signed it");

        // Pointing the token at another key (id rewritten) breaks its MAC.
        let (payload, mac) = token.split_once('.').unwrap();
        let mut payload = URL_SAFE_NO_PAD.decode(payload).unwrap();
        payload[1..5].copy_from_slice(&8u32.to_be_bytes());
        let renamed = format!("{}.{mac}", URL_SAFE_NO_PAD.encode(&payload));
        assert_eq!(Token::parse(&renamed).unwrap().key_id(), Some(8));
        assert_eq!(verify(&same_secret_other_id, &renamed), None);
    }

    #[test]
    fn a_version_1_token_has_no_key_id_and_verifies_with_its_secret() {
        let c = ctx(1);
        let token = unnamed_token(&key(), &c);
        assert_eq!(Token::parse(&token).unwrap().key_id(), None);
        assert_eq!(verify(&key(), &token), Some(c));
        assert_eq!(verify(&SigningKey::new(7, b"another key, also 32 bytes long!".to_vec()), &token), None);
    }

    #[test]
    fn surfaces_round_trip_and_organic_ones_have_no_code() {
        for &s in SURFACES {
            assert_eq!(surface_from_code(surface_code(s)), Some(s));
        }
        assert_eq!(surface_from_code(surface_code(Surface::Search)), None);
    }
}
