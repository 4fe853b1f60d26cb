//! The "…" menu on a post or a comment: copy its link, or share it (the
//! Web Share API where the browser has one, else the link is copied).
//! On someone else's post it also has "Hide this post" and "Not interested"
//! (`social::safety`), and on anyone else's post or comment "Report…", a
//! link to the report form (`moderation`).
//!
//! On the post's own card its author also finds "Turn off commenting" (or
//! on): a plain form, so it works with or without the client.
//!
//! Before hydration it is a `<details>` disclosure holding a plain link to
//! the post or comment, which the browser itself can copy or share. The
//! client adds Copy and Share and the menu button's keyboard behaviour:
//! focus moves into the menu when it opens, arrows/Home/End move between
//! items, Escape closes it and returns focus to the button, and focus or a
//! click leaving the menu closes it.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::comments::api::SetCommentsOff;
use crate::social::safety::api::HidePost;
use crate::social::safety::HideReason;

/// The author's comments switch on a post's menu: which post, and whether
/// its comments are off now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentsSwitch {
    pub post_id: Uuid,
    pub off: bool,
}

/// What the menu is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuFor {
    Post,
    Comment,
}

impl MenuFor {
    fn button_label(self) -> &'static str {
        match self {
            MenuFor::Post => "Post options",
            MenuFor::Comment => "Comment options",
        }
    }

    fn open_label(self) -> &'static str {
        match self {
            MenuFor::Post => "Open post",
            MenuFor::Comment => "Link to comment",
        }
    }
}

/// A menu's element id, from the path it is about (the same on the server
/// and the client).
fn menu_id(path: &str) -> String {
    let slug: String = path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("menu{slug}")
}

#[component]
pub fn PostMenu(
    /// Where the post or comment lives: `/post/<id>` or `/post/<id>#comment-<id>`.
    #[prop(into)]
    path: String,
    kind: MenuFor,
    /// The title a share sheet shows.
    #[prop(into)]
    share_title: String,
    /// For the post's author: turn its comments off or on.
    #[prop(default = None)]
    comments_switch: Option<CommentsSwitch>,
    /// "Hide this post" and "Not interested", for someone else's post.
    #[prop(default = None)]
    hide: Option<HideControl>,
    /// The report form's address, for someone else's post or comment.
    #[prop(default = None)]
    report: Option<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    // Copy and Share need the client; they appear once it runs.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let status = RwSignal::new(None::<String>);
    let focused = RwSignal::new(0usize);
    let button = NodeRef::<leptos::html::Summary>::new();
    let copy_item = NodeRef::<leptos::html::Button>::new();
    let share_item = NodeRef::<leptos::html::Button>::new();
    let link_item = NodeRef::<leptos::html::A>::new();
    let switch_item = NodeRef::<leptos::html::Button>::new();
    let hide_item = NodeRef::<leptos::html::Button>::new();
    let not_interested_item = NodeRef::<leptos::html::Button>::new();
    let report_item = NodeRef::<leptos::html::A>::new();
    let id = menu_id(&path);
    let (path, share_title) = (StoredValue::new(path), StoredValue::new(share_title));

    let items = move || -> Vec<web_sys::HtmlElement> {
        [
            copy_item.get().map(Into::into),
            share_item.get().map(Into::into),
            link_item.get().map(Into::into),
            switch_item.get().map(Into::into),
            hide_item.get().map(Into::into),
            not_interested_item.get().map(Into::into),
            report_item.get().map(Into::into),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    let focus_item = move |index: usize| {
        let all = items();
        if let Some(item) = all.get(index.min(all.len().saturating_sub(1))) {
            let _ = item.focus();
        }
    };
    let show = move || {
        status.set(None);
        open.set(true);
        // The items exist once the menu is open: focus the first next frame.
        request_animation_frame(move || focus_item(0));
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let done = move |message: String| {
        status.set(Some(message));
        close(true);
    };
    let url = move || format!("{}{}", window().location().origin().unwrap_or_default(), path.get_value());

    let on_copy = move |_| {
        let link = url();
        let shown = link.clone();
        copy(&link, move |copied| done(if copied { "Link copied".into() } else { format!("Copy this link: {shown}") }));
    };
    let on_share = move |_| {
        let link = url();
        if !share(&share_title.get_value(), &link) {
            // No Web Share here (most desktop browsers): copying is the share.
            let shown = link.clone();
            copy(&link, move |copied| {
                done(if copied { "Link copied".into() } else { format!("Copy this link: {shown}") })
            });
        } else {
            close(true);
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let count = items().len();
        if count == 0 {
            return;
        }
        match ev.key().as_str() {
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                close(true);
            }
            "ArrowDown" | "ArrowUp" | "Home" | "End" if !open.get_untracked() => {
                ev.prevent_default();
                show();
            }
            "ArrowDown" => {
                ev.prevent_default();
                focus_item((focused.get_untracked() + 1) % count);
            }
            "ArrowUp" => {
                ev.prevent_default();
                focus_item((focused.get_untracked() + count - 1) % count);
            }
            "Home" => {
                ev.prevent_default();
                focus_item(0);
            }
            "End" => {
                ev.prevent_default();
                focus_item(count - 1);
            }
            _ => {}
        }
    };
    let root = NodeRef::<leptos::html::Details>::new();
    // Focus (or a click, which moves focus) landing outside closes the menu.
    let on_focus_out = move |ev: web_sys::FocusEvent| {
        let inside = match (root.get_untracked(), ev.related_target()) {
            (Some(root), Some(target)) => target.dyn_ref::<web_sys::Node>().is_some_and(|n| root.contains(Some(n))),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    };

    let item_class = "block w-full px-4 py-2 text-left text-sm text-stone-800 hover:bg-stone-100 focus:bg-stone-100 focus:outline-none";
    let menu_label = kind.button_label();
    view! {
        <div class="relative flex items-center gap-2">
            <span role="status" aria-live="polite" class="text-xs text-stone-500" data-testid="post-menu-status">
                {move || status.get()}
            </span>
            <details class="relative" node_ref=root prop:open=move || open.get() on:keydown=on_key on:focusout=on_focus_out
                data-testid="post-menu">
                <summary node_ref=button role="button" aria-label=menu_label aria-haspopup="menu"
                    aria-controls=id.clone() aria-expanded=move || open.get().to_string()
                    data-testid="post-menu-button"
                    class="flex h-9 w-9 cursor-pointer list-none items-center justify-center rounded-full text-stone-500 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 [&::-webkit-details-marker]:hidden"
                    on:click=move |ev| {
                        // The client drives `open`; the browser's own toggle is the no-JS path.
                        ev.prevent_default();
                        if open.get_untracked() { close(false) } else { show() }
                    }>
                    <svg class="h-5 w-5" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
                        <circle cx="5" cy="12" r="2" /><circle cx="12" cy="12" r="2" /><circle cx="19" cy="12" r="2" />
                    </svg>
                </summary>
                <div id=id role="menu" aria-label=menu_label data-testid="post-menu-items"
                    class="absolute right-0 top-full z-20 mt-1 w-48 overflow-hidden rounded-xl border border-stone-200 bg-white py-1 shadow-lg">
                    {move || hydrated.get().then(|| view! {
                        <button type="button" role="menuitem" tabindex="-1" class=item_class node_ref=copy_item
                            data-testid="post-menu-copy" on:click=on_copy on:focus=move |_| focused.set(0)>
                            "Copy link"
                        </button>
                        <button type="button" role="menuitem" tabindex="-1" class=item_class node_ref=share_item
                            data-testid="post-menu-share" on:click=on_share on:focus=move |_| focused.set(1)>
                            "Share…"
                        </button>
                    })}
                    <a href=path.get_value() role="menuitem" class=item_class node_ref=link_item data-testid="post-menu-open"
                        on:focus=move |_| focused.set(2) on:click=move |_| open.set(false)>
                        {kind.open_label()}
                    </a>
                    {comments_switch.map(|CommentsSwitch { post_id, off }| view! {
                        <form method="post" action=SetCommentsOff::url() data-testid="comments-switch-form">
                            <input type="hidden" name="post_id" value=post_id.to_string() />
                            <input type="hidden" name="off" value=(!off).to_string() />
                            <button type="submit" role="menuitem" tabindex="-1" class=item_class node_ref=switch_item
                                data-testid="comments-switch" on:focus=move |_| focused.set(3)>
                                {if off { "Turn on commenting" } else { "Turn off commenting" }}
                            </button>
                        </form>
                    })}
                    {hide.map(|hide| {
                        let form = move |reason: HideReason, label: &'static str, testid: &'static str,
                                         item: NodeRef<leptos::html::Button>, index: usize| view! {
                            <ActionForm action=hide.action>
                                <input type="hidden" name="id" value=hide.post.to_string() />
                                <input type="hidden" name="reason" value=reason.as_str() />
                                <button type="submit" role="menuitem" tabindex="-1" class=item_class node_ref=item data-testid=testid
                                    on:focus=move |_| focused.set(index) on:click=move |_| open.set(false)>
                                    {label}
                                </button>
                            </ActionForm>
                        };
                        view! {
                            <div class="border-t border-stone-100">
                                {form(HideReason::Hidden, "Hide this post", "hide-post", hide_item, 3)}
                                {form(HideReason::NotInterested, "Not interested", "not-interested", not_interested_item, 4)}
                            </div>
                        }
                    })}
                    {report.map(|href| view! {
                        <a href=href rel="nofollow" role="menuitem" class=format!("{item_class} border-t border-stone-100 text-rose-700")
                            node_ref=report_item data-testid="post-menu-report"
                            on:focus=move |_| focused.set(5) on:click=move |_| open.set(false)>
                            "Report…"
                        </a>
                    })}
                </div>
            </details>
        </div>
    }
}

/// The menu's way to take a post out of the reader's feeds.
#[derive(Clone, Copy)]
pub struct HideControl {
    pub post: Uuid,
    pub action: ServerAction<HidePost>,
}

/// Writes `text` to the clipboard, then tells `done` whether it could.
fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
    let clipboard = js_sys::Reflect::get(&window().navigator(), &"clipboard".into()).ok().filter(|c| !c.is_undefined());
    let write = clipboard.as_ref().and_then(|c| method(c, "writeText"));
    let promise = match (clipboard, write) {
        (Some(clipboard), Some(write)) => write.call1(&clipboard, &text.into()).ok(),
        _ => None,
    };
    match promise {
        Some(promise) => when_settled(&promise, done),
        None => done(false),
    }
}

/// Opens the system share sheet with the link; `false` when this browser
/// has none. The user closing the sheet is not an error worth showing.
fn share(title: &str, url: &str) -> bool {
    let navigator: wasm_bindgen::JsValue = window().navigator().into();
    let Some(share) = method(&navigator, "share") else { return false };
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"title".into(), &title.into());
    let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
    match share.call1(&navigator, &data) {
        Ok(promise) => {
            when_settled(&promise, |_| ());
            true
        }
        Err(_) => false,
    }
}

fn method(target: &wasm_bindgen::JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(target, &name.into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
}

/// Runs `done(true)` when `promise` resolves and `done(false)` when it is
/// rejected. Each callback frees itself once called.
fn when_settled(promise: &wasm_bindgen::JsValue, done: impl FnOnce(bool) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;

    let Some(then) = method(promise, "then") else { return done(false) };
    let done = Rc::new(RefCell::new(Some(done)));
    let settle = |outcome: bool| {
        let done = Rc::clone(&done);
        Closure::once_into_js(move |_: wasm_bindgen::JsValue| {
            if let Some(done) = done.borrow_mut().take() {
                done(outcome);
            }
        })
    };
    let _ = then.call2(promise, &settle(true), &settle(false));
}

#[cfg(test)]
mod tests {
    use super::menu_id;

    #[test]
    fn menu_ids_are_valid_and_differ_per_target() {
        let post = menu_id("/post/7d4c1a2e-0000-4000-8000-000000000001");
        let comment = menu_id("/post/7d4c1a2e-0000-4000-8000-000000000001#comment-5");
        assert_eq!(post, "menu-post-7d4c1a2e-0000-4000-8000-000000000001");
        assert_ne!(post, comment);
        assert!(comment.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
