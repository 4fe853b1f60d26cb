//! Accounts: registration, email verification, login/logout with throttling,
//! password reset, server-side sessions and the signed-in user. Pages and
//! server functions here; SQL, hashing, tokens and session storage in the
//! `ssr`-only modules.

pub mod api;
pub mod next;
pub mod pages;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod login;
#[cfg(feature = "ssr")]
mod mails;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod policy;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
mod redirect;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod tokens;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

pub use next::{login_href, register_href};
#[cfg(feature = "ssr")]
pub use redirect::safe_next;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn from_db(s: &str) -> Self {
        if s == "admin" {
            Role::Admin
        } else {
            Role::User
        }
    }
}

/// The signed-in user as every page sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub role: Role,
}

/// The signed-in user's address, as their settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailStatus {
    pub email: String,
    pub verified: bool,
}

/// Who is signed in, for every component. `refresh` refetches after a login,
/// logout or profile change.
#[derive(Clone, Copy)]
pub struct AuthContext {
    version: RwSignal<u64>,
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
}

impl AuthContext {
    pub fn provide() {
        let version = RwSignal::new(0u64);
        let user = Resource::new(move || version.get(), |_| api::current_user());
        provide_context(AuthContext { version, user });
    }

    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    /// Changes with every `refresh`: for what else must reload when the
    /// user logs in or out (the cart count).
    pub fn version(&self) -> u64 {
        self.version.get()
    }
}

pub fn use_auth() -> AuthContext {
    expect_context::<AuthContext>()
}
