//! Pages only admins may open. Each checks the caller's role on the server
//! (the page's data call answers 403 to anyone else).

pub mod counters;
pub mod outbox;
