//! Pages of the social graph.

mod edit;
mod explore;
mod follow_list;
mod profile;
mod requests;

pub use edit::EditProfilePage;
pub use explore::ExplorePage;
pub use follow_list::{FollowListKind, FollowListPage};
pub use profile::ProfilePage;
pub use requests::FollowRequestsPage;
