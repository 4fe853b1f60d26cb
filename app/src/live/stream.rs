//! `GET /live?topics=stock:<id>,…`: one page's Server-Sent Events stream.
//! Each event's id is its outbox position, so the browser's automatic
//! reconnect (which sends `Last-Event-ID`) resumes where the page left
//! off; a page opening a new set of topics passes `after` for the same.
//! Stock and seats are public state and need no session; a user's bell
//! (`inbox:<id>`) is theirs alone: the session cookie must name that user,
//! or the stream is refused (401 signed out, 403 for anyone else).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::{broadcast, watch};

use super::hub::{replay, Pushed};
use super::Topic;
use crate::outbox::Position;
use crate::state::AppState;

/// How long the browser waits before reconnecting after a drop.
const RETRY: Duration = Duration::from_secs(1);
/// A comment this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    #[serde(default)]
    topics: String,
    after: Option<String>,
}

pub async fn handler(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<LiveQuery>) -> Response {
    let topics = match Topic::parse_list(&query.topics) {
        Ok(topics) => topics,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    if let Err(refused) = may_watch(&state, &headers, &topics).await {
        return refused;
    }
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(Position::parse)
        .or_else(|| query.after.as_deref().and_then(Position::parse));
    // Subscribe before reading what was missed: anything the relay hands
    // out from here on comes through the subscription, anything before
    // through the replay, and positions drop what both carry.
    let updates = state.live.subscribe();
    let missed = match after {
        Some(after) => replay(&state.pool, after, &topics).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "live: replay failed; the stream starts from now");
            Vec::new()
        }),
        None => Vec::new(),
    };
    let last = missed.last().map(|p| p.position).or(after);
    let hello = stream::once(async { Ok(SseEvent::default().retry(RETRY).comment("live")) });
    let missed = stream::iter(missed).map(|p| Ok(event(&p)));
    let live = following(Following { updates, closed: state.live.closed(), topics, last });
    Sse::new(hello.chain(missed).chain(live)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response()
}

/// Whether the request's session may watch every topic: a bell only by
/// its owner.
async fn may_watch(state: &AppState, headers: &HeaderMap, topics: &[Topic]) -> Result<(), Response> {
    let inboxes: Vec<uuid::Uuid> = topics
        .iter()
        .filter_map(|t| match t {
            Topic::Inbox(user) => Some(*user),
            _ => None,
        })
        .collect();
    if inboxes.is_empty() {
        return Ok(());
    }
    let token = crate::request::cookie_in(headers, crate::accounts::session::COOKIE_NAME);
    let user = match token {
        Some(token) => crate::accounts::session::lookup(&state.pool, &token).await.ok().flatten(),
        None => None,
    };
    match user {
        None => Err((StatusCode::UNAUTHORIZED, "Sign in to watch your notifications.").into_response()),
        Some(user) if inboxes.iter().all(|id| *id == user.id) => Ok(()),
        Some(_) => Err((StatusCode::FORBIDDEN, "That is not your inbox.").into_response()),
    }
}

fn event(pushed: &Pushed) -> SseEvent {
    SseEvent::default().id(pushed.position.to_string()).data(&pushed.json)
}

struct Following {
    updates: broadcast::Receiver<Arc<Pushed>>,
    closed: watch::Receiver<bool>,
    topics: Vec<Topic>,
    last: Option<Position>,
}

/// The stream's updates from now on, for its topics. It ends when it falls
/// so far behind that updates were dropped for it (the browser reconnects
/// and replays from its last event) or when the server shuts down.
fn following(state: Following) -> impl Stream<Item = Result<SseEvent, std::convert::Infallible>> {
    stream::unfold(state, |mut s| async move {
        loop {
            let got = tokio::select! {
                got = s.updates.recv() => got,
                _ = s.closed.wait_for(|closed| *closed) => return None,
            };
            match got {
                Ok(pushed) => {
                    if s.last.is_some_and(|last| pushed.position <= last)
                        || s.topics.binary_search(&pushed.topic).is_err()
                    {
                        continue;
                    }
                    s.last = Some(pushed.position);
                    return Some((Ok(event(&pushed)), s));
                }
                Err(broadcast::error::RecvError::Lagged(_)) | Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
