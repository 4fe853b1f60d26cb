//! Mail transports: the [`Mailer`] trait and the shipped file sender.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use super::QueuedMail;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a mail could not be handed over; it stays in the outbox and is tried again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

/// Delivers one mail. Implementations must be safe to call again for the
/// same mail (a crash between sending and stamping sends it twice).
pub trait Mailer: Send + Sync + 'static {
    fn send<'a>(&'a self, mail: &'a QueuedMail) -> BoxFuture<'a, Result<(), MailError>>;
}

/// Writes each mail to `<dir>/<id>-<kind>.eml` (headers, the plain text,
/// then the HTML) and logs who it was for. The file is named by the
/// outbox id, so sending the same mail twice rewrites the same file.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileMailer { dir: dir.into() }
    }

    pub fn path_for(&self, mail: &QueuedMail) -> PathBuf {
        self.dir.join(format!("{:08}-{}.eml", mail.id, mail.kind))
    }
}

/// The file's contents: a readable approximation of the MIME message.
fn render(mail: &QueuedMail) -> String {
    format!(
        "To: {}\nSubject: {}\nX-Storefeed-Kind: {}\nDate: {}\n\n{}\n\n--- HTML ---\n{}\n",
        mail.to,
        mail.subject,
        mail.kind,
        mail.created_at.to_rfc2822(),
        mail.text,
        mail.html
    )
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, mail: &'a QueuedMail) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            tokio::fs::create_dir_all(&self.dir)
                .await
                .map_err(|e| MailError(format!("creating {}: {e}", self.dir.display())))?;
            let path = self.path_for(mail);
            tokio::fs::write(&path, render(mail))
                .await
                .map_err(|e| MailError(format!("writing {}: {e}", path.display())))?;
            tracing::info!(to = %mail.to, subject = %mail.subject, kind = %mail.kind, file = %path.display(), "mail written");
            Ok(())
        })
    }
}
