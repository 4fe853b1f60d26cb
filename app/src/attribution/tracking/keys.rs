//! The keys that sign context tokens. They live in the database
//! (`signing_keys`), so every server on it signs and verifies alike and a
//! restart voids no link already rendered; one configured in
//! `STOREFEED_CONTEXT_KEY` signs instead where it is set.
//!
//! At start ([`ContextKeys::load`]): the configured key if set; else the
//! stored signing key; else, when generating is allowed, a new key, stored
//! (two servers starting at once store one of theirs and both use it); else
//! the server refuses to start ([`KeyError::Missing`]).
//!
//! [`rotate`] stores a new signing key; the replaced one still verifies the
//! tokens it signed for [`verify_window`] (the widest click window a shop may
//! set), then verifies nothing. A running server learns of a rotation when a
//! token names a key it does not know (it looks in the database, at most
//! once a second) and from [`ContextKeys::refresh`], which the server's jobs
//! call every minute (that is when it starts signing with the new key).
//!
//! No other value the server hands out rests on a per-process secret:
//! sessions and guest carts are random tokens stored hashed
//! (`accounts::session`), visitor ids are plain random ids, password salts
//! are stored in their hashes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::token::{Context, KeyId, SigningKey, Token};

const PURPOSE: &str = "context";
/// Tokens naming unknown keys send a server to the database at most this
/// often, so forged ids cannot cost a query each.
const MISS_RELOAD_EVERY: StdDuration = StdDuration::from_secs(1);
/// A configured key's id has this bit set; a stored key's id (from the
/// table's identity, below 2^31) never does.
const CONFIGURED_ID_BIT: KeyId = 1 << 31;

/// How long a replaced key still verifies the tokens it signed: the widest
/// click window a shop may set, so no click that can still earn credit is
/// lost to a rotation.
pub fn verify_window() -> Duration {
    Duration::days(super::LONGEST_CLICK_DAYS.into())
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no key to sign context tokens with: set STOREFEED_CONTEXT_KEY (32+ characters), or set \
         STOREFEED_GENERATE_KEYS=true to generate one and store it in the database for every server on it"
    )]
    Missing,
    #[error("reading the signing keys: {0}")]
    Database(#[from] sqlx::Error),
}

/// The key configured in `STOREFEED_CONTEXT_KEY`, under an id derived from
/// its secret: changing the variable changes the id, so tokens signed under
/// the old value name a key this server does not have instead of failing
/// their MAC.
pub fn configured_key(secret: &str) -> SigningKey {
    let secret = secret.trim().as_bytes().to_vec();
    let digest = Sha256::new().chain_update(b"storefeed context key id\0").chain_update(&secret).finalize();
    let hash = KeyId::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    SigningKey::new(CONFIGURED_ID_BIT | hash, secret)
}

/// The keys a server signs and verifies context tokens with. Clones share
/// one ring.
#[derive(Clone)]
pub struct ContextKeys(Arc<Inner>);

struct Inner {
    /// `None`: fixed keys, never reloaded (unit tests).
    pool: Option<PgPool>,
    configured: Option<SigningKey>,
    ring: RwLock<Ring>,
    last_miss_reload: Mutex<Option<Instant>>,
}

/// The stored keys as last read.
#[derive(Default)]
struct Ring {
    /// The stored key that signs (unless a key is configured).
    signing: Option<SigningKey>,
    /// Every stored key that still verifies, with when it stops (`None`:
    /// the signing key, which verifies until it is replaced).
    verifying: HashMap<KeyId, (SigningKey, Option<DateTime<Utc>>)>,
}

impl ContextKeys {
    /// Resolves the keys at start (see the module's comment). `generate`
    /// allows storing a new key when the database has none
    /// (`STOREFEED_GENERATE_KEYS`).
    pub async fn load(
        pool: &PgPool,
        configured: Option<&str>,
        generate: bool,
        now: DateTime<Utc>,
    ) -> Result<ContextKeys, KeyError> {
        let configured = configured.map(configured_key);
        let mut ring = read(pool, now).await?;
        if configured.is_none() && ring.signing.is_none() {
            if !generate {
                return Err(KeyError::Missing);
            }
            if let Some(id) = generate_first(pool, now).await? {
                tracing::info!(key = id, "generated the key that signs context tokens and stored it in the database");
            }
            ring = read(pool, now).await?;
            if ring.signing.is_none() {
                return Err(KeyError::Missing);
            }
        }
        let keys = ContextKeys(Arc::new(Inner {
            pool: Some(pool.clone()),
            configured,
            ring: RwLock::new(ring),
            last_miss_reload: Mutex::new(None),
        }));
        match &keys.0.configured {
            Some(k) => tracing::info!(key = k.id(), "context tokens are signed with STOREFEED_CONTEXT_KEY"),
            None => tracing::info!(key = keys.signer().id(), "context tokens are signed with the stored key"),
        }
        Ok(keys)
    }

    /// One key that signs and verifies, with no database behind it.
    pub fn fixed(key: SigningKey) -> ContextKeys {
        ContextKeys(Arc::new(Inner {
            pool: None,
            configured: Some(key),
            ring: RwLock::default(),
            last_miss_reload: Mutex::new(None),
        }))
    }

    /// The key that signs new tokens now.
    pub fn signer(&self) -> SigningKey {
        if let Some(k) = &self.0.configured {
            return k.clone();
        }
        let ring = self.0.ring.read().unwrap_or_else(PoisonError::into_inner);
        ring.signing.clone().expect("a loaded ring has a signing key")
    }

    /// Signs `ctx` into a token for a URL, with the current signing key.
    pub fn sign(&self, ctx: &Context) -> String {
        self.signer().sign(ctx)
    }

    /// The context a genuine token names at `now`; `None` for anything else
    /// (tampered, truncated, not a token, or signed with a key this
    /// deployment never had or has retired).
    pub async fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Context> {
        let token = Token::parse(token)?;
        let Some(id) = token.key_id() else {
            // Version 1: only a configured key can have signed one that survived.
            return self.0.configured.as_ref()?.verify(&token);
        };
        if let Some(k) = self.0.configured.as_ref().filter(|k| k.id() == id) {
            return k.verify(&token);
        }
        let (key, until) = match self.stored(id) {
            Some(found) => found,
            None => {
                if !self.reload_after_miss(now).await {
                    return None;
                }
                self.stored(id)?
            }
        };
        if until.is_some_and(|until| now >= until) {
            return None; // retired
        }
        key.verify(&token)
    }

    fn stored(&self, id: KeyId) -> Option<(SigningKey, Option<DateTime<Utc>>)> {
        self.0.ring.read().unwrap_or_else(PoisonError::into_inner).verifying.get(&id).cloned()
    }

    /// Rereads the stored keys after a token named an unknown one; `false`
    /// when that was done less than a second ago (or cannot be done).
    async fn reload_after_miss(&self, now: DateTime<Utc>) -> bool {
        if self.0.pool.is_none() {
            return false;
        }
        {
            let mut last = self.0.last_miss_reload.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|at| at.elapsed() < MISS_RELOAD_EVERY) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match self.refresh(now).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "rereading the signing keys failed");
                false
            }
        }
    }

    /// Rereads the stored keys: a rotation's new key starts signing here,
    /// and keys past their `verify_until` drop out.
    pub async fn refresh(&self, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        let Some(pool) = &self.0.pool else {
            return Ok(());
        };
        let fresh = read(pool, now).await?;
        if fresh.signing.is_none() && self.0.configured.is_none() {
            tracing::error!("the stored key that signs context tokens is gone; keeping the keys read before");
            return Ok(());
        }
        let mut ring = self.0.ring.write().unwrap_or_else(PoisonError::into_inner);
        let (before, after) = (ring.signing.as_ref().map(SigningKey::id), fresh.signing.as_ref().map(SigningKey::id));
        if before != after && self.0.configured.is_none() {
            tracing::info!(key = after, replaced = before, "context tokens are now signed with a new stored key");
        }
        *ring = fresh;
        Ok(())
    }
}

/// What [`rotate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The new stored key, which signs from now on.
    pub signing: KeyId,
    /// The keys that stopped signing (the configured one included, when
    /// given) and verify until `verify_until`.
    pub replaced: Vec<KeyId>,
    pub verify_until: DateTime<Utc>,
}

/// Stores a new signing key; the one it replaces verifies for
/// [`verify_window`] more. With `configured` (`STOREFEED_CONTEXT_KEY`), that
/// key is stored too, as replaced, so once the variable is unset its tokens
/// still verify for the window. Two rotations at once run one after the
/// other.
pub async fn rotate(pool: &PgPool, configured: Option<&str>, now: DateTime<Utc>) -> Result<Rotation, sqlx::Error> {
    let verify_until = now + verify_window();
    let mut tx = pool.begin().await?;
    // Queues other rotations and first-key generation, never readers.
    sqlx::query("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
    let mut replaced = sqlx::query_scalar!(
        "UPDATE signing_keys SET retired_at = $2, verify_until = $3
         WHERE purpose = $1 AND retired_at IS NULL RETURNING id",
        PURPOSE,
        now,
        verify_until
    )
    .fetch_all(&mut *tx)
    .await?;
    if let Some(key) = configured.map(configured_key) {
        let (id, secret) = (i64::from(key.id()), key.secret().to_vec());
        sqlx::query!(
            "INSERT INTO signing_keys (id, purpose, secret, created_at, retired_at, verify_until)
             VALUES ($1, $2, $3, $4, $4, $5)
             ON CONFLICT (id) DO UPDATE SET retired_at = EXCLUDED.retired_at, verify_until = EXCLUDED.verify_until",
            id,
            PURPOSE,
            secret,
            now,
            verify_until
        )
        .execute(&mut *tx)
        .await?;
        replaced.push(id);
    }
    let signing = sqlx::query_scalar!(
        "INSERT INTO signing_keys (purpose, secret, created_at) VALUES ($1, $2, $3) RETURNING id",
        PURPOSE,
        new_secret(),
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Rotation { signing: key_id(signing), replaced: replaced.into_iter().map(key_id).collect(), verify_until })
}

/// Stores a first signing key unless one exists (the partial unique index
/// lets one of two concurrent starts win); its id, if this call stored it.
async fn generate_first(pool: &PgPool, now: DateTime<Utc>) -> Result<Option<KeyId>, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "INSERT INTO signing_keys (purpose, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (purpose) WHERE retired_at IS NULL DO NOTHING RETURNING id",
        PURPOSE,
        new_secret(),
        now
    )
    .fetch_optional(pool)
    .await?;
    Ok(id.map(key_id))
}

/// The stored keys that verify at `now`.
async fn read(pool: &PgPool, now: DateTime<Utc>) -> Result<Ring, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, secret, verify_until FROM signing_keys
         WHERE purpose = $1 AND (verify_until IS NULL OR verify_until > $2)",
        PURPOSE,
        now
    )
    .fetch_all(pool)
    .await?;
    let mut ring = Ring::default();
    for r in rows {
        let key = SigningKey::new(key_id(r.id), r.secret);
        if r.verify_until.is_none() {
            ring.signing = Some(key.clone());
        }
        ring.verifying.insert(key.id(), (key, r.verify_until));
    }
    Ok(ring)
}

/// The table's check keeps ids within a `KeyId`.
fn key_id(id: i64) -> KeyId {
    KeyId::try_from(id).expect("signing_keys.id is checked to fit 32 bits")
}

/// 256 random bits, generated once and stored: never a per-process key.
fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::tracking::Surface;
    use uuid::Uuid;

    const SECRET: &str = "a configured key of more than 32 characters";

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    fn ctx() -> Context {
        Context {
            post_id: Uuid::new_v4(),
            creators: vec![Uuid::new_v4()],
            surface: Surface::ProductCard,
            rendered_at: at(),
        }
    }

    async fn stored_keys(pool: &PgPool) -> i64 {
        sqlx::query_scalar!("SELECT count(*) FROM signing_keys").fetch_one(pool).await.unwrap().unwrap_or(0)
    }

    fn named(token: &str) -> Option<KeyId> {
        Token::parse(token)?.key_id()
    }

    #[test]
    fn a_configured_key_keeps_its_id_and_never_takes_a_stored_one() {
        let key = configured_key(SECRET);
        assert_eq!(key.id(), configured_key(&format!("  {SECRET}\n")).id(), "the value is trimmed, as before");
        assert_ne!(key.id(), configured_key("another configured key, 32+ characters").id());
        assert!(key.id() >= CONFIGURED_ID_BIT, "stored ids stay below 2^31");
    }

    #[tokio::test]
    async fn fixed_keys_verify_their_own_tokens_only() {
        let keys = ContextKeys::fixed(configured_key(SECRET));
        let c = ctx();
        assert_eq!(keys.verify(&keys.sign(&c), at()).await, Some(c.clone()));
        let other = SigningKey::new(1, vec![7; 32]).sign(&c);
        assert_eq!(keys.verify(&other, at()).await, None, "an unknown key verifies nothing");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_token_survives_a_restart_and_verifies_on_a_second_server(pool: PgPool) {
        let c = ctx();
        let first = ContextKeys::load(&pool, None, true, at()).await.unwrap();
        let token = first.sign(&c);
        assert_eq!(named(&token), Some(first.signer().id()));
        drop(first);

        // A restart: new state, same database; the key is read, not made.
        let restarted = ContextKeys::load(&pool, None, false, at()).await.unwrap();
        assert_eq!(restarted.verify(&token, at()).await, Some(c.clone()));
        let second = ContextKeys::load(&pool, None, true, at()).await.unwrap();
        assert_eq!(second.verify(&token, at()).await, Some(c.clone()));
        assert_eq!(restarted.verify(&second.sign(&c), at()).await, Some(c));
        assert_eq!(stored_keys(&pool).await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn servers_starting_together_on_an_empty_database_share_one_key(pool: PgPool) {
        let (a, b, c) = tokio::join!(
            ContextKeys::load(&pool, None, true, at()),
            ContextKeys::load(&pool, None, true, at()),
            ContextKeys::load(&pool, None, true, at()),
        );
        let ids = [a.unwrap().signer().id(), b.unwrap().signer().id(), c.unwrap().signer().id()];
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(stored_keys(&pool).await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn without_a_configured_or_stored_key_start_is_refused_unless_generating(pool: PgPool) {
        let err = ContextKeys::load(&pool, None, false, at()).await.err().expect("refused");
        assert!(matches!(err, KeyError::Missing));
        let message = err.to_string();
        assert!(message.contains("STOREFEED_CONTEXT_KEY") && message.contains("STOREFEED_GENERATE_KEYS"), "{message}");

        let configured = ContextKeys::load(&pool, Some(SECRET), false, at()).await.unwrap();
        assert_eq!(configured.signer().id(), configured_key(SECRET).id());
        assert_eq!(stored_keys(&pool).await, 0, "a configured key is not stored");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn after_a_rotation_old_tokens_verify_until_the_window_passes(pool: PgPool) {
        let c = ctx();
        let before = ContextKeys::load(&pool, None, true, at()).await.unwrap();
        let old_id = before.signer().id();
        let old = before.sign(&c);

        let rotated_at = at() + Duration::hours(1);
        let rotation = rotate(&pool, None, rotated_at).await.unwrap();
        assert_eq!(rotation.replaced, vec![old_id]);
        assert_ne!(rotation.signing, old_id);
        assert_eq!(rotation.verify_until, rotated_at + Duration::days(90));

        let after = ContextKeys::load(&pool, None, false, rotated_at).await.unwrap();
        let new = after.sign(&c);
        assert_eq!(named(&new), Some(rotation.signing), "the new key signs and its id is in the token");
        assert_eq!(after.verify(&old, rotated_at).await, Some(c.clone()), "the old key still verifies");

        // A server started before the rotation looks the unknown key up, and
        // signs with it from then on.
        assert_eq!(before.verify(&new, rotated_at).await, Some(c.clone()));
        assert_eq!(before.signer().id(), rotation.signing);

        let last_second = rotation.verify_until - Duration::seconds(1);
        assert_eq!(after.verify(&old, last_second).await, Some(c.clone()));
        assert_eq!(after.verify(&old, rotation.verify_until).await, None, "a retired key verifies nothing");
        let started_later = ContextKeys::load(&pool, None, false, rotation.verify_until).await.unwrap();
        assert_eq!(started_later.verify(&old, rotation.verify_until).await, None);
        assert_eq!(started_later.verify(&new, rotation.verify_until).await, Some(c));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_refresh_switches_to_the_new_key_and_drops_retired_ones(pool: PgPool) {
        let c = ctx();
        let server = ContextKeys::load(&pool, None, true, at()).await.unwrap();
        let old = server.sign(&c);
        let rotation = rotate(&pool, None, at()).await.unwrap();
        server.refresh(at()).await.unwrap();
        assert_eq!(server.signer().id(), rotation.signing);
        let old_id = named(&old).unwrap();
        assert!(server.stored(old_id).is_some());
        server.refresh(rotation.verify_until).await.unwrap();
        assert!(server.stored(old_id).is_none(), "gone from the ring once past its window");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn rotating_away_a_configured_key_keeps_its_tokens_for_the_window(pool: PgPool) {
        let c = ctx();
        let configured = ContextKeys::load(&pool, Some(SECRET), false, at()).await.unwrap();
        let token = configured.sign(&c);
        assert_eq!(named(&token), Some(configured_key(SECRET).id()));

        let rotation = rotate(&pool, Some(SECRET), at()).await.unwrap();
        assert_eq!(rotation.replaced, vec![configured_key(SECRET).id()]);
        // The variable unset: the stored key signs, the configured one verifies.
        let unset = ContextKeys::load(&pool, None, false, at()).await.unwrap();
        assert_eq!(unset.signer().id(), rotation.signing);
        assert_eq!(unset.verify(&token, at()).await, Some(c.clone()));
        assert_eq!(unset.verify(&token, rotation.verify_until).await, None);
        // Where it is still set, it signs, and verifies the stored key's tokens.
        assert_eq!(configured.signer().id(), configured_key(SECRET).id());
        assert_eq!(configured.verify(&unset.sign(&c), at()).await, Some(c));
    }
}
