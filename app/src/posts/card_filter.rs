//! Explore's "Has" filter: only posts showing buy-together group deals
//! (`?with=groups`) or installment plans (`?with=plans`). Plain links, so
//! it works before the WASM arrives. Which posts count is decided in SQL
//! by `post_shows_open_group` / `post_shows_plan` (migration
//! …20261212000200): a group counts while it can still be joined (open,
//! before its deadline, a seat left), a plan while it is offered on a
//! product on sale. Who may see a post is `post_visible_to`'s, as for every feed.

use serde::{Deserialize, Serialize};

/// What kind of card a filtered post must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Has {
    /// A group a reader can still join.
    GroupDeals,
    /// An offered installment plan.
    Plans,
}

impl Has {
    pub const ALL: [Has; 2] = [Has::GroupDeals, Has::Plans];

    /// From `?with=`: `groups` or `plans`; anything else is no filter.
    pub fn parse(raw: Option<&str>) -> Option<Has> {
        match raw.map(str::trim) {
            Some(crate::groups::EXPLORE_FILTER) => Some(Has::GroupDeals),
            Some(crate::plans::EXPLORE_FILTER) => Some(Has::Plans),
            _ => None,
        }
    }

    /// The `?with=` value (also what the SQL filter is told).
    pub fn as_str(self) -> &'static str {
        match self {
            Has::GroupDeals => crate::groups::EXPLORE_FILTER,
            Has::Plans => crate::plans::EXPLORE_FILTER,
        }
    }

    /// The filter link's text.
    pub fn label(self) -> &'static str {
        match self {
            Has::GroupDeals => "Group deals",
            Has::Plans => "Installment plans",
        }
    }

    /// What the filtered feed says when nothing matches.
    pub fn empty(self) -> &'static str {
        match self {
            Has::GroupDeals => "No posts with open group deals to explore yet.",
            Has::Plans => "No posts with payment plans to explore yet.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_with_parameter_names_one_filter_or_none() {
        assert_eq!(Has::parse(Some("groups")), Some(Has::GroupDeals));
        assert_eq!(Has::parse(Some(" plans ")), Some(Has::Plans));
        assert_eq!(Has::parse(Some("Plans")), None, "values are lower case");
        assert_eq!(Has::parse(Some("")), None);
        assert_eq!(Has::parse(None), None);
        for has in Has::ALL {
            assert_eq!(Has::parse(Some(has.as_str())), Some(has));
        }
    }
}
