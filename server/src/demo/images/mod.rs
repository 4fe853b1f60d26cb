//! Product photos for the demo, drawn from scratch: studio shots for product
//! galleries and small still lifes for posts. Pure functions of their scene
//! description, so the same scene always gives the same picture, and every
//! object reports where it landed so tags can sit on it.

mod apparel;
mod backdrops;
mod canvas;
mod leather;
mod vessels;

use std::io::Cursor;

use image::RgbImage;

pub use apparel::Print;
pub use backdrops::{Backdrop, SHELF_TOP};
pub use canvas::{hex, Rgb};
use canvas::{p, Canvas, Shape, P};
pub use vessels::Glaze;

/// Leather colours.
pub const COGNAC: Rgb = hex(0x8e4a1f);
pub const TAN: Rgb = hex(0xb9773e);
pub const ESPRESSO: Rgb = hex(0x3f2418);
pub const BLACK: Rgb = hex(0x2a2624);
pub const CHALK: Rgb = hex(0xf1eee8);
pub const INDIGO: Rgb = hex(0x2c3e63);
pub const OLIVE: Rgb = hex(0x5d6544);

/// A box in pixels that an object is drawn into.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Frame {
    /// The point at (u, v), fractions of the box from its top-left corner.
    pub fn at(&self, u: f32, v: f32) -> P {
        p(self.x + u * self.w, self.y + v * self.h)
    }

    pub fn uv(&self, x: f32, y: f32) -> (f32, f32) {
        ((x - self.x) / self.w, (y - self.y) / self.h)
    }
}

/// Something that can be photographed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    Tee { colour: Rgb, pocket: Print },
    Bomber(Print),
    Dress(Print),
    BucketHat(Print),
    Tote { natural: bool },
    Satchel(Rgb),
    Duffel(Rgb),
    Wallet(Rgb),
    Passport(Rgb),
    Sneakers { upper: Rgb, accent: Rgb },
    Mug { glaze: Glaze, coffee: bool },
    Cups(Glaze),
    Bowl { glaze: Glaze, lemons: bool },
    Vase { glaze: Glaze, stems: bool },
    Planter(Glaze),
    Jar,
    Dropper,
    Pump,
}

impl Item {
    /// Width over height of the box the item is drawn in.
    pub fn aspect(self) -> f32 {
        match self {
            Item::Tee { .. } => 1.05,
            Item::Bomber(_) => 0.95,
            Item::Dress(_) => 0.62,
            Item::BucketHat(_) => 1.35,
            Item::Tote { .. } => 0.92,
            Item::Satchel(_) => 0.95,
            Item::Duffel(_) => 1.9,
            Item::Wallet(_) => 1.3,
            Item::Passport(_) => 0.72,
            Item::Sneakers { .. } => 2.5,
            Item::Mug { .. } => 1.25,
            Item::Cups(_) => 1.9,
            Item::Bowl { .. } => 2.0,
            Item::Vase { .. } => 0.5,
            Item::Planter(_) => 0.62,
            Item::Jar => 1.1,
            Item::Dropper => 0.42,
            Item::Pump => 0.4,
        }
    }

    /// Clothes hang from a rail; everything else stands or lies.
    pub fn hangs(self) -> bool {
        matches!(self, Item::Tee { .. } | Item::Bomber(_) | Item::Dress(_))
    }

    /// Draws the item and returns two points on it for tags.
    fn draw(self, c: &mut Canvas, f: Frame) -> [P; 2] {
        match self {
            Item::Tee { colour, pocket } => apparel::tee(c, f, colour, pocket),
            Item::Bomber(print) => apparel::bomber(c, f, print),
            Item::Dress(print) => apparel::dress(c, f, print),
            Item::BucketHat(print) => apparel::bucket_hat(c, f, print),
            Item::Tote { natural } => apparel::tote(c, f, natural),
            Item::Satchel(colour) => leather::satchel(c, f, colour),
            Item::Duffel(colour) => leather::duffel(c, f, colour),
            Item::Wallet(colour) => leather::wallet(c, f, colour),
            Item::Passport(colour) => leather::passport(c, f, colour),
            Item::Sneakers { upper, accent } => leather::sneakers(c, f, upper, accent),
            Item::Mug { glaze, coffee } => vessels::mug(c, f, glaze, coffee),
            Item::Cups(glaze) => vessels::cups(c, f, glaze),
            Item::Bowl { glaze, lemons } => vessels::bowl(c, f, glaze, lemons),
            Item::Vase { glaze, stems } => vessels::vase(c, f, glaze, stems),
            Item::Planter(glaze) => vessels::planter(c, f, glaze),
            Item::Jar => vessels::jar(c, f),
            Item::Dropper => vessels::dropper(c, f),
            Item::Pump => vessels::pump(c, f),
        }
    }

    /// A rough outline for the shadow the item casts when it lies flat.
    fn outline(self, f: &Frame) -> Shape {
        let r = f.w.min(f.h) * 0.1;
        let poly = |pts: &[(f32, f32)]| Shape::Poly(pts.iter().map(|&(u, v)| f.at(u, v)).collect());
        match self {
            Item::Tee { .. } => poly(&[
                (0.38, 0.02),
                (0.62, 0.02),
                (0.99, 0.32),
                (0.87, 0.44),
                (0.78, 0.36),
                (0.78, 0.98),
                (0.22, 0.98),
                (0.22, 0.36),
                (0.13, 0.44),
                (0.01, 0.32),
            ]),
            Item::Bomber(_) => poly(&[
                (0.38, 0.03),
                (0.62, 0.03),
                (0.9, 0.15),
                (0.98, 0.9),
                (0.84, 0.92),
                (0.77, 0.95),
                (0.23, 0.95),
                (0.16, 0.92),
                (0.02, 0.9),
                (0.1, 0.15),
            ]),
            Item::Dress(_) => poly(&[
                (0.37, 0.0),
                (0.63, 0.0),
                (0.79, 0.1),
                (0.67, 0.39),
                (0.97, 0.98),
                (0.03, 0.98),
                (0.33, 0.39),
                (0.21, 0.1),
            ]),
            Item::BucketHat(_) => {
                poly(&[(0.3, 0.05), (0.7, 0.05), (0.79, 0.56), (1.0, 0.86), (0.5, 0.98), (0.0, 0.86), (0.21, 0.56)])
            }
            Item::Sneakers { .. } => {
                poly(&[(0.02, 0.45), (0.1, 0.22), (0.4, 0.05), (0.75, 0.35), (0.98, 0.6), (0.9, 1.0), (0.02, 1.0)])
            }
            Item::Tote { .. } | Item::Satchel(_) => Shape::rect(f.x, f.y + f.h * 0.35, f.x + f.w, f.y + f.h, r),
            Item::Wallet(_) => Shape::rect(f.x, f.y + f.h * 0.14, f.x + f.w, f.y + f.h, r),
            _ => Shape::rect(f.x, f.y, f.x + f.w, f.y + f.h, r),
        }
    }
}

/// An item in a scene: centred at `x`, its bottom at `base`, `height` tall,
/// all as fractions of the picture's width or height.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub item: Item,
    pub x: f32,
    pub base: f32,
    pub height: f32,
}

pub const fn place(item: Item, x: f32, base: f32, height: f32) -> Placed {
    Placed { item, x, base, height }
}

#[derive(Debug, Clone)]
pub struct Scene {
    pub w: u32,
    pub h: u32,
    pub backdrop: Backdrop,
    pub items: Vec<Placed>,
}

/// A rendered picture and, for each item in order, two tag spots in percent.
pub struct Picture {
    pub image: RgbImage,
    pub spots: Vec<[(f64, f64); 2]>,
}

impl Scene {
    /// A single item on a seamless paper backdrop, as product galleries show them.
    pub fn studio(item: Item, paper: Rgb, size: u32) -> Scene {
        let aspect = item.aspect();
        let height = (0.66f32).min(0.8 / aspect);
        Scene {
            w: size,
            h: size,
            backdrop: Backdrop::Studio(paper),
            items: vec![place(item, 0.5, 0.5 + height / 2.0 + 0.05, height)],
        }
    }

    /// The same scene at `k` times the size (tests draw small).
    pub fn scaled(mut self, k: f32) -> Scene {
        self.w = ((self.w as f32 * k).round() as u32).max(8);
        self.h = ((self.h as f32 * k).round() as u32).max(8);
        self
    }

    pub fn frame(&self, placed: &Placed) -> Frame {
        let (w, h) = (self.w as f32, self.h as f32);
        let fh = placed.height * h;
        let fw = fh * placed.item.aspect();
        Frame { x: placed.x * w - fw / 2.0, y: placed.base * h - fh, w: fw, h: fh }
    }

    pub fn render(&self) -> Picture {
        let mut c = self.backdrop.paint(self.w, self.h);
        let mut spots = Vec::with_capacity(self.items.len());
        for placed in &self.items {
            let f = self.frame(placed);
            self.backdrop.ground(&mut c, placed.item, &f);
            let pts = placed.item.draw(&mut c, f);
            let pct = |q: P| {
                let x = (q.x / self.w as f32 * 100.0).clamp(0.0, 100.0) as f64;
                let y = (q.y / self.h as f32 * 100.0).clamp(0.0, 100.0) as f64;
                ((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0)
            };
            spots.push([pct(pts[0]), pct(pts[1])]);
        }
        let (vignette, grain) = self.backdrop.finish();
        Picture { image: c.into_image(vignette, grain, self.w ^ self.h), spots }
    }
}

/// Encodes a picture as a high-quality JPEG, ready for the upload pipeline.
pub fn jpeg(image: &RgbImage) -> anyhow::Result<Vec<u8>> {
    let mut buf = Cursor::new(Vec::new());
    image.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 92))?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Item; 18] = [
        Item::Tee { colour: CHALK, pocket: Print::Sunset },
        Item::Bomber(Print::Indigo),
        Item::Dress(Print::Marigold),
        Item::BucketHat(Print::Cobalt),
        Item::Tote { natural: true },
        Item::Satchel(COGNAC),
        Item::Duffel(TAN),
        Item::Wallet(BLACK),
        Item::Passport(ESPRESSO),
        Item::Sneakers { upper: CHALK, accent: TAN },
        Item::Mug { glaze: Glaze::Sage, coffee: true },
        Item::Cups(Glaze::Charcoal),
        Item::Bowl { glaze: Glaze::Oat, lemons: true },
        Item::Vase { glaze: Glaze::Oat, stems: true },
        Item::Planter(Glaze::Terracotta),
        Item::Jar,
        Item::Dropper,
        Item::Pump,
    ];

    /// Draws the item on two very different papers: where the item is, the
    /// pictures agree; background and shadows differ.
    fn on_item(item: Item, size: u32) -> (Picture, impl Fn(u32, u32) -> bool) {
        let light = Scene::studio(item, hex(0xebe5dc), size).render();
        let dark = Scene::studio(item, hex(0x1d3557), size).render().image;
        let image = light.image.clone();
        let same = move |x: u32, y: u32| image[(x, y)] == dark[(x, y)];
        (light, same)
    }

    #[test]
    fn every_item_lands_under_its_tags() {
        for item in ALL {
            let (picture, covered) = on_item(item, 240);
            assert_eq!(picture.image.dimensions(), (240, 240));
            for (x, y) in picture.spots[0] {
                assert!((0.0..=100.0).contains(&x) && (0.0..=100.0).contains(&y), "{item:?}");
                let (px, py) = ((x / 100.0 * 240.0) as u32, (y / 100.0 * 240.0) as u32);
                let around = [(0, 0), (2, 0), (0, 2)].iter().all(|(dx, dy)| covered(px + dx - 1, py + dy - 1));
                assert!(around, "the tag at {x}%, {y}% is not on the {item:?}");
            }
        }
    }

    #[test]
    fn the_same_scene_draws_the_same_picture() {
        let scene = || Scene {
            w: 160,
            h: 200,
            backdrop: Backdrop::Table { wall: hex(0xe8e0d4), wood: hex(0xa0714a) },
            items: vec![
                place(Item::Vase { glaze: Glaze::Sage, stems: true }, 0.3, 0.8, 0.45),
                place(Item::Mug { glaze: Glaze::Oat, coffee: true }, 0.7, 0.85, 0.15),
            ],
        };
        let (a, b) = (scene().render(), scene().render());
        assert_eq!(a.image.as_raw(), b.image.as_raw());
        assert_eq!(a.spots, b.spots);
        let half = scene().scaled(0.5).render();
        assert_eq!(half.image.dimensions(), (80, 100));
        for (s, t) in a.spots.iter().zip(&half.spots) {
            assert!(
                (s[0].0 - t[0].0).abs() < 1.5 && (s[0].1 - t[0].1).abs() < 1.5,
                "tags keep their place at any size"
            );
        }
    }

    #[test]
    fn pictures_encode_as_jpeg() {
        let picture = Scene::studio(Item::Jar, hex(0xf0e6da), 64).render();
        let bytes = jpeg(&picture.image).unwrap();
        assert_eq!(image::guess_format(&bytes).unwrap(), image::ImageFormat::Jpeg);
    }

    /// Writes every item and a few scenes to $STOREFEED_DEMO_PREVIEW (a
    /// directory) for a look; does nothing without it.
    #[test]
    fn preview() {
        let Some(dir) = std::env::var_os("STOREFEED_DEMO_PREVIEW") else { return };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, item) in ALL.iter().enumerate() {
            let picture = Scene::studio(*item, hex(0xebe5dc), 600).render();
            picture.image.save(dir.join(format!("item-{i:02}.png"))).unwrap();
        }
        for (i, scene) in crate::demo::posts::preview_scenes().into_iter().enumerate() {
            scene.render().image.save(dir.join(format!("scene-{i:02}.png"))).unwrap();
        }
    }
}
