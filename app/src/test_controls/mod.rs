//! Controls only a test deployment has (`STOREFEED_TEST_CONTROLS`): moving
//! the app's clock (an admin's call), seeding a scenario in one call
//! (`scenario`), and reading the newest mail to an address (`mail`).
//! Everywhere else each call is refused with 403.

pub mod mail;
#[cfg(feature = "ssr")]
pub mod scenario;

use crate::error::AppError;

/// Moves the app's clock forward by `advance_hours`: a test deployment's
/// admin only. The clock is everyone's (every order, hold, session and
/// commission window reads it), so a signed-in user moving it would be
/// moving it for all; anywhere but a test deployment it is fixed.
#[leptos::server(prefix = "/api", endpoint = "test/clock")]
pub async fn advance_test_clock(advance_hours: String) -> Result<String, AppError> {
    let state = crate::state::app_state()?;
    let caller = if state.config.test_controls { crate::accounts::session::current_user().await? } else { None };
    may_move_clock(state.config.test_controls, caller.as_ref())?;
    let hours: i64 = advance_hours
        .trim()
        .parse()
        .map_err(|_| AppError::validation("advance_hours", "Enter a whole number of hours."))?;
    let now = state.clock.advance(chrono::Duration::hours(hours)).map_err(|reason| {
        tracing::warn!(reason, "refused to move the clock");
        AppError::Forbidden
    })?;
    Ok(now.to_rfc3339())
}

/// Who may move the clock: an admin, and only where test controls are on
/// (off, the endpoint answers 403 to everyone, admins included).
#[cfg(feature = "ssr")]
fn may_move_clock(test_controls: bool, caller: Option<&crate::accounts::SessionUser>) -> Result<(), AppError> {
    use crate::accounts::Role;
    if !test_controls {
        tracing::warn!("refused to move the clock: STOREFEED_TEST_CONTROLS is off");
        return Err(AppError::Forbidden);
    }
    match caller {
        None => Err(AppError::Unauthorized),
        Some(user) if user.role == Role::Admin => Ok(()),
        Some(user) => {
            tracing::warn!(user = %user.username, "refused to move the clock: not an admin");
            Err(AppError::Forbidden)
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::accounts::{Role, SessionUser};

    fn someone(role: Role) -> SessionUser {
        SessionUser {
            id: uuid::Uuid::new_v4(),
            username: "someone".into(),
            display_name: "Someone".into(),
            avatar_url: None,
            role,
        }
    }

    #[test]
    fn only_an_admin_of_a_test_deployment_moves_the_clock() {
        let (user, admin) = (someone(Role::User), someone(Role::Admin));
        assert_eq!(may_move_clock(true, None), Err(AppError::Unauthorized));
        assert_eq!(may_move_clock(true, Some(&user)), Err(AppError::Forbidden));
        assert_eq!(may_move_clock(true, Some(&admin)), Ok(()));
        for caller in [None, Some(&user), Some(&admin)] {
            assert_eq!(may_move_clock(false, caller), Err(AppError::Forbidden), "test controls off");
        }
    }
}
