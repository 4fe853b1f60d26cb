//! Which new passwords are accepted: long enough (`validate::Password`) and
//! hard to guess, as estimated by zxcvbn (Dropbox's estimator: common and
//! breached-list passwords, keyboard walks, dates, l33t substitutions,
//! and the account's own names). A score under 3 (guessable in about 10^8
//! tries) is refused with zxcvbn's own advice.

use super::validate::Password;
use crate::error::AppError;

/// The lowest zxcvbn score accepted (0–4).
pub const MIN_SCORE: u8 = 3;

/// Refuses `password` if it is easy to guess, given what else the account
/// is known by (`user_inputs`: username, email, display name).
pub fn check_strength(password: &Password, user_inputs: &[&str]) -> Result<(), AppError> {
    let mut inputs: Vec<&str> = vec!["storefeed"];
    for input in user_inputs {
        inputs.push(input);
        // The email's local part is guessable on its own ("maya.lin").
        if let Some((local, _)) = input.split_once('@') {
            inputs.push(local);
        }
    }
    let estimate = zxcvbn::zxcvbn(password.expose(), &inputs);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return Ok(());
    }
    let mut message = String::from("This password is too easy to guess.");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            message.push(' ');
            message.push_str(&warning.to_string());
        }
        for suggestion in feedback.suggestions().iter().take(2) {
            message.push(' ');
            message.push_str(&suggestion.to_string());
        }
    }
    if !message.contains("word") {
        message.push_str(" Try a few unrelated words together.");
    }
    Err(AppError::validation("password", message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pw: &str, inputs: &[&str]) -> Result<(), AppError> {
        check_strength(&Password::parse(pw).unwrap(), inputs)
    }

    #[test]
    fn common_and_breached_style_passwords_are_refused_with_advice() {
        for weak in
            ["password", "password1", "12345678", "qwertyuiop", "iloveyou1", "P@ssw0rd!", "letmein123", "football2024"]
        {
            let err = check(weak, &[]).unwrap_err();
            assert_eq!(err.field(), Some("password"), "{weak}");
            assert!(err.to_string().starts_with("This password is too easy to guess."), "{weak}: {err}");
        }
        let err = check("password", &[]).unwrap_err().to_string();
        assert!(err.contains("common password"), "zxcvbn's warning is passed on: {err}");
    }

    #[test]
    fn the_accounts_own_names_do_not_make_a_password() {
        assert!(check("mayalin_1990", &["mayalin_1990", "maya@example.test"]).is_err());
        assert!(check("storefeed2026", &[]).is_err());
    }

    #[test]
    fn long_unusual_passphrases_pass() {
        assert!(check("plum-orbit-canyon-47", &[]).is_ok());
        assert!(check("correct-horse-battery", &["someone"]).is_ok(), "the end-to-end fixtures' password");
        assert!(check("Tq9#vLm2@xWp", &[]).is_ok());
    }
}
