//! The authorization matrix of privacy and safety, over HTTP: every server
//! function the safety work added or changed, called as someone signed
//! out, an unrelated user, a user the owner blocked, an accepted follower
//! of the owner's private account, a non-follower, the owner and an admin,
//! with the status each gets asserted, and what the owner's lists hold.

use axum::http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use app::posts::Visibility;
use app::state::AppConfig;
use app::test_controls::scenario::{seed, Scenario, ScenarioSpec};

use crate::router_tests::{site, Site};

struct Person {
    name: &'static str,
    cookie: Option<String>,
}

async fn person(site: &Site, prefix: &str, admin: bool) -> Scenario {
    let config = AppConfig { test_controls: true, ..AppConfig::for_tests(std::env::temp_dir()) };
    let spec = ScenarioSpec { prefix: prefix.into(), admin, ..ScenarioSpec::default() };
    seed(&site.pool, &config, &spec).await.unwrap()
}

fn cookie(s: &Scenario) -> Option<String> {
    Some(format!("sf_session={}", s.session))
}

/// Calls `path` with `body` as each person; `expect` gives the status per
/// person, in the order of `people`.
async fn check(site: &Site, people: &[Person], path: &str, body: &dyn Fn(&str) -> String, expect: &[StatusCode]) {
    for (who, want) in people.iter().zip(expect) {
        let (res, text) = site.form(path, &body(who.name), who.cookie.as_deref()).await;
        assert_eq!(res.status(), *want, "{path} as {}: {text}", who.name);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_safety_call_answers_each_kind_of_caller(pool: PgPool) {
    let site = site(pool.clone(), |_| {}).await;
    let owner = person(&site, "ivy", false).await;
    let stranger = person(&site, "sam", false).await;
    let blocked = person(&site, "bob", false).await;
    let follower = person(&site, "fay", false).await;
    let other = person(&site, "rex", false).await;
    let admin = person(&site, "boss", true).await;
    let ivy = owner.user.username.clone();
    // Fay follows Ivy, who then goes private and blocks Bob.
    app::social::db::set_follow(&pool, &app::limits::Quota::exempt(), follower.user.id, &ivy, true).await.unwrap();
    sqlx::query!("UPDATE users SET is_private = true WHERE id = $1", owner.user.id).execute(&pool).await.unwrap();
    app::social::safety::db::set_relation(
        &pool,
        owner.user.id,
        &blocked.user.username,
        app::social::safety::Relation::Block,
        true,
    )
    .await
    .unwrap();
    let post = app::posts::db::publish(&pool, owner.user.id, "ivy's post", Visibility::Public, &[]).await.unwrap();
    let word = app::social::safety::db::add_muted_word(
        &pool,
        owner.user.id,
        &app::social::safety::MutedWord::parse("spoiler").unwrap(),
    )
    .await
    .unwrap();

    let people = [
        Person { name: "anonymous", cookie: None },
        Person { name: "stranger", cookie: cookie(&stranger) },
        Person { name: "blocked", cookie: cookie(&blocked) },
        Person { name: "follower", cookie: cookie(&follower) },
        Person { name: "non-follower", cookie: cookie(&other) },
        Person { name: "owner", cookie: cookie(&owner) },
        Person { name: "admin", cookie: cookie(&admin) },
    ];
    use StatusCode as S;
    const OK: S = S::OK;
    let (unauth, not_found, forbidden, invalid) =
        (S::UNAUTHORIZED, S::NOT_FOUND, S::FORBIDDEN, S::UNPROCESSABLE_ENTITY);

    // What changed: the profile, follows, follow lists, comments, likes.
    let ivy_ = ivy.clone();
    let profile = move |_: &str| format!("username={ivy_}");
    check(&site, &people, "/api/profiles/get", &profile, &[OK, OK, not_found, OK, OK, OK, OK]).await;
    let ivy_ = ivy.clone();
    let list = move |_: &str| format!("username={ivy_}&followers=true");
    check(&site, &people, "/api/follows/list", &list, &[forbidden, forbidden, not_found, OK, forbidden, OK, forbidden])
        .await;
    let comment = move |_: &str| format!("post_id={post}&body=hi");
    check(&site, &people, "/api/comments/add", &comment, &[unauth, not_found, not_found, OK, not_found, OK, not_found])
        .await;
    let like = move |_: &str| format!("id={post}&like=true");
    check(&site, &people, "/api/posts/like", &like, &[unauth, not_found, not_found, OK, not_found, OK, not_found])
        .await;
    // Following Ivy: a request for most, nothing across the block, not yourself.
    let ivy_ = ivy.clone();
    let follow = move |_: &str| format!("username={ivy_}&follow=true");
    check(&site, &people, "/api/follows/set", &follow, &[unauth, OK, not_found, OK, OK, invalid, OK]).await;

    // What was added. Hiding Ivy's post: only those who see it, not Ivy.
    let hide = move |_: &str| format!("id={post}&reason=hidden");
    check(
        &site,
        &people,
        "/api/safety/hide",
        &hide,
        &[unauth, not_found, not_found, OK, not_found, invalid, not_found],
    )
    .await;
    let unhide = move |_: &str| format!("id={post}");
    check(&site, &people, "/api/safety/unhide", &unhide, &[unauth, OK, OK, OK, OK, OK, OK]).await;
    // Anyone signed in may mute or restrict Ivy (Bob too: it changes only
    // what he sees); Ivy can't mute herself.
    for relation in ["mute", "restrict"] {
        let ivy_ = ivy.clone();
        let set = move |_: &str| format!("username={ivy_}&relation={relation}&on=true");
        check(&site, &people, "/api/safety/relation", &set, &[unauth, OK, OK, OK, OK, invalid, OK]).await;
    }
    let words = |_: &str| "word=spoiler".to_string();
    check(&site, &people, "/api/safety/words/add", &words, &[unauth, OK, OK, OK, OK, OK, OK]).await;
    // Ivy's muted word is hers alone to remove.
    let remove = move |_: &str| format!("id={}", word.id);
    check(
        &site,
        &people,
        "/api/safety/words/remove",
        &remove,
        &[unauth, not_found, not_found, not_found, not_found, OK, not_found],
    )
    .await;
    let lists = |_: &str| String::new();
    check(&site, &people, "/api/safety/lists", &lists, &[unauth, OK, OK, OK, OK, OK, OK]).await;

    // Each list is its owner's: Ivy's names Bob as blocked, nobody else's does.
    for who in &people[1..] {
        let (_, text) = site.form("/api/safety/lists", "", who.cookie.as_deref()).await;
        assert_eq!(text.contains(&blocked.user.username), who.name == "owner", "lists of {}: {text}", who.name);
    }
    // Bob, blocked, blocks back: both rows stand, and he still finds no Ivy.
    let block_back = format!("username={ivy}&relation=block&on=true");
    let (res, _) = site.form("/api/safety/relation", &block_back, people[2].cookie.as_deref()).await;
    assert_eq!(res.status(), OK);
    let (res, _) = site.form("/api/profiles/get", &format!("username={ivy}"), people[2].cookie.as_deref()).await;
    assert_eq!(res.status(), not_found);
    let blocks: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM blocks"#).fetch_one(&pool).await.unwrap();
    assert_eq!(blocks, 2);
    // A made-up relation or reason is a 422, not a 500.
    let (res, _) = site
        .form("/api/safety/relation", &format!("username={ivy}&relation=ban&on=true"), people[1].cookie.as_deref())
        .await;
    assert_eq!(res.status(), invalid);
    let (res, _) =
        site.form("/api/safety/hide", &format!("id={}&reason=x", Uuid::new_v4()), people[1].cookie.as_deref()).await;
    assert_eq!(res.status(), invalid);
}
