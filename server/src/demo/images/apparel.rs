//! Printed cloth and what is sewn from it: wax-print patterns, a pocket tee,
//! a bomber jacket, a wrap dress, a bucket hat and a woven kiondo basket.

use super::canvas::{fbm, hash, hex, mix, pillow, shade, smoothstep, Canvas, Path, Rgb, Shape, P};
use super::Frame;

/// Wax-print (kitenge / ankara) colourways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    /// Orange-red with yellow and teal sunbursts.
    Sunset,
    /// Indigo with white leaves on a crackled ground.
    Indigo,
    /// Marigold with red and black diamonds.
    Marigold,
    /// Cobalt with orange fans.
    Cobalt,
}

const INK: Rgb = hex(0x1d1a1a);
const CREAM: Rgb = hex(0xf3ead6);

impl Print {
    /// The print's main colour, for ribbing and solid trims.
    pub fn ground(self) -> Rgb {
        match self {
            Print::Sunset => hex(0xd9501e),
            Print::Indigo => hex(0x1f3768),
            Print::Marigold => hex(0xeead1f),
            Print::Cobalt => hex(0x1f4fb4),
        }
    }

    /// The printed colour at (x, y) pixels, with motifs `cell` pixels apart.
    pub fn at(self, x: f32, y: f32, cell: f32) -> Rgb {
        let row = (y / cell).floor();
        let shift = if row as i32 % 2 == 0 { 0.0 } else { 0.5 };
        let (gx, gy) = (x / cell + shift, y / cell);
        let (dx, dy) = (gx - gx.floor() - 0.5, gy - gy.floor() - 0.5);
        let r = (dx * dx + dy * dy).sqrt();
        // The corners between motifs, for the small filler dots.
        let (ex, ey) = ((gx + 0.5) - (gx + 0.5).floor() - 0.5, gy - gy.floor());
        let corner = ex.abs() + (ey.min(1.0 - ey));
        let g = self.ground();
        let c = match self {
            Print::Sunset => {
                let petals = r * (1.0 + 0.12 * (8.0 * dy.atan2(dx)).cos());
                match petals {
                    t if t < 0.09 => hex(0x17706b),
                    t if t < 0.17 => hex(0xf5c232),
                    t if t < 0.21 => INK,
                    t if t < 0.31 => hex(0xf08a24),
                    t if t < 0.35 => INK,
                    t if t < 0.38 => hex(0xf5c232),
                    _ if corner < 0.1 => hex(0x17706b),
                    _ if corner < 0.13 => INK,
                    _ => g,
                }
            }
            Print::Indigo => {
                // A leaf on a diagonal, alternating direction from cell to cell.
                let flip = if (gx.floor() + row) as i32 % 2 == 0 { 1.0 } else { -1.0 };
                let (a, b) = ((dx + flip * dy) * 0.707, (dy - flip * dx) * 0.707);
                let leaf = (a / 0.4).powi(2) + (b / 0.15).powi(2);
                let crackle = (fbm(x / cell * 3.0, y / cell * 3.0, 11) - 0.5).abs() < 0.025;
                if leaf < 1.0 {
                    if b.abs() < 0.012 || leaf > 0.78 {
                        hex(0x2b4c8a)
                    } else {
                        hex(0xf1eee4)
                    }
                } else if corner < 0.09 {
                    hex(0xe19a2c)
                } else if crackle {
                    hex(0x3a5c9c)
                } else {
                    g
                }
            }
            Print::Marigold => {
                let diamond = dx.abs() + dy.abs();
                match diamond {
                    t if t < 0.08 => INK,
                    t if t < 0.16 => hex(0xb32d27),
                    t if t < 0.2 => CREAM,
                    t if t < 0.28 => hex(0x2e7048),
                    t if t < 0.31 => INK,
                    t if t < 0.38 => hex(0xb32d27),
                    t if t < 0.41 => INK,
                    _ => g,
                }
            }
            Print::Cobalt => {
                // Fans rising from the bottom of each cell.
                let fy = dy - 0.5;
                let fr = (dx * dx + fy * fy).sqrt();
                match fr {
                    t if t < 0.16 => hex(0xffd23f),
                    t if t < 0.22 => CREAM,
                    t if t < 0.34 => hex(0xf2682a),
                    t if t < 0.38 => CREAM,
                    t if t < 0.46 => hex(0xf2682a),
                    _ if r < 0.06 => CREAM,
                    _ => g,
                }
            }
        };
        // A faint weave so the cloth does not look like paper.
        let weave = 0.97 + 0.05 * hash(x as i32, y as i32, 5);
        shade(c, weave)
    }
}

/// Gentle vertical folds for cloth that hangs.
fn folds(x: f32, y: f32, f: &Frame, seed: u32) -> f32 {
    let (u, v) = f.uv(x, y);
    1.0 + 0.06 * (u * 17.0 + 2.5 * fbm(u * 2.0, v * 1.5, seed)).sin()
}

/// Ribbed knit: a solid colour with fine vertical ribs.
fn rib(base: Rgb, x: f32, pitch: f32) -> Rgb {
    let t = (x / pitch).fract();
    shade(base, if t < 0.35 { 0.82 } else { 1.0 })
}

/// Where a garment's wearer would be tagged: the chest, then the hem.
fn garment_spots(f: &Frame) -> [P; 2] {
    [f.at(0.56, 0.45), f.at(0.42, 0.8)]
}

pub fn tee(c: &mut Canvas, f: Frame, colour: Rgb, pocket: Print) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let body = tee_outline(&f).shape();
    let depth = f.w * 0.05;
    c.fill(&body, |x, y, d| {
        let (u, v) = f.uv(x, y);
        shade(pillow(colour, d, depth, u, v), folds(x, y, &f, 3) * (0.98 + 0.04 * hash(x as i32, y as i32, 9)))
    });
    neckline(c, &f, shade(colour, 0.62), shade(colour, 0.9), 0.13);
    // Sleeve and bottom hems: a stitched line just inside each edge.
    for s in [1.0, -1.0] {
        let m = |u: f32, v| q(0.5 + s * (u - 0.5), v);
        c.solid(&Shape::line(m(0.955, 0.355), m(0.875, 0.425), f.w * 0.004), shade(colour, 0.8));
    }
    c.solid(&Shape::line(q(0.235, 0.955), q(0.765, 0.955), f.w * 0.004), shade(colour, 0.8));
    // The kitenge pocket on the chest.
    let pk = Shape::rect(f.x + 0.57 * f.w, f.y + 0.23 * f.h, f.x + 0.72 * f.w, f.y + 0.41 * f.h, f.w * 0.012);
    c.shadow(&pk.moved(f.w * 0.004, f.w * 0.006), f.w * 0.006, 0.35);
    let cell = f.w * 0.06;
    c.fill(&pk, |x, y, d| pillow(pocket.at(x, y, cell), d, f.w * 0.01, 0.5, 0.5));
    c.solid(&Shape::line(q(0.575, 0.245), q(0.715, 0.245), f.w * 0.004), shade(pocket.ground(), 0.7));
    [f.at(0.645, 0.32), f.at(0.4, 0.62)]
}

fn tee_outline(f: &Frame) -> Path {
    let q = |u, v| f.at(u, v);
    Path::from(q(0.5, 0.13))
        .curve(q(0.6, 0.12), q(0.625, 0.02))
        .to(q(0.79, 0.075))
        .curve(q(0.9, 0.12), q(1.0, 0.33))
        .to(q(0.875, 0.44))
        .to(q(0.77, 0.32))
        .curve(q(0.765, 0.65), q(0.78, 0.985))
        .curve(q(0.64, 0.995), q(0.5, 0.99))
        .mirrored(f.x + f.w * 0.5)
}

/// The inside of the back of the neck and a ribbed band along the front
/// neckline dipping to `dip` (fraction of the height).
fn neckline(c: &mut Canvas, f: &Frame, inside: Rgb, band: Rgb, dip: f32) {
    let q = |u, v| f.at(u, v);
    let back = Path::from(q(0.375, 0.02))
        .curve(q(0.5, 0.07), q(0.625, 0.02))
        .curve(q(0.6, dip - 0.01), q(0.5, dip))
        .curve(q(0.4, dip - 0.01), q(0.375, 0.02))
        .shape();
    c.fill(&back, |_, y, _| shade(inside, 0.8 + 0.4 * ((y - f.y) / (f.h * dip))));
    let rib_band = Path::from(q(0.385, 0.035))
        .curve(q(0.405, dip - 0.01), q(0.5, dip))
        .curve(q(0.595, dip - 0.01), q(0.615, 0.035));
    let pitch = f.w * 0.008;
    c.fill(&rib_band.stroke(f.w * 0.03), |x, _, d| pillow(rib(band, x, pitch), d, f.w * 0.01, 0.4, 0.2));
}

pub fn bomber(c: &mut Canvas, f: Frame, print: Print) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let cell = f.w * 0.11;
    let trim = shade(INK, 1.2);
    let pitch = f.w * 0.009;
    for s in [1.0, -1.0] {
        let m = |u: f32, v| q(0.5 + s * (u - 0.5), v);
        let sleeve = Path::from(m(0.7, 0.05))
            .to(m(0.8, 0.08))
            .curve(m(0.92, 0.2), m(0.975, 0.8))
            .to(m(0.985, 0.91))
            .to(m(0.845, 0.925))
            .to(m(0.835, 0.82))
            .curve(m(0.8, 0.45), m(0.74, 0.3))
            .shape();
        c.fill(&sleeve, |x, y, d| {
            let (u, v) = f.uv(x, y);
            shade(pillow(print.at(x, y, cell), d, f.w * 0.04, u, v), 0.9 * folds(x, y, &f, 7))
        });
        let cuff = Path::from(m(0.974, 0.8)).to(m(0.985, 0.91)).to(m(0.845, 0.925)).to(m(0.835, 0.82)).shape();
        c.fill(&cuff, |x, _, d| pillow(rib(trim, x, pitch), d, f.w * 0.012, 0.5, 0.5));
    }
    let body = Path::from(q(0.5, 0.1))
        .curve(q(0.59, 0.1), q(0.61, 0.025))
        .to(q(0.74, 0.055))
        .curve(q(0.775, 0.2), q(0.77, 0.32))
        .to(q(0.765, 0.86))
        .to(q(0.76, 0.955))
        .curve(q(0.63, 0.956), q(0.5, 0.956))
        .mirrored(f.x + f.w * 0.5)
        .shape();
    c.fill(&body, |x, y, d| {
        let (u, v) = f.uv(x, y);
        shade(pillow(print.at(x, y, cell), d, f.w * 0.05, u, v), folds(x, y, &f, 8))
    });
    let hem = Shape::rect(f.x + 0.236 * f.w, f.y + 0.875 * f.h, f.x + 0.764 * f.w, f.y + 0.962 * f.h, f.w * 0.01);
    c.fill(&hem, |x, _, d| pillow(rib(trim, x, pitch), d, f.w * 0.015, 0.5, 0.5));
    neckline(c, &f, shade(trim, 0.6), trim, 0.1);
    // Welt pockets and the zip.
    for s in [1.0, -1.0] {
        let m = |u: f32, v| q(0.5 + s * (u - 0.5), v);
        c.solid(&Shape::line(m(0.62, 0.58), m(0.68, 0.74), f.w * 0.018), shade(print.ground(), 0.45));
    }
    let zip = Shape::line(q(0.5, 0.1), q(0.5, 0.955), f.w * 0.012);
    c.fill(&zip, |_, y, _| {
        let t = ((y - f.y) / (f.w * 0.006)).fract();
        if t < 0.5 {
            hex(0xc9c6bd)
        } else {
            hex(0x77736a)
        }
    });
    let pull = Shape::rect(f.x + 0.49 * f.w, f.y + 0.1 * f.h, f.x + 0.51 * f.w, f.y + 0.17 * f.h, f.w * 0.006);
    c.fill(&pull, |x, _, _| mix(hex(0xe8e4da), hex(0x8a867c), (x - f.x - 0.49 * f.w) / (0.02 * f.w)));
    garment_spots(&f)
}

pub fn dress(c: &mut Canvas, f: Frame, print: Print) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let cell = f.w * 0.15;
    let outline = Path::from(q(0.5, 0.085))
        .curve(q(0.6, 0.08), q(0.63, 0.0))
        .to(q(0.7, 0.01))
        .curve(q(0.8, 0.05), q(0.79, 0.13))
        .to(q(0.71, 0.175))
        .curve(q(0.68, 0.28), q(0.665, 0.39))
        .curve(q(0.8, 0.65), q(0.97, 0.975))
        .curve(q(0.75, 1.02), q(0.5, 1.0))
        .mirrored(f.x + f.w * 0.5)
        .shape();
    let waist = f.at(0.5, 0.39);
    c.fill(&outline, |x, y, d| {
        let (u, v) = f.uv(x, y);
        let pleat = if y > waist.y {
            // Folds fan out from the waist.
            let a = (x - waist.x).atan2(y - waist.y + f.h * 0.15);
            1.0 + 0.09 * (a * 16.0).sin() * smoothstep(waist.y, waist.y + f.h * 0.2, y)
        } else {
            1.0
        };
        shade(pillow(print.at(x, y, cell), d, f.w * 0.06, u, v), pleat)
    });
    let inside = Path::from(q(0.37, 0.0))
        .curve(q(0.5, 0.05), q(0.63, 0.0))
        .curve(q(0.6, 0.08), q(0.5, 0.085))
        .curve(q(0.4, 0.08), q(0.37, 0.0))
        .shape();
    c.solid(&inside, shade(print.ground(), 0.45));
    let sash_colour = match print {
        Print::Marigold | Print::Sunset => hex(0x1f2a44),
        Print::Indigo | Print::Cobalt => hex(0xe9a52b),
    };
    let sash = Shape::rect(f.x + 0.33 * f.w, f.y + 0.365 * f.h, f.x + 0.67 * f.w, f.y + 0.415 * f.h, f.w * 0.01);
    c.fill(&sash, |x, y, d| {
        let (u, v) = f.uv(x, y);
        pillow(sash_colour, d, f.w * 0.015, u, v)
    });
    for (end, width) in [(q(0.6, 0.6), 0.04), (q(0.69, 0.57), 0.035)] {
        let tail = Shape::Stroke(vec![q(0.63, 0.4), q(0.645, 0.47), end], f.w * width / 2.0);
        c.shadow(&tail.moved(f.w * 0.008, f.w * 0.01), f.w * 0.01, 0.3);
        c.fill(&tail, |x, y, d| pillow(sash_colour, d, f.w * 0.012, f.uv(x, y).0, 0.5));
    }
    c.fill(&Shape::ellipse(q(0.63, 0.4), f.w * 0.035, f.w * 0.028), |_, _, d| {
        pillow(sash_colour, d, f.w * 0.02, 0.3, 0.3)
    });
    [f.at(0.47, 0.63), f.at(0.5, 0.22)]
}

pub fn bucket_hat(c: &mut Canvas, f: Frame, print: Print) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let cell = f.w * 0.14;
    let brim = Path::from(q(0.5, 0.56))
        .to(q(0.79, 0.56))
        .curve(q(0.92, 0.7), q(1.0, 0.86))
        .curve(q(0.78, 1.0), q(0.5, 0.985))
        .mirrored(f.x + f.w * 0.5)
        .shape();
    c.fill(&brim, |x, y, d| {
        let (u, v) = f.uv(x, y);
        let base = pillow(print.at(x, y, cell), d, f.w * 0.03, u, v);
        // Rows of topstitching follow the edge of the brim.
        let gap = f.w * 0.025;
        let k = -d / gap;
        let stitched =
            k > 0.6 && k < 4.5 && (k - k.round()).abs() * gap < f.w * 0.0018 && (x / (f.w * 0.012)).fract() < 0.6;
        // Under the crown the brim is in shade.
        let under = 1.0 - 0.3 * (1.0 - smoothstep(0.56, 0.7, v));
        if stitched {
            shade(base, 0.75 * under)
        } else {
            shade(base, under)
        }
    });
    let crown = Path::from(q(0.5, 0.04))
        .curve(q(0.7, 0.04), q(0.72, 0.14))
        .to(q(0.78, 0.62))
        .to(q(0.5, 0.62))
        .mirrored(f.x + f.w * 0.5)
        .shape();
    c.shadow(&crown.moved(0.0, f.h * 0.03), f.w * 0.03, 0.3);
    c.fill(&crown, |x, y, d| {
        let (u, v) = f.uv(x, y);
        let round = 1.0 - 0.25 * ((u - 0.42) * 2.2).powi(2);
        shade(pillow(print.at(x, y, cell), d, f.w * 0.04, u, v), round)
    });
    let band = Path::from(q(0.226, 0.5)).to(q(0.774, 0.5)).to(q(0.782, 0.6)).to(q(0.218, 0.6)).shape();
    let band_colour = shade(print.ground(), 0.55);
    c.fill(&band, |x, y, d| {
        let (u, v) = f.uv(x, y);
        pillow(band_colour, d, f.w * 0.01, u, v)
    });
    [f.at(0.5, 0.3), f.at(0.72, 0.82)]
}

pub fn tote(c: &mut Canvas, f: Frame, natural: bool) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let leather = hex(0x6b3a1e);
    let (fibre, stripe_a, stripe_b) = if natural {
        (hex(0xd9b681), hex(0x8c3b2a), hex(0x2f6f6a))
    } else {
        (hex(0xc9862f), hex(0xeed9aa), hex(0x5a2b1c))
    };
    for (dx, apex, k) in [(0.04, 0.02, 0.75), (0.0, 0.07, 1.0)] {
        let handle = Path::from(q(0.3 - dx, 0.4)).arch(f.y + apex * f.h, q(0.7 + dx, 0.4)).stroke(f.w * 0.04);
        c.fill(&handle, |x, y, d| {
            let (u, v) = f.uv(x, y);
            shade(pillow(leather, d, f.w * 0.015, u, v), k)
        });
    }
    let body = Path::from(q(0.06, 0.36))
        .to(q(0.94, 0.36))
        .curve(q(0.93, 0.8), q(0.84, 0.97))
        .curve(q(0.5, 1.01), q(0.16, 0.97))
        .curve(q(0.07, 0.8), q(0.06, 0.36))
        .shape();
    let row = f.h * 0.026;
    c.fill(&body, |x, y, d| {
        let (u, v) = f.uv(x, y);
        let band = (v - 0.36) / 0.64;
        let colour = if (0.3..0.38).contains(&band) || (0.62..0.7).contains(&band) {
            stripe_a
        } else if (0.4..0.46).contains(&band) || (0.54..0.6).contains(&band) {
            stripe_b
        } else {
            fibre
        };
        // Coils of sisal, each wrapped by slanting stitches.
        let r = (y - f.y) / row;
        let t = r.fract();
        let coil = 0.72 + 0.28 * (std::f32::consts::PI * t).sin();
        let s = ((x + (y - f.y) * 0.7) / (row * 0.8) + (r.floor() % 2.0) * 0.5).fract();
        let stitch = if s < 0.14 { 0.8 } else { 1.0 };
        let fuzz = 0.94 + 0.12 * hash(x as i32, y as i32, 17);
        shade(pillow(colour, d, f.w * 0.05, u, v), coil * stitch * fuzz)
    });
    let rim = Shape::rect(f.x + 0.055 * f.w, f.y + 0.34 * f.h, f.x + 0.945 * f.w, f.y + 0.41 * f.h, f.w * 0.012);
    c.shadow(&rim.moved(0.0, f.h * 0.012), f.w * 0.01, 0.35);
    c.fill(&rim, |x, y, d| {
        let (u, v) = f.uv(x, y);
        shade(pillow(leather, d, f.w * 0.012, u, v), 0.95 + 0.1 * fbm(x / 3.0, y / 3.0, 4))
    });
    for u in [0.3, 0.7] {
        let tab = Shape::rect(
            f.x + (u - 0.035) * f.w,
            f.y + 0.37 * f.h,
            f.x + (u + 0.035) * f.w,
            f.y + 0.5 * f.h,
            f.w * 0.01,
        );
        c.shadow(&tab.moved(f.w * 0.004, f.w * 0.006), f.w * 0.006, 0.35);
        c.fill(&tab, |_, _, d| pillow(shade(leather, 1.1), d, f.w * 0.01, 0.4, 0.4));
        let rivet = Shape::ellipse(q(u, 0.465), f.w * 0.009, f.w * 0.009);
        c.fill(&rivet, |x, y, _| {
            let (nx, ny) = ((x - f.at(u, 0.465).x) / (f.w * 0.009), (y - f.at(u, 0.465).y) / (f.w * 0.009));
            super::canvas::lit(hex(0xc59b45), nx, ny * 0.8, 0.9)
        });
    }
    [f.at(0.5, 0.72), f.at(0.7, 0.375)]
}
