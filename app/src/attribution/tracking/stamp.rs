//! Puts a signed context token on every product link a post renders: the
//! product and shop tags on its photos and its product cards. The token
//! names the post, its creators, the surface and when it was rendered, and
//! rides in the link (`?ctx=`) and in the tap that opens the product sheet.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::token::{Context, SigningKey};
use super::Surface;
use crate::posts::links::LinkKind;
use crate::posts::{PostView, TagKind};

/// Signs the links of `posts`; `authors` names each post's creator.
pub fn stamp(posts: &mut [PostView], authors: &[(Uuid, Uuid)], key: &SigningKey, now: DateTime<Utc>) {
    for post in posts.iter_mut() {
        let creators: Vec<Uuid> = authors.iter().filter(|(p, _)| *p == post.id).map(|(_, a)| *a).collect();
        let sign = |surface: Surface| {
            key.sign(&Context { post_id: post.id, creators: creators.clone(), surface, rendered_at: now })
        };
        for media in post.media.iter_mut() {
            for tag in media.tags.iter_mut() {
                let surface = match tag.kind {
                    TagKind::Product => Surface::ImageTag,
                    TagKind::Shop => Surface::ShopTag,
                    TagKind::User => continue,
                };
                let token = sign(surface);
                tag.href = with_ctx(&tag.href, &token);
                tag.ctx = Some(token);
            }
        }
        for card in post.links.iter_mut().filter(|c| c.kind == LinkKind::Product) {
            let token = sign(Surface::ProductCard);
            card.href = with_ctx(&card.href, &token);
            card.ctx = Some(token);
        }
        for card in post.groups.iter_mut() {
            card.ctx = Some(sign(Surface::GroupCard));
        }
    }
}

/// `href` with `ctx=token` added to its query.
fn with_ctx(href: &str, token: &str) -> String {
    let sep = if href.contains('?') { '&' } else { '?' };
    format!("{href}{sep}ctx={token}")
}

#[cfg(test)]
mod tests {
    use super::with_ctx;

    #[test]
    fn the_token_joins_the_query() {
        assert_eq!(with_ctx("/p/1", "abc.def"), "/p/1?ctx=abc.def");
        assert_eq!(with_ctx("/s/shop?x=1", "t"), "/s/shop?x=1&ctx=t");
    }
}
