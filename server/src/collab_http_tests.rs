//! Collaborative posts over HTTP, as the forms send them: the compose
//! form's `collaborators` field (a 422 for a name that can't be one, shown
//! as text), the invite, accept and leave calls with the statuses each kind
//! of caller gets, the invitations page rendered for the invitee with the
//! post's text escaped, and the context token on a co-authored post's
//! product tag naming every creator.

use axum::http::StatusCode;
use sqlx::PgPool;

use app::state::AppConfig;
use app::test_controls::scenario::{seed, ProductSpec, Scenario, ScenarioSpec};

use crate::router_tests::{site, Site};

async fn person(site: &Site, prefix: &str, product: bool) -> Scenario {
    let config = AppConfig { test_controls: true, ..AppConfig::for_tests(std::env::temp_dir()) };
    let spec = ScenarioSpec {
        prefix: prefix.into(),
        product: product.then(ProductSpec::default),
        post: product.then(|| "<b>our</b> pick".to_string()),
        ..ScenarioSpec::default()
    };
    seed(&site.pool, &config, &spec).await.unwrap()
}

fn cookie(s: &Scenario) -> String {
    format!("sf_session={}", s.session)
}

/// A compose form with `body` and `collaborators`, no image.
fn compose(body: &str, collaborators: &str) -> String {
    let field = |name: &str, value: &str| {
        format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    format!(
        "{}{}{}{}--XyZ--\r\n",
        field("body", body),
        field("visibility", "public"),
        field("intent", "publish"),
        field("collaborators", collaborators)
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn collaborative_posts_over_http(pool: PgPool) {
    let site = site(pool.clone(), |_| {}).await;
    let ann = person(&site, "ann", true).await;
    let bee = person(&site, "bee", false).await;
    let sam = person(&site, "sam", false).await;
    let (ann_c, bee_c, sam_c) = (cookie(&ann), cookie(&bee), cookie(&sam));
    let multipart = "multipart/form-data; boundary=XyZ";

    // A name that can't be a username: 422, its text as JSON text, no post.
    let (res, text) =
        site.post("/api/posts/create", multipart, &compose("hi", "<script>alert(1)</script>"), Some(&ann_c)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("is not a username"), "{text}");
    let (res, _) = site.post("/api/posts/create", multipart, &compose("hi", &bee.user.username), None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Composing with a co-author.
    let (res, text) = site
        .post(
            "/api/posts/create",
            multipart,
            &compose("<i>joint</i> words", &format!("@{}", bee.user.username)),
            Some(&ann_c),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let joint: uuid::Uuid = serde_json::from_str(&text).unwrap();

    // The invitations page, rendered for Bee, holds the post with its text escaped.
    let (res, html) = site.get("/collabs", Some(&bee_c)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(html.contains(&format!("data-post-id=\"{joint}\"")), "the invite is listed");
    assert!(html.contains("&lt;i&gt;joint&lt;/i&gt; words"), "the text is text");
    assert!(!html.contains("<i>joint</i>"));
    let (_, html) = site.get("/collabs", Some(&sam_c)).await;
    assert!(!html.contains(&format!("data-post-id=\"{joint}\"")), "Sam has no invitation");

    // Who may answer, invite and leave.
    let answer = format!("post_id={joint}");
    for (path, who, want) in [
        ("/api/collabs/accept", None, StatusCode::UNAUTHORIZED),
        ("/api/collabs/accept", Some(&sam_c), StatusCode::NOT_FOUND),
        ("/api/collabs/accept", Some(&ann_c), StatusCode::NOT_FOUND),
        ("/api/collabs/leave", Some(&bee_c), StatusCode::NOT_FOUND),
        ("/api/collabs/accept", Some(&bee_c), StatusCode::OK),
        ("/api/collabs/decline", Some(&bee_c), StatusCode::CONFLICT),
    ] {
        let (res, text) = site.form(path, &answer, who.map(String::as_str)).await;
        assert_eq!(res.status(), want, "{path}: {text}");
    }
    let invite = format!("post_id={joint}&collaborators={}", sam.user.username);
    let (res, _) = site.form("/api/collabs/invite", &invite, Some(&bee_c)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a co-author does not invite");
    let (res, text) = site.form("/api/collabs/invite", &invite, Some(&ann_c)).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let (res, text) = site.form("/api/collabs/list", &format!("post_id={joint}"), Some(&ann_c)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(text.contains("\"Accepted\"") && text.contains("\"Invited\""), "{text}");
    let (res, text) = site.form("/api/collabs/count", "", Some(&sam_c)).await;
    assert_eq!((res.status(), text.as_str()), (StatusCode::OK, "1"));
    let (res, _) = site.form("/api/collabs/count", "", None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // The post page names both in the byline.
    let (res, html) = site.get(&format!("/post/{joint}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(html.contains("data-testid=\"byline\""), "{html}");
    assert!(html.contains(&format!("href=\"/u/{}\"", bee.user.username)));

    // The seeded post tags a product: once Bee co-authors it, the tag's
    // token names Ann and Bee.
    let tagged = ann.post.clone().unwrap().id;
    let (res, text) = site
        .form("/api/collabs/invite", &format!("post_id={tagged}&collaborators={}", bee.user.username), Some(&ann_c))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let (res, _) = site.form("/api/collabs/accept", &format!("post_id={tagged}"), Some(&bee_c)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (res, text) = site.form("/api/posts/get", &format!("id={tagged}"), Some(&sam_c)).await;
    assert_eq!(res.status(), StatusCode::OK, "{text}");
    let post: app::posts::PostView = serde_json::from_str(&text).unwrap();
    assert_eq!(
        post.coauthors.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(),
        vec![bee.user.username.as_str()]
    );
    assert!(post.pending_coauthors.is_empty(), "Sam is not the creator");
    let token = post.media[0].tags[0].ctx.clone().expect("a product tag carries a token");
    let now = app::clock::Clock::system().now();
    let keys = app::attribution::ContextKeys::load(&pool, None, true, now).await.unwrap();
    let context = keys.verify(&token, now).await.expect("a genuine token");
    assert_eq!(context.creators, vec![ann.user.id, bee.user.id]);

    // Bee leaves: the next token names Ann alone.
    let (res, _) = site.form("/api/collabs/leave", &format!("post_id={tagged}"), Some(&bee_c)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, text) = site.form("/api/posts/get", &format!("id={tagged}"), Some(&sam_c)).await;
    let post: app::posts::PostView = serde_json::from_str(&text).unwrap();
    let token = post.media[0].tags[0].ctx.clone().unwrap();
    assert_eq!(keys.verify(&token, now).await.unwrap().creators, vec![ann.user.id]);
}
