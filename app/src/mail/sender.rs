//! Mail transports: the [`Mailer`] trait and the shipped file sender.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use lettre::message::Mailbox;

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

/// Writes each mail to `<dir>/<id>-<kind>.eml` as the RFC 5322 message an
/// SMTP sender would send (`message::build`; any mail program opens it) and
/// logs who it was for. The file is named by the outbox id, so sending the
/// same mail twice rewrites the same file.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    /// `from` is what the messages say they come from (`message::sender_for`).
    pub fn new(dir: impl Into<PathBuf>, from: Mailbox) -> Self {
        FileMailer { dir: dir.into(), from }
    }

    pub fn path_for(&self, mail: &QueuedMail) -> PathBuf {
        self.dir.join(format!("{:08}-{}.eml", mail.id, mail.kind))
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, mail: &'a QueuedMail) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            tokio::fs::create_dir_all(&self.dir)
                .await
                .map_err(|e| MailError(format!("creating {}: {e}", self.dir.display())))?;
            let path = self.path_for(mail);
            let message = super::message::build(mail, &self.from)?;
            tokio::fs::write(&path, message.formatted())
                .await
                .map_err(|e| MailError(format!("writing {}: {e}", path.display())))?;
            tracing::info!(to = %mail.to, subject = %mail.subject, kind = %mail.kind, file = %path.display(), "mail written");
            Ok(())
        })
    }
}
