//! The demo feed itself: who posted what, when, with which photos, tags and likes.

use super::{beside, on, DemoPost, Photo, To::*};
use crate::demo::images::{
    hex, place, Backdrop, Glaze, Item, Print, BLACK, CHALK, COGNAC, ESPRESSO, INDIGO, OLIVE, SHELF_TOP, TAN,
};

const PORTRAIT: (u32, u32) = (1080, 1350);
const SQUARE: (u32, u32) = (1080, 1080);
const LANDSCAPE: (u32, u32) = (1200, 900);

const WARM_WALL: Backdrop = Backdrop::Table { wall: hex(0xe8dfd2), wood: hex(0x9c6b45) };
const PALE_WALL: Backdrop = Backdrop::Table { wall: hex(0xe3e3df), wood: hex(0x6f4a32) };
const SHOP_RAIL: Backdrop = Backdrop::Rail { wall: hex(0xede5d8), floor: hex(0xa9825f) };
/// Where things stand on the shelf.
const ON_SHELF: f32 = SHELF_TOP - 0.005;
const SHELF: Backdrop = Backdrop::Shelf { wall: hex(0xdfe2da), wood: hex(0xb48a60) };

pub(super) const POSTS: &[DemoPost] = &[
    DemoPost {
        author: "maya",
        hours_ago: 2,
        followers_only: false,
        body: "Rail check before the weekend market. The Sunset bomber from $nairobi_threads is the piece everyone asks about: reversible, so it's really two jackets. Dress is theirs too, and the kiondo is my forever basket.\n\n#kitenge #slowfashion #ootd",
        photos: &[Photo {
            size: PORTRAIT,
            backdrop: SHOP_RAIL,
            items: &[
                place(Item::Bomber(Print::Sunset), 0.29, 0.56, 0.44),
                place(Item::Dress(Print::Marigold), 0.72, 0.73, 0.61),
                place(Item::Tote { natural: true }, 0.27, 0.96, 0.27),
            ],
            tags: &[on(0, Product("bomber")), beside(0, Shop("nairobi_threads")), on(1, Product("dress")), on(2, Product("tote"))],
            alt: "A Sunset-print bomber jacket and a Marigold wrap dress on a rail, a woven tote on the floor",
        }],
        likes: &["sam", "kofi", "amara", "lena", "nairobi_threads"],
    },
    DemoPost {
        author: "kofi",
        hours_ago: 5,
        followers_only: false,
        body: "Two weeks in the new low-tops from $lagos_leather. Chalk upper, gum cupsole, zero break-in pain. The tan heel is the detail that sold me. Styled with a pocket tee from $nairobi_threads.\n\n#sneakers #madeinlagos #streetwear",
        photos: &[
            Photo {
                size: SQUARE,
                backdrop: Backdrop::Terrazzo(hex(0xf1ece4)),
                items: &[
                    place(Item::Tee { colour: INDIGO, pocket: Print::Marigold }, 0.33, 0.56, 0.46),
                    place(Item::Sneakers { upper: CHALK, accent: TAN }, 0.62, 0.92, 0.23),
                    place(Item::Wallet(BLACK), 0.82, 0.44, 0.15),
                ],
                tags: &[on(0, Product("tee")), on(1, Product("sneakers")), on(2, Product("wallet"))],
                alt: "Flat lay: navy pocket tee, chalk leather sneakers and a black card wallet on terrazzo",
            },
            Photo {
                size: LANDSCAPE,
                backdrop: Backdrop::Studio(hex(0xd9d4cd)),
                items: &[place(Item::Sneakers { upper: CHALK, accent: TAN }, 0.5, 0.78, 0.42)],
                tags: &[on(0, Product("sneakers")), beside(0, Shop("lagos_leather"))],
                alt: "Chalk leather sneakers with tan heels, side view",
            },
        ],
        likes: &["maya", "jun", "sam", "lagos_leather"],
    },
    DemoPost {
        author: "lena",
        hours_ago: 9,
        followers_only: false,
        body: "Sunday table: lemons from the market in the big serving bowl, eucalyptus in the bottle vase, coffee in the charcoal mug. All of it thrown by @studio_ton about twenty minutes from my flat.\n\n#ceramics #stoneware #tablescape",
        photos: &[Photo {
            size: PORTRAIT,
            backdrop: WARM_WALL,
            items: &[
                place(Item::Vase { glaze: Glaze::Oat, stems: true }, 0.26, 0.78, 0.4),
                place(Item::Bowl { glaze: Glaze::Oat, lemons: true }, 0.67, 0.8, 0.18),
                place(Item::Mug { glaze: Glaze::Charcoal, coffee: true }, 0.7, 0.97, 0.16),
            ],
            tags: &[on(0, Product("vase")), beside(0, Shop("studio_ton")), on(1, Product("bowl")), on(2, Product("mug"))],
            alt: "A bottle vase with eucalyptus, a bowl of lemons and a charcoal mug on a wooden table",
        }],
        likes: &["maya", "studio_ton", "jun"],
    },
    DemoPost {
        author: "amara",
        hours_ago: 20,
        followers_only: false,
        body: "Honest review: the whipped shea butter from $shea_and_stone melts on contact and my skin is not ashy by lunch. The surprise is the hibiscus face oil: light, no breakouts after ten days. The lotion is fine, nothing special.\n\n#skincare #sheabutter #melaninrich",
        photos: &[
            Photo {
                size: PORTRAIT,
                backdrop: SHELF,
                items: &[
                    place(Item::Planter(Glaze::Oat), 0.19, ON_SHELF, 0.5),
                    place(Item::Jar, 0.45, ON_SHELF, 0.15),
                    place(Item::Dropper, 0.64, ON_SHELF, 0.25),
                    place(Item::Pump, 0.83, ON_SHELF, 0.33),
                ],
                tags: &[on(1, Product("butter")), on(2, Product("oil")), on(3, Product("lotion")), on(0, Shop("studio_ton"))],
                alt: "A shelf with a potted snake plant, a jar of shea butter, a dropper bottle and a lotion pump",
            },
            Photo {
                size: SQUARE,
                backdrop: Backdrop::Studio(hex(0xf0e2d9)),
                items: &[place(Item::Jar, 0.5, 0.72, 0.4)],
                tags: &[on(0, Product("butter"))],
                alt: "A jar of whipped shea butter",
            },
        ],
        likes: &["maya", "sam", "shea_and_stone", "kofi"],
    },
    DemoPost {
        author: "nairobi_threads",
        hours_ago: 26,
        followers_only: false,
        body: "New in: the Ankara wrap dress in Marigold and Cobalt. Cap sleeves, a sash you can tie three ways, and pockets (of course). XS to XL, made to order in five days.\n\n#newin #ankara #madeinkenya",
        photos: &[
            Photo {
                size: PORTRAIT,
                backdrop: SHOP_RAIL,
                items: &[
                    place(Item::Dress(Print::Marigold), 0.28, 0.74, 0.62),
                    place(Item::Dress(Print::Cobalt), 0.72, 0.74, 0.62),
                ],
                tags: &[on(0, Product("dress")), on(1, Product("dress"))],
                alt: "Two wrap dresses on a rail, one yellow Marigold print, one blue Cobalt print",
            },
            Photo {
                size: PORTRAIT,
                backdrop: Backdrop::Studio(hex(0xebe1d3)),
                items: &[place(Item::Dress(Print::Cobalt), 0.5, 0.9, 0.78)],
                tags: &[on(0, Product("dress"))],
                alt: "The Cobalt wrap dress",
            },
        ],
        likes: &["maya", "amara", "sam", "kofi"],
    },
    DemoPost {
        author: "jun",
        hours_ago: 31,
        followers_only: false,
        body: "Desk reset. Coffee goes in the charcoal mug from $studio_ton, the snake plant (a housewarming gift from @lena) survives on neglect, and the card wallet holds my badge and one card. That's the whole system.\n\n#desksetup #minimal",
        photos: &[Photo {
            size: LANDSCAPE,
            backdrop: PALE_WALL,
            items: &[
                place(Item::Planter(Glaze::Terracotta), 0.22, 0.86, 0.62),
                place(Item::Mug { glaze: Glaze::Charcoal, coffee: true }, 0.52, 0.9, 0.24),
                place(Item::Wallet(BLACK), 0.8, 0.96, 0.18),
            ],
            tags: &[on(0, Product("planter")), beside(0, User("lena")), on(1, Product("mug")), on(2, Product("wallet"))],
            alt: "A terracotta planter with a snake plant, a charcoal mug of coffee and a black wallet on a dark desk",
        }],
        likes: &["kofi", "lena", "maya"],
    },
    DemoPost {
        author: "lagos_leather",
        hours_ago: 38,
        followers_only: false,
        body: "The Ikoyi satchel, now in Espresso. Same full-grain leather, same brass buckle, a deeper brown that only gets better with age. Black is sold out; back in three weeks.\n\n#madeinlagos #leathergoods",
        photos: &[
            Photo {
                size: SQUARE,
                backdrop: Backdrop::Terrazzo(hex(0xf2eee8)),
                items: &[
                    place(Item::Satchel(ESPRESSO), 0.36, 0.62, 0.48),
                    place(Item::Passport(ESPRESSO), 0.78, 0.48, 0.27),
                    place(Item::Wallet(TAN), 0.74, 0.9, 0.17),
                ],
                tags: &[on(0, Product("satchel")), on(1, Product("passport")), on(2, Product("wallet"))],
                alt: "Flat lay: espresso leather satchel, passport cover and tan card wallet on terrazzo",
            },
            Photo {
                size: SQUARE,
                backdrop: Backdrop::Studio(hex(0xe7e3de)),
                items: &[place(Item::Satchel(ESPRESSO), 0.5, 0.86, 0.68)],
                tags: &[on(0, Product("satchel"))],
                alt: "The espresso satchel",
            },
        ],
        likes: &["kofi", "maya", "amara"],
    },
    DemoPost {
        author: "maya",
        hours_ago: 51,
        followers_only: true,
        body: "Close friends only: wearing the kitenge bucket hat with literally everything this week. Verdict so far: yes. Also finally took @kofi's sneaker advice.\n\n#ootd",
        photos: &[Photo {
            size: SQUARE,
            backdrop: Backdrop::Linen(hex(0xe9e2d6)),
            items: &[
                place(Item::BucketHat(Print::Sunset), 0.74, 0.4, 0.22),
                place(Item::Tee { colour: CHALK, pocket: Print::Sunset }, 0.33, 0.56, 0.46),
                place(Item::Sneakers { upper: CHALK, accent: TAN }, 0.66, 0.9, 0.2),
            ],
            tags: &[on(0, Product("hat")), on(1, Product("tee")), on(2, Product("sneakers")), beside(2, User("kofi"))],
            alt: "Flat lay on linen: a Sunset-print bucket hat, a white pocket tee and chalk sneakers",
        }],
        likes: &["nairobi_threads", "amara", "kofi"],
    },
    DemoPost {
        author: "studio_ton",
        hours_ago: 58,
        followers_only: false,
        body: "Fresh out of the kiln: espresso cups in Oat and Charcoal, sold in pairs with saucers. A small batch of thirty sets.\n\n#stoneware #handmade #berlin",
        photos: &[
            Photo {
                size: LANDSCAPE,
                backdrop: SHELF,
                items: &[place(Item::Cups(Glaze::Charcoal), 0.28, ON_SHELF, 0.34), place(Item::Cups(Glaze::Oat), 0.72, ON_SHELF, 0.34)],
                tags: &[on(0, Product("cups")), on(1, Product("cups"))],
                alt: "Two pairs of espresso cups on saucers on a shelf, one charcoal, one oat",
            },
            Photo {
                size: SQUARE,
                backdrop: Backdrop::Studio(hex(0xe3e4de)),
                items: &[place(Item::Cups(Glaze::Oat), 0.5, 0.75, 0.4)],
                tags: &[on(0, Product("cups"))],
                alt: "Oat espresso cups",
            },
        ],
        likes: &["lena", "jun"],
    },
    DemoPost {
        author: "kofi",
        hours_ago: 73,
        followers_only: false,
        body: "Weekend in Cape Coast with one bag. The $lagos_leather weekender took two outfits, a camera and a pair of sneakers with room to spare. Hat by @nairobi_threads.\n\n#weekendbag #travel",
        photos: &[Photo {
            size: PORTRAIT,
            backdrop: Backdrop::Boards(hex(0xb48b63)),
            items: &[
                place(Item::Duffel(COGNAC), 0.5, 0.42, 0.26),
                place(Item::Sneakers { upper: TAN, accent: ESPRESSO }, 0.4, 0.72, 0.19),
                place(Item::BucketHat(Print::Sunset), 0.74, 0.95, 0.2),
            ],
            tags: &[on(0, Product("duffel")), on(1, Product("sneakers")), on(2, Product("hat")), beside(2, User("nairobi_threads"))],
            alt: "From above on floorboards: a cognac leather duffel, tan sneakers and a printed bucket hat",
        }],
        likes: &["maya", "lagos_leather", "sam", "jun"],
    },
    DemoPost {
        author: "sam",
        hours_ago: 77,
        followers_only: false,
        body: "Is the kitenge bomber worth it at full price, or do I wait for the next $nairobi_threads sale? Asking for me. #kitenge",
        photos: &[],
        likes: &["maya"],
    },
    DemoPost {
        author: "lena",
        hours_ago: 92,
        followers_only: false,
        body: "Repotted everything into the new planters from @studio_ton. The terracotta glaze looks like it has lived outside for years, in the best way.\n\n#plants #ceramics",
        photos: &[Photo {
            size: PORTRAIT,
            backdrop: SHELF,
            items: &[
                place(Item::Planter(Glaze::Terracotta), 0.22, ON_SHELF, 0.52),
                place(Item::Vase { glaze: Glaze::Sage, stems: true }, 0.54, ON_SHELF, 0.34),
                place(Item::Planter(Glaze::Oat), 0.81, ON_SHELF, 0.4),
            ],
            tags: &[on(0, Product("planter")), on(1, Product("vase")), on(2, Product("planter"))],
            alt: "A shelf with two planters holding snake plants and a sage bottle vase with eucalyptus",
        }],
        likes: &["studio_ton", "maya", "jun"],
    },
    DemoPost {
        author: "amara",
        hours_ago: 104,
        followers_only: true,
        body: "For my followers first: $shea_and_stone restocks the Vetiver lotion on Friday. Not sponsored, not gifted, I've bought the Lemongrass one twice.\n\n#skincare",
        photos: &[Photo {
            size: SQUARE,
            backdrop: Backdrop::Studio(hex(0xf0e2d9)),
            items: &[place(Item::Pump, 0.38, 0.82, 0.6), place(Item::Dropper, 0.66, 0.82, 0.44)],
            tags: &[on(0, Product("lotion")), on(1, Product("oil"))],
            alt: "A lotion pump bottle and a dropper bottle on blush paper",
        }],
        likes: &["maya", "sam"],
    },
    DemoPost {
        author: "nairobi_threads",
        hours_ago: 122,
        followers_only: false,
        body: "Offcut season: every pocket tee gets a pocket cut from what's left of our wax prints, so no two are the same. Sizes S to XL (S is gone already).\n\n#zerowaste #kitenge",
        photos: &[Photo {
            size: LANDSCAPE,
            backdrop: SHOP_RAIL,
            items: &[
                place(Item::Tee { colour: CHALK, pocket: Print::Sunset }, 0.2, 0.62, 0.44),
                place(Item::Tee { colour: INDIGO, pocket: Print::Marigold }, 0.5, 0.62, 0.44),
                place(Item::Tee { colour: OLIVE, pocket: Print::Cobalt }, 0.8, 0.62, 0.44),
            ],
            tags: &[on(0, Product("tee")), on(1, Product("tee")), on(2, Product("tee"))],
            alt: "Three pocket tees on a rail, white, navy and olive, each with a different printed pocket",
        }],
        likes: &["maya", "sam", "kofi"],
    },
    DemoPost {
        author: "maya",
        hours_ago: 140,
        followers_only: false,
        body: "Packing for Berlin: the kiondo as my carry-on, the $lagos_leather card wallet because I refuse to bring a real wallet, and the passport cover I've wanted for a year (sold out again, sorry).\n\n#travel #slowfashion",
        photos: &[Photo {
            size: SQUARE,
            backdrop: Backdrop::Linen(hex(0xe4ddd0)),
            items: &[
                place(Item::Tote { natural: true }, 0.34, 0.72, 0.5),
                place(Item::Wallet(TAN), 0.76, 0.86, 0.16),
                place(Item::Passport(ESPRESSO), 0.76, 0.48, 0.28),
            ],
            tags: &[on(0, Product("tote")), on(1, Product("wallet")), beside(1, Shop("lagos_leather")), on(2, Product("passport"))],
            alt: "Flat lay on linen: a woven tote, a tan card wallet and a brown passport cover",
        }],
        likes: &["kofi", "lena", "lagos_leather", "sam"],
    },
    DemoPost {
        author: "jun",
        hours_ago: 157,
        followers_only: false,
        body: "Rule for the desk: nothing stays unless it earns its place. This week the bottle vase from @studio_ton earned it.\n\n#desksetup #minimal",
        photos: &[Photo {
            size: PORTRAIT,
            backdrop: PALE_WALL,
            items: &[
                place(Item::Vase { glaze: Glaze::Sage, stems: true }, 0.36, 0.8, 0.42),
                place(Item::Mug { glaze: Glaze::Oat, coffee: true }, 0.72, 0.93, 0.17),
            ],
            tags: &[on(0, Product("vase")), on(1, Product("mug"))],
            alt: "A sage bottle vase with eucalyptus and an oat mug on a dark desk",
        }],
        likes: &["lena"],
    },
    DemoPost {
        author: "lagos_leather",
        hours_ago: 170,
        followers_only: false,
        body: "Behind the weekender: fourteen panels, over a metre of hand stitching, and brass rings from a family foundry in Kano. Ready to ship, and on sale this week.\n\n#madeinlagos #craft",
        photos: &[
            Photo {
                size: LANDSCAPE,
                backdrop: Backdrop::Studio(hex(0xe7e3de)),
                items: &[place(Item::Duffel(COGNAC), 0.5, 0.82, 0.5)],
                tags: &[on(0, Product("duffel"))],
                alt: "Cognac leather weekender duffel",
            },
            Photo {
                size: LANDSCAPE,
                backdrop: WARM_WALL,
                items: &[place(Item::Duffel(TAN), 0.42, 0.88, 0.46), place(Item::Wallet(TAN), 0.84, 0.95, 0.17)],
                tags: &[on(0, Product("duffel")), on(1, Product("wallet"))],
                alt: "A tan duffel and a card wallet on a wooden table",
            },
        ],
        likes: &["kofi", "maya"],
    },
    DemoPost {
        author: "kofi",
        hours_ago: 196,
        followers_only: false,
        body: "Shout-out to @maya for the styling tips at the market on Saturday. Indigo bomber over a navy tee, who knew. Next pop-up is at the Alliance Française, come through.\n\n#accra #streetwear",
        photos: &[Photo {
            size: PORTRAIT,
            backdrop: SHOP_RAIL,
            items: &[
                place(Item::Bomber(Print::Indigo), 0.3, 0.56, 0.44),
                place(Item::Tee { colour: INDIGO, pocket: Print::Marigold }, 0.73, 0.52, 0.38),
                place(Item::Sneakers { upper: CHALK, accent: TAN }, 0.52, 0.965, 0.13),
            ],
            tags: &[on(0, Product("bomber")), on(1, Product("tee")), beside(0, User("maya")), on(2, Product("sneakers"))],
            alt: "An indigo-print bomber and a navy pocket tee on a rail, chalk sneakers on the floor",
        }],
        likes: &["maya", "amara", "jun"],
    },
    DemoPost {
        author: "studio_ton",
        hours_ago: 218,
        followers_only: false,
        body: "Mug restock: Oat and Sage are back. Charcoal sold out in a day, more after the next firing.\n\n#stoneware #restock",
        photos: &[Photo {
            size: LANDSCAPE,
            backdrop: WARM_WALL,
            items: &[
                place(Item::Mug { glaze: Glaze::Oat, coffee: false }, 0.2, 0.84, 0.27),
                place(Item::Mug { glaze: Glaze::Sage, coffee: true }, 0.5, 0.93, 0.3),
                place(Item::Mug { glaze: Glaze::Charcoal, coffee: false }, 0.8, 0.84, 0.27),
            ],
            tags: &[on(0, Product("mug")), on(1, Product("mug")), on(2, Product("mug"))],
            alt: "Three speckled mugs in oat, sage and charcoal on a wooden table",
        }],
        likes: &["lena", "jun", "sam"],
    },
    DemoPost {
        author: "shea_and_stone",
        hours_ago: 244,
        followers_only: false,
        body: "Hello Storefeed! We're Shea & Stone from Accra: small-batch shea butter, face oil and body lotion, poured by hand. Tap the tags to shop, and say hi to @amara, who tested everything first.\n\n#sheabutter #shoplocal",
        photos: &[Photo {
            size: SQUARE,
            backdrop: Backdrop::Studio(hex(0xf0e2d9)),
            items: &[place(Item::Dropper, 0.27, 0.8, 0.42), place(Item::Pump, 0.72, 0.8, 0.56), place(Item::Jar, 0.5, 0.88, 0.26)],
            tags: &[on(0, Product("oil")), on(1, Product("lotion")), on(2, Product("butter")), beside(2, User("amara"))],
            alt: "Shea butter jar, face oil and body lotion together",
        }],
        likes: &["amara", "maya"],
    },
    DemoPost {
        author: "maya",
        hours_ago: 290,
        followers_only: false,
        body: "Slow mornings: the sage mug from @studio_ton and whatever fruit is in the bowl.\n\n#slowliving",
        photos: &[Photo {
            size: SQUARE,
            backdrop: WARM_WALL,
            items: &[
                place(Item::Bowl { glaze: Glaze::Oat, lemons: true }, 0.36, 0.8, 0.22),
                place(Item::Mug { glaze: Glaze::Sage, coffee: true }, 0.74, 0.93, 0.25),
            ],
            tags: &[on(0, Product("bowl")), on(1, Product("mug"))],
            alt: "A bowl of lemons and a sage mug of coffee on a wooden table",
        }],
        likes: &["lena", "studio_ton"],
    },
    DemoPost {
        author: "lena",
        hours_ago: 318,
        followers_only: false,
        body: "Studio visit at @studio_ton today. The charcoal glaze with the bare clay foot is my favourite thing they make.\n\n#ceramics",
        photos: &[Photo {
            size: SQUARE,
            backdrop: Backdrop::Studio(hex(0xe3e4de)),
            items: &[place(Item::Mug { glaze: Glaze::Charcoal, coffee: false }, 0.5, 0.78, 0.46)],
            tags: &[on(0, Product("mug")), beside(0, Shop("studio_ton"))],
            alt: "A charcoal speckled mug with a bare clay foot",
        }],
        likes: &["studio_ton", "maya", "jun"],
    },
];
