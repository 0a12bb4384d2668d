//! QR codes of pass tokens: PNG and SVG, error level M, with the 4-module quiet zone.

use qrcode::{EcLevel, QrCode};

use crate::error::AppError;

/// Smallest and largest PNG edge served, in pixels.
pub const PNG_SIZES: std::ops::RangeInclusive<u32> = 64..=2048;

fn code(token: &str) -> Result<QrCode, AppError> {
    QrCode::with_error_correction_level(token.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR encoding: {e}")))
}

/// A PNG about `size` pixels wide (whole modules, so never blurred), one bit per pixel: a
/// QR code is black and white, and a 1-bit image is 8 times less to compress than a grey one.
pub fn png(token: &str, size: u32) -> Result<Vec<u8>, AppError> {
    const QUIET: usize = 4;
    let code = code(token)?;
    let width = code.width();
    let colors = code.to_colors();
    let modules = width + 2 * QUIET;
    let scale = (size as usize / modules).max(1);
    let pixels = modules * scale;
    let row_bytes = pixels.div_ceil(8);
    // Grayscale 1-bit: a set bit is white.
    let mut data = vec![0xFFu8; row_bytes * pixels];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % width + QUIET, i / width + QUIET);
        for y in my * scale..(my + 1) * scale {
            for x in mx * scale..(mx + 1) * scale {
                data[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let side = u32::try_from(pixels).map_err(|_| AppError::Internal("QR too large".into()))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    // Each module row repeats `scale` times: the Up filter turns the repeats into zeros, and
    // the fast deflate packs those; adaptive filtering would try five filters a row.
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    let written = encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&data).and_then(|_| w.finish()));
    written.map_err(|e| AppError::Internal(format!("PNG encoding: {e}")))?;
    Ok(out)
}

/// An SVG that scales to any print size.
pub fn svg(token: &str) -> Result<String, AppError> {
    Ok(code(token)?
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_one_alphanumeric_segment_of_version_6_at_level_m() {
        // docs/pass-format.md §7: 151 characters of the base32 alphabet fit version 6-M.
        let token = "AEAQAAIAAAAAYAABNPS5HADL6MBIAAAAAAAAAAAABHA44ASQOXOLL64JEFOIZYCO75CIZMHRRMSH5Z24T7TFZ2GUSBEFL4RQVVNDQIZNFN2XIDBP5O7DPHS2KMHAN77QQQHIIILANXRNF74R5YTEYBY";
        let code = code(token).expect("encodes");
        assert_eq!(code.version(), qrcode::Version::Normal(6));
        assert_eq!(code.width(), 41);
        assert_eq!(code.error_correction_level(), EcLevel::M);
    }
}
