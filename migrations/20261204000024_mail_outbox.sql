-- Outgoing mail, written in the same transaction as the action that sends
-- it (a registration, a password reset), so a mail goes out exactly when
-- its action committed. A job hands unsent rows to the configured mailer
-- (app/src/mail/) and stamps `sent_at`; failures are retried.
CREATE TABLE mail_outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address  text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
    subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    text_body   text NOT NULL,
    html_body   text NOT NULL,
    -- What the mail is for ('verify_email', 'password_reset', ...): lets a
    -- sender limit repeats and a test find the mail it expects.
    kind        text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  text
);
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (id) WHERE sent_at IS NULL;
CREATE INDEX mail_outbox_recipient_idx ON mail_outbox (to_address, kind, created_at DESC);
