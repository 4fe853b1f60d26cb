//! Turns unique-constraint violations into the field errors users can act on.

use crate::error::AppError;

/// Maps a violation of one of `constraints` (name → error) to its error;
/// anything else is logged and becomes `Internal`.
pub fn on_constraint(err: sqlx::Error, constraints: &[(&str, fn() -> AppError)]) -> AppError {
    if let Some(db) = err.as_database_error() {
        if let Some(name) = db.constraint() {
            if let Some((_, make)) = constraints.iter().find(|(c, _)| *c == name) {
                return make();
            }
        }
    }
    AppError::from(err)
}
