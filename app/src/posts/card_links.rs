//! The group deals and installment plans a post is saved with from the
//! composer and the edit page. The form sends each kind as one field of
//! comma-separated ids (what the pickers keep); they are parsed here before
//! anything is written, then linked in the post's own transaction through
//! the rules the post page's editors use (`groups::db::link_locked`,
//! `plans::db::link_locked`), so one refused id saves nothing.

use uuid::Uuid;

use crate::error::AppError;
use crate::groups::MAX_POST_GROUPS;
use crate::plans::MAX_PLANS_PER_POST;

/// The form field holding the linked groups' ids.
pub const GROUPS_FIELD: &str = "groups";
/// The form field holding the linked plans' ids.
pub const PLANS_FIELD: &str = "plans";

/// The groups and plans a post is to show, each once, in the order picked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardLinks {
    pub groups: Vec<Uuid>,
    pub plans: Vec<Uuid>,
}

impl CardLinks {
    /// From the form's two fields. An id that is not one, or more than a
    /// post may show, is a 422 naming `group` or `plan` (the fields the
    /// linking rules name too).
    pub fn parse(groups: &str, plans: &str) -> Result<CardLinks, AppError> {
        Ok(CardLinks {
            groups: ids(groups, "group", MAX_POST_GROUPS, "groups")?,
            plans: ids(plans, "plan", MAX_PLANS_PER_POST, "plans")?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.plans.is_empty()
    }
}

fn ids(raw: &str, field: &str, max: usize, noun: &str) -> Result<Vec<Uuid>, AppError> {
    let mut out: Vec<Uuid> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = Uuid::parse_str(part)
            .map_err(|_| AppError::validation(field, format!("Those linked {noun} are not valid. Pick them again.")))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.len() > max {
        return Err(AppError::validation(field, format!("A post can link at most {max} {noun}.")));
    }
    Ok(out)
}

/// Makes `links` the post's groups and plans, in `tx` where its author has
/// the post locked (or has just inserted it). `now` is the app's clock as
/// the transaction reads it. Returns whether anything changed.
#[cfg(feature = "ssr")]
pub async fn save(
    tx: &mut sqlx::PgConnection,
    author: Uuid,
    post: Uuid,
    links: &CardLinks,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::AppResult<bool> {
    let groups = crate::groups::db::set_links_locked(tx, author, post, &links.groups, now).await?;
    let plans = crate::plans::db::set_links_locked(tx, author, post, &links.plans).await?;
    Ok(groups || plans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once_each_in_the_order_picked() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let links = CardLinks::parse(&format!(" {a}, {b},{a} ,"), &b.to_string()).unwrap();
        assert_eq!(links.groups, vec![a, b]);
        assert_eq!(links.plans, vec![b]);
        assert!(CardLinks::parse("", " ").unwrap().is_empty());
    }

    #[test]
    fn bad_ids_and_too_many_name_the_field() {
        let err = CardLinks::parse("not-an-id", "").unwrap_err();
        assert_eq!(err, AppError::validation("group", "Those linked groups are not valid. Pick them again."));
        assert_eq!(CardLinks::parse("", "x").unwrap_err().field(), Some("plan"));
        let four: Vec<String> = (0..4).map(|_| Uuid::new_v4().to_string()).collect();
        let err = CardLinks::parse("", &four.join(",")).unwrap_err();
        assert_eq!(err, AppError::validation("plan", "A post can link at most 3 plans."));
        let eleven: Vec<String> = (0..11).map(|_| Uuid::new_v4().to_string()).collect();
        assert_eq!(CardLinks::parse(&eleven.join(","), "").unwrap_err().field(), Some("group"));
    }
}
