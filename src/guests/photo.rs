//! Guest photos: refuse what is not a JPEG, PNG or WebP photo, decode within limits (no
//! decompression bombs), turn upright by EXIF orientation, crop to 3:4, resize to 450×600,
//! and store as a JPEG — which drops all metadata, GPS included.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::AppError;

/// Stored width.
pub const WIDTH: u32 = 450;
/// Stored height (3:4).
pub const HEIGHT: u32 = 600;
/// Largest side accepted (a 12-MP phone photo is 4000 px).
const MAX_SIDE: u32 = 12_000;
/// Memory a decode may take.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Why a photo was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PhotoError {
    /// Not JPEG, PNG or WebP.
    #[error("only JPEG, PNG and WebP photos are accepted")]
    Unsupported,
    /// Too many pixels.
    #[error("the photo is too large (at most {MAX_SIDE} pixels a side)")]
    TooLarge,
    /// Broken or truncated.
    #[error("the photo cannot be read: {0}")]
    Unreadable(String),
}

impl PhotoError {
    /// 415 for the wrong kind of file, 422 for a broken or oversized one.
    pub fn into_app_error(self) -> AppError {
        match self {
            PhotoError::Unsupported => AppError::UnsupportedMediaType(self.to_string()),
            other => AppError::Unprocessable {
                code: "bad_photo",
                message: other.to_string(),
                details: serde_json::json!([]),
            },
        }
    }
}

/// The stored JPEG for an uploaded photo.
pub fn normalize(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    // Decide by content, never by the name or the Content-Type the client claims.
    let format = image::guess_format(bytes).map_err(|_| PhotoError::Unsupported)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::Unsupported);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let orientation = decoder.orientation().map_err(classify)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(classify)?;
    img.apply_orientation(orientation);
    let fitted = img
        .resize_to_fill(WIDTH, HEIGHT, FilterType::Lanczos3)
        .to_rgb8();
    let mut out = Vec::with_capacity(64 * 1024);
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&fitted)
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    Ok(out)
}

fn classify(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooLarge,
        image::ImageError::Unsupported(_) => PhotoError::Unsupported,
        other => PhotoError::Unreadable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = ImageBuffer::from_fn(width, height, |x, _| Rgb([(x % 255) as u8, 80, 120]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_landscape_png_becomes_a_450_by_600_jpeg() {
        let jpeg = normalize(&png(800, 300)).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (WIDTH, HEIGHT));
        assert_eq!(image::guess_format(&jpeg).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn a_pdf_or_text_is_unsupported() {
        assert_eq!(
            normalize(b"%PDF-1.7 ...").unwrap_err(),
            PhotoError::Unsupported
        );
        assert_eq!(normalize(b"hello").unwrap_err(), PhotoError::Unsupported);
    }

    #[test]
    fn a_truncated_png_is_unreadable_not_a_panic() {
        let mut bytes = png(100, 100);
        bytes.truncate(60);
        assert!(matches!(normalize(&bytes), Err(PhotoError::Unreadable(_))));
    }

    #[test]
    fn a_png_claiming_huge_dimensions_is_refused_before_decoding() {
        // A valid 1×1 PNG whose header is rewritten to claim 60000×60000 pixels.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let err = normalize(&bytes).unwrap_err();
        assert!(
            matches!(err, PhotoError::TooLarge | PhotoError::Unreadable(_)),
            "{err:?}"
        );
    }
}
