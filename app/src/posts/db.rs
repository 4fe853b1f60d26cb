//! SQL owned by posts: publishing (post, images, invited collaborators and
//! the author's post count in one transaction) and the feeds, which never
//! return a followers-only post to someone who does not follow its author.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::PgPool;
use uuid::Uuid;

use super::card_links::CardLinks;
use super::cards::{Card, CardCache};
use super::compose::NewPost;
use super::text::{segments, Mention};
use super::timeline::Candidate;
use super::{Author, FeedPage, MediaView, PostView, TagKind, TagView, Visibility, FEED_PAGE_SIZE};
use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};
use crate::media::StoredPostImage;
use crate::social::Cursor;

/// Publishes a post with its (already stored) images.
pub async fn publish(
    pool: &PgPool,
    author: Uuid,
    body: &str,
    visibility: Visibility,
    images: &[StoredPostImage],
) -> AppResult<Uuid> {
    insert(pool, author, body, visibility, images, true, None, &[]).await
}

/// Saves a draft only its author sees, to tag and link before publishing.
pub async fn save_draft(
    pool: &PgPool,
    author: Uuid,
    body: &str,
    visibility: Visibility,
    images: &[StoredPostImage],
) -> AppResult<Uuid> {
    insert(pool, author, body, visibility, images, false, None, &[]).await
}

/// Saves a post from the compose form, published or as a draft, quoting
/// `quote_of` (`reposts`) and inviting the accounts named in `invite` to
/// co-author it (`collabs`): one transaction, so a refused quote or
/// invitation saves nothing.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    pool: &PgPool,
    author: Uuid,
    body: &str,
    visibility: Visibility,
    images: &[StoredPostImage],
    published: bool,
    quote_of: Option<Uuid>,
    invite: &[String],
) -> AppResult<Uuid> {
    insert(pool, author, body, visibility, images, published, quote_of, invite).await
}

/// Saves a post as the compose form sent it (`create`), with the group
/// deals and installment plans it links (`card_links`) in the same
/// transaction: a refused link saves nothing. It counts against the
/// author's post limit (`quota`, see `limits`); the helpers above, for
/// seeding and tests, count nothing.
pub async fn create_linked(
    pool: &PgPool,
    quota: &Quota,
    post: &NewPost<'_>,
    images: &[StoredPostImage],
) -> AppResult<Uuid> {
    let published = !post.draft;
    let NewPost { author, body, visibility, quote_of, collaborators, cards, .. } = *post;
    insert_linked(pool, quota, author, body, visibility, images, published, quote_of, collaborators, cards).await
}

/// Saves a post (published or a draft), quoting `quote_of` if set: a
/// published quote is checked and counted on its original in the same
/// transaction (`reposts::db::count_quote`), as are its invitations and
/// its linked groups and plans.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert(
    pool: &PgPool,
    author: Uuid,
    body: &str,
    visibility: Visibility,
    images: &[StoredPostImage],
    published: bool,
    quote_of: Option<Uuid>,
    invite: &[String],
) -> AppResult<Uuid> {
    let (quota, cards) = (&Quota::exempt(), &CardLinks::default());
    insert_linked(pool, quota, author, body, visibility, images, published, quote_of, invite, cards).await
}

/// `insert`, with the group deals and installment plans the post shows,
/// counted against `quota`.
#[allow(clippy::too_many_arguments)]
async fn insert_linked(
    pool: &PgPool,
    quota: &Quota,
    author: Uuid,
    body: &str,
    visibility: Visibility,
    images: &[StoredPostImage],
    published: bool,
    quote_of: Option<Uuid>,
    invite: &[String],
    cards: &CardLinks,
) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, author).await?;
    quota.take(&mut tx, Action::Post).await?;
    sqlx::query!(
        "INSERT INTO posts (id, author_id, body, status, visibility, published_at, quote_of)
         VALUES ($1, $2, $3, CASE WHEN $5 THEN 'published' ELSE 'draft' END, $4, CASE WHEN $5 THEN app_now() END, $6)",
        id,
        author,
        body,
        visibility.as_str(),
        published,
        quote_of
    )
    .execute(&mut *tx)
    .await?;
    for (pos, img) in images.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO post_media (id, post_id, position, url_150, url_600, url_1200, width, height)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            Uuid::new_v4(),
            id,
            pos as i16,
            img.urls[0],
            img.urls[1],
            img.urls[2],
            img.width as i32,
            img.height as i32,
        )
        .execute(&mut *tx)
        .await?;
    }
    super::refs::store(&mut tx, id, body).await?;
    if !invite.is_empty() {
        super::collabs::db::invite_locked(&mut tx, id, author, invite).await?;
    }
    if !cards.is_empty() {
        // The database's side of the app's clock, in this transaction.
        let now = sqlx::query_scalar!(r#"SELECT app_now() AS "now!""#).fetch_one(&mut *tx).await?;
        super::card_links::save(&mut tx, author, id, cards, now).await?;
    }
    if published {
        if let Some(quoted) = quote_of {
            super::reposts::db::count_quote(&mut tx, author, quoted).await?;
        }
        sqlx::query!("UPDATE users SET posts_count = posts_count + 1 WHERE id = $1", author).execute(&mut *tx).await?;
        super::events::publish(&mut tx, super::events::PUBLISHED, id, author).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A post row as the feeds read it; `pub(super)` so related feeds reuse `assemble`.
pub(super) struct PostRow {
    pub id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub visibility: String,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub edited_at: Option<chrono::DateTime<chrono::Utc>>,
    pub like_count: i32,
    pub comment_count: i32,
    pub comments_off: bool,
    /// Set on a repost: the post it shows.
    pub repost_of: Option<Uuid>,
    /// Set on a quote: the post it embeds.
    pub quote_of: Option<Uuid>,
    pub repost_count: i32,
    pub quote_count: i32,
    pub username: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
}

/// The home feed: the viewer's own posts and those of accounts they follow,
/// read from their timeline (`posts::timeline`), without the card cache.
pub async fn home_feed(pool: &PgPool, viewer: Uuid, cursor: Option<Cursor>) -> AppResult<FeedPage> {
    super::timeline::db::home_feed(pool, None, viewer, cursor).await
}

/// Explore: public posts from accounts the viewer does not follow, best
/// first (`posts::explore`).
pub async fn explore_feed(pool: &PgPool, viewer: Option<Uuid>, cursor: Option<Cursor>) -> AppResult<FeedPage> {
    super::explore::feed(pool, viewer, cursor).await
}

/// A profile's posts the viewer may see: those it created and those it
/// co-authors (`collabs`), each as its creator's rule has it: all of them
/// for the creator and their followers, public ones for everyone else, none
/// of a private account's for anyone but its accepted followers
/// (`post_visible_to`).
pub async fn author_posts(
    pool: &PgPool,
    username: &str,
    viewer: Option<Uuid>,
    cursor: Option<Cursor>,
) -> AppResult<FeedPage> {
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    // Each half walks its own index newest first and stops at a page.
    let rows = sqlx::query_as!(
        PostRow,
        r#"SELECT p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count, p.quote_count,
                  u.username, u.display_name, u.avatar_url
           FROM ((SELECT q.id FROM users o JOIN posts q ON q.author_id = o.id
                  WHERE o.username = $1 AND q.status = 'published' AND post_visible_to(q, $2)
                    AND ($3::timestamptz IS NULL OR (q.published_at, q.id) < ($3, $4::uuid))
                  ORDER BY q.published_at DESC, q.id DESC
                  LIMIT $5)
                 UNION
                 (SELECT q.id FROM users o
                  JOIN post_collaborators c ON c.user_id = o.id AND c.status = 'accepted'
                  JOIN posts q ON q.id = c.post_id
                  WHERE o.username = $1 AND q.status = 'published' AND post_visible_to(q, $2)
                    AND ($3::timestamptz IS NULL OR (q.published_at, q.id) < ($3, $4::uuid))
                  ORDER BY q.published_at DESC, q.id DESC
                  LIMIT $5)) top
           JOIN posts p ON p.id = top.id JOIN users u ON u.id = p.author_id
           ORDER BY p.published_at DESC, p.id DESC
           LIMIT $5"#,
        username.trim().to_lowercase(),
        viewer,
        at,
        after,
        FEED_PAGE_SIZE + 1
    )
    .fetch_all(pool)
    .await?;
    assemble(pool, rows, viewer).await
}

/// One post, if the viewer may see it (`post_visible_to`: a draft only by its author).
pub async fn post(pool: &PgPool, id: Uuid, viewer: Option<Uuid>) -> AppResult<Option<PostView>> {
    let rows = sqlx::query_as!(
        PostRow,
        r#"SELECT p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count, p.quote_count,
                  u.username, u.display_name, u.avatar_url
           FROM posts p JOIN users u ON u.id = p.author_id
           WHERE p.id = $1 AND post_visible_to(p, $2)"#,
        id,
        viewer,
    )
    .fetch_all(pool)
    .await?;
    Ok(assemble(pool, rows, viewer).await?.posts.into_iter().next())
}

/// Turns a page of post rows (one extra for "is there more") into views.
/// Everything a card shows besides the row (images with their tags, whether
/// the viewer liked it, the names its text may link) comes back in one
/// query, so a feed page costs two round trips, three when a post on it
/// links cards.
pub(super) async fn assemble(pool: &PgPool, mut rows: Vec<PostRow>, viewer: Option<Uuid>) -> AppResult<FeedPage> {
    let more = rows.len() as i64 > FEED_PAGE_SIZE;
    rows.truncate(FEED_PAGE_SIZE as usize);
    let next_cursor =
        if more { rows.last().and_then(|r| r.published_at.map(|at| Cursor { at, id: r.id }.encode())) } else { None };
    let posts = listed(pool, rows, viewer).await?;
    Ok(FeedPage { posts, next_cursor })
}

/// `assemble` for rows in no particular order, placed by `keys` (the page's
/// order and cursor, one extra for "is there more"); a row gone missing
/// since its key was read is left out.
pub(super) async fn assemble_keyed(
    pool: &PgPool,
    rows: Vec<PostRow>,
    mut keys: Vec<super::timeline::Key>,
    viewer: Option<Uuid>,
) -> AppResult<FeedPage> {
    let more = keys.len() as i64 > FEED_PAGE_SIZE;
    keys.truncate(FEED_PAGE_SIZE as usize);
    let next_cursor = if more { keys.last().map(|k| Cursor { at: k.at, id: k.id }.encode()) } else { None };
    let mut by_id: HashMap<Uuid, PostRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    let rows: Vec<PostRow> = keys.iter().filter_map(|k| by_id.remove(&k.id)).collect();
    let posts = listed(pool, rows, viewer).await?;
    Ok(FeedPage { posts, next_cursor })
}

/// Post rows as the viewer's views, in order (`views`, then `for_reader`).
pub(super) async fn listed(pool: &PgPool, rows: Vec<PostRow>, viewer: Option<Uuid>) -> AppResult<Vec<PostView>> {
    for_reader(pool, viewer, views(pool, rows, viewer).await?).await
}

/// What a page of cards shows one reader besides the shared card: tags of
/// accounts blocked either way taken off, quoted originals as they may see
/// them, and the links' context tokens naming each post's creators.
async fn for_reader(pool: &PgPool, viewer: Option<Uuid>, cards: Vec<Card>) -> AppResult<Vec<PostView>> {
    let authors = creators(&cards);
    let mut posts: Vec<PostView> = cards.into_iter().map(|c| c.view).collect();
    hide_blocked_tags(pool, viewer, &mut posts).await?;
    super::reposts::db::fill_quotes(pool, viewer, &mut posts).await?;
    crate::groups::db::fill_cards(pool, &mut posts, clock_now()).await?;
    crate::plans::db::for_reader(pool, viewer, &mut posts).await?;
    stamp(&mut posts, &authors);
    Ok(posts)
}

/// The app's clock in a request; the system's outside one (tests, jobs).
fn clock_now() -> chrono::DateTime<chrono::Utc> {
    leptos::prelude::use_context::<crate::state::AppState>()
        .map(|state| state.clock.now())
        .unwrap_or_else(|| crate::clock::Clock::system().now())
}

/// `(post, creator)` for every creator of every post, as `stamp` takes
/// them: its author, then its accepted co-authors (credited alike).
fn creators(cards: &[Card]) -> Vec<(Uuid, Uuid)> {
    cards
        .iter()
        .flat_map(|c| std::iter::once(c.author_id).chain(c.coauthor_ids.iter().copied()).map(|a| (c.view.id, a)))
        .collect()
}

/// Signs the context tokens of the posts' product and shop links for this
/// request (nothing outside a request: tests, jobs); `authors` names each
/// post's creators, co-authors included.
fn stamp(posts: &mut [PostView], authors: &[(Uuid, Uuid)]) {
    if let Some(state) = leptos::prelude::use_context::<crate::state::AppState>() {
        crate::attribution::stamp(posts, authors, &state.context_keys.signer(), state.clock.now());
    }
}

/// Post rows as cards, in order; `viewer: None` gives every reader's card
/// (not liked, not theirs). A repost row becomes its original's card with
/// `reposted_by` set (left out if the original has gone since).
async fn views(pool: &PgPool, rows: Vec<PostRow>, viewer: Option<Uuid>) -> AppResult<Vec<Card>> {
    let own: std::collections::HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    let missing: Vec<Uuid> = rows.iter().filter_map(|r| r.repost_of).filter(|id| !own.contains(id)).collect();
    let originals = if missing.is_empty() { Vec::new() } else { by_ids(pool, &missing).await? };
    let shown: Vec<&PostRow> = rows.iter().filter(|r| r.repost_of.is_none()).chain(&originals).collect();
    let ids: Vec<Uuid> = shown.iter().map(|r| r.id).collect();
    let details: HashMap<Uuid, Details> = details(pool, &ids, viewer).await?;
    let linked: Vec<Uuid> = details.iter().filter(|(_, d)| d.has_links).map(|(id, _)| *id).collect();
    let links = if linked.is_empty() { HashMap::new() } else { super::links::db::cards(pool, &linked).await? };
    let planned: Vec<Uuid> = details.iter().filter(|(_, d)| d.has_plans).map(|(id, _)| *id).collect();
    let plans = if planned.is_empty() { HashMap::new() } else { crate::plans::db::cards(pool, &planned).await? };
    let mut cards = HashMap::with_capacity(shown.len());
    for r in shown {
        let mut view = view(r, details.get(&r.id), links.get(&r.id), viewer)?;
        view.plans = plans.get(&r.id).cloned().unwrap_or_default();
        let coauthor_ids =
            details.get(&r.id).map(|d| d.coauthors.iter().map(|(id, _)| *id).collect()).unwrap_or_default();
        cards.insert(r.id, Card { author_id: r.author_id, coauthor_ids, view });
    }
    Ok(rows
        .iter()
        .filter_map(|r| match r.repost_of {
            None => cards.get(&r.id).cloned(),
            Some(original) => cards.get(&original).cloned().map(|mut card| {
                card.view.entry_id = r.id;
                card.view.reposted_by = Some(author(r));
                card
            }),
        })
        .collect())
}

fn author(r: &PostRow) -> Author {
    Author { username: r.username.clone(), display_name: r.display_name.clone(), avatar_url: r.avatar_url.clone() }
}

/// One post row's view with what `details` read for it.
fn view(
    r: &PostRow,
    d: Option<&Details>,
    links: Option<&Vec<super::links::LinkCard>>,
    viewer: Option<Uuid>,
) -> AppResult<PostView> {
    let empty = Details::default();
    let d = d.unwrap_or(&empty);
    Ok(PostView {
        links: links.cloned().unwrap_or_default(),
        groups: Vec::new(),
        plans: Vec::new(),
        is_author: viewer == Some(r.author_id),
        is_coauthor: viewer.is_some_and(|v| d.coauthors.iter().any(|(id, _)| *id == v)),
        coauthors: d.coauthors.iter().map(|(_, a)| a.clone()).collect(),
        pending_coauthors: d.pending.clone(),
        liked: d.liked,
        saved: d.saved,
        bookmark_count: d.bookmark_count,
        reposted: d.reposted,
        shareable: d.shareable,
        id: r.id,
        entry_id: r.id,
        author: author(r),
        segments: segments(&r.body, |m| match m {
            Mention::User(name) => d.ref_users.contains(name),
            Mention::Shop(handle) => d.ref_shops.contains(handle),
            Mention::Hashtag(_) => true,
        }),
        media: d.media.clone(),
        body: r.body.clone(),
        visibility: Visibility::parse(&r.visibility)?,
        is_draft: r.status == "draft",
        edited: r.edited_at.is_some(),
        published_at: r.published_at.unwrap_or(r.created_at),
        like_count: r.like_count.into(),
        comment_count: r.comment_count.into(),
        comments_off: r.comments_off,
        repost_count: r.repost_count.into(),
        quote_count: r.quote_count.into(),
        reposted_by: None,
        quote: r.quote_of.map(|id| super::reposts::Quote { id, shown: None }),
    })
}

/// The views of feed candidates the reader may see, in order: each card
/// from `cache` when it holds it (read and stored otherwise), with what is
/// the reader's own (their like, their authorship, context tokens) added.
pub(super) async fn feed_cards(
    pool: &PgPool,
    cache: Option<&CardCache>,
    viewer: Uuid,
    shown: &[Candidate],
) -> AppResult<Vec<PostView>> {
    // A repost brings its original's card; each post once a page, at its newest entry.
    let mut ids: Vec<Uuid> = shown.iter().map(|c| c.original.unwrap_or(c.key.id)).collect();
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let (mut found, missing) = match cache {
        Some(cache) => cache.get_many(&ids),
        None => (HashMap::new(), ids),
    };
    if !missing.is_empty() {
        let ticket = cache.map(CardCache::ticket);
        let read = cards(pool, &missing).await?;
        found.extend(read.iter().map(|c| (c.view.id, Arc::new(c.clone()))));
        if let (Some(cache), Some(ticket)) = (cache, ticket) {
            cache.put(ticket, read);
        }
    }
    let reposters: Vec<Uuid> = shown.iter().filter(|c| c.original.is_some()).map(|c| c.author_id).collect();
    let reposters =
        if reposters.is_empty() { HashMap::new() } else { super::reposts::db::authors(pool, &reposters).await? };
    let mut page = Vec::with_capacity(shown.len());
    let mut placed = std::collections::HashSet::new();
    for c in shown {
        let id = c.original.unwrap_or(c.key.id);
        let Some(card) = found.get(&id).filter(|_| placed.insert(id)) else { continue };
        let mut card = Card::clone(card);
        card.view.liked = c.liked;
        card.view.saved = c.saved;
        card.view.reposted = c.reposted;
        card.view.is_author = card.author_id == viewer;
        card.view.is_coauthor = card.coauthor_ids.contains(&viewer);
        if c.original.is_some() {
            card.view.entry_id = c.key.id;
            card.view.reposted_by = reposters.get(&c.author_id).cloned();
        }
        page.push(card);
    }
    for_reader(pool, Some(viewer), page).await
}

/// Takes the tags and byline names of accounts blocked either way with the
/// viewer off their cards: a post someone else created stays, but neither
/// side sees the other tagged in it or named as its co-author. Cards are
/// every reader's (and cached), so this is per reader.
async fn hide_blocked_tags(pool: &PgPool, viewer: Option<Uuid>, posts: &mut [PostView]) -> AppResult<()> {
    let Some(viewer) = viewer else { return Ok(()) };
    let has_user_tags = posts.iter().flat_map(|p| &p.media).flat_map(|m| &m.tags).any(|t| t.kind == TagKind::User);
    let has_names = posts.iter().any(|p| !p.coauthors.is_empty() || !p.pending_coauthors.is_empty());
    if !has_user_tags && !has_names {
        return Ok(());
    }
    let blocked = crate::social::safety::db::blocked_usernames(pool, viewer).await?;
    if blocked.is_empty() {
        return Ok(());
    }
    for post in posts.iter_mut() {
        post.coauthors.retain(|a| !blocked.contains(&a.username));
        post.pending_coauthors.retain(|a| !blocked.contains(&a.username));
    }
    for media in posts.iter_mut().flat_map(|p| p.media.iter_mut()) {
        media
            .tags
            .retain(|t| t.kind != TagKind::User || !t.href.strip_prefix("/u/").is_some_and(|u| blocked.contains(u)));
    }
    Ok(())
}

/// Every reader's cards of these posts, read from the database.
async fn cards(pool: &PgPool, ids: &[Uuid]) -> AppResult<Vec<Card>> {
    views(pool, by_ids(pool, ids).await?, None).await
}

/// These post rows, whatever their state (the caller decided who sees them).
async fn by_ids(pool: &PgPool, ids: &[Uuid]) -> AppResult<Vec<PostRow>> {
    Ok(sqlx::query_as!(
        PostRow,
        r#"SELECT p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count,
                  p.quote_count, u.username, u.display_name, u.avatar_url
           FROM posts p JOIN users u ON u.id = p.author_id
           WHERE p.id = ANY($1)"#,
        ids
    )
    .fetch_all(pool)
    .await?)
}

/// What a card shows besides its post row.
#[derive(Default)]
struct Details {
    media: Vec<MediaView>,
    liked: bool,
    /// The viewer saved it (`posts::bookmarks`).
    saved: bool,
    /// How many saved it, for its author only.
    bookmark_count: Option<i64>,
    /// The viewer reposted it (`posts::reposts`).
    reposted: bool,
    /// It may be reposted or quoted (`post_shareable`).
    shareable: bool,
    has_links: bool,
    /// It shows plan cards (`plans`).
    has_plans: bool,
    ref_users: Vec<String>,
    ref_shops: Vec<String>,
    /// Accepted co-authors in the order they accepted, with their ids.
    coauthors: Vec<(Uuid, Author)>,
    /// Open invitations, for the post's creator only.
    pending: Vec<Author>,
}

#[derive(serde::Deserialize)]
struct PersonJson {
    id: Uuid,
    username: String,
    display_name: String,
    avatar_url: Option<String>,
}

impl PersonJson {
    fn author(self) -> (Uuid, Author) {
        (self.id, Author { username: self.username, display_name: self.display_name, avatar_url: self.avatar_url })
    }
}

#[derive(serde::Deserialize)]
struct MediaJson {
    id: Uuid,
    url_600: String,
    url_1200: String,
    width: i32,
    height: i32,
    alt: String,
    tags: Vec<TagJson>,
}

#[derive(serde::Deserialize)]
struct TagJson {
    id: Uuid,
    x: f64,
    y: f64,
    kind: String,
    product_id: Option<Uuid>,
    label: String,
    href: String,
}

impl From<MediaJson> for MediaView {
    fn from(m: MediaJson) -> MediaView {
        let tags = m
            .tags
            .into_iter()
            .map(|t| TagView {
                kind: match t.kind.as_str() {
                    "product" => TagKind::Product,
                    "shop" => TagKind::Shop,
                    _ => TagKind::User,
                },
                id: t.id,
                x_pct: t.x,
                y_pct: t.y,
                label: t.label,
                href: t.href,
                product_id: t.product_id,
                ctx: None,
            })
            .collect();
        MediaView {
            id: m.id,
            url_600: m.url_600,
            url_1200: m.url_1200,
            width: m.width,
            height: m.height,
            alt: m.alt,
            tags,
        }
    }
}

/// One row per post: its images (in order, each with the tags that still
/// point at something live: a product tag only while the product is active)
/// as JSON, the viewer's like and bookmark (and, for its author, how many
/// saved it and whom they invited to co-author it), its co-authors, whether
/// it links cards, and the user and shop names its text referenced when
/// written.
async fn details(pool: &PgPool, ids: &[Uuid], viewer: Option<Uuid>) -> AppResult<HashMap<Uuid, Details>> {
    let rows = sqlx::query!(
        r#"SELECT p.id AS "id!",
                  EXISTS (SELECT 1 FROM post_likes l WHERE l.user_id = $2 AND l.post_id = p.id) AS "liked!",
                  EXISTS (SELECT 1 FROM post_links k WHERE k.post_id = p.id) AS "has_links!",
                  EXISTS (SELECT 1 FROM post_plans k WHERE k.post_id = p.id) AS "has_plans!",
                  EXISTS (SELECT 1 FROM posts r WHERE r.author_id = $2 AND r.repost_of = p.id) AS "reposted!",
                  COALESCE((SELECT post_shareable(q) FROM posts q WHERE q.id = p.id), false) AS "shareable!",
                  EXISTS (SELECT 1 FROM bookmarks b WHERE b.user_id = $2 AND b.post_id = p.id) AS "saved!",
                  (SELECT q.bookmark_count FROM posts q WHERE q.id = p.id AND q.author_id = $2) AS bookmark_count,
                  ARRAY(SELECT u.username FROM post_refs r JOIN users u ON u.id = r.user_id
                        WHERE r.post_id = p.id AND r.kind = 'user') AS "ref_users!",
                  ARRAY(SELECT s.handle FROM post_refs r JOIN shops s ON s.id = r.shop_id
                        WHERE r.post_id = p.id AND r.kind = 'shop') AS "ref_shops!",
                  (SELECT COALESCE(json_agg(json_build_object(
                              'id', m.id, 'url_600', m.url_600, 'url_1200', m.url_1200,
                              'width', m.width, 'height', m.height, 'alt', m.alt,
                              'tags', (SELECT COALESCE(json_agg(json_build_object(
                                          'id', t.id, 'x', t.x_pct, 'y', t.y_pct, 'kind', t.kind,
                                          'product_id', t.product_id,
                                          'label', COALESCE(pr.title, s.name, u.display_name),
                                          'href', CASE t.kind WHEN 'product' THEN '/p/' || pr.id::text
                                                              WHEN 'shop' THEN '/s/' || s.handle
                                                              ELSE '/u/' || u.username END)), '[]')
                                       FROM image_tags t
                                       LEFT JOIN products pr ON t.kind = 'product' AND pr.id = t.product_id AND pr.status = 'active'
                                       LEFT JOIN shops s ON t.kind = 'shop' AND s.id = t.shop_id
                                       LEFT JOIN users u ON t.kind = 'user' AND u.id = t.user_id
                                       WHERE t.media_id = m.id AND (t.kind <> 'product' OR pr.id IS NOT NULL)))
                              ORDER BY m.position), '[]')
                   FROM post_media m WHERE m.post_id = p.id)::text AS "media!",
                  (SELECT COALESCE(json_agg(json_build_object(
                              'id', u.id, 'username', u.username, 'display_name', u.display_name,
                              'avatar_url', u.avatar_url) ORDER BY c.accepted_at, u.username), '[]')
                   FROM post_collaborators c JOIN users u ON u.id = c.user_id
                   WHERE c.post_id = p.id AND c.status = 'accepted')::text AS "coauthors!",
                  (SELECT COALESCE(json_agg(json_build_object(
                              'id', u.id, 'username', u.username, 'display_name', u.display_name,
                              'avatar_url', u.avatar_url) ORDER BY c.invited_at, u.username), '[]')
                   FROM post_collaborators c JOIN users u ON u.id = c.user_id JOIN posts q ON q.id = c.post_id
                   WHERE c.post_id = p.id AND c.status = 'invited' AND q.author_id = $2)::text AS "pending!"
           FROM unnest($1::uuid[]) AS p(id)"#,
        ids,
        viewer
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let media: Vec<MediaJson> = serde_json::from_str(&r.media).map_err(|e| {
                tracing::error!(error = %e, "feed details: unreadable media JSON");
                AppError::Internal
            })?;
            let people = |json: &str| -> AppResult<Vec<(Uuid, Author)>> {
                let people: Vec<PersonJson> = serde_json::from_str(json).map_err(|e| {
                    tracing::error!(error = %e, "feed details: unreadable collaborators JSON");
                    AppError::Internal
                })?;
                Ok(people.into_iter().map(PersonJson::author).collect())
            };
            let details = Details {
                media: media.into_iter().map(MediaView::from).collect(),
                liked: r.liked,
                saved: r.saved,
                bookmark_count: r.bookmark_count.map(i64::from),
                reposted: r.reposted,
                shareable: r.shareable,
                has_links: r.has_links,
                has_plans: r.has_plans,
                ref_users: r.ref_users,
                ref_shops: r.ref_shops,
                coauthors: people(&r.coauthors)?,
                pending: people(&r.pending)?.into_iter().map(|(_, a)| a).collect(),
            };
            Ok((r.id, details))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::social::db::set_follow;
    use crate::test_support::user;

    fn image() -> StoredPostImage {
        StoredPostImage { urls: ["/a".into(), "/b".into(), "/c".into()], width: 1200, height: 800 }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn followers_only_posts_reach_only_followers(pool: PgPool) {
        let author = user(&pool, "author").await;
        let fan = user(&pool, "fan").await;
        let stranger = user(&pool, "stranger").await;
        set_follow(&pool, &Quota::exempt(), fan, "author", true).await.unwrap();
        let public = publish(&pool, author, "hello all", Visibility::Public, &[image()]).await.unwrap();
        let private = publish(&pool, author, "friends only", Visibility::Followers, &[]).await.unwrap();

        let fan_feed = home_feed(&pool, fan, None).await.unwrap();
        assert_eq!(fan_feed.posts.iter().map(|p| p.id).collect::<Vec<_>>(), vec![private, public]);
        assert_eq!(fan_feed.posts[1].media.len(), 1);

        assert!(home_feed(&pool, stranger, None).await.unwrap().posts.is_empty());
        let explore = explore_feed(&pool, Some(stranger), None).await.unwrap();
        assert_eq!(explore.posts.iter().map(|p| p.id).collect::<Vec<_>>(), vec![public]);
        assert!(post(&pool, private, Some(stranger)).await.unwrap().is_none());
        assert!(post(&pool, private, None).await.unwrap().is_none());
        assert!(post(&pool, private, Some(fan)).await.unwrap().is_some());
        assert_eq!(author_posts(&pool, "author", Some(stranger), None).await.unwrap().posts.len(), 1);
        assert_eq!(author_posts(&pool, "author", Some(author), None).await.unwrap().posts.len(), 2);

        let count: i32 =
            sqlx::query_scalar!("SELECT posts_count FROM users WHERE id = $1", author).fetch_one(&pool).await.unwrap();
        assert_eq!(count, 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn feeds_page_newest_first_without_gaps(pool: PgPool) {
        let me = user(&pool, "reader").await;
        for i in 0..23 {
            publish(&pool, me, &format!("post {i}"), Visibility::Public, &[]).await.unwrap();
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = home_feed(&pool, me, cursor).await.unwrap();
            seen.extend(page.posts.iter().map(|p| p.body.clone()));
            match page.next_cursor {
                Some(c) => cursor = Cursor::decode(&c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 23);
        assert_eq!(seen[0], "post 22");
        assert_eq!(seen[22], "post 0");
    }
}
