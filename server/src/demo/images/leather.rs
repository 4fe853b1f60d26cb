//! Leather goods and shoes: a satchel with a strap, a weekender duffel, a
//! card wallet, a passport cover and a pair of low-top sneakers.

use super::canvas::{fbm, hex, lit, mix, p, pillow, shade, smoothstep, Canvas, Path, Rgb, Shape, P};
use super::Frame;

const BRASS: Rgb = hex(0xc89b4a);
const THREAD: Rgb = hex(0xe9dcc0);

/// Full-grain leather: the base colour with a fine pebbled grain and a sheen.
fn hide(base: Rgb, x: f32, y: f32, d: f32, depth: f32, u: f32, v: f32) -> Rgb {
    let grain = 0.94 + 0.1 * fbm(x / 2.5, y / 2.5, 21);
    let sheen = 0.07 * (1.0 - ((u - 0.3).powi(2) + (v - 0.25).powi(2)) * 4.0).max(0.0);
    let c = shade(pillow(base, d, depth, u, v), grain);
    [c[0] + sheen, c[1] + sheen, c[2] + sheen]
}

/// Short stitches along a polyline, `every` pixels apart.
pub fn stitches(c: &mut Canvas, pts: &[P], every: f32, width: f32, colour: Rgb) {
    let mut carry = 0.0;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        let mut t = carry;
        while t < len {
            let s = t / len;
            let e = ((t + every * 0.55) / len).min(1.0);
            let from = p(a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s);
            let to = p(a.x + (b.x - a.x) * e, a.y + (b.y - a.y) * e);
            c.solid(&Shape::line(from, to, width), colour);
            t += every;
        }
        carry = t - len;
    }
}

/// A rounded rectangle's outline as points, inset from the frame box.
fn rounded_outline(x0: f32, y0: f32, x1: f32, y1: f32, r: f32) -> Vec<P> {
    Path::from(p(x0 + r, y0))
        .to(p(x1 - r, y0))
        .curve(p(x1, y0), p(x1, y0 + r))
        .to(p(x1, y1 - r))
        .curve(p(x1, y1), p(x1 - r, y1))
        .to(p(x0 + r, y1))
        .curve(p(x0, y1), p(x0, y1 - r))
        .to(p(x0, y0 + r))
        .curve(p(x0, y0), p(x0 + r, y0))
        .0
}

fn leather_fill(c: &mut Canvas, f: &Frame, s: &Shape, base: Rgb, depth: f32) {
    c.fill(s, |x, y, d| {
        let (u, v) = f.uv(x, y);
        hide(base, x, y, d, depth, u, v)
    });
}

pub fn satchel(c: &mut Canvas, f: Frame, base: Rgb) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let dark = shade(base, 0.72);
    let strap = Path::from(q(0.13, 0.42)).arch(f.y + 0.02 * f.h, q(0.87, 0.42)).stroke(f.w * 0.045);
    leather_fill(c, &f, &strap, dark, f.w * 0.015);
    let body = Shape::rect(f.x + 0.08 * f.w, f.y + 0.36 * f.h, f.x + 0.92 * f.w, f.y + 0.99 * f.h, f.w * 0.07);
    leather_fill(c, &f, &body, shade(base, 0.92), f.w * 0.06);
    let flap_pts = Path::from(q(0.08, 0.36))
        .to(q(0.92, 0.36))
        .to(q(0.92, 0.66))
        .curve(q(0.92, 0.77), q(0.81, 0.77))
        .to(q(0.19, 0.77))
        .curve(q(0.08, 0.77), q(0.08, 0.66))
        .0;
    let flap = Shape::Poly(flap_pts);
    c.shadow(&flap.moved(0.0, f.h * 0.015), f.w * 0.015, 0.45);
    leather_fill(c, &f, &flap, base, f.w * 0.035);
    let inset = Path::from(q(0.105, 0.38))
        .to(q(0.895, 0.38))
        .to(q(0.895, 0.66))
        .curve(q(0.895, 0.745), q(0.81, 0.745))
        .to(q(0.19, 0.745))
        .curve(q(0.105, 0.745), q(0.105, 0.66))
        .to(q(0.105, 0.38));
    stitches(c, &inset.0, f.w * 0.018, f.w * 0.005, THREAD);
    // The buckle strap runs from under the flap down onto the body.
    let tongue = Shape::rect(f.x + 0.455 * f.w, f.y + 0.6 * f.h, f.x + 0.545 * f.w, f.y + 0.92 * f.h, f.w * 0.012);
    c.shadow(&tongue.moved(f.w * 0.005, f.w * 0.008), f.w * 0.008, 0.4);
    leather_fill(c, &f, &tongue, dark, f.w * 0.01);
    let ring = Shape::rect(f.x + 0.43 * f.w, f.y + 0.71 * f.h, f.x + 0.57 * f.w, f.y + 0.8 * f.h, f.w * 0.012);
    let hole = Shape::rect(f.x + 0.445 * f.w, f.y + 0.725 * f.h, f.x + 0.555 * f.w, f.y + 0.785 * f.h, f.w * 0.006);
    c.shadow(&ring.moved(f.w * 0.004, f.w * 0.006), f.w * 0.006, 0.4);
    c.fill(&ring, |x, _, _| lit(BRASS, ((x - f.x) / f.w - 0.5) / 0.07, -0.3, 0.8));
    leather_fill(c, &f, &hole, dark, f.w * 0.004);
    c.solid(&Shape::line(q(0.5, 0.725), q(0.5, 0.79), f.w * 0.008), shade(BRASS, 0.8));
    [f.at(0.3, 0.58), f.at(0.7, 0.88)]
}

pub fn duffel(c: &mut Canvas, f: Frame, base: Rgb) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let dark = shade(base, 0.6);
    for (dx, k) in [(0.025, 0.75), (0.0, 1.0)] {
        let handle = Path::from(q(0.305 - dx, 0.36)).arch(f.y + 0.03 * f.h, q(0.695 + dx, 0.36)).stroke(f.w * 0.022);
        c.fill(&handle, |x, y, d| {
            let (u, v) = f.uv(x, y);
            shade(hide(dark, x, y, d, f.w * 0.008, u, v), k)
        });
    }
    let body = Path::from(q(0.1, 0.98))
        .to(q(0.9, 0.98))
        .curve(q(0.985, 0.98), q(0.985, 0.8))
        .to(q(0.975, 0.5))
        .curve(q(0.96, 0.3), q(0.85, 0.3))
        .to(q(0.15, 0.3))
        .curve(q(0.04, 0.3), q(0.025, 0.5))
        .to(q(0.015, 0.8))
        .curve(q(0.015, 0.98), q(0.1, 0.98))
        .shape();
    leather_fill(c, &f, &body, base, f.h * 0.12);
    for s in [1.0f32, -1.0] {
        let m = |u: f32, v| q(0.5 + s * (u - 0.5), v);
        let piping = Path::from(m(0.88, 0.31)).curve(m(0.94, 0.64), m(0.88, 0.975)).stroke(f.w * 0.008);
        c.solid(&piping, shade(base, 0.55));
        let band = Shape::rect(
            f.x + (0.5 + s * 0.195 - 0.025) * f.w,
            f.y + 0.3 * f.h,
            f.x + (0.5 + s * 0.195 + 0.025) * f.w,
            f.y + 0.98 * f.h,
            f.w * 0.004,
        );
        c.shadow(&band.moved(f.w * 0.003, 0.0), f.w * 0.004, 0.35);
        leather_fill(c, &f, &band, dark, f.w * 0.006);
        for e in [-0.019, 0.019] {
            let x = f.x + (0.5 + s * 0.195 + e) * f.w;
            stitches(c, &[p(x, f.y + 0.32 * f.h), p(x, f.y + 0.97 * f.h)], f.w * 0.009, f.w * 0.0025, THREAD);
        }
        let ring = Shape::ellipse(m(0.695, 0.37), f.w * 0.018, f.w * 0.018);
        c.fill(
            &ring,
            |x, y, d| if d < -f.w * 0.008 { hide(dark, x, y, d, 1.0, 0.5, 0.5) } else { lit(BRASS, -0.3, -0.3, 0.9) },
        );
    }
    let zip = Shape::line(q(0.15, 0.32), q(0.85, 0.32), f.w * 0.01);
    c.fill(&zip, |x, _, _| if (x / (f.w * 0.004)).fract() < 0.5 { hex(0xb8b2a4) } else { hex(0x5d584e) });
    let pull = Shape::rect(f.x + 0.78 * f.w, f.y + 0.315 * f.h, f.x + 0.795 * f.w, f.y + 0.42 * f.h, f.w * 0.006);
    c.shadow(&pull.moved(f.w * 0.004, f.w * 0.004), f.w * 0.004, 0.4);
    leather_fill(c, &f, &pull, dark, f.w * 0.004);
    [f.at(0.42, 0.68), f.at(0.6, 0.55)]
}

pub fn wallet(c: &mut Canvas, f: Frame, base: Rgb) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let card = Shape::rect(f.x + 0.18 * f.w, f.y, f.x + 0.68 * f.w, f.y + 0.45 * f.h, f.w * 0.03);
    c.fill(&card, |x, y, _| {
        let (u, v) = f.uv(x, y);
        mix(hex(0x2f6fd6), hex(0x1b3f8f), (u - 0.18) * 1.2 + v * 0.4)
    });
    let chip = Shape::rect(f.x + 0.24 * f.w, f.y + 0.06 * f.h, f.x + 0.31 * f.w, f.y + 0.13 * f.h, f.w * 0.008);
    c.fill(&chip, |x, _, _| lit(hex(0xd9b45a), ((x - f.x) / f.w - 0.275) / 0.035, 0.0, 0.6));
    let body = Shape::rect(f.x + 0.02 * f.w, f.y + 0.14 * f.h, f.x + 0.98 * f.w, f.y + 0.99 * f.h, f.w * 0.06);
    c.shadow(
        &Shape::rect(f.x + 0.02 * f.w, f.y + 0.12 * f.h, f.x + 0.98 * f.w, f.y + 0.16 * f.h, f.w * 0.02),
        f.w * 0.015,
        0.3,
    );
    leather_fill(c, &f, &body, base, f.w * 0.05);
    // The fold on the left edge is rounded and catches more light.
    c.blend(&body, |x, _, _| (shade(base, 1.25), 0.35 * (1.0 - smoothstep(0.02, 0.12, (x - f.x) / f.w))));
    let inset = rounded_outline(f.x + 0.055 * f.w, f.y + 0.19 * f.h, f.x + 0.945 * f.w, f.y + 0.94 * f.h, f.w * 0.04);
    stitches(c, &inset, f.w * 0.018, f.w * 0.005, THREAD);
    let mark = Path::from(q(0.86, 0.8))
        .curve(q(0.86, 0.72), q(0.8, 0.72))
        .curve(q(0.74, 0.72), q(0.74, 0.8))
        .stroke(f.w * 0.01);
    c.solid(&mark, shade(base, 0.7));
    [f.at(0.45, 0.6), f.at(0.42, 0.2)]
}

pub fn passport(c: &mut Canvas, f: Frame, base: Rgb) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let body = Shape::rect(f.x + 0.02 * f.w, f.y + 0.01 * f.h, f.x + 0.98 * f.w, f.y + 0.99 * f.h, f.w * 0.06);
    leather_fill(c, &f, &body, base, f.w * 0.05);
    let inset = rounded_outline(f.x + 0.07 * f.w, f.y + 0.045 * f.h, f.x + 0.93 * f.w, f.y + 0.955 * f.h, f.w * 0.04);
    stitches(c, &inset, f.w * 0.025, f.w * 0.007, THREAD);
    // A debossed globe: the lines are pressed in, so darker with a light lip below.
    let deboss = shade(base, 0.62);
    let r = f.w * 0.17;
    let centre = q(0.5, 0.4);
    let ring: Vec<P> = (0..=48)
        .map(|i| {
            let a = i as f32 / 48.0 * std::f32::consts::TAU;
            p(centre.x + r * a.cos(), centre.y + r * a.sin())
        })
        .collect();
    let meridian: Vec<P> = (0..=24)
        .map(|i| {
            let a = i as f32 / 24.0 * std::f32::consts::TAU;
            p(centre.x + r * 0.45 * a.cos(), centre.y + r * a.sin())
        })
        .collect();
    for pts in [ring, meridian] {
        c.solid(&Shape::Stroke(pts.iter().map(|q| p(q.x, q.y + 1.5)).collect(), f.w * 0.005), shade(base, 1.2));
        c.solid(&Shape::Stroke(pts, f.w * 0.006), deboss);
    }
    c.solid(&Shape::line(p(centre.x - r, centre.y), p(centre.x + r, centre.y), f.w * 0.012), deboss);
    c.solid(&Shape::line(p(centre.x, centre.y - r), p(centre.x, centre.y + r), f.w * 0.012), deboss);
    for (v, half) in [(0.68, 0.2), (0.74, 0.13)] {
        c.solid(&Shape::line(q(0.5 - half, v), q(0.5 + half, v), f.w * 0.025), deboss);
    }
    [f.at(0.3, 0.6), f.at(0.62, 0.85)]
}

/// One low-top sneaker seen from the side, toe to the right; `k` dims it.
fn sneaker(c: &mut Canvas, f: Frame, upper: Rgb, accent: Rgb, k: f32) -> [P; 2] {
    let q = |u, v| f.at(u, v);
    let sole_colour = hex(0xf3f0e9);
    let gum = hex(0xa7673a);
    let quilt = |x: f32, y: f32, d: f32, base: Rgb, depth: f32| {
        let (u, v) = f.uv(x, y);
        let round = 1.0 - 0.16 * smoothstep(0.45, 0.8, v);
        // A crisp darker contour, as studio light draws on pale leather.
        let contour = 0.86 + 0.14 * smoothstep(0.0, 1.6, -d);
        shade(pillow(base, d, depth, u, v), contour * round * k * (0.97 + 0.04 * fbm(x / 2.0, y / 2.0, 31)))
    };
    // The upper first: the sole overlaps its bottom edge.
    let top_line = Path::from(q(0.035, 0.26)).curve(q(0.1, 0.17), q(0.2, 0.27)).curve(q(0.26, 0.3), q(0.33, 0.14));
    let upper_shape = Path::from(q(0.03, 0.8))
        .curve(q(-0.01, 0.55), q(0.035, 0.26))
        .curve(q(0.1, 0.17), q(0.2, 0.27))
        .curve(q(0.26, 0.3), q(0.33, 0.14))
        .to(q(0.355, 0.03))
        .curve(q(0.39, 0.0), q(0.42, 0.07))
        .curve(q(0.55, 0.28), q(0.7, 0.42))
        .curve(q(0.93, 0.48), q(0.985, 0.74))
        .to(q(0.98, 0.8))
        .shape();
    c.fill(&upper_shape, |x, y, d| quilt(x, y, d, upper, f.h * 0.08));
    // The padded collar just inside the top edge.
    let collar =
        Shape::Stroke(top_line.0.iter().map(|pt| p(pt.x + f.w * 0.004, pt.y + f.h * 0.045)).collect(), f.h * 0.012);
    c.fill(&collar, |_, _, _| shade(upper, 0.78 * k));
    // Heel counter, heel tab and toe cap in the accent colour.
    let heel = Path::from(q(0.03, 0.8)).curve(q(0.0, 0.6), q(0.02, 0.42)).curve(q(0.13, 0.45), q(0.2, 0.8)).shape();
    c.shadow(&heel.moved(f.w * 0.004, 0.0), f.h * 0.02, 0.3);
    c.fill(&heel, |x, y, d| quilt(x, y, d, accent, f.h * 0.05));
    let tab =
        Path::from(q(0.038, 0.24)).curve(q(0.06, 0.2), q(0.085, 0.2)).to(q(0.075, 0.42)).to(q(0.02, 0.42)).shape();
    c.fill(&tab, |x, y, d| quilt(x, y, d, accent, f.h * 0.03));
    let toe = Path::from(q(0.985, 0.74))
        .curve(q(0.94, 0.52), q(0.82, 0.49))
        .curve(q(0.79, 0.64), q(0.81, 0.8))
        .to(q(0.98, 0.8))
        .shape();
    c.shadow(&toe.moved(-f.w * 0.004, 0.0), f.h * 0.02, 0.25);
    let pitch = f.h * 0.045;
    c.fill(&toe, |x, y, d| {
        let holes = (x / pitch).fract() < 0.3 && (y / pitch).fract() < 0.3 && d < -pitch;
        shade(quilt(x, y, d, upper, f.h * 0.03), if holes { 0.72 } else { 0.98 })
    });
    // Eyestay with eyelets and laces.
    let (a, b, e) = (q(0.4, 0.1), q(0.55, 0.29), q(0.69, 0.42));
    let stay = Path::from(a).curve(b, e).stroke(f.h * 0.08);
    c.shadow(&stay.moved(f.w * 0.003, f.h * 0.01), f.h * 0.015, 0.25);
    c.fill(&stay, |x, y, d| quilt(x, y, d, accent, f.h * 0.03));
    let holes: Vec<P> = super::canvas::quad(a, b, e, 6).map(|h| p(h.x - f.w * 0.004, h.y - f.h * 0.012)).collect();
    let lace = shade(hex(0xf7f4ee), k);
    for h in &holes {
        c.solid(&Shape::ellipse(*h, f.h * 0.02, f.h * 0.02), shade(hex(0x3a3a3a), k));
        c.solid(&Shape::ellipse(*h, f.h * 0.011, f.h * 0.011), shade(hex(0x9a9a9a), k));
    }
    // Each lace leaves its eyelet and climbs over the top of the foot.
    for h in holes.iter().skip(1) {
        let over = Shape::line(*h, p(h.x + f.w * 0.012, h.y - f.h * 0.075), f.h * 0.024);
        c.shadow(&over.moved(f.w * 0.004, f.h * 0.008), f.h * 0.01, 0.3);
        c.fill(&over, |x, y, d| quilt(x, y, d, lace, f.h * 0.012));
    }
    // Cupsole: an off-white midsole over a gum outsole.
    let sole = Path::from(q(0.05, 1.0))
        .to(q(0.88, 1.0))
        .curve(q(0.99, 0.99), q(1.0, 0.86))
        .to(q(0.995, 0.76))
        .curve(q(0.6, 0.79), q(0.08, 0.77))
        .to(q(0.015, 0.76))
        .curve(q(0.0, 0.84), q(0.01, 0.93))
        .curve(q(0.02, 1.0), q(0.05, 1.0))
        .shape();
    c.fill(&sole, |x, y, d| {
        let (u, v) = f.uv(x, y);
        let base = if v > 0.955 { gum } else { sole_colour };
        let groove = (v - 0.88).abs() < 0.008;
        let c = shade(pillow(base, d, f.h * 0.02, u, v), k * (1.0 - 0.1 * smoothstep(0.85, 1.0, v)));
        if groove {
            shade(c, 0.86)
        } else {
            c
        }
    });
    stitches(c, &[q(0.04, 0.8), q(0.5, 0.805), q(0.97, 0.8)], f.h * 0.03, f.h * 0.008, shade(hex(0xcfc8ba), k));
    [f.at(0.56, 0.6), f.at(0.12, 0.66)]
}

/// A pair: the far shoe a little behind, to the right and in shade.
pub fn sneakers(c: &mut Canvas, f: Frame, upper: Rgb, accent: Rgb) -> [P; 2] {
    let back = Frame { x: f.x + f.w * 0.1, y: f.y, w: f.w * 0.9, h: f.h * 0.88 };
    let front = Frame { x: f.x, y: f.y + f.h * 0.12, w: f.w * 0.9, h: f.h * 0.88 };
    sneaker(c, back, upper, accent, 0.8);
    c.shadow(&Shape::ellipse(front.at(0.5, 0.99), front.w * 0.5, front.h * 0.06), front.h * 0.06, 0.35);
    sneaker(c, front, upper, accent, 1.0)
}
