//! Guest photos: accepted formats, normalization, refusals.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use reqwest::Method;

use crate::common::{json_of, TestApp, TestResult};
use crate::on_both_backends;

fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .expect("encode");
    out.into_inner()
}

async fn guest_id(app: &TestApp, token: &str) -> i64 {
    app.import(token, "ref,name,department\nP1,照片人,外事办\n", false)
        .await;
    let (_, page) = app.get_json("/api/v1/guests", token).await;
    page["items"][0]["id"].as_i64().unwrap_or_default()
}

async fn a_photo_is_cropped_to_3_by_4_and_stored_as_jpeg(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let id = guest_id(&app, &admin).await;
    for (label, bytes, mime) in [
        ("png", encoded(1200, 800, ImageFormat::Png), "image/png"),
        ("jpeg", encoded(640, 1200, ImageFormat::Jpeg), "image/jpeg"),
    ] {
        let (status, body) = json_of(
            app.req(
                Method::PUT,
                &format!("/api/v1/guests/{id}/photo"),
                Some(&admin),
            )
            .header("Content-Type", mime)
            .body(bytes)
            .send()
            .await?,
        )
        .await;
        assert_eq!(status, 200, "{label}: {body}");
        let r = app
            .req(
                Method::GET,
                &format!("/api/v1/guests/{id}/photo"),
                Some(&admin),
            )
            .send()
            .await?;
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("image/jpeg")
        );
        let stored = image::load_from_memory(&r.bytes().await?)?;
        assert_eq!((stored.width(), stored.height()), (450, 600), "{label}");
    }
    let (_, g) = app.get_json(&format!("/api/v1/guests/{id}"), &admin).await;
    assert_eq!(g["has_photo"], true);
    Ok(())
}
on_both_backends!(
    photo_upload,
    a_photo_is_cropped_to_3_by_4_and_stored_as_jpeg
);

#[tokio::test]
async fn other_files_are_refused_and_the_old_photo_stays() -> TestResult {
    let app = crate::common::spawn_app().await;
    let admin = app.admin().await;
    let id = guest_id(&app, &admin).await;
    let path = format!("/api/v1/guests/{id}/photo");
    assert_eq!(
        app.req(Method::GET, &path, Some(&admin))
            .send()
            .await?
            .status(),
        404,
        "no photo yet"
    );
    app.req(Method::PUT, &path, Some(&admin))
        .body(encoded(300, 400, ImageFormat::Png))
        .send()
        .await?;
    let before = app
        .req(Method::GET, &path, Some(&admin))
        .send()
        .await?
        .bytes()
        .await?;

    let gif = b"GIF89a\x0a\x00\x0a\x00\x00\x00\x00;".to_vec();
    let mut truncated = encoded(300, 400, ImageFormat::Png);
    truncated.truncate(100);
    for (label, body, expected) in [
        ("text", b"hello, I am not a photo".to_vec(), 415),
        ("pdf", b"%PDF-1.4 ...".to_vec(), 415),
        ("gif", gif, 415),
        ("truncated png", truncated, 422),
        ("over the size limit", vec![0xFFu8; 3 * 1024 * 1024], 413),
    ] {
        let r = app
            .req(Method::PUT, &path, Some(&admin))
            .header("Content-Type", "image/png")
            .body(body)
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), expected, "{label}");
    }
    let after = app
        .req(Method::GET, &path, Some(&admin))
        .send()
        .await?
        .bytes()
        .await?;
    assert_eq!(before, after, "a refused upload leaves the stored photo");
    Ok(())
}
