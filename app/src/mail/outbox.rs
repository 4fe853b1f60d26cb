//! The `mail_outbox` table: writing mail with an action, handing it to the
//! mailer, and forgetting it once sent.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use super::{Mail, Mailer};
use crate::error::AppResult;

/// A mail as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Writes `mail` to the outbox; pass the transaction of the action it belongs to.
pub async fn enqueue(db: impl PgExecutor<'_>, mail: &Mail) -> AppResult<i64> {
    let id = sqlx::query_scalar!(
        "INSERT INTO mail_outbox (to_address, subject, text_body, html_body, kind)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        mail.to,
        mail.subject,
        mail.text,
        mail.html,
        mail.kind,
    )
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Whether a mail of `kind` to `to` was written since `since`.
pub async fn sent_recently(db: impl PgExecutor<'_>, to: &str, kind: &str, since: DateTime<Utc>) -> AppResult<bool> {
    let found = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE to_address = $1 AND kind = $2 AND created_at > $3) AS "found!""#,
        to,
        kind,
        since
    )
    .fetch_one(db)
    .await?;
    Ok(found)
}

/// The newest mail to `to` (of `kind`, when given), sent or not.
pub async fn latest_to(db: impl PgExecutor<'_>, to: &str, kind: Option<&str>) -> AppResult<Option<QueuedMail>> {
    let mail = sqlx::query_as!(
        QueuedMail,
        r#"SELECT id, to_address AS "to", subject, text_body AS "text", html_body AS "html", kind, created_at, sent_at
           FROM mail_outbox
           WHERE to_address = $1 AND ($2::text IS NULL OR kind = $2)
           ORDER BY id DESC
           LIMIT 1"#,
        to.trim().to_lowercase(),
        kind
    )
    .fetch_optional(db)
    .await?;
    Ok(mail)
}

/// Hands up to `batch` unsent mails to `mailer`, oldest first, and stamps
/// each one it accepted; returns how many were sent. Rows are locked while
/// they are sent (`SKIP LOCKED`), so two servers never send the same mail.
pub async fn drain(pool: &PgPool, mailer: &dyn Mailer, batch: i64) -> AppResult<usize> {
    let mut tx = pool.begin().await?;
    let unsent = sqlx::query_as!(
        QueuedMail,
        r#"SELECT id, to_address AS "to", subject, text_body AS "text", html_body AS "html", kind, created_at, sent_at
           FROM mail_outbox
           WHERE sent_at IS NULL
           ORDER BY id
           LIMIT $1
           FOR UPDATE SKIP LOCKED"#,
        batch
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut sent = 0;
    for mail in &unsent {
        match mailer.send(mail).await {
            Ok(()) => {
                sqlx::query!(
                    "UPDATE mail_outbox SET sent_at = app_now(), attempts = attempts + 1, last_error = NULL WHERE id = $1",
                    mail.id
                )
                .execute(&mut *tx)
                .await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = mail.id, kind = %mail.kind, error = %e, "sending mail failed; will retry");
                sqlx::query!(
                    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
                    mail.id,
                    e.0.chars().take(500).collect::<String>()
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(sent)
}

/// Removes mail sent more than two days ago (longer than any link in it works).
pub async fn purge_sent(pool: &PgPool) -> AppResult<u64> {
    let done =
        sqlx::query!("DELETE FROM mail_outbox WHERE sent_at < app_now() - interval '2 days'").execute(pool).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::sender::BoxFuture;
    use crate::mail::{FileMailer, MailError};

    fn mail(to: &str, kind: &'static str) -> Mail {
        Mail { to: to.into(), subject: "Hello".into(), text: "Plain".into(), html: "<p>Plain</p>".into(), kind }
    }

    struct Refusing;
    impl Mailer for Refusing {
        fn send<'a>(&'a self, _: &'a QueuedMail) -> BoxFuture<'a, Result<(), MailError>> {
            Box::pin(async { Err(MailError("relay down".into())) })
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn queued_mail_is_written_to_files_once_and_stamped_sent(pool: PgPool) {
        let dir = std::env::temp_dir().join(format!("storefeed-mail-{}", uuid::Uuid::new_v4()));
        let mailer = FileMailer::new(&dir, crate::mail::sender_for("https://shop.example"));
        enqueue(&pool, &mail("a@example.test", "verify_email")).await.unwrap();
        enqueue(&pool, &mail("b@example.test", "password_reset")).await.unwrap();

        assert_eq!(drain(&pool, &mailer, 10).await.unwrap(), 2);
        assert_eq!(drain(&pool, &mailer, 10).await.unwrap(), 0, "sent mail is not sent again");
        let a = latest_to(&pool, "A@example.test", None).await.unwrap().unwrap();
        assert!(a.sent_at.is_some());
        let written = std::fs::read_to_string(mailer.path_for(&a)).unwrap();
        assert!(written.contains("To: a@example.test") && written.contains("Plain"), "{written}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_failed_send_stays_in_the_outbox_for_the_next_round(pool: PgPool) {
        enqueue(&pool, &mail("a@example.test", "verify_email")).await.unwrap();
        assert_eq!(drain(&pool, &Refusing, 10).await.unwrap(), 0);
        let row = sqlx::query!("SELECT sent_at, attempts, last_error FROM mail_outbox").fetch_one(&pool).await.unwrap();
        assert_eq!((row.sent_at, row.attempts, row.last_error.as_deref()), (None, 1, Some("relay down")));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn mail_written_in_a_rolled_back_action_never_leaves(pool: PgPool) {
        let mut tx = pool.begin().await.unwrap();
        enqueue(&mut *tx, &mail("a@example.test", "verify_email")).await.unwrap();
        tx.rollback().await.unwrap();
        assert!(latest_to(&pool, "a@example.test", None).await.unwrap().is_none());
        let since = crate::clock::Clock::system().now() - chrono::Duration::minutes(1);
        assert!(!sent_recently(&pool, "a@example.test", "verify_email", since).await.unwrap());
    }
}
