//! Where the objects stand: seamless studio paper, a wooden table against a
//! plaster wall in window light, a wall shelf, a clothes rail, and surfaces
//! for flat lays. Each also grounds its objects with the right shadow.

use super::canvas::{fbm, hash, hex, lit, mix, p, shade, smoothstep, Canvas, Path, Rgb, Shape};
use super::{Frame, Item};

/// Where the table top meets the wall, and the shelf's top edge.
pub const TABLE_TOP: f32 = 0.58;
pub const SHELF_TOP: f32 = 0.74;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backdrop {
    /// Seamless paper in one colour, lit from the front-left.
    Studio(Rgb),
    /// A plaster wall and a wooden table top below `TABLE_TOP`.
    Table { wall: Rgb, wood: Rgb },
    /// A wall with a floating shelf whose top is at `SHELF_TOP`.
    Shelf { wall: Rgb, wood: Rgb },
    /// A clothes rail near the top of a wall, a floor below.
    Rail { wall: Rgb, floor: Rgb },
    /// Seen from above: linen.
    Linen(Rgb),
    /// Seen from above: terrazzo with coloured chips.
    Terrazzo(Rgb),
    /// Seen from above: floor boards.
    Boards(Rgb),
}

/// A plaster wall with a soft patch of window light falling across it.
fn wall(base: Rgb, x: f32, y: f32, w: f32, h: f32) -> Rgb {
    let plaster = 0.97 + 0.05 * fbm(x / (w * 0.05), y / (w * 0.05), 90);
    // The window is off to the upper left; its light is a soft slanted band.
    let s = (x / w) * 0.8 + (y / h) * 0.5;
    let window = smoothstep(0.15, 0.35, s) * (1.0 - smoothstep(0.55, 0.85, s));
    shade(base, plaster * (0.86 + 0.16 * window - 0.06 * (y / h)))
}

/// Wood with its grain running across the picture: broad tonal streaks,
/// thin dark grain lines that wander, and fine fibres.
fn wood_grain(base: Rgb, x: f32, along: f32, w: f32) -> Rgb {
    let wander = fbm(x / (w * 0.35), along * 0.08, 91);
    let tone = fbm(x / (w * 0.6), along * 0.15, 92);
    let line = (along * 1.7 + 6.0 * wander).sin().abs();
    let grain = 1.0 - 0.12 * smoothstep(0.82, 1.0, line);
    let fibre = 0.97 + 0.05 * hash((x / 3.0) as i32, (along * 8.0) as i32, 93);
    shade(mix(shade(base, 0.86), shade(base, 1.06), tone), grain * fibre)
}

impl Backdrop {
    pub fn paint(&self, w: u32, h: u32) -> Canvas {
        let (fw, fh) = (w as f32, h as f32);
        match *self {
            Backdrop::Studio(paper) => Canvas::smooth(w, h, 8, |x, y| {
                let (u, v) = (x / fw, y / fh);
                let light = 1.0 - 0.35 * ((u - 0.42).powi(2) + (v - 0.38).powi(2));
                let sweep = 1.0 - 0.06 * smoothstep(0.55, 0.85, v) + 0.03 * smoothstep(0.85, 1.0, v);
                shade(paper, light * sweep * (0.99 + 0.02 * fbm(x / (fw * 0.1), y / (fw * 0.1), 93)))
            }),
            Backdrop::Table { wall: colour, wood } => {
                let top = fh * TABLE_TOP;
                let mut c = Canvas::smooth(w, h, 6, |x, y| {
                    let contact = 1.0 - 0.18 * smoothstep(top - fh * 0.05, top, y);
                    shade(wall(colour, x, y, fw, fh), contact)
                });
                c.repaint_below(top as u32, |x, y| {
                    let depth = (y - top) / (fh - top);
                    let along = 14.0 / (depth + 0.12);
                    let edge = 1.0 + 0.12 * (1.0 - smoothstep(0.0, fh * 0.006, y - top));
                    let window = 1.0 + 0.1 * (1.0 - smoothstep(0.0, 0.7, (x / fw - 0.35 - depth * 0.3).abs()));
                    shade(wood_grain(wood, x, along, fw), edge * window * (0.92 + 0.1 * depth))
                });
                c
            }
            Backdrop::Shelf { wall: colour, wood } => {
                let top = fh * SHELF_TOP;
                let (front, under) = (top + fh * 0.035, top + fh * 0.1);
                let back = top - fh * 0.045;
                let mut c = Canvas::smooth(w, h, 6, |x, y| {
                    let shadow = if y > front { 1.0 - 0.3 * (1.0 - smoothstep(front, under, y)) } else { 1.0 };
                    shade(wall(colour, x, y, fw, fh), shadow)
                });
                let plank = Shape::rect(-1.0, back, fw + 1.0, front, 0.0);
                c.fill(&plank, |x, y, _| {
                    if y < top {
                        wood_grain(shade(wood, 1.08), x, (y - back) / fh * 300.0, fw)
                    } else {
                        shade(wood_grain(wood, x, y / fh * 400.0, fw), 0.8 - 0.1 * (y - top) / (front - top))
                    }
                });
                c
            }
            Backdrop::Rail { wall: colour, floor } => {
                let ground = fh * 0.9;
                let mut c = Canvas::smooth(w, h, 6, |x, y| {
                    shade(wall(colour, x, y, fw, fh), 1.0 - 0.15 * smoothstep(ground - fh * 0.04, ground, y))
                });
                c.repaint_below(ground as u32, |x, y| wood_grain(floor, x, (y - ground) / fh * 900.0, fw));
                let y = fh * 0.07;
                for bx in [0.04, 0.96] {
                    let post = Shape::rect(fw * bx - fw * 0.006, 0.0, fw * bx + fw * 0.006, y, fw * 0.003);
                    c.fill(&post, |x, _, _| lit(hex(0x2b2b2b), (x - fw * bx) / (fw * 0.006), 0.0, 0.6));
                }
                let rail = Shape::line(p(fw * 0.04, y), p(fw * 0.96, y), fh * 0.014);
                c.shadow(&rail.moved(fw * 0.01, fh * 0.015), fh * 0.01, 0.3);
                c.fill(&rail, |_, yy, _| lit(hex(0x3a3a3a), 0.0, ((yy - y) / (fh * 0.007)).clamp(-1.0, 1.0), 0.9));
                c
            }
            Backdrop::Linen(base) => Canvas::new(w, h, |x, y| {
                let weave = 0.5 + 0.25 * ((x * 1.7).sin() + (y * 1.7).sin());
                let slub = fbm(x / (fw * 0.15), y / 3.0, 94);
                let creases = fbm(x / (fw * 0.3), y / (fw * 0.3), 95);
                shade(base, 0.93 + 0.04 * weave + 0.05 * slub + 0.08 * (creases - 0.5))
            }),
            Backdrop::Terrazzo(base) => Canvas::new(w, h, |x, y| {
                let cell = fw * 0.03;
                let (cx, cy) = ((x / cell).floor(), (y / cell).floor());
                let mut c = shade(base, 0.97 + 0.04 * hash(x as i32, y as i32, 96));
                for (ox, oy) in [(0.0, 0.0), (-1.0, 0.0), (0.0, -1.0), (-1.0, -1.0)] {
                    let (gx, gy) = ((cx + ox) as i32, (cy + oy) as i32);
                    if hash(gx, gy, 97) > 0.22 {
                        continue;
                    }
                    let centre =
                        p((gx as f32 + 0.5 + hash(gx, gy, 98)) * cell, (gy as f32 + 0.5 + hash(gx, gy, 99)) * cell);
                    let r = cell * (0.08 + 0.2 * hash(gx, gy, 100));
                    let lobes = 2.0 + (hash(gx, gy, 104) * 3.0).floor();
                    let wobble =
                        1.0 + 0.18 * ((y - centre.y).atan2(x - centre.x) * lobes + hash(gx, gy, 101) * 6.0).sin();
                    if ((x - centre.x).powi(2) + (y - centre.y).powi(2)).sqrt() < r * wobble {
                        let pick = hash(gx, gy, 102);
                        c = if pick < 0.35 {
                            hex(0xd08a6c)
                        } else if pick < 0.65 {
                            hex(0xa9b2ad)
                        } else if pick < 0.8 {
                            hex(0x55524e)
                        } else {
                            hex(0xe4c48a)
                        };
                    }
                }
                c
            }),
            Backdrop::Boards(base) => Canvas::new(w, h, |x, y| {
                let plank = fw * 0.17;
                let i = (x / plank).floor();
                let within = x - i * plank;
                let tone = 0.88 + 0.18 * hash(i as i32, 0, 103);
                let gap = if within < fw * 0.003 { 0.55 } else { 1.0 };
                let grain = wood_grain(base, y + i * 300.0, within / plank * 30.0, fw);
                shade(grain, tone * gap)
            }),
        }
    }

    /// Shadows (and hangers) that go under an item before it is drawn.
    pub fn ground(&self, c: &mut Canvas, item: Item, f: &Frame) {
        let (w, h) = (c.w as f32, c.h as f32);
        let flat = matches!(self, Backdrop::Linen(_) | Backdrop::Terrazzo(_) | Backdrop::Boards(_));
        if flat || (item.hangs() && matches!(self, Backdrop::Studio(_))) {
            let shape = item.outline(f);
            c.shadow(&shape.moved(w * 0.012, w * 0.018), w * 0.03, 0.35);
            return;
        }
        if item.hangs() {
            if let Backdrop::Rail { .. } = self {
                hanger(c, f, h * 0.07);
            }
            c.shadow(&item.outline(f).moved(w * 0.015, h * 0.012), w * 0.03, 0.3);
            return;
        }
        let foot = f.at(0.5, 1.0);
        let rx = f.w * 0.46;
        c.shadow(&Shape::ellipse(p(foot.x + rx * 0.35, foot.y - f.w * 0.01), rx * 1.1, f.w * 0.07), f.w * 0.12, 0.3);
        c.shadow(&Shape::ellipse(p(foot.x + rx * 0.05, foot.y - f.w * 0.005), rx * 0.95, f.w * 0.03), f.w * 0.03, 0.5);
    }

    /// How much the corners darken and how much grain the "camera" adds.
    pub fn finish(&self) -> (f32, f32) {
        match self {
            Backdrop::Studio(_) => (0.16, 0.02),
            Backdrop::Linen(_) | Backdrop::Terrazzo(_) | Backdrop::Boards(_) => (0.22, 0.025),
            _ => (0.3, 0.03),
        }
    }
}

/// A wooden hanger on the rail at height `rail`, holding a garment in `f`.
fn hanger(c: &mut Canvas, f: &Frame, rail: f32) {
    let top = f.at(0.5, 0.0);
    let hook = Path::from(p(top.x, top.y))
        .to(p(top.x, rail + f.w * 0.03))
        .curve(p(top.x, rail - f.w * 0.035), p(top.x - f.w * 0.03, rail - f.w * 0.01))
        .stroke(f.w * 0.008);
    c.fill(&hook, |x, _, _| lit(hex(0xb9b4aa), (x - top.x) / (f.w * 0.03), 0.0, 0.9));
    let bar = Path::from(f.at(0.2, 0.1))
        .curve(f.at(0.36, 0.0), f.at(0.5, -0.01))
        .curve(f.at(0.64, 0.0), f.at(0.8, 0.1))
        .stroke(f.w * 0.03);
    c.fill(&bar, |_, y, _| lit(hex(0x9c6b3f), 0.0, ((y - f.y) / (f.w * 0.03)).clamp(-1.0, 1.0) * 0.6, 0.4));
}
