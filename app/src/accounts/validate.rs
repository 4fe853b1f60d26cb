//! Account and profile input, parsed once into types that cannot hold bad
//! values. Compiled into the WASM client too, so forms and server agree.

use crate::error::AppError;

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 30;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
pub const EMAIL_MAX: usize = 254;
pub const DISPLAY_NAME_MAX: usize = 50;
pub const BIO_MAX: usize = 250;
pub const LOCATION_MAX: usize = 80;
pub const WEBSITE_MAX: usize = 200;

/// 3–30 characters of `[a-z0-9_]`. Input is trimmed and lower-cased first, so
/// `Alice` and `alice` are the same account name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.trim().to_lowercase();
        let len = name.chars().count();
        if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
            return Err(AppError::validation(
                "username",
                format!("Usernames are {USERNAME_MIN}–{USERNAME_MAX} characters long."),
            ));
        }
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(AppError::validation("username", "Usernames may only use letters, numbers and underscores."));
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The rules shared by usernames and shop handles: trimmed, lower-cased,
/// 3–30 of `[a-z0-9_]`. `label` starts the error ("Usernames are …").
pub fn handle_like(field: &str, label: &str, raw: &str) -> Result<String, AppError> {
    let name = raw.trim().trim_start_matches(['@', '$']).to_lowercase();
    let len = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(AppError::validation(field, format!("{label} are {USERNAME_MIN}–{USERNAME_MAX} characters long.")));
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(AppError::validation(field, format!("{label} may only use letters, numbers and underscores.")));
    }
    Ok(name)
}

/// A plausible e-mail address (one `@`, a dotted domain, no spaces), stored
/// lower-cased so uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let invalid = || AppError::validation("email", "Enter a valid email address.");
        if email.is_empty() || email.len() > EMAIL_MAX || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(invalid());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–128 characters. Never logged, never stored in clear.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let len = raw.chars().count();
        if len < PASSWORD_MIN {
            return Err(AppError::validation(
                "password",
                format!("Passwords need at least {PASSWORD_MIN} characters."),
            ));
        }
        if len > PASSWORD_MAX {
            return Err(AppError::validation(
                "password",
                format!("Passwords can be at most {PASSWORD_MAX} characters."),
            ));
        }
        Ok(Password(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Trims `raw`, rejects control characters, and enforces a length in
/// characters. `field` names the form input for the error.
pub fn bounded_text(field: &str, label: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(AppError::validation(field, format!("{label} can be at most {max} characters.")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::validation(field, format!("{label} contains characters that are not allowed.")));
    }
    Ok(text.to_string())
}

/// A display name: 1–50 characters on one line.
pub fn display_name(raw: &str) -> Result<String, AppError> {
    let name = bounded_text("display_name", "Display name", raw, DISPLAY_NAME_MAX)?;
    if name.is_empty() {
        return Err(AppError::validation("display_name", "Display name can't be empty."));
    }
    if name.contains('\n') {
        return Err(AppError::validation("display_name", "Display name must be one line."));
    }
    Ok(name)
}

/// An optional website: empty, or an http(s) URL with a host. A bare domain
/// gets `https://` in front. `javascript:` and other schemes are refused.
pub fn website(raw: &str) -> Result<String, AppError> {
    let text = bounded_text("website", "Website", raw, WEBSITE_MAX)?;
    if text.is_empty() {
        return Ok(text);
    }
    let lower = text.to_ascii_lowercase();
    let url = if lower.starts_with("https://") || lower.starts_with("http://") {
        text
    } else if lower.contains(':') {
        return Err(AppError::validation("website", "Websites must start with http:// or https://."));
    } else {
        format!("https://{text}")
    };
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty()
        || !host.contains('.')
        || url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        return Err(AppError::validation("website", "Enter a valid website address."));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(Username::parse("  Alice_99 ").unwrap().as_str(), "alice_99");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"a".repeat(31)).is_err());
        assert!(Username::parse(&"a".repeat(30)).is_ok());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("dash-y").is_err());
        assert!(Username::parse("émile").is_err());
    }

    #[test]
    fn emails_need_a_domain() {
        assert_eq!(Email::parse(" A@Example.COM ").unwrap().as_str(), "a@example.com");
        for bad in ["", "a", "a@", "@b.c", "a@b", "a@b..c", "a b@c.d", "a@@b.c", "a@.b.c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn passwords_have_a_minimum_length() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert_eq!(format!("{:?}", Password::parse("secret-pass").unwrap()), "Password(***)");
    }

    #[test]
    fn bio_is_limited_to_250_characters() {
        assert!(bounded_text("bio", "Bio", &"é".repeat(250), BIO_MAX).is_ok());
        let err = bounded_text("bio", "Bio", &"é".repeat(251), BIO_MAX).unwrap_err();
        assert_eq!(err.field(), Some("bio"));
    }

    #[test]
    fn websites_refuse_script_urls() {
        assert_eq!(website("example.com").unwrap(), "https://example.com");
        assert_eq!(website("").unwrap(), "");
        assert!(website("javascript:alert(1)").is_err());
        assert!(website("http://").is_err());
        assert!(website("https://exa mple.com").is_err());
        assert!(website("https://example.com/\"><script>").is_err());
    }

    #[test]
    fn display_names_are_one_line() {
        assert!(display_name("Maya Lin").is_ok());
        assert!(display_name("   ").is_err());
        assert!(display_name("a\nb").is_err());
    }
}
