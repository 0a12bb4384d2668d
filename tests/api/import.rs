//! Importing the departments' lists and exporting them back.

use reqwest::Method;

use crate::common::{resident_id, TestApp, TestResult};
use crate::on_both_backends;

fn list_with_chinese_headers() -> String {
    let id = resident_id("51010419900101123");
    // UTF-8 with BOM, CRLF, columns in an unusual order, a quoted comma and a quoted newline.
    format!(
        "\u{feff}姓名,编号,邀请部门,类别,性别,工作单位,证件号码,清真,抵达机场车站,抵达时间,入住日期,离店日期,备注\r\n\
         张伟,FA-1,外事办,记者,男,\"新华社, 四川分社\",{id},是,CTU,2027/5/14 9:05,2027-05-14,2027-05-20,\"第一行\r\n第二行\"\r\n\
         李娜,FA-2,外事办,贵宾,女,,,否,成都东站,2027-05-15 10:00,,,\r\n"
    )
}

async fn a_chinese_excel_list_imports_with_every_field_right(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let (status, report) = app.import(&admin, list_with_chinese_headers(), false).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["rows"].as_u64(), report["created"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(report["new_departments"], serde_json::json!(["外事办"]));
    assert_eq!(report["new_hubs"], serde_json::json!(["CTU", "成都东站"]));
    let (_, page) = app.get_json("/api/v1/guests?q=FA-1", &admin).await;
    let g = &page["items"][0];
    assert_eq!(g["name"], "张伟");
    assert_eq!(g["category"], "journalist");
    assert_eq!(g["gender"], "M");
    assert_eq!(g["organization"], "新华社, 四川分社");
    assert_eq!(g["halal"], true);
    assert_eq!(g["arrival_time"], "2027-05-14T09:05:00+08:00");
    assert_eq!(
        g["id_type"], "resident_id",
        "inferred from the number's shape"
    );
    assert_eq!(g["notes"], "第一行\r\n第二行");
    assert_eq!(g["stay_to"], "2027-05-20");
    Ok(())
}
on_both_backends!(
    chinese_list,
    a_chinese_excel_list_imports_with_every_field_right
);

#[tokio::test]
async fn a_gb18030_file_from_excel_is_detected_and_decoded() -> TestResult {
    let app = crate::common::spawn_app().await;
    let admin = app.admin().await;
    let text = "编号,姓名,邀请部门,代表团\r\nG1,欧阳娜娜,体育局,新疆代表团\r\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file really is not UTF-8"
    );
    let (status, report) = app.import(&admin, bytes.into_owned(), false).await;
    assert_eq!(status, 200, "{report}");
    let (_, page) = app.get_json("/api/v1/guests", &admin).await;
    assert_eq!(page["items"][0]["name"], "欧阳娜娜");
    assert_eq!(page["items"][0]["delegation"], "新疆代表团");
    Ok(())
}

async fn every_bad_row_is_reported_by_line_and_nothing_is_written(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let good = resident_id("51010419900101123");
    let bad_id = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('1') { '2' } else { '1' }
    );
    let csv = format!(
        "ref,name,department,category,id_number,arrival_time,stay_from,stay_to\n\
               OK1,好人,新部门,vip,,,,\n\
               BAD1,,新部门,vip,,,,\n\
               BAD2,坏人,新部门,king,,,,\n\
               BAD3,某人,新部门,staff,{bad_id},,,\n\
               BAD4,某人,新部门,staff,,2027-13-01 10:00,,\n\
               BAD5,某人,新部门,staff,,,2027-05-20,2027-05-14\n\
               OK1,重复,新部门,vip,,,,\n"
    );
    for dry_run in [true, false] {
        let (status, report) = app.import(&admin, csv.clone(), dry_run).await;
        assert_eq!(status, 422, "{report}");
        assert_eq!(report["error"], "import_rejected");
        let at: Vec<(u64, String)> = report["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|e| {
                        (
                            e["line"].as_u64().unwrap_or(0),
                            e["column"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expected = [
            (3, "name"),
            (4, "category"),
            (5, "id_number"),
            (6, "arrival_time"),
            (7, "stay_to"),
            (8, "ref"),
        ];
        for (line, column) in expected {
            assert!(
                at.iter()
                    .any(|(l, c)| *l == line && (c == column || column == "ref")),
                "line {line} {column} in {at:?}"
            );
        }
        assert!(report["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    // Nothing written: no guest, and not even the new department.
    assert_eq!(app.guest_total(&admin).await, 0);
    let (_, deps) = app.get_json("/api/v1/departments", &admin).await;
    assert_eq!(deps.as_array().map(Vec::len), Some(0));
    // Messages follow the caller's language.
    let r = app
        .req(Method::POST, "/api/v1/guests/import", Some(&admin))
        .header("Accept-Language", "zh-CN")
        .header("Content-Type", "text/csv")
        .body(csv.clone())
        .send()
        .await?;
    let body: serde_json::Value = r.json().await?;
    let message = body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese message: {message}"
    );
    Ok(())
}
on_both_backends!(
    bad_rows,
    every_bad_row_is_reported_by_line_and_nothing_is_written
);

async fn a_dry_run_previews_and_a_reimport_updates_instead_of_duplicating(
    app: TestApp,
) -> TestResult {
    let admin = app.admin().await;
    let csv =
        "ref,name,department,delegation,arrival_hub\nR1,甲,外事办,四川代表团,CTU\nR2,乙,外事办,,\n";
    let (status, preview) = app.import(&admin, csv, true).await;
    assert_eq!(status, 200);
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["created"], 2);
    assert_eq!(preview["new_departments"], serde_json::json!(["外事办"]));
    assert_eq!(
        preview["new_delegations"],
        serde_json::json!(["四川代表团"])
    );
    assert_eq!(app.guest_total(&admin).await, 0, "a dry run writes nothing");

    app.import(&admin, csv, false).await;
    let (_, again) = app.import(&admin, csv, false).await;
    assert_eq!(
        (
            again["created"].as_u64(),
            again["unchanged"].as_u64(),
            again["updated"].as_u64()
        ),
        (Some(0), Some(2), Some(0))
    );
    let changed = "ref,name,department,delegation,arrival_hub\nR1,甲,外事办,四川代表团,TFU\nR2,乙,外事办,,\nR3,丙,外事办,,\n";
    let (_, third) = app.import(&admin, changed, false).await;
    assert_eq!(
        (
            third["created"].as_u64(),
            third["updated"].as_u64(),
            third["unchanged"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(app.guest_total(&admin).await, 3);
    let (_, audit) = app.get_json("/api/v1/audit?entity=guest", &admin).await;
    assert_eq!(audit["items"][0]["action"], "import");
    Ok(())
}
on_both_backends!(
    dry_run_and_reimport,
    a_dry_run_previews_and_a_reimport_updates_instead_of_duplicating
);

async fn an_export_masks_ids_for_reception_and_imports_back_unchanged(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let csv = yingbin::demo::demo_csv(
        200,
        7,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 14).unwrap_or_default(),
    );
    let (status, report) = app.import(&admin, csv, false).await;
    assert_eq!(status, 200, "{report}");
    let reception = app.user(&admin, "desk", "reception", None).await;
    for lang in ["en", "zh"] {
        let bytes = app
            .req(
                Method::GET,
                &format!("/api/v1/guests/export.csv?lang={lang}"),
                Some(&reception),
            )
            .send()
            .await?
            .bytes()
            .await?;
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
        let text = String::from_utf8(bytes.to_vec())?;
        let header = text.lines().next().unwrap_or_default();
        assert!(
            if lang == "zh" {
                header.contains("姓名")
            } else {
                header.contains("name")
            },
            "{header}"
        );
        // Every resident ID is masked for reception.
        assert!(text.contains("**********"), "masked");
        let (status, back) = app.import(&reception, bytes.to_vec(), false).await;
        assert_eq!(status, 200, "{lang}: {back}");
        assert_eq!(
            (
                back["unchanged"].as_u64(),
                back["created"].as_u64(),
                back["updated"].as_u64()
            ),
            (Some(200), Some(0), Some(0)),
            "{lang}"
        );
    }
    // Security sees whole numbers in the export.
    let security = app.user(&admin, "sec", "security", None).await;
    let text = app
        .req(Method::GET, "/api/v1/guests/export.csv", Some(&security))
        .send()
        .await?
        .text()
        .await?;
    assert!(!text.contains("**********"));
    Ok(())
}
on_both_backends!(
    export_round_trip,
    an_export_masks_ids_for_reception_and_imports_back_unchanged
);

#[tokio::test]
async fn files_of_another_shape_get_a_clear_4xx() -> TestResult {
    let app = crate::common::spawn_app().await;
    let admin = app.admin().await;
    for (label, body) in [
        ("empty", Vec::new()),
        ("pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec()),
        ("xlsx", b"PK\x03\x04\x14\x00\x06\x00".to_vec()),
        (
            "unknown column",
            "ref,name,department,shoe_size\nA,B,C,42\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "missing required column",
            "ref,name\nA,B\n".as_bytes().to_vec(),
        ),
    ] {
        let (status, body) = app.import(&admin, body, false).await;
        assert!((400..500).contains(&status), "{label}: {status}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{label}: {body}"
        );
        if label == "unknown column" {
            assert!(
                body["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("shoe_size"),
                "{body}"
            );
        }
    }
    Ok(())
}

on_both_backends!(templates, the_downloadable_templates_import_as_they_are);
/// The two templates the import page offers (Chinese and English headers, one example row
/// each) are read by the importer as they are: the page's promise that filling one in works.
async fn the_downloadable_templates_import_as_they_are(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    for file in [
        "guest-import-template-zh.csv",
        "guest-import-template-en.csv",
    ] {
        // Served by the service, byte for byte what a browser downloads.
        let response = app
            .req(Method::GET, &format!("/reception/{file}"), None)
            .send()
            .await?;
        assert_eq!(response.status(), 200, "{file}");
        let csv = response.bytes().await?.to_vec();
        let (s, report) = app.import(&admin, csv, true).await;
        assert_eq!(s, 200, "{file}: {report}");
        assert_eq!(report["created"], 1, "{file}: {report}");
        assert_eq!(
            report["errors"].as_array().map(Vec::len),
            Some(0),
            "{file}: {report}"
        );
        let (_, page) = app.get_json("/api/v1/guests?limit=5", &admin).await;
        assert_eq!(page["total"], 0, "a dry run writes nothing: {page}");
    }
    Ok(())
}
