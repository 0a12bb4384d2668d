//! The guest registry by API: create, read, change, delete, search, scopes and masking.

use reqwest::Method;
use serde_json::json;

use crate::common::{json_of, resident_id, TestApp, TestResult};
use crate::on_both_backends;

async fn reception_creates_changes_and_deletes_a_guest_and_each_change_is_audited(
    app: TestApp,
) -> TestResult {
    let admin = app.admin().await;
    app.req(Method::POST, "/api/v1/departments", Some(&admin))
        .json(&json!({"name": "外事办"}))
        .send()
        .await?;
    let reception = app.user(&admin, "desk", "reception", None).await;
    let id_no = resident_id("51010419900101123");
    let (status, guest) = json_of(
        app.req(Method::POST, "/api/v1/guests", Some(&reception))
            .json(&json!({"ref": "FA-1", "name": "张伟", "name_latin": "ZHANG Wei", "category": "journalist",
                "department": "外事办", "id_number": id_no, "halal": true, "arrival_hub": "CTU",
                "arrival_time": "2027-05-14 14:35", "stay_from": "2027-05-14", "stay_to": "2027-05-20"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(status, 201, "{guest}");
    assert_eq!(guest["name"], "张伟");
    assert_eq!(guest["halal"], true);
    assert_eq!(guest["arrival_time"], "2027-05-14T14:35:00+08:00");
    assert_eq!(
        guest["arrival_hub"], "CTU",
        "a new hub is created on the way"
    );
    // Reception sees the ID number masked; admin and security whole.
    assert_eq!(
        guest["id_number"],
        format!("5101**********{}", &id_no[14..])
    );
    let id = guest["id"].as_i64().unwrap_or_default();
    let (_, as_admin) = app.get_json(&format!("/api/v1/guests/{id}"), &admin).await;
    assert_eq!(as_admin["id_number"], id_no.as_str());

    // A duplicate ref in the same department is a conflict.
    let (status, _) = json_of(
        app.req(Method::POST, "/api/v1/guests", Some(&reception))
            .json(&json!({"ref": "FA-1", "name": "李四", "department": "外事办"}))
            .send()
            .await?,
    )
    .await;
    assert_eq!(status, 409);

    // PATCH changes only what it names; sending the masked number back keeps the stored one.
    let (status, changed) = json_of(
        app.req(
            Method::PATCH,
            &format!("/api/v1/guests/{id}"),
            Some(&reception),
        )
        .json(&json!({"phone": "13800000000", "id_number": guest["id_number"]}))
        .send()
        .await?,
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["phone"], "13800000000");
    assert_eq!(changed["name"], "张伟");
    let (_, as_admin) = app.get_json(&format!("/api/v1/guests/{id}"), &admin).await;
    assert_eq!(as_admin["id_number"], id_no.as_str());

    // A bad value is a 422 naming the field; nothing changes.
    let (status, body) = json_of(
        app.req(
            Method::PATCH,
            &format!("/api/v1/guests/{id}"),
            Some(&reception),
        )
        .json(&json!({"category": "king"}))
        .send()
        .await?,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["details"][0]["field"], "category");

    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/guests/{id}"),
            Some(&reception),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.req(
            Method::GET,
            &format!("/api/v1/guests/{id}"),
            Some(&reception)
        )
        .send()
        .await?
        .status(),
        404
    );

    let (_, audit) = app
        .get_json(
            &format!("/api/v1/audit?entity=guest&entity_id={id}"),
            &admin,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, vec!["delete", "update", "create"]);
    assert_eq!(audit["items"][0]["username"], "desk");
    Ok(())
}
on_both_backends!(
    guest_lifecycle,
    reception_creates_changes_and_deletes_a_guest_and_each_change_is_audited
);

async fn an_invalid_resident_id_is_refused_with_the_reason(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    app.req(Method::POST, "/api/v1/departments", Some(&admin))
        .json(&json!({"name": "外事办"}))
        .send()
        .await?;
    let mut bad = resident_id("51010419900101123");
    let last = if bad.ends_with('1') { '2' } else { '1' };
    bad.pop();
    bad.push(last);
    for (label, number) in [
        ("check digit", bad.as_str()),
        ("birth date", "510104199002301234"),
        ("length", "5101041990"),
    ] {
        let (status, body) = json_of(app.req(Method::POST, "/api/v1/guests", Some(&admin))
            .header("Accept-Language", "en")
            .json(&json!({"ref": "X", "name": "王五", "department": "外事办", "id_type": "resident_id", "id_number": number}))
            .send().await?).await;
        assert_eq!(status, 422, "{label}: {body}");
        assert_eq!(body["details"][0]["field"], "id_number", "{label}");
    }
    assert_eq!(app.guest_total(&admin).await, 0);
    Ok(())
}
on_both_backends!(
    resident_id_validation,
    an_invalid_resident_id_is_refused_with_the_reason
);

const LIST: &str = "ref,name,name_latin,category,department,delegation,organization,phone,halal,arrival_hub,arrival_time\n\
A1,王芳,WANG Fang,journalist,宣传部,,新华社,13800000001,no,CTU,2027-05-14 09:00\n\
A2,李娜,LI Na,journalist,宣传部,,Reuters,13800000002,no,TFU,2027-05-15 10:00\n\
B1,马强,MA Qiang,delegate,体育局,宁夏代表团,,13900000003,yes,CTU,2027-05-14 23:30\n\
B2,赵敏,ZHAO Min,vip,体育局,宁夏代表团,,13900000004,yes,成都东站,2027-05-15 00:30\n";

async fn search_and_filters_narrow_the_list(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    let (status, body) = app.import(&admin, LIST, false).await;
    assert_eq!(status, 200, "{body}");
    let (_, deps) = app.get_json("/api/v1/departments", &admin).await;
    let sports = deps
        .as_array()
        .and_then(|d| d.iter().find(|d| d["name"] == "体育局"))
        .map(|d| d["id"].clone())
        .unwrap_or_default();
    let (_, dels) = app.get_json("/api/v1/delegations", &admin).await;
    let ningxia = dels[0]["id"].clone();
    let cases = [
        ("q by Chinese name", "q=王芳".to_string(), vec!["A1"]),
        (
            "q by Latin name, any case",
            "q=li%20na".to_string(),
            vec!["A2"],
        ),
        ("q by organization", "q=reuters".to_string(), vec!["A2"]),
        ("q by phone", "q=139000".to_string(), vec!["B1", "B2"]),
        (
            "category",
            "category=journalist".to_string(),
            vec!["A1", "A2"],
        ),
        (
            "department",
            format!("department_id={sports}"),
            vec!["B1", "B2"],
        ),
        (
            "delegation",
            format!("delegation_id={ningxia}"),
            vec!["B1", "B2"],
        ),
        ("halal", "halal=true".to_string(), vec!["B1", "B2"]),
        (
            "arrival hub",
            "arrival_hub=CTU".to_string(),
            vec!["A1", "B1"],
        ),
        // Dates are event-local: 23:30 on the 14th is the 14th, 00:30 on the 15th the 15th.
        (
            "arrival date",
            "arrival_date=2027-05-14".to_string(),
            vec!["A1", "B1"],
        ),
        (
            "combined",
            "halal=true&arrival_date=2027-05-15".to_string(),
            vec!["B2"],
        ),
        ("nothing", "q=nobody".to_string(), vec![]),
    ];
    for (label, query, expected) in cases {
        let (status, page) = app
            .get_json(&format!("/api/v1/guests?{query}"), &admin)
            .await;
        assert_eq!(status, 200, "{label}");
        let mut refs: Vec<&str> = page["items"]
            .as_array()
            .map(|i| i.iter().filter_map(|g| g["ref"].as_str()).collect())
            .unwrap_or_default();
        refs.sort();
        assert_eq!(refs, expected, "{label}");
        assert_eq!(
            page["total"].as_u64(),
            Some(expected.len() as u64),
            "{label}"
        );
    }
    // Paging: total stays, items are the page.
    let (_, page) = app
        .get_json("/api/v1/guests?limit=1&offset=1", &admin)
        .await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(4), Some(1))
    );
    // A bad filter value is a 400, not a 500.
    let r = app
        .req(
            Method::GET,
            "/api/v1/guests?arrival_date=tomorrow",
            Some(&admin),
        )
        .send()
        .await?;
    assert_eq!(r.status(), 400);
    Ok(())
}
on_both_backends!(search_and_filters, search_and_filters_narrow_the_list);

async fn a_department_user_sees_and_edits_only_its_own_guests(app: TestApp) -> TestResult {
    let admin = app.admin().await;
    app.import(&admin, LIST, false).await;
    let press = app
        .user(&admin, "press_office", "department", Some("宣传部"))
        .await;
    let (_, page) = app.get_json("/api/v1/guests", &press).await;
    let refs: Vec<&str> = page["items"]
        .as_array()
        .map(|i| i.iter().filter_map(|g| g["ref"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(refs, vec!["A1", "A2"]);
    // Filtering for another department still shows nothing of it.
    let (_, deps) = app.get_json("/api/v1/departments", &admin).await;
    let sports = deps
        .as_array()
        .and_then(|d| d.iter().find(|d| d["name"] == "体育局"))
        .map(|d| d["id"].clone())
        .unwrap_or_default();
    let (_, page) = app
        .get_json(&format!("/api/v1/guests?department_id={sports}"), &press)
        .await;
    assert_eq!(page["total"], 0);
    let (_, own_deps) = app.get_json("/api/v1/departments", &press).await;
    assert_eq!(own_deps.as_array().map(Vec::len), Some(1));

    let (_, all) = app.get_json("/api/v1/guests?q=B1", &admin).await;
    let other = all["items"][0]["id"].as_i64().unwrap_or_default();
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"phone": "1"}))),
        (Method::DELETE, None),
    ] {
        let mut r = app.req(
            method.clone(),
            &format!("/api/v1/guests/{other}"),
            Some(&press),
        );
        if let Some(b) = body {
            r = r.json(&b);
        }
        assert_eq!(
            r.send().await?.status(),
            403,
            "{method} another department's guest"
        );
    }
    // Creating into another department, or moving a guest out of its own, is refused.
    let r = app
        .req(Method::POST, "/api/v1/guests", Some(&press))
        .json(&json!({"ref": "Z", "name": "某人", "department": "体育局"}))
        .send()
        .await?;
    assert_eq!(r.status(), 403);
    let r = app
        .req(Method::POST, "/api/v1/guests", Some(&press))
        .json(&json!({"ref": "Z", "name": "某人"}))
        .send()
        .await?;
    assert_eq!(
        r.status(),
        201,
        "the department is filled in from the scope"
    );
    // Import rows of another department are errors, and nothing is written.
    let (status, body) = app
        .import(
            &press,
            "ref,name,department\nP9,某人,宣传部\nB9,别人,体育局\n",
            false,
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["line"], 3);
    assert_eq!(app.guest_total(&admin).await, 5);
    // The export is confined the same way.
    let csv = app
        .req(Method::GET, "/api/v1/guests/export.csv", Some(&press))
        .send()
        .await?
        .text()
        .await?;
    assert!(csv.contains("王芳") && !csv.contains("马强"), "{csv}");
    Ok(())
}
on_both_backends!(
    department_scope,
    a_department_user_sees_and_edits_only_its_own_guests
);
