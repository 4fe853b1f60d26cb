//! Configuration from the environment, with defaults that run locally. A bad
//! value is reported with the variable's name.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use app::limits::ActionLimits;
use app::state::{AppConfig, LoginLimits};

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {var}={value:?} is not valid: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub database_max_connections: u32,
    pub addr: Option<SocketAddr>,
    pub log_json: bool,
    pub app: AppConfig,
    /// Promote this username to admin at start.
    pub admin_username: Option<String>,
    /// Load demo data when the database has no users.
    pub seed_demo: bool,
    pub jobs: JobSettings,
    /// Key for the context tokens on product links (`STOREFEED_CONTEXT_KEY`,
    /// at least 32 characters); `None` signs with the key stored in the
    /// database (see `app::attribution::ContextKeys`).
    pub context_key: Option<String>,
    /// Generate and store a signing key when the database has none
    /// (`STOREFEED_GENERATE_KEYS`; on by default except in production,
    /// `LEPTOS_ENV=PROD`, where a server without a key refuses to start).
    pub generate_keys: bool,
    /// `--rotate-context-key`: store a new signing key, then exit.
    pub rotate_context_key: bool,
    /// Where the shipped mailer writes outgoing mail (`STOREFEED_MAIL_DIR`).
    pub mail_dir: PathBuf,
}

/// How often the background jobs run, and how old a pending payment must be
/// before the recovery job asks the provider about it (a live checkout
/// settles its own well before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSettings {
    pub every: Duration,
    pub payment_grace: Duration,
}

/// Where settings come from: the process environment, or a map in tests.
struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    fn var(&self, name: &'static str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    fn parse<T: std::str::FromStr>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.var(name) {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|e: T::Err| ConfigError { var: name, value: v, reason: e.to_string() }),
        }
    }

    fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.var(name).as_deref().map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(ConfigError { var: name, value: other.into(), reason: "expected true or false".into() }),
        }
    }
}

impl Config {
    /// Reads `STOREFEED_*`, `DATABASE_URL` and `LEPTOS_ENV`. Command-line
    /// flags (`--admin NAME`, `--seed-demo`) override the environment;
    /// `--rotate-context-key` asks for a key rotation instead of serving.
    pub fn from_env(args: &[String]) -> Result<Config, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok(), args)
    }

    fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>, args: &[String]) -> Result<Config, ConfigError> {
        let env = Env(lookup);
        let database_url =
            env.var("DATABASE_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/storefeed".into());
        if !database_url.starts_with("postgres://") && !database_url.starts_with("postgresql://") {
            return Err(ConfigError {
                var: "DATABASE_URL",
                value: database_url,
                reason: "must start with postgres://".into(),
            });
        }
        let addr = match env.var("STOREFEED_ADDR") {
            Some(v) => Some(v.parse().map_err(|e: std::net::AddrParseError| ConfigError {
                var: "STOREFEED_ADDR",
                value: v.clone(),
                reason: e.to_string(),
            })?),
            None => match env.var("PORT") {
                Some(p) => {
                    let port: u16 = p.parse().map_err(|e: std::num::ParseIntError| ConfigError {
                        var: "PORT",
                        value: p.clone(),
                        reason: e.to_string(),
                    })?;
                    Some(SocketAddr::from(([127, 0, 0, 1], port)))
                }
                None => None,
            },
        };
        let session_days = positive(&env, "STOREFEED_SESSION_DAYS", 30)?;
        let defaults = LoginLimits::default();
        let login_limits = LoginLimits {
            per_account: env.parse("STOREFEED_LOGIN_MAX_FAILURES_PER_ACCOUNT", defaults.per_account)?,
            per_account_all_sources: env
                .parse("STOREFEED_LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_SOURCES", defaults.per_account_all_sources)?,
            per_ip: env.parse("STOREFEED_LOGIN_MAX_FAILURES_PER_IP", defaults.per_ip)?,
            window: Duration::from_secs(env.parse("STOREFEED_LOGIN_WINDOW_SECS", defaults.window.as_secs())?),
        };
        let per_hour = ActionLimits::default();
        let action_limits = ActionLimits {
            posts: per_hour_limit(&env, "STOREFEED_LIMIT_POSTS_PER_HOUR", per_hour.posts)?,
            comments: per_hour_limit(&env, "STOREFEED_LIMIT_COMMENTS_PER_HOUR", per_hour.comments)?,
            likes: per_hour_limit(&env, "STOREFEED_LIMIT_LIKES_PER_HOUR", per_hour.likes)?,
            follows: per_hour_limit(&env, "STOREFEED_LIMIT_FOLLOWS_PER_HOUR", per_hour.follows)?,
            reports: per_hour_limit(&env, "STOREFEED_LIMIT_REPORTS_PER_HOUR", per_hour.reports)?,
            messages: per_hour_limit(&env, "STOREFEED_LIMIT_MESSAGES_PER_HOUR", per_hour.messages)?,
        };

        let public_url = match env.var("STOREFEED_PUBLIC_URL") {
            Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                return Err(ConfigError {
                    var: "STOREFEED_PUBLIC_URL",
                    value: url,
                    reason: "must start with http:// or https://".into(),
                })
            }
            Some(url) => url.trim().trim_end_matches('/').to_string(),
            None => format!("http://{}", addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)))),
        };
        let mail_dir = PathBuf::from(env.var("STOREFEED_MAIL_DIR").unwrap_or_else(|| "data/mail".into()));
        // Either setting says the site is behind TLS; each can still be
        // turned off on its own (`STOREFEED_TLS=true STOREFEED_SECURE_COOKIES=false`).
        let tls = env.flag("STOREFEED_TLS", env.flag("STOREFEED_SECURE_COOKIES", false)?)?;
        let secure_cookies = env.flag("STOREFEED_SECURE_COOKIES", tls)?;

        let mut admin_username = env.var("STOREFEED_ADMIN");
        let mut seed_demo = env.flag("STOREFEED_SEED_DEMO", false)?;
        let mut rotate_context_key = false;
        let mut it = args.iter().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--admin" => admin_username = it.next().cloned(),
                "--seed-demo" => seed_demo = true,
                "--rotate-context-key" => rotate_context_key = true,
                _ => {}
            }
        }

        Ok(Config {
            database_url,
            database_max_connections: env.parse("STOREFEED_DB_MAX_CONNECTIONS", 20)?,
            addr,
            log_json: env.flag("STOREFEED_LOG_JSON", false)?,
            app: AppConfig {
                secure_cookies,
                tls,
                session_ttl: Duration::from_secs(session_days * 24 * 3600),
                media_dir: PathBuf::from(env.var("STOREFEED_MEDIA_DIR").unwrap_or_else(|| "data/media".into())),
                trust_proxy: env.flag("STOREFEED_TRUST_PROXY", false)?,
                login_limits,
                action_limits,
                reservation_ttl: Duration::from_secs(
                    env.parse("STOREFEED_RESERVATION_TTL_SECS", app::inventory::DEFAULT_RESERVATION_TTL_SECS)?,
                ),
                test_controls: env.flag("STOREFEED_TEST_CONTROLS", false)?,
                public_url,
            },
            mail_dir,
            admin_username,
            seed_demo,
            context_key: match env.var("STOREFEED_CONTEXT_KEY") {
                Some(k) if k.trim().len() < 32 => {
                    return Err(ConfigError {
                        var: "STOREFEED_CONTEXT_KEY",
                        value: "(hidden)".into(),
                        reason: "must be at least 32 characters".into(),
                    })
                }
                other => other,
            },
            generate_keys: env.flag("STOREFEED_GENERATE_KEYS", !production(&env))?,
            rotate_context_key,
            jobs: JobSettings {
                every: Duration::from_secs(positive(&env, "STOREFEED_JOBS_EVERY_SECS", 60)?),
                payment_grace: Duration::from_secs(env.parse("STOREFEED_PAYMENT_GRACE_SECS", 60)?),
            },
        })
    }
}

/// `LEPTOS_ENV` names production the way Leptos reads it.
fn production(env: &Env) -> bool {
    env.var("LEPTOS_ENV").is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "prod" | "production"))
}

fn positive(env: &Env, name: &'static str, default: u64) -> Result<u64, ConfigError> {
    match env.parse(name, default)? {
        0 => Err(ConfigError { var: name, value: "0".into(), reason: "must be at least 1".into() }),
        n => Ok(n),
    }
}

/// A rate limit (`app::limits`): at least one an hour, or the action could
/// never be made.
fn per_hour_limit(env: &Env, name: &'static str, default: u32) -> Result<u32, ConfigError> {
    match env.parse(name, default)? {
        0 => Err(ConfigError { var: name, value: "0".into(), reason: "must be at least 1 an hour".into() }),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)], args: &[&str]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Config::from_lookup(&move |k| map.get(k).cloned(), &args)
    }

    #[test]
    fn defaults_run_locally() {
        let c = config(&[], &["storefeed"]).unwrap();
        assert!(c.database_url.starts_with("postgres://"));
        assert!(!c.app.secure_cookies);
        assert!(!c.seed_demo);
        assert_eq!(c.app.session_ttl, Duration::from_secs(30 * 24 * 3600));
    }

    #[test]
    fn errors_name_the_variable() {
        let err = config(&[("PORT", "eighty")], &[]).unwrap_err();
        assert_eq!(err.var, "PORT");
        assert!(err.to_string().contains("PORT=\"eighty\""));
        assert_eq!(config(&[("STOREFEED_LOG_JSON", "maybe")], &[]).unwrap_err().var, "STOREFEED_LOG_JSON");
        assert_eq!(config(&[("DATABASE_URL", "mysql://x")], &[]).unwrap_err().var, "DATABASE_URL");
        assert_eq!(config(&[("STOREFEED_SESSION_DAYS", "0")], &[]).unwrap_err().var, "STOREFEED_SESSION_DAYS");
        assert_eq!(config(&[("STOREFEED_JOBS_EVERY_SECS", "0")], &[]).unwrap_err().var, "STOREFEED_JOBS_EVERY_SECS");
        assert_eq!(config(&[("STOREFEED_CONTEXT_KEY", "short")], &[]).unwrap_err().var, "STOREFEED_CONTEXT_KEY");
        assert!(!config(&[], &[]).unwrap().app.test_controls, "test controls are off unless asked for");
        assert_eq!(config(&[("STOREFEED_PUBLIC_URL", "ftp://x")], &[]).unwrap_err().var, "STOREFEED_PUBLIC_URL");
        let no_comments = config(&[("STOREFEED_LIMIT_COMMENTS_PER_HOUR", "0")], &[]).unwrap_err();
        assert_eq!(no_comments.var, "STOREFEED_LIMIT_COMMENTS_PER_HOUR");
        assert_eq!(
            config(&[("STOREFEED_LIMIT_LIKES_PER_HOUR", "-3")], &[]).unwrap_err().var,
            "STOREFEED_LIMIT_LIKES_PER_HOUR"
        );
    }

    #[test]
    fn rate_limits_default_to_seed_003s_table_and_each_can_be_set() {
        assert_eq!(config(&[], &[]).unwrap().app.action_limits, ActionLimits::default());
        let c = config(&[("STOREFEED_LIMIT_COMMENTS_PER_HOUR", "5"), ("STOREFEED_LIMIT_REPORTS_PER_HOUR", "3")], &[])
            .unwrap();
        assert_eq!(c.app.action_limits, ActionLimits { comments: 5, reports: 3, ..ActionLimits::default() });
    }

    #[test]
    fn flags_override_the_environment() {
        let c = config(&[("STOREFEED_ADMIN", "env_admin")], &["storefeed", "--admin", "flag_admin", "--seed-demo"])
            .unwrap();
        assert_eq!(c.admin_username.as_deref(), Some("flag_admin"));
        assert!(c.seed_demo);
        let c = config(&[("PORT", "4000")], &[]).unwrap();
        assert_eq!(c.addr.unwrap().port(), 4000);
        assert_eq!(c.app.public_url, "http://127.0.0.1:4000", "mail links follow the port unless told otherwise");
        let c = config(&[("STOREFEED_PUBLIC_URL", "https://shop.example/")], &[]).unwrap();
        assert_eq!(c.app.public_url, "https://shop.example");
        assert!(!c.rotate_context_key);
        assert!(config(&[], &["storefeed", "--rotate-context-key"]).unwrap().rotate_context_key);
    }

    #[test]
    fn tls_marks_cookies_secure_and_secure_cookies_imply_tls() {
        let plain = config(&[], &[]).unwrap();
        assert!(!plain.app.tls && !plain.app.secure_cookies);
        let tls = config(&[("STOREFEED_TLS", "true")], &[]).unwrap();
        assert!(tls.app.tls && tls.app.secure_cookies);
        let secure = config(&[("STOREFEED_SECURE_COOKIES", "true")], &[]).unwrap();
        assert!(secure.app.tls && secure.app.secure_cookies, "set behind TLS, as the README has always said");
        let split = config(&[("STOREFEED_TLS", "true"), ("STOREFEED_SECURE_COOKIES", "false")], &[]).unwrap();
        assert!(split.app.tls && !split.app.secure_cookies);
        assert_eq!(config(&[("STOREFEED_TLS", "maybe")], &[]).unwrap_err().var, "STOREFEED_TLS");
    }

    #[test]
    fn production_generates_a_signing_key_only_when_told_to() {
        assert!(config(&[], &[]).unwrap().generate_keys, "development makes its own");
        assert!(config(&[("LEPTOS_ENV", "DEV")], &[]).unwrap().generate_keys);
        assert!(!config(&[("LEPTOS_ENV", "PROD")], &[]).unwrap().generate_keys);
        assert!(!config(&[("LEPTOS_ENV", "production")], &[]).unwrap().generate_keys);
        assert!(config(&[("LEPTOS_ENV", "PROD"), ("STOREFEED_GENERATE_KEYS", "true")], &[]).unwrap().generate_keys);
        assert!(!config(&[("STOREFEED_GENERATE_KEYS", "false")], &[]).unwrap().generate_keys);
    }
}
