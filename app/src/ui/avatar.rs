//! A round profile picture, or the account's initial on a colour derived from its name.

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AvatarSize {
    Small,
    Medium,
    Large,
}

impl AvatarSize {
    fn classes(self) -> &'static str {
        match self {
            AvatarSize::Small => "h-8 w-8 text-sm",
            AvatarSize::Medium => "h-12 w-12 text-lg",
            AvatarSize::Large => "h-24 w-24 text-3xl sm:h-32 sm:w-32",
        }
    }
}

const PALETTE: [&str; 6] =
    ["bg-fuchsia-500", "bg-amber-500", "bg-emerald-500", "bg-sky-500", "bg-rose-500", "bg-violet-500"];

#[component]
pub fn Avatar(url: Option<String>, name: String, size: AvatarSize) -> impl IntoView {
    let base = format!("{} shrink-0 rounded-full object-cover ring-2 ring-white", size.classes());
    match url {
        Some(url) => view! { <img src=url alt=format!("{name}'s profile picture") class=base /> }.into_any(),
        None => {
            let initial = name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
            let colour = PALETTE[name.bytes().map(usize::from).sum::<usize>() % PALETTE.len()];
            view! {
                <span
                    role="img"
                    aria-label=format!("{name}'s profile picture")
                    class=format!("{base} {colour} inline-flex items-center justify-center font-bold text-white")
                >
                    {initial}
                </span>
            }
            .into_any()
        }
    }
}
