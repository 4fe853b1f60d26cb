//! Round things turned on a wheel or blown: speckled stoneware (mug,
//! espresso cups, bowl, bottle vase, planter with a snake plant) and skincare
//! jars and bottles. All are bodies of revolution, lit from their normals.

use super::canvas::{add, fbm, hash, hex, lit, mix, p, shade, smoothstep, Canvas, Path, Rgb, Shape, Turned, P};
use super::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glaze {
    Oat,
    Sage,
    Charcoal,
    Terracotta,
}

impl Glaze {
    fn colour(self) -> Rgb {
        match self {
            Glaze::Oat => hex(0xe6dac2),
            Glaze::Sage => hex(0x9aab92),
            Glaze::Charcoal => hex(0x3d3b39),
            Glaze::Terracotta => hex(0xc0663f),
        }
    }

    fn speckle(self) -> Rgb {
        match self {
            Glaze::Charcoal => hex(0xb9ab98),
            Glaze::Terracotta => hex(0x7a3a20),
            _ => hex(0x5b4536),
        }
    }

    /// The bare clay left at the foot.
    fn clay(self) -> Rgb {
        match self {
            Glaze::Charcoal => hex(0x8a6d57),
            Glaze::Terracotta => hex(0xb2603c),
            _ => hex(0xcfa57d),
        }
    }
}

/// A glazed surface at (x, y): iron speckles under a glossy glaze.
fn glazed(g: Glaze, x: f32, y: f32, nx: f32, ny: f32, cell: f32) -> Rgb {
    let (cx, cy) = ((x / cell).floor(), (y / cell).floor());
    let h = hash(cx as i32, cy as i32, 41);
    let mut base = shade(g.colour(), 0.96 + 0.08 * fbm(x / (cell * 6.0), y / (cell * 6.0), 43));
    if h < 0.35 {
        let (ox, oy) = (hash(cx as i32, cy as i32, 42), hash(cx as i32, cy as i32, 44));
        let (dx, dy) = (x - (cx + 0.2 + 0.6 * ox) * cell, y - (cy + 0.2 + 0.6 * oy) * cell);
        let r = cell * (0.1 + 0.22 * h);
        let a = 1.0 - smoothstep(r * 0.6, r, (dx * dx + dy * dy).sqrt());
        base = mix(base, g.speckle(), a * 0.85);
    }
    lit(base, nx, ny, 0.55)
}

/// A smooth curve through (t, value) points (Catmull-Rom), so profiles
/// have no kinks for the light to catch.
fn through(points: &[(f32, f32)], t: f32) -> f32 {
    let n = points.len();
    let i = points.windows(2).position(|w| t <= w[1].0).unwrap_or(n - 2);
    let ((t1, p1), (t2, p2)) = (points[i], points[i + 1]);
    let p0 = if i > 0 { points[i - 1].1 } else { p1 };
    let p3 = if i + 2 < n { points[i + 2].1 } else { p2 };
    let u = ((t - t1) / (t2 - t1)).clamp(0.0, 1.0);
    let (m1, m2) = ((p2 - p0) / 2.0, (p3 - p1) / 2.0);
    let (u2, u3) = (u * u, u * u * u);
    (2.0 * u3 - 3.0 * u2 + 1.0) * p1 + (u3 - 2.0 * u2 + u) * m1 + (-2.0 * u3 + 3.0 * u2) * p2 + (u3 - u2) * m2
}

/// Shades the inside of a vessel's opening: the far wall catches the light.
fn inside(c: &mut Canvas, l: &Turned, g: Glaze) {
    let m = l.mouth(0.93);
    let (_, y0, _, y1) = m.bounds();
    c.fill(&m, |x, y, _| {
        let t = (y - y0) / (y1 - y0);
        let side = 1.0 - 0.25 * smoothstep(0.3, -1.0, (x - l.cx) / l.top_radius());
        shade(g.colour(), (0.4 + 0.45 * t) * side)
    });
    let rim: Vec<P> = (0..=48)
        .map(|i| {
            let a = i as f32 / 48.0 * std::f32::consts::TAU;
            p(l.cx + l.top_radius() * 0.965 * a.cos(), l.top + l.top_radius() * l.tilt * 0.965 * a.sin())
        })
        .collect();
    c.solid(&Shape::Stroke(rim, l.top_radius() * 0.02), add(g.colour(), 0.12));
}

fn glazed_body(c: &mut Canvas, l: &Turned, g: Glaze, foot: f32, cell: f32) {
    let foot_y = l.top + (l.bottom - l.top) * foot;
    c.fill(&l.shape(), |x, y, _| {
        let (nx, ny) = l.normal(x, y);
        // Glaze runs down unevenly before it stops above the foot.
        let run = fbm((x - l.cx) / (l.top_radius() * 0.35), 0.5, 48) - 0.5;
        let drip = foot_y + (l.bottom - l.top) * (0.03 * run + 0.006 * ((x - l.cx) / (l.top_radius() * 0.12)).sin());
        if y > drip {
            let c = shade(g.clay(), 0.92 + 0.12 * fbm(x / 2.0, y / 2.0, 47));
            lit(c, nx, ny, 0.05)
        } else {
            glazed(g, x, y, nx, ny, cell)
        }
    });
}

pub fn mug(c: &mut Canvas, f: Frame, g: Glaze, coffee: bool) -> [P; 2] {
    let cx = f.x + f.w * 0.38;
    let rw = f.w * 0.36;
    let tilt = 0.22;
    let top = f.y + rw * tilt;
    let bottom = f.y + f.h - rw * tilt;
    // The handle goes first: the body hides where it joins.
    let (hx, hy) = (cx + rw * 0.9, f.y + f.h * 0.5);
    let arc: Vec<P> = (0..=24)
        .map(|i| {
            let a = -1.3 + 2.6 * i as f32 / 24.0;
            p(hx + f.w * 0.2 * a.cos(), hy + f.h * 0.27 * a.sin())
        })
        .collect();
    let handle = Shape::Stroke(arc, f.w * 0.04);
    c.fill(&handle, |x, y, d| {
        let t = (-d / (f.w * 0.04)).clamp(0.0, 1.0);
        let nx = ((x - hx) / (f.w * 0.2)).clamp(-1.0, 1.0) * 0.6 + (1.0 - t) * 0.4;
        glazed(g, x, y, nx, ((y - hy) / (f.h * 0.27)) * 0.5, f.w * 0.02)
    });
    let l = Turned::new(cx, top, bottom, tilt, |t| rw * (1.0 - 0.05 * smoothstep(0.85, 1.0, t)));
    glazed_body(c, &l, g, 0.9, f.w * 0.02);
    inside(c, &l, g);
    if coffee {
        let cup = Shape::ellipse(p(cx, top + rw * tilt * 0.2), rw * 0.84, rw * tilt * 0.68);
        c.fill(&cup, |x, y, _| {
            let glint =
                1.0 - smoothstep(0.0, rw * 0.3, ((x - cx + rw * 0.35).powi(2) + ((y - top) * 3.0).powi(2)).sqrt());
            add(mix(hex(0x3b2417), hex(0x6b4329), (x - cx + rw) / (2.0 * rw)), 0.25 * glint)
        });
    }
    [p(cx, f.y + f.h * 0.55), p(cx + rw * 0.5, f.y + f.h * 0.3)]
}

pub fn cups(c: &mut Canvas, f: Frame, g: Glaze) -> [P; 2] {
    let mut spots = Vec::new();
    for (u0, v0, k) in [(0.02, 0.0, 0.47), (0.5, 0.08, 0.47)] {
        let cf = Frame { x: f.x + u0 * f.w, y: f.y + v0 * f.h, w: f.w * k, h: f.h * (0.92 - v0) };
        let saucer =
            Turned::new(cf.x + cf.w * 0.45, cf.y + cf.h * 0.8, cf.y + cf.h * 0.94, 0.24, |t| cf.w * (0.47 - 0.12 * t));
        c.shadow(&Shape::ellipse(p(saucer.cx, cf.y + cf.h), cf.w * 0.42, cf.w * 0.06), cf.w * 0.04, 0.4);
        glazed_body(c, &saucer, g, 0.9, f.w * 0.012);
        inside(c, &saucer, g);
        let cup = Frame { x: cf.x + cf.w * 0.12, y: cf.y + cf.h * 0.18, w: cf.w * 0.8, h: cf.h * 0.66 };
        c.shadow(&Shape::ellipse(cup.at(0.38, 0.98), cup.w * 0.32, cup.w * 0.07), cup.w * 0.04, 0.35);
        spots.push(mug(c, cup, g, true)[0]);
    }
    [spots[0], spots[1]]
}

pub fn bowl(c: &mut Canvas, f: Frame, g: Glaze, lemons: bool) -> [P; 2] {
    let cx = f.x + f.w * 0.5;
    let rx = f.w * 0.48;
    let ry = rx * 0.26;
    let cy = f.y + ry;
    let depth = f.h * 0.9 - ry;
    let foot = Shape::rect(cx - f.w * 0.14, f.y + f.h * 0.85, cx + f.w * 0.14, f.y + f.h, f.w * 0.02);
    c.fill(&foot, |x, _, _| lit(shade(g.clay(), 0.85), (x - cx) / (f.w * 0.14), 0.4, 0.0));
    let half = |a: f32, b: f32, rxx: f32, ryy: f32| -> Vec<P> {
        (0..=40)
            .map(|i| {
                let t = a + (b - a) * i as f32 / 40.0;
                p(cx + rxx * t.cos(), cy + ryy * t.sin())
            })
            .collect()
    };
    let mut outline = half(std::f32::consts::PI, std::f32::consts::TAU, rx, ry);
    outline.extend(half(0.0, std::f32::consts::PI, rx, depth));
    let paint_body = |x: f32, y: f32| {
        let k = ((y - cy) / depth).clamp(0.0, 1.0);
        let r = rx * (1.0 - k * k).max(0.0).sqrt().max(0.05);
        let nx = ((x - cx) / r).clamp(-1.0, 1.0);
        glazed(g, x, y, nx, 0.15 + k * 0.7, f.w * 0.012)
    };
    c.fill(&Shape::Poly(outline), |x, y, _| paint_body(x, y));
    let l = Turned::new(cx, cy, cy + depth, ry / rx, |_| rx);
    inside(c, &l, g);
    if lemons {
        for (u, v, r, seed) in [(0.36, 0.55, 0.11, 1), (0.58, 0.62, 0.12, 2), (0.47, 0.35, 0.1, 3)] {
            let centre = p(f.x + u * f.w, cy + (v - 0.5) * ry * 2.0);
            let (ax, ay) = (f.w * r, f.w * r * 0.8);
            let lemon = Shape::ellipse(centre, ax, ay);
            c.shadow(&lemon.moved(ax * 0.15, ay * 0.3), ax * 0.25, 0.4);
            c.fill(&lemon, |x, y, _| {
                let (nx, ny) = ((x - centre.x) / ax, (y - centre.y) / ay);
                let dimple = 0.96 + 0.06 * fbm(x / 1.5, y / 1.5, 50 + seed);
                lit(shade(hex(0xf2c531), dimple), nx * 0.9, ny * 0.9, 0.35)
            });
            c.solid(&Shape::ellipse(p(centre.x + ax * 0.98, centre.y - ay * 0.1), ax * 0.12, ay * 0.1), hex(0xc9a11f));
        }
        // The bowl's near wall hides the bottom of the fruit.
        let lip = {
            let mut pts = half(0.0, std::f32::consts::PI, rx, depth);
            pts.extend(half(std::f32::consts::PI, 0.0, rx * 0.965, ry * 0.965));
            pts
        };
        c.fill(&Shape::Poly(lip), |x, y, _| paint_body(x, y));
    }
    [p(cx - rx * 0.3, cy + depth * 0.5), p(cx + rx * 0.4, cy + depth * 0.3)]
}

pub fn vase(c: &mut Canvas, f: Frame, g: Glaze, stems: bool) -> [P; 2] {
    let cx = f.x + f.w * 0.5;
    let w = f.w;
    let profile = [(0.0, 0.13), (0.05, 0.11), (0.28, 0.095), (0.48, 0.3), (0.68, 0.47), (0.86, 0.42), (1.0, 0.3)];
    let tilt = 0.25;
    let top = f.y + w * 0.13 * tilt;
    let bottom = f.y + f.h - w * 0.3 * tilt;
    if stems {
        eucalyptus(c, p(cx, top), f.h);
    }
    let l = Turned::new(cx, top, bottom, tilt, |t| w * through(&profile, t));
    glazed_body(c, &l, g, 0.93, w * 0.03);
    inside(c, &l, g);
    c.fill(&l.mouth(0.75), |_, _, _| shade(g.colour(), 0.25));
    [p(cx - w * 0.08, f.y + f.h * 0.7), p(cx, f.y + f.h * 0.2)]
}

/// Stems of eucalyptus with round leaves, rising from `base`.
fn eucalyptus(c: &mut Canvas, base: P, size: f32) {
    let stems = [(-0.45, 0.9, 0.0), (0.35, 0.8, 1.0), (0.05, 1.05, 2.0), (-0.2, 0.7, 3.0)];
    for (lean, height, seed) in stems {
        let tip = p(base.x + lean * size * 0.5, base.y - height * size * 0.75);
        let ctrl = p(base.x + lean * size * 0.1, base.y - height * size * 0.45);
        let stem = Path::from(base).curve(ctrl, tip);
        let pts = stem.0.clone();
        c.solid(&stem.stroke(size * 0.008), hex(0x6b5a45));
        for (i, q) in pts.iter().enumerate().skip(3).step_by(2) {
            let s = size * (0.045 - 0.0012 * i as f32).max(0.02);
            for side in [-1.0, 1.0] {
                let centre = p(q.x + side * s * 0.9, q.y - s * 0.15);
                let tone = 0.85 + 0.25 * hash(i as i32, side as i32, 60 + seed as u32);
                let leaf = Shape::ellipse(centre, s, s * 0.72);
                c.fill(&leaf, |x, y, d| {
                    let (nx, ny) = ((x - centre.x) / s, (y - centre.y) / s);
                    let bloom = 1.0 - 0.12 * smoothstep(-s * 0.25, 0.0, d);
                    lit(shade(hex(0x8fa9a0), tone * bloom), nx * 0.4, ny * 0.4, 0.05)
                });
                c.solid(&Shape::line(*q, centre, size * 0.004), hex(0x6b5a45));
            }
        }
    }
}

pub fn planter(c: &mut Canvas, f: Frame, g: Glaze) -> [P; 2] {
    let cx = f.x + f.w * 0.5;
    let w = f.w;
    let tilt = 0.2;
    let top = f.y + f.h * 0.5;
    let bottom = f.y + f.h - w * 0.27 * tilt;
    let l =
        Turned::new(cx, top, bottom, tilt, |t| w * through(&[(0.0, 0.4), (0.1, 0.4), (0.12, 0.37), (1.0, 0.28)], t));
    // Soil first, then the leaves growing out of it, then the pot's front.
    leaf_blades(
        c,
        p(cx, top),
        w,
        top - f.y,
        &[(-0.12, -0.22, 0.85, 0.72), (0.14, 0.2, 0.9, 0.72), (0.02, 0.04, 1.0, 0.8)],
    );
    glazed_body(c, &l, g, 0.94, w * 0.02);
    let soil = l.mouth(0.92);
    let (_, sy0, _, _) = soil.bounds();
    c.fill(&soil, |x, y, _| {
        shade(hex(0x3b2a1e), 0.7 + 0.5 * fbm(x / 3.0, y / 3.0, 70) * ((y - sy0) / (w * 0.07)).min(1.0))
    });
    let leaf = leaf_blades(c, p(cx, top), w, top - f.y, &[(-0.05, -0.1, 0.75, 1.0), (0.08, 0.12, 0.7, 0.95)]);
    [p(cx, f.y + f.h * 0.8), leaf]
}

/// Upright pointed leaves, banded dark and light green with yellow edges;
/// returns a point in the middle of the first.
fn leaf_blades(c: &mut Canvas, base: P, w: f32, height: f32, blades: &[(f32, f32, f32, f32)]) -> P {
    let mut middle = base;
    for (b, &(dx, lean, tall, k)) in blades.iter().enumerate() {
        let root = p(base.x + dx * w, base.y + w * 0.02);
        let tip = p(root.x + lean * w, base.y - tall * height);
        let ctrl = p(root.x + lean * w * 0.2, (root.y + tip.y) / 2.0);
        let centre: Vec<P> = std::iter::once(root).chain(super::canvas::quad(root, ctrl, tip, 20)).collect();
        let n = centre.len() - 1;
        if b == 0 {
            middle = centre[n * 2 / 5];
        }
        let half = |i: usize| {
            let t = i as f32 / n as f32;
            w * 0.05 * (1.0 - t).powf(0.7) * (1.0 + 0.5 * (std::f32::consts::PI * t).sin())
        };
        let side = |i: usize, s: f32| {
            let a = centre[i.saturating_sub(1)];
            let b = centre[(i + 1).min(n)];
            let (tx, ty) = (b.x - a.x, b.y - a.y);
            let len = (tx * tx + ty * ty).sqrt().max(1e-3);
            p(centre[i].x - ty / len * half(i) * s, centre[i].y + tx / len * half(i) * s)
        };
        let mut outline: Vec<P> = (0..=n).map(|i| side(i, 1.0)).collect();
        outline.extend((0..=n).rev().map(|i| side(i, -1.0)));
        let edge = w * 0.008;
        c.fill(&Shape::Poly(outline), |x, y, d| {
            if -d < edge {
                shade(hex(0xcfc062), k)
            } else {
                let band = ((y / (w * 0.035)) + 1.5 * fbm(x / (w * 0.05), y / (w * 0.1), 71)).sin();
                let g = mix(hex(0x25462e), hex(0x5f8c58), smoothstep(0.2, 0.9, band));
                shade(g, k * (0.85 + 0.3 * smoothstep(edge * 6.0, edge, -d)))
            }
        });
    }
    middle
}

/// A label band with a round mark and lines of "text".
fn label(c: &mut Canvas, l: &Turned, y0: f32, y1: f32, paper: Rgb, ink: Rgb) {
    let r = l.radius((y0 + y1) / 2.0) * 0.995;
    let band = Shape::rect(l.cx - r, y0, l.cx + r, y1, 0.0);
    c.fill(&band, |x, y, _| {
        let (nx, ny) = l.normal(x, y);
        lit(paper, nx, ny, 0.1)
    });
    let (cx, h) = (l.cx - r * 0.1, y1 - y0);
    c.fill(&Shape::ellipse(p(cx, y0 + h * 0.3), h * 0.13, h * 0.13), |x, y, d| {
        let (nx, ny) = l.normal(x, y);
        lit(if d > -h * 0.03 { ink } else { paper }, nx, ny, 0.0)
    });
    for (v, half) in [(0.58, 0.42), (0.72, 0.3), (0.84, 0.36)] {
        let y = y0 + h * v;
        let line = Shape::line(p(cx - r * half, y), p(cx + r * half, y), h * if v < 0.6 { 0.07 } else { 0.035 });
        c.fill(&line, |x, y, _| {
            let (nx, ny) = l.normal(x, y);
            lit(ink, nx, ny, 0.0)
        });
    }
}

fn glass(base: Rgb, l: &Turned, x: f32, y: f32) -> Rgb {
    let (nx, ny) = l.normal(x, y);
    // Light through the glass pools on the side away from the light.
    let through = 0.25 * smoothstep(0.0, 0.9, nx) * l.t(y);
    let c = add(lit(base, nx * 0.8, ny, 1.0), through * 0.6);
    let streak = 1.0 - smoothstep(0.03, 0.09, (nx + 0.55).abs());
    add(c, streak * 0.35)
}

pub fn jar(c: &mut Canvas, f: Frame) -> [P; 2] {
    let cx = f.x + f.w * 0.5;
    let rw = f.w * 0.42;
    let tilt = 0.18;
    let body =
        Turned::new(cx, f.y + f.h * 0.3, f.y + f.h - rw * tilt, tilt, |t| rw * (1.0 - 0.06 * smoothstep(0.85, 1.0, t)));
    c.fill(&body.shape(), |x, y, _| glass(hex(0x8a4a1c), &body, x, y));
    label(c, &body, f.y + f.h * 0.5, f.y + f.h * 0.85, hex(0xf3ead8), hex(0x5b3a22));
    let lid = Turned::new(cx, f.y + rw * 1.05 * tilt, f.y + f.h * 0.33, tilt, |_| rw * 1.05);
    c.fill(&lid.shape(), |x, y, _| {
        let (nx, ny) = lid.normal(x, y);
        let ridge = 0.92 + 0.08 * ((nx.asin()) * 40.0).sin();
        lit(shade(hex(0xc9a25a), ridge), nx, ny, 0.7)
    });
    c.fill(&lid.mouth(1.0), |x, _, _| lit(hex(0xd8b46a), ((x - cx) / rw) * 0.3, -0.8, 0.4));
    [p(cx, f.y + f.h * 0.68), p(cx + rw * 0.4, f.y + f.h * 0.18)]
}

pub fn dropper(c: &mut Canvas, f: Frame) -> [P; 2] {
    let cx = f.x + f.w * 0.5;
    let w = f.w;
    let tilt = 0.2;
    let profile = [(0.0, 0.2), (0.06, 0.3), (0.12, 0.46), (1.0, 0.46)];
    let body = Turned::new(cx, f.y + f.h * 0.36, f.y + f.h - w * 0.46 * tilt, tilt, |t| w * through(&profile, t));
    c.fill(&body.shape(), |x, y, _| glass(hex(0x7a3d12), &body, x, y));
    label(c, &body, f.y + f.h * 0.58, f.y + f.h * 0.88, hex(0xf6f1e7), hex(0x8c2f39));
    let collar = Turned::new(cx, f.y + f.h * 0.23, f.y + f.h * 0.38, tilt, |_| w * 0.24);
    c.fill(&collar.shape(), |x, y, _| {
        let (nx, ny) = collar.normal(x, y);
        let ridge = 0.9 + 0.1 * (nx.asin() * 30.0).sin();
        lit(shade(hex(0x2a2a2a), ridge), nx, ny, 0.8)
    });
    let bulb = Turned::new(cx, f.y + w * 0.02, f.y + f.h * 0.24, tilt, |t| {
        w * through(&[(0.0, 0.06), (0.25, 0.17), (1.0, 0.18)], t)
    });
    c.fill(&bulb.shape(), |x, y, _| {
        let (nx, ny) = bulb.normal(x, y);
        lit(hex(0x1f1f1f), nx, ny, 0.6)
    });
    [p(cx, f.y + f.h * 0.7), p(cx, f.y + f.h * 0.3)]
}

pub fn pump(c: &mut Canvas, f: Frame) -> [P; 2] {
    let cx = f.x + f.w * 0.5;
    let w = f.w;
    let tilt = 0.2;
    let body = Turned::new(cx, f.y + f.h * 0.27, f.y + f.h - w * 0.44 * tilt, tilt, |t| {
        w * through(&[(0.0, 0.14), (0.08, 0.4), (0.14, 0.44), (1.0, 0.44)], t)
    });
    let matte = hex(0xb86a45);
    c.fill(&body.shape(), |x, y, _| {
        let (nx, ny) = body.normal(x, y);
        lit(shade(matte, 0.97 + 0.05 * fbm(x / 2.0, y / 2.0, 80)), nx, ny, 0.15)
    });
    label(c, &body, f.y + f.h * 0.5, f.y + f.h * 0.78, hex(0xf6efe2), hex(0x3d2a20));
    let stem = Shape::rect(cx - w * 0.06, f.y + f.h * 0.08, cx + w * 0.06, f.y + f.h * 0.28, w * 0.02);
    c.fill(&stem, |x, _, _| lit(hex(0xe9e4da), (x - cx) / (w * 0.06), 0.0, 0.5));
    let collar = Shape::rect(cx - w * 0.17, f.y + f.h * 0.2, cx + w * 0.17, f.y + f.h * 0.29, w * 0.03);
    c.fill(&collar, |x, _, _| lit(hex(0xe9e4da), (x - cx) / (w * 0.17), 0.0, 0.5));
    let head = Path::from(p(cx - w * 0.2, f.y + f.h * 0.085))
        .to(p(cx - w * 0.2, f.y + f.h * 0.03))
        .curve(p(cx, f.y), p(cx + w * 0.2, f.y + f.h * 0.03))
        .to(p(cx + w * 0.48, f.y + f.h * 0.045))
        .to(p(cx + w * 0.48, f.y + f.h * 0.065))
        .to(p(cx + w * 0.2, f.y + f.h * 0.075))
        .to(p(cx + w * 0.2, f.y + f.h * 0.085))
        .shape();
    c.fill(&head, |x, y, _| {
        lit(hex(0xf1ede6), ((x - cx) / (w * 0.3)).clamp(-1.0, 1.0) * 0.6, ((y - f.y) / (f.h * 0.085) - 0.5) * 1.2, 0.5)
    });
    [p(cx, f.y + f.h * 0.88), p(cx - w * 0.1, f.y + f.h * 0.4)]
}
