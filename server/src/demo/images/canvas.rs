//! A small software rasteriser for the demo pictures. Shapes are signed
//! distance functions, so every edge is anti-aliased without supersampling
//! and the same distance gives soft shadows and rounded shading.

use image::{Rgb as Px, RgbImage};

/// A colour as sRGB in 0–1.
pub type Rgb = [f32; 3];

/// A point in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct P {
    pub x: f32,
    pub y: f32,
}

pub const fn p(x: f32, y: f32) -> P {
    P { x, y }
}

pub const fn hex(v: u32) -> Rgb {
    [((v >> 16) & 255) as f32 / 255.0, ((v >> 8) & 255) as f32 / 255.0, (v & 255) as f32 / 255.0]
}

pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

pub fn shade(c: Rgb, k: f32) -> Rgb {
    [c[0] * k, c[1] * k, c[2] * k]
}

pub fn add(c: Rgb, v: f32) -> Rgb {
    [c[0] + v, c[1] + v, c[2] + v]
}

pub fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// A repeatable pseudo-random number in 0–1 for an integer cell.
pub fn hash(x: i32, y: i32, seed: u32) -> f32 {
    let mut h =
        (x as u32).wrapping_mul(0x8da6_b343) ^ (y as u32).wrapping_mul(0xd816_3841) ^ seed.wrapping_mul(0xcb1a_b31f);
    h ^= h >> 13;
    h = h.wrapping_mul(0x5bd1_e995);
    h ^= h >> 15;
    (h & 0x00ff_ffff) as f32 / 16_777_216.0
}

/// Smooth value noise in 0–1.
pub fn noise(x: f32, y: f32, seed: u32) -> f32 {
    let (xi, yi) = (x.floor(), y.floor());
    let (fx, fy) = (x - xi, y - yi);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let (xi, yi) = (xi as i32, yi as i32);
    let a = hash(xi, yi, seed);
    let b = hash(xi + 1, yi, seed);
    let c = hash(xi, yi + 1, seed);
    let d = hash(xi + 1, yi + 1, seed);
    let top = a + (b - a) * sx;
    let bottom = c + (d - c) * sx;
    top + (bottom - top) * sy
}

/// Two octaves of value noise, for grain that does not look tiled.
pub fn fbm(x: f32, y: f32, seed: u32) -> f32 {
    noise(x, y, seed) * 0.65 + noise(x * 2.13 + 7.1, y * 2.13 + 3.7, seed + 1) * 0.35
}

/// Points along a quadratic Bézier from `a` to `b` (excluding `a`).
pub fn quad(a: P, c: P, b: P, n: usize) -> impl Iterator<Item = P> {
    (1..=n).map(move |i| {
        let t = i as f32 / n as f32;
        let u = 1.0 - t;
        p(u * u * a.x + 2.0 * u * t * c.x + t * t * b.x, u * u * a.y + 2.0 * u * t * c.y + t * t * b.y)
    })
}

/// A polygon outline built from straight and curved pieces.
#[derive(Debug, Clone, Default)]
pub struct Path(pub Vec<P>);

impl Path {
    pub fn from(start: P) -> Path {
        Path(vec![start])
    }

    pub fn to(mut self, b: P) -> Path {
        self.0.push(b);
        self
    }

    /// A quadratic curve through control point `c` to `b`.
    pub fn curve(mut self, c: P, b: P) -> Path {
        let a = *self.0.last().expect("a path has a start");
        let steps = (((b.x - a.x).abs() + (b.y - a.y).abs()) / 20.0).clamp(3.0, 14.0) as usize;
        self.0.extend(quad(a, c, b, steps));
        self
    }

    /// Closes a right half-outline (drawn from the top of the axis to its
    /// bottom) by mirroring it around the vertical line `axis`.
    pub fn mirrored(mut self, axis: f32) -> Path {
        let back: Vec<P> = self.0.iter().rev().skip(1).map(|q| p(2.0 * axis - q.x, q.y)).collect();
        self.0.extend(back);
        self
    }

    /// A rounded arch up to height `top` and down to `b`, like a bag's handle.
    pub fn arch(self, top: f32, b: P) -> Path {
        let a = *self.0.last().expect("a path has a start");
        let mid = p((a.x + b.x) / 2.0, top);
        self.curve(p(a.x, top), mid).curve(p(b.x, top), b)
    }

    pub fn shape(self) -> Shape {
        Shape::Poly(self.0)
    }

    pub fn stroke(self, width: f32) -> Shape {
        Shape::Stroke(self.0, width / 2.0)
    }
}

#[derive(Debug, Clone)]
pub enum Shape {
    Ellipse {
        c: P,
        rx: f32,
        ry: f32,
    },
    Rect {
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        r: f32,
    },
    Poly(Vec<P>),
    /// A polyline with round caps, by half-width.
    Stroke(Vec<P>, f32),
    Turned(Turned),
}

impl Shape {
    pub fn ellipse(c: P, rx: f32, ry: f32) -> Shape {
        Shape::Ellipse { c, rx, ry }
    }

    pub fn rect(x0: f32, y0: f32, x1: f32, y1: f32, r: f32) -> Shape {
        Shape::Rect { x0, y0, x1, y1, r: r.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0) }
    }

    pub fn line(a: P, b: P, width: f32) -> Shape {
        Shape::Stroke(vec![a, b], width / 2.0)
    }

    /// Signed distance in pixels: negative inside.
    pub fn dist(&self, x: f32, y: f32) -> f32 {
        match self {
            Shape::Ellipse { c, rx, ry } => {
                let (px, py) = ((x - c.x) / rx, (y - c.y) / ry);
                let k0 = (px * px + py * py).sqrt();
                if k0 < 1e-4 {
                    return -rx.min(*ry);
                }
                let k1 = ((px / rx).powi(2) + (py / ry).powi(2)).sqrt();
                k0 * (k0 - 1.0) / k1
            }
            Shape::Rect { x0, y0, x1, y1, r } => {
                let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                let (hx, hy) = ((x1 - x0) / 2.0 - r, (y1 - y0) / 2.0 - r);
                let (qx, qy) = ((x - cx).abs() - hx, (y - cy).abs() - hy);
                let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
                outside + qx.max(qy).min(0.0) - r
            }
            Shape::Poly(v) => poly_dist(v, x, y),
            Shape::Stroke(v, half) => {
                let mut best = f32::MAX;
                for w in v.windows(2) {
                    best = best.min(segment_dist2(w[0], w[1], x, y));
                }
                best.sqrt() - half
            }
            Shape::Turned(t) => t.dist(x, y),
        }
    }

    /// The box the shape fits in: (x0, y0, x1, y1).
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        match self {
            Shape::Ellipse { c, rx, ry } => (c.x - rx, c.y - ry, c.x + rx, c.y + ry),
            Shape::Turned(t) => {
                let widest = t.r.iter().fold(0.0f32, |a, b| a.max(*b));
                let (r0, r1) = (t.r[0], t.r[t.r.len() - 1]);
                (t.cx - widest, t.top - r0 * t.tilt, t.cx + widest, t.bottom + r1 * t.tilt)
            }
            Shape::Rect { x0, y0, x1, y1, .. } => (*x0, *y0, *x1, *y1),
            Shape::Poly(v) | Shape::Stroke(v, _) => {
                let grow = if let Shape::Stroke(_, h) = self { *h } else { 0.0 };
                let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for q in v {
                    b = (b.0.min(q.x), b.1.min(q.y), b.2.max(q.x), b.3.max(q.y));
                }
                (b.0 - grow, b.1 - grow, b.2 + grow, b.3 + grow)
            }
        }
    }

    pub fn moved(&self, dx: f32, dy: f32) -> Shape {
        let mv = |v: &[P]| v.iter().map(|q| p(q.x + dx, q.y + dy)).collect();
        match self {
            Shape::Ellipse { c, rx, ry } => Shape::Ellipse { c: p(c.x + dx, c.y + dy), rx: *rx, ry: *ry },
            Shape::Rect { x0, y0, x1, y1, r } => {
                Shape::Rect { x0: x0 + dx, y0: y0 + dy, x1: x1 + dx, y1: y1 + dy, r: *r }
            }
            Shape::Poly(v) => Shape::Poly(mv(v)),
            Shape::Stroke(v, h) => Shape::Stroke(mv(v), *h),
            Shape::Turned(t) => {
                Shape::Turned(Turned { cx: t.cx + dx, top: t.top + dy, bottom: t.bottom + dy, ..t.clone() })
            }
        }
    }
}

fn ellipse_dist(c: P, rx: f32, ry: f32, x: f32, y: f32) -> f32 {
    Shape::Ellipse { c, rx, ry }.dist(x, y)
}

/// A body of revolution standing upright: its half-width sampled down its
/// height, and the slight tilt that turns its top and bottom into ellipses.
#[derive(Debug, Clone)]
pub struct Turned {
    pub cx: f32,
    pub top: f32,
    pub bottom: f32,
    pub tilt: f32,
    r: Vec<f32>,
}

impl Turned {
    const STEPS: usize = 64;

    /// `profile(t)` gives the half-width in pixels from t = 0 (top) to 1 (bottom).
    pub fn new(cx: f32, top: f32, bottom: f32, tilt: f32, profile: impl Fn(f32) -> f32) -> Turned {
        let r = (0..=Self::STEPS).map(|i| profile(i as f32 / Self::STEPS as f32).max(0.5)).collect();
        Turned { cx, top, bottom, tilt, r }
    }

    pub fn t(&self, y: f32) -> f32 {
        ((y - self.top) / (self.bottom - self.top)).clamp(0.0, 1.0)
    }

    pub fn top_radius(&self) -> f32 {
        self.r[0]
    }

    pub fn radius(&self, y: f32) -> f32 {
        let s = self.t(y) * Self::STEPS as f32;
        let i = (s.floor() as usize).min(Self::STEPS - 1);
        let f = s - i as f32;
        self.r[i] + (self.r[i + 1] - self.r[i]) * f
    }

    fn slope(&self, y: f32) -> f32 {
        let dy = (self.bottom - self.top) / Self::STEPS as f32;
        (self.radius(y + dy) - self.radius(y - dy)) / (2.0 * dy)
    }

    fn dist(&self, x: f32, y: f32) -> f32 {
        let side = ((x - self.cx).abs() - self.radius(y)) / (1.0 + self.slope(y).powi(2)).sqrt();
        let body = side.max(self.top - y).max(y - self.bottom);
        let (r0, r1) = (self.r[0], self.r[Self::STEPS]);
        let top = ellipse_dist(p(self.cx, self.top), r0, r0 * self.tilt, x, y);
        let bottom = ellipse_dist(p(self.cx, self.bottom), r1, r1 * self.tilt, x, y);
        body.min(top).min(bottom)
    }

    pub fn shape(&self) -> Shape {
        Shape::Turned(self.clone())
    }

    /// The surface normal's sideways and vertical parts at a pixel: a body
    /// that narrows downwards faces down there, and is darker for it.
    pub fn normal(&self, x: f32, y: f32) -> (f32, f32) {
        let around = ((x - self.cx) / self.radius(y)).clamp(-1.0, 1.0);
        let s = self.slope(y);
        let k = 1.0 / (1.0 + s * s).sqrt();
        (around * k, -s * k)
    }

    /// The opening at the top, as an ellipse scaled by `k`.
    pub fn mouth(&self, k: f32) -> Shape {
        Shape::ellipse(p(self.cx, self.top), self.r[0] * k, self.r[0] * self.tilt * k)
    }
}

fn segment_dist2(a: P, b: P, x: f32, y: f32) -> f32 {
    let (ex, ey) = (b.x - a.x, b.y - a.y);
    let (wx, wy) = (x - a.x, y - a.y);
    let len2 = ex * ex + ey * ey;
    let t = if len2 > 0.0 { ((wx * ex + wy * ey) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (dx, dy) = (wx - ex * t, wy - ey * t);
    dx * dx + dy * dy
}

fn poly_dist(v: &[P], x: f32, y: f32) -> f32 {
    let mut d = f32::MAX;
    let mut inside = false;
    let mut j = v.len() - 1;
    for i in 0..v.len() {
        let (a, b) = (v[i], v[j]);
        d = d.min(segment_dist2(a, b, x, y));
        if (a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    if inside {
        -d.sqrt()
    } else {
        d.sqrt()
    }
}

pub struct Canvas {
    pub w: u32,
    pub h: u32,
    px: Vec<Rgb>,
}

impl Canvas {
    /// A canvas painted by `bg(x, y)`.
    pub fn new(w: u32, h: u32, bg: impl Fn(f32, f32) -> Rgb) -> Canvas {
        let mut px = Vec::with_capacity((w * h) as usize);
        for y in 0..h {
            for x in 0..w {
                px.push(bg(x as f32 + 0.5, y as f32 + 0.5));
            }
        }
        Canvas { w, h, px }
    }

    /// A canvas whose background changes slowly: `bg` is sampled every
    /// `step` pixels and interpolated in between, which is much cheaper.
    pub fn smooth(w: u32, h: u32, step: u32, bg: impl Fn(f32, f32) -> Rgb) -> Canvas {
        let (gw, gh) = (w / step + 2, h / step + 2);
        let mut grid = Vec::with_capacity((gw * gh) as usize);
        for j in 0..gh {
            for i in 0..gw {
                grid.push(bg((i * step) as f32, (j * step) as f32));
            }
        }
        let mut px = Vec::with_capacity((w * h) as usize);
        for y in 0..h {
            let (j, ty) = ((y / step) as usize, (y % step) as f32 / step as f32);
            for x in 0..w {
                let (i, tx) = ((x / step) as usize, (x % step) as f32 / step as f32);
                let at = |a: usize, b: usize| grid[(j + b) * gw as usize + i + a];
                let top = mix(at(0, 0), at(1, 0), tx);
                let bottom = mix(at(0, 1), at(1, 1), tx);
                px.push(mix(top, bottom, ty));
            }
        }
        Canvas { w, h, px }
    }

    /// Paints every pixel from row `y0` down with `f(x, y)`.
    pub fn repaint_below(&mut self, y0: u32, f: impl Fn(f32, f32) -> Rgb) {
        for y in y0.min(self.h)..self.h {
            for x in 0..self.w {
                self.px[(y * self.w + x) as usize] = f(x as f32 + 0.5, y as f32 + 0.5);
            }
        }
    }

    /// Visits the pixels closer than `grow` to the shape with their signed
    /// distance. Distances are measured at the corners of 8-pixel tiles
    /// first: a distance field changes by at most one per pixel, so tiles
    /// far outside are skipped and those deep inside are interpolated.
    fn each(&mut self, shape: &Shape, grow: f32, mut f: impl FnMut(&mut Rgb, f32, f32, f32)) {
        const T: u32 = 8;
        const REACH: f32 = 5.7;
        let (x0, y0, x1, y1) = shape.bounds();
        let clampx = |v: f32| (v.max(0.0) as u32).min(self.w);
        let clampy = |v: f32| (v.max(0.0) as u32).min(self.h);
        let (xa, xb) = (clampx(x0 - grow - 1.0), clampx(x1 + grow + 2.0));
        let (ya, yb) = (clampy(y0 - grow - 1.0), clampy(y1 + grow + 2.0));
        if xa >= xb || ya >= yb {
            return;
        }
        let (nx, ny) = ((xb - xa).div_ceil(T) + 1, (yb - ya).div_ceil(T) + 1);
        let mut grid = Vec::with_capacity((nx * ny) as usize);
        for j in 0..ny {
            for i in 0..nx {
                grid.push(shape.dist((xa + i * T) as f32, (ya + j * T) as f32));
            }
        }
        for j in 0..ny - 1 {
            for i in 0..nx - 1 {
                let at = |a: u32, b: u32| grid[((j + b) * nx + i + a) as usize];
                let (d00, d10, d01, d11) = (at(0, 0), at(1, 0), at(0, 1), at(1, 1));
                let lo = d00.min(d10).min(d01).min(d11);
                let hi = d00.max(d10).max(d01).max(d11);
                if lo - REACH > grow + 1.5 {
                    continue;
                }
                let deep = hi + REACH < -2.0;
                let (tx, ty) = (xa + i * T, ya + j * T);
                for y in ty..(ty + T).min(yb) {
                    let row = (y * self.w) as usize;
                    let fy = y as f32 + 0.5;
                    let sy = (fy - ty as f32) / T as f32;
                    for x in tx..(tx + T).min(xb) {
                        let fx = x as f32 + 0.5;
                        let d = if deep {
                            let sx = (fx - tx as f32) / T as f32;
                            let top = d00 + (d10 - d00) * sx;
                            let bottom = d01 + (d11 - d01) * sx;
                            top + (bottom - top) * sy
                        } else {
                            shape.dist(fx, fy)
                        };
                        if d < grow + 0.5 {
                            f(&mut self.px[row + x as usize], fx, fy, d);
                        }
                    }
                }
            }
        }
    }

    /// Paints the shape with `paint(x, y, d)`, where `d` is the signed
    /// distance to its edge (negative inside), anti-aliased at the edge.
    pub fn fill(&mut self, shape: &Shape, paint: impl Fn(f32, f32, f32) -> Rgb) {
        self.each(shape, 0.0, |px, x, y, d| {
            let a = (0.5 - d).clamp(0.0, 1.0);
            if a > 0.0 {
                *px = mix(*px, paint(x, y, d), a);
            }
        });
    }

    pub fn solid(&mut self, shape: &Shape, c: Rgb) {
        self.fill(shape, |_, _, _| c);
    }

    /// Paints with `paint` at opacity `alpha(x, y, d)` (for glazes, light and textures).
    pub fn blend(&mut self, shape: &Shape, paint: impl Fn(f32, f32, f32) -> (Rgb, f32)) {
        self.each(shape, 0.0, |px, x, y, d| {
            let (c, a) = paint(x, y, d);
            let a = a * (0.5 - d).clamp(0.0, 1.0);
            if a > 0.0 {
                *px = mix(*px, c, a);
            }
        });
    }

    /// A soft shadow of the shape: darkens by up to `strength` with an edge
    /// blurred over `blur` pixels, tinted slightly warm like real bounce light.
    pub fn shadow(&mut self, shape: &Shape, blur: f32, strength: f32) {
        let tint = [0.16, 0.12, 0.1];
        self.each(shape, blur, |px, _, _, d| {
            let a = strength * (1.0 - smoothstep(-blur, blur, d));
            if a > 0.0 {
                *px = [
                    px[0] * (1.0 - a * (1.0 - tint[0])),
                    px[1] * (1.0 - a * (1.0 - tint[1])),
                    px[2] * (1.0 - a * (1.0 - tint[2])),
                ];
            }
        });
    }

    /// Finishes the picture like a camera would: darker corners and a little grain.
    pub fn into_image(self, vignette: f32, grain: f32, seed: u32) -> RgbImage {
        let (w, h) = (self.w, self.h);
        let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
        let r2 = cx * cx + cy * cy;
        RgbImage::from_fn(w, h, |x, y| {
            let c = self.px[(y * w + x) as usize];
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let t = (dx * dx + dy * dy) / r2;
            let v = 1.0 - vignette * t * t.sqrt();
            let g = (hash(x as i32, y as i32, seed) - 0.5) * grain;
            let to = |ch: f32| ((ch * v + g).clamp(0.0, 1.0) * 255.0).round() as u8;
            Px([to(c[0]), to(c[1]), to(c[2])])
        })
    }
}

/// Lighting for something round seen from the front: `nx` runs from -1 at
/// its left edge to 1 at its right, `ny` tilts the surface up (negative) or down.
/// Light comes from the upper left, the camera looks straight on.
pub fn lit(base: Rgb, nx: f32, ny: f32, gloss: f32) -> Rgb {
    let nx = nx.clamp(-1.0, 1.0);
    let nz = (1.0 - nx * nx - ny * ny).max(0.0).sqrt();
    let (lx, ly, lz) = (-0.5, -0.45, 0.74);
    let diffuse = (nx * lx + ny * ly + nz * lz).max(0.0);
    // Blinn–Phong half vector between the light and a camera at +z.
    let (hx, hy, hz) = (lx, ly, lz + 1.0);
    let hl = (hx * hx + hy * hy + hz * hz).sqrt();
    let spec = ((nx * hx + ny * hy + nz * hz) / hl).max(0.0).powi(60) * gloss;
    let rim = 0.08 * (1.0 - nz).powi(3);
    add(shade(base, 0.42 + 0.7 * diffuse), spec + rim * 0.5)
}

/// Soft shading for flat, padded things (fabric, leather): darker towards
/// the outline over `depth` pixels and lit from the upper left across the box.
pub fn pillow(base: Rgb, d: f32, depth: f32, u: f32, v: f32) -> Rgb {
    let inner = smoothstep(0.0, depth, -d).sqrt();
    shade(base, (0.68 + 0.32 * inner) * (1.1 - 0.2 * (0.55 * u + 0.45 * v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_negative_inside_and_positive_outside() {
        let shapes = [
            Shape::ellipse(p(50.0, 50.0), 30.0, 10.0),
            Shape::rect(20.0, 40.0, 80.0, 60.0, 5.0),
            Path::from(p(20.0, 40.0)).to(p(80.0, 40.0)).to(p(80.0, 60.0)).to(p(20.0, 60.0)).shape(),
            Shape::line(p(20.0, 50.0), p(80.0, 50.0), 10.0),
        ];
        for s in &shapes {
            assert!(s.dist(50.0, 50.0) < 0.0, "{s:?}");
            assert!(s.dist(50.0, 90.0) > 0.0, "{s:?}");
            assert!(s.dist(5.0, 50.0) > 0.0, "{s:?}");
        }
        assert!((Shape::rect(0.0, 0.0, 10.0, 10.0, 0.0).dist(15.0, 5.0) - 5.0).abs() < 1e-4);
    }

    #[test]
    fn mirrored_paths_are_symmetric() {
        let half = Path::from(p(50.0, 0.0)).to(p(80.0, 10.0)).to(p(70.0, 90.0)).to(p(50.0, 100.0)).mirrored(50.0);
        let s = half.shape();
        assert_eq!(s.bounds(), (20.0, 0.0, 80.0, 100.0));
        assert!((s.dist(35.0, 50.0) - s.dist(65.0, 50.0)).abs() < 1e-4);
    }

    #[test]
    fn noise_is_repeatable_and_in_range() {
        for i in 0..200 {
            let (x, y) = (i as f32 * 0.37, i as f32 * 1.13);
            let n = fbm(x, y, 3);
            assert!((0.0..=1.0).contains(&n));
            assert_eq!(n, fbm(x, y, 3));
        }
    }
}
