//! The cart's item count on the header's cart link and the phone tab bar.
//! Both read one resource, refetched when this page changes the cart
//! (`CartVersion`), when the user logs in or out (a guest cart merges into
//! the account), and on every navigation, because a purchase, a login or a
//! form posted without the client ends on another page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::api::cart_count;
use crate::accounts::use_auth;
use crate::error::AppError;
use crate::ui::plural;

/// Bumped whenever the cart changes, so the count and the cart page reload;
/// provided once by the app.
#[derive(Clone, Copy)]
pub struct CartVersion(RwSignal<u32>);

impl CartVersion {
    pub fn provide() {
        provide_context(CartVersion(RwSignal::new(0)));
    }

    pub(crate) fn bump() {
        if let Some(v) = use_context::<CartVersion>() {
            v.0.update(|n| *n += 1);
        }
    }

    pub(crate) fn get() -> u32 {
        use_context::<CartVersion>().map(|v| v.0.get()).unwrap_or_default()
    }
}

/// The shared count. Created inside the router (it follows the location),
/// after `CartVersion` and the auth context.
#[derive(Clone, Copy)]
pub struct CartCountResource(Resource<Result<i64, AppError>>);

impl CartCountResource {
    pub fn provide() {
        let auth = use_auth();
        let location = use_location();
        let count =
            Resource::new(move || (CartVersion::get(), auth.version(), location.pathname.get()), |_| cart_count());
        provide_context(CartCountResource(count));
    }
}

/// The count as a badge, or nothing for an empty cart. `class` places it.
#[component]
pub fn CartCount(class: &'static str, testid: &'static str) -> impl IntoView {
    let count = expect_context::<CartCountResource>().0;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match count.await {
                    Ok(n) if n > 0 => view! {
                        <span class=format!("rounded-full bg-fuchsia-600 px-1.5 text-[0.65rem] font-bold leading-4 text-white {class}") data-testid=testid>
                            {n.to_string()}<span class="sr-only">{format!(" {}", plural(n, "item", "items"))}</span>
                        </span>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}
