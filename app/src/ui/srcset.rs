//! `srcset` for images stored at 600 and 1200 px wide. Small originals are
//! never enlarged, so the descriptors must name the real widths or the
//! browser would pick the wrong file and draw it at the wrong size.

/// `width` is the largest stored version's width (at most 1200).
pub fn srcset_600_1200(url_600: &str, url_1200: &str, width: i32) -> String {
    if width <= 600 {
        format!("{url_600} {width}w")
    } else {
        format!("{url_600} 600w, {url_1200} {width}w")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_name_real_widths() {
        assert_eq!(srcset_600_1200("/a", "/b", 1200), "/a 600w, /b 1200w");
        assert_eq!(srcset_600_1200("/a", "/b", 900), "/a 600w, /b 900w");
        assert_eq!(srcset_600_1200("/a", "/b", 320), "/a 320w");
    }
}
