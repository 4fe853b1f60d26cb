//! SQL owned by accounts: creating users and finding them to log in.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::validate::{Email, Username};
use crate::db_errors::on_constraint;
use crate::error::{AppError, AppResult};

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub display_name: &'a str,
}

pub async fn insert_user(db: impl PgExecutor<'_>, new: NewUser<'_>) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, $2, $3, $4, $5)",
        id,
        new.username.as_str(),
        new.email.as_str(),
        new.password_hash,
        new.display_name,
    )
    .execute(db)
    .await
    .map_err(|e| {
        on_constraint(
            e,
            &[
                ("users_username_key", || AppError::conflict("username", "That username is taken.")),
                ("users_email_key", || AppError::conflict("email", "An account with that email already exists.")),
            ],
        )
    })?;
    Ok(id)
}

/// Registration's insert: `None`, writing nothing, when the email already
/// has an account (the caller answers as if it had worked, and mails that
/// address instead). A taken username is a `Conflict` on `username`.
pub async fn insert_unless_email_taken(db: impl PgExecutor<'_>, new: NewUser<'_>) -> AppResult<Option<Uuid>> {
    let id = sqlx::query_scalar!(
        "INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email) DO NOTHING
         RETURNING id",
        Uuid::new_v4(),
        new.username.as_str(),
        new.email.as_str(),
        new.password_hash,
        new.display_name,
    )
    .fetch_optional(db)
    .await
    .map_err(|e| {
        on_constraint(e, &[("users_username_key", || AppError::conflict("username", "That username is taken."))])
    })?;
    Ok(id)
}

pub async fn username_taken(db: impl PgExecutor<'_>, username: &Username) -> AppResult<bool> {
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE username = $1) AS "taken!""#,
        username.as_str()
    )
    .fetch_one(db)
    .await?;
    Ok(taken)
}

/// What account mail and the password rules need to know of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNames {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub email_verified_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn names_by_email(db: impl PgExecutor<'_>, email: &Email) -> AppResult<Option<AccountNames>> {
    let row = sqlx::query_as!(
        AccountNames,
        "SELECT id, username, email, display_name, email_verified_at FROM users WHERE email = $1",
        email.as_str()
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

pub async fn names_by_id(db: impl PgExecutor<'_>, id: Uuid) -> AppResult<Option<AccountNames>> {
    let row = sqlx::query_as!(
        AccountNames,
        "SELECT id, username, email, display_name, email_verified_at FROM users WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

pub async fn set_password_hash(db: impl PgExecutor<'_>, id: Uuid, hash: &str) -> AppResult<()> {
    sqlx::query!("UPDATE users SET password_hash = $2 WHERE id = $1", id, hash).execute(db).await?;
    Ok(())
}

/// Marks `email` verified for account `id`, if it is still the account's
/// address; false if it is not (the link was for an address since changed).
pub async fn mark_email_verified(
    db: impl PgExecutor<'_>,
    id: Uuid,
    email: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE users SET email_verified_at = coalesce(email_verified_at, $3) WHERE id = $1 AND email = $2",
        id,
        email,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct LoginRow {
    pub id: Uuid,
    pub password_hash: String,
}

/// Finds an account by username or, when `identifier` has an `@`, by email.
pub async fn find_for_login(pool: &PgPool, identifier: &str) -> AppResult<Option<LoginRow>> {
    let key = identifier.trim().to_lowercase();
    let row = if key.contains('@') {
        sqlx::query_as!(LoginRow, "SELECT id, password_hash FROM users WHERE email = $1", key)
            .fetch_optional(pool)
            .await?
    } else {
        sqlx::query_as!(LoginRow, "SELECT id, password_hash FROM users WHERE username = $1", key)
            .fetch_optional(pool)
            .await?
    };
    Ok(row)
}

/// Gives `username` the admin role; false if no such user exists.
pub async fn promote_admin(pool: &PgPool, username: &str) -> AppResult<bool> {
    let done = sqlx::query!("UPDATE users SET role = 'admin' WHERE username = $1", username.trim().to_lowercase())
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::PgPool;

    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn finds_users_by_username_or_email_in_any_case(pool: PgPool) {
        let id = user(&pool, "alice").await;
        assert_eq!(find_for_login(&pool, "ALICE").await.unwrap().unwrap().id, id);
        assert_eq!(find_for_login(&pool, " Alice@Example.TEST ").await.unwrap().unwrap().id, id);
        assert!(find_for_login(&pool, "bob").await.unwrap().is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn usernames_are_unique_whatever_the_case(pool: PgPool) {
        user(&pool, "alice").await;
        let again = Username::parse("ALICE").unwrap();
        let email = Email::parse("other@example.test").unwrap();
        let err =
            insert_user(&pool, NewUser { username: &again, email: &email, password_hash: "x", display_name: "A" })
                .await
                .unwrap_err();
        assert_eq!(err, AppError::conflict("username", "That username is taken."));
        let count: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM users").fetch_one(&pool).await.unwrap();
        assert_eq!(count, 1, "nothing half-written");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn emails_are_unique_whatever_the_case(pool: PgPool) {
        user(&pool, "alice").await;
        let name = Username::parse("alice2").unwrap();
        let email = Email::parse("ALICE@example.test").unwrap();
        let err = insert_user(&pool, NewUser { username: &name, email: &email, password_hash: "x", display_name: "A" })
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some("email"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_database_rejects_bad_usernames_too(pool: PgPool) {
        let res = sqlx::query!(
            "INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, 'Bad Name', 'a@b.co', 'x', 'x')",
            Uuid::new_v4()
        )
        .execute(&pool)
        .await;
        assert!(res.is_err());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn admins_are_promoted_by_username(pool: PgPool) {
        user(&pool, "root_user").await;
        assert!(promote_admin(&pool, "ROOT_USER").await.unwrap());
        assert!(!promote_admin(&pool, "nobody").await.unwrap());
        let role: String =
            sqlx::query_scalar!("SELECT role FROM users WHERE username = 'root_user'").fetch_one(&pool).await.unwrap();
        assert_eq!(role, "admin");
    }
}
