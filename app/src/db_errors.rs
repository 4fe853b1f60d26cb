//! Turns unique-constraint violations into the field errors users can act on.

use crate::error::AppError;

/// A constraint name and the error its violation means to the user.
pub type ConstraintError<'a> = (&'a str, fn() -> AppError);

/// Maps a violation of one of `constraints` to its error; anything else is
/// logged and becomes `Internal`.
pub fn on_constraint(err: sqlx::Error, constraints: &[ConstraintError<'_>]) -> AppError {
    if let Some(db) = err.as_database_error() {
        if let Some(name) = db.constraint() {
            if let Some((_, make)) = constraints.iter().find(|(c, _)| *c == name) {
                return make();
            }
        }
    }
    AppError::from(err)
}
