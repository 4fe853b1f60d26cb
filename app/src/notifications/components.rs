//! The bell: a link to the inbox with the unread count, in the header on
//! every screen. The server renders the count it reads; once the WASM runs,
//! the page watches the user's inbox topic and the badge follows every
//! change (a newer version always wins, so a late push never undoes one).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use uuid::Uuid;

use super::api::my_inbox;
use super::Inbox;
use crate::live::{use_live, Topic, Update as LiveUpdate};
use crate::ui::BellIcon;

/// The newest count of `user`'s inbox pushed to this page, if any.
pub fn use_live_inbox(user: Uuid) -> Signal<Option<Inbox>> {
    let pushed = use_live(Topic::Inbox(user));
    Signal::derive(move || match pushed.get() {
        Some(LiveUpdate::Inbox { unread, version, .. }) => Some(Inbox { unread, version }),
        _ => None,
    })
}

/// The bell's count as the server reads it: one resource for the whole
/// page, made with the router's other contexts (a resource made inside the
/// header's account links, after the session resolves, would be created
/// in the middle of hydration), read again after sign-in changes and on
/// each navigation, so a page that marked rows read shows it.
#[derive(Clone, Copy)]
pub struct InboxResource(Resource<Result<Option<Inbox>, crate::error::AppError>>);

impl InboxResource {
    pub fn provide() {
        let auth = crate::accounts::use_auth();
        let location = use_location();
        let read = Resource::new(move || (auth.version(), location.pathname.get()), |_| my_inbox());
        provide_context(InboxResource(read));
    }
}

/// The count the server read for this page (none signed out or on error).
pub async fn rendered_inbox() -> Inbox {
    let read = expect_context::<InboxResource>().0;
    read.await.ok().flatten().unwrap_or_default()
}

/// The bell with `rendered`, the count the page was rendered with (the
/// header awaits it with the session), and whatever is pushed after.
#[component]
pub fn Bell(user: Uuid, rendered: Inbox) -> impl IntoView {
    let pushed = use_live_inbox(user);
    view! {
        <A href="/notifications" attr:class="relative flex items-center rounded-lg p-1.5 text-stone-600 hover:text-fuchsia-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400" attr:data-testid="nav-bell">
            <BellIcon />
            <Badge rendered pushed />
        </A>
    }
}

#[component]
fn Badge(rendered: Inbox, pushed: Signal<Option<Inbox>>) -> impl IntoView {
    let inbox = move || pushed.get().map_or(rendered, |p| rendered.newer(p));
    let label = move || match inbox().unread {
        0 => "Notifications".to_string(),
        n => format!("Notifications, {n} unread"),
    };
    view! {
        <span class="sr-only" data-testid="bell-label">{label}</span>
        <span class="absolute -right-0.5 -top-0.5 min-w-4 rounded-full bg-fuchsia-600 px-1 text-center text-[0.65rem] font-bold leading-4 text-white empty:hidden"
            aria-hidden="true" data-testid="bell-count" data-version=move || inbox().version.to_string()>
            {move || inbox().badge()}
        </span>
    }
}
