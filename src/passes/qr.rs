//! QR codes of pass tokens: PNG and SVG, error level M, with the 4-module quiet zone.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};

use crate::error::AppError;

/// Smallest and largest PNG edge served, in pixels.
pub const PNG_SIZES: std::ops::RangeInclusive<u32> = 64..=2048;

fn code(token: &str) -> Result<QrCode, AppError> {
    QrCode::with_error_correction_level(token.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR encoding: {e}")))
}

/// A PNG about `size` pixels wide (whole modules, so never blurred).
pub fn png(token: &str, size: u32) -> Result<Vec<u8>, AppError> {
    let code = code(token)?;
    let modules = code.width() as u32 + 8;
    let scale = (size / modules).max(1);
    let img = code
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(scale, scale)
        .build();
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| AppError::Internal(format!("PNG encoding: {e}")))?;
    Ok(out.into_inner())
}

/// An SVG that scales to any print size.
pub fn svg(token: &str) -> Result<String, AppError> {
    Ok(code(token)?
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build())
}
