//! A photo-like test image for upload timings: a sky gradient over a
//! horizon, soft coloured shapes, fractal value noise and a little sensor
//! grain, so a JPEG encoder and decoder do the work a real photo asks of
//! them (a flat colour would compress to almost nothing). Deterministic.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{Context, Result};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

use crate::args::JpegArgs;

/// Writes the test photo `args` describes; returns its size in bytes.
pub fn write_jpeg(args: &JpegArgs) -> Result<u64> {
    let bytes = encode(&render(args.width, args.height), args.quality)?;
    let file = File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut out = BufWriter::new(file);
    out.write_all(&bytes).and_then(|()| out.flush()).with_context(|| format!("cannot write {}", args.out.display()))?;
    Ok(bytes.len() as u64)
}

/// Encodes `img` as a baseline JPEG.
pub fn encode(img: &RgbImage, quality: u8) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, quality)).context("JPEG encoding failed")?;
    Ok(bytes)
}

/// Renders the scene at `width`×`height`.
pub fn render(width: u32, height: u32) -> RgbImage {
    let mut rng = XorShift(0x5eed_cafe_f00d_1234);
    let scale = width.max(height) as f32;
    let octaves: Vec<ValueNoise> = [0.12, 0.035, 0.009, 0.002, 0.0007]
        .iter()
        .map(|&cell| ValueNoise::new(&mut rng, (cell * scale).max(2.0)))
        .collect();
    let blobs: Vec<Blob> = (0..7).map(|_| Blob::random(&mut rng, width as f32, height as f32)).collect();
    let horizon = height as f32 * 0.58;

    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        // Fractal noise in about -1..1, finer octaves weaker.
        let noise: f32 =
            octaves.iter().zip([1.0, 0.5, 0.25, 0.15, 0.1]).map(|(o, w)| w * o.at(fx, fy)).sum::<f32>() / 2.0;
        let mut rgb = if fy < horizon {
            let t = fy / horizon;
            [lerp(70.0, 190.0, t), lerp(130.0, 205.0, t), lerp(210.0, 225.0, t)]
        } else {
            let t = (fy - horizon) / (height as f32 - horizon).max(1.0);
            [lerp(120.0, 70.0, t), lerp(110.0, 80.0, t), lerp(70.0, 50.0, t)]
        };
        for blob in &blobs {
            let a = blob.alpha(fx, fy);
            for (c, b) in rgb.iter_mut().zip(blob.colour) {
                *c = lerp(*c, b, a);
            }
        }
        let grain = (rng.next_f32() - 0.5) * 14.0;
        Rgb(rgb.map(|c| (c + noise * 38.0 + grain).clamp(0.0, 255.0) as u8))
    })
}

fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

/// A soft-edged ellipse of one colour.
struct Blob {
    cx: f32,
    cy: f32,
    rx: f32,
    ry: f32,
    colour: [f32; 3],
}

impl Blob {
    fn random(rng: &mut XorShift, w: f32, h: f32) -> Blob {
        let size = w.min(h);
        Blob {
            cx: rng.next_f32() * w,
            cy: rng.next_f32() * h,
            rx: size * (0.05 + 0.2 * rng.next_f32()),
            ry: size * (0.05 + 0.2 * rng.next_f32()),
            colour: [rng.next_f32() * 255.0, rng.next_f32() * 255.0, rng.next_f32() * 255.0],
        }
    }

    /// 0.85 inside, fading to 0 over the outer fifth.
    fn alpha(&self, x: f32, y: f32) -> f32 {
        let d = (((x - self.cx) / self.rx).powi(2) + ((y - self.cy) / self.ry).powi(2)).sqrt();
        0.85 * (1.0 - ((d - 0.8) / 0.2).clamp(0.0, 1.0))
    }
}

/// Smoothly interpolated random values on a square grid of `cell` pixels.
struct ValueNoise {
    cell: f32,
    size: usize,
    grid: Vec<f32>,
}

impl ValueNoise {
    const SIZE: usize = 64;

    fn new(rng: &mut XorShift, cell: f32) -> ValueNoise {
        let grid = (0..Self::SIZE * Self::SIZE).map(|_| rng.next_f32() * 2.0 - 1.0).collect();
        ValueNoise { cell, size: Self::SIZE, grid }
    }

    fn at(&self, x: f32, y: f32) -> f32 {
        let (gx, gy) = (x / self.cell, y / self.cell);
        let (x0, y0) = (gx.floor(), gy.floor());
        let (tx, ty) = (smooth(gx - x0), smooth(gy - y0));
        let v = |i: f32, j: f32| self.grid[(j as usize % self.size) * self.size + (i as usize % self.size)];
        let top = lerp(v(x0, y0), v(x0 + 1.0, y0), tx);
        let bottom = lerp(v(x0, y0 + 1.0), v(x0 + 1.0, y0 + 1.0), tx);
        lerp(top, bottom, ty)
    }
}

fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

/// xorshift64*: fast, deterministic, good enough for pictures.
struct XorShift(u64);

impl XorShift {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    #[test]
    fn the_photo_decodes_at_its_size() {
        let bytes = encode(&render(160, 120), 90).unwrap();
        let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap();
        assert_eq!(decoded.dimensions(), (160, 120));
    }

    #[test]
    fn the_photo_is_not_flat() {
        let img = render(200, 150);
        let luma: Vec<f64> = img.pixels().map(|p| p.0.iter().map(|&c| f64::from(c)).sum::<f64>() / 3.0).collect();
        let mean = luma.iter().sum::<f64>() / luma.len() as f64;
        let variance = luma.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / luma.len() as f64;
        assert!(variance > 100.0, "variance {variance}");
        // Detail compresses far worse than a flat colour of the same size.
        let flat = encode(&RgbImage::from_pixel(200, 150, Rgb([120, 120, 120])), 90).unwrap();
        assert!(encode(&img, 90).unwrap().len() > 4 * flat.len());
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(render(64, 48), render(64, 48));
    }

    #[test]
    fn write_jpeg_writes_the_file() {
        let out = std::env::temp_dir().join(format!("storefeed-bench-photo-{}.jpg", std::process::id()));
        let args = JpegArgs { out: out.clone(), width: 80, height: 60, quality: 80 };
        let written = write_jpeg(&args).unwrap();
        assert_eq!(std::fs::metadata(&out).unwrap().len(), written);
        assert_eq!(image::guess_format(&std::fs::read(&out).unwrap()).unwrap(), image::ImageFormat::Jpeg);
        std::fs::remove_file(&out).unwrap();
    }
}
