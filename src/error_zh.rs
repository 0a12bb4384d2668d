//! The Chinese of the service's error messages. An error is written once, in English, where it
//! happens (`AppError::conflict("plan_open", format!(…))`); this catalogue gives what a Chinese
//! screen shows for it: by the conflict's code (the English may carry numbers and names; the
//! Chinese says the same of the case in general, the screen shows the record it is about), by
//! the exact English of a fixed validation message, and by the English's beginning for the
//! messages that end in a value ("unknown hub: XYZ" → "未知的交通枢纽：XYZ"), which is kept.
//! A unit test reads the sources and fails on an error message this catalogue does not know.

/// What a conflict (409) means, by its code.
pub fn conflict(code: &str) -> Option<&'static str> {
    Some(match code {
        "account_disabled" => "该账号已停用",
        "already_exists" => "该记录已存在",
        "bad_state" => "证件当前状态下不能这样操作",
        "already_placed" => "该来宾在此方案中已有房间",
        "already_withdrawn" => "该来宾已取消参会",
        "device_retired" => "该设备已停用，请重新登记",
        "duplicate_ref" => "该部门中已有相同编号的来宾",
        "has_admission" => "该来宾已持有本场次的入场券（请先作废）",
        "has_credential" => "该来宾已有证件（请先作废，或补发）",
        "hotel_exists" => "该宾馆代码已存在",
        "hotel_in_use" => "该宾馆已在分配方案中或有入住记录",
        "in_use" => "仍被其他记录引用，不能删除",
        "incident_closed" => "该事件已关闭",
        "last_admin" => "不能停用自己或取消自己的管理员角色",
        "no_room" => "按规则没有可安排的房间",
        "not_failed" => "只有发送失败或已取消的邮件可以重发",
        "not_issued" => "该证件尚未签发",
        "not_published" => "只有已发布的方案可以修订",
        "not_withdrawn" => "该来宾未取消参会",
        "pickup_step" => "接站状态不能这样变更",
        "plan_not_editable" => "该方案当前状态下不能修改",
        "plan_open" => "另一版方案仍在处理中，请修改那一版",
        "plan_status" => "方案状态已变化或不允许此操作，请刷新后重试",
        "plan_under_review" => "已有方案在组委会审批中，请等待审批结果",
        "plate_has_pass" => "该车牌已有同类有效车证（请先作废，或补发）",
        "point_exists" => "该就餐点代码已存在",
        "release_below_allocated" => "已发布的方案仍在使用这些房间，不能释放",
        "release_decided" => "该申请已处理",
        "revoked" => "该证件已作废",
        "run_step" => "该车次已处于此状态",
        "seats" => "座位不足",
        "serial_exhausted" => "该证件补发次数过多",
        "too_many_zones" => "一个活动最多可定义 64 个区域",
        "username_taken" => "该用户名已被使用",
        "vehicle_exists" => "该车辆已在车队中",
        "withdraw_instead" => "该来宾曾持有证件：请改为取消参会（记录保留并标记）",
        "zone_exists" => "该区域代码已存在",
        _ => return None,
    })
}

/// Fixed messages, English → Chinese.
const FIXED: &[(&str, &str)] = &[
    (
        "to must be on or after from, within 60 days",
        "结束日期须不早于开始日期，且相隔不超过 60 天",
    ),
    (
        "give a reason of at most 500 characters",
        "请填写原因，最多 500 字",
    ),
    ("expected a JSON object", "请求内容须为 JSON 对象"),
    (
        "display_name is at most 64 characters, phone at most 32",
        "显示名称最多 64 字，电话最多 32 字",
    ),
    ("kind must be itinerary or pass", "类型须为行程单或证件"),
    ("language must be zh or en", "语言须为 zh 或 en"),
    ("color must be #rrggbb", "颜色须为 #rrggbb 格式"),
    (
        "code must be 1–8 letters or digits",
        "代码须为 1–8 个字母或数字",
    ),
    ("starts_at is not a time", "开始时间格式有误"),
    ("ends_at is not a time", "结束时间格式有误"),
    (
        "a session needs a code, a name, and an end after its start",
        "场次须有代码、名称，且结束时间晚于开始时间",
    ),
    ("give ids or a filter", "请给出编号或筛选条件"),
    (
        "size must be between 64 and 2048",
        "尺寸须在 64 到 2048 之间",
    ),
    (
        "give either guest_id or invitee_name",
        "请给出来宾或受邀人姓名（二选一）",
    ),
    (
        "stream must be transport_pool, delegation_car, leader_car or supply_medical",
        "车证类别须为交通保障、代表团用车、领导用车或物资医疗",
    ),
    ("valid_to is before valid_from", "有效期结束早于开始"),
    (
        "reason must be lost, stolen or withdrawn",
        "作废原因须为遗失、被盗或取消参会",
    ),
    ("a scan needs payload and point", "扫码须有内容和扫码点"),
    (
        "code must be 1–32 characters without commas",
        "代码须为 1–32 个字符，不含逗号",
    ),
    (
        "kind must be person_gate, vehicle_gate, session_gate, hotel_desk or canteen",
        "类型须为人员通道、车辆通道、场次入口、宾馆前台或餐厅",
    ),
    ("a session gate needs session_id", "场次入口须指定场次"),
    ("unknown session", "未知的场次"),
    (
        "direction must be arrival or departure",
        "方向须为抵达或离开",
    ),
    ("the feed must be UTF-8 text", "航班数据须为 UTF-8 文本"),
    ("locked is required", "请指定是否锁定"),
    ("hub is required", "请指定交通枢纽"),
    ("from must be RFC 3339", "开始时间须为 RFC 3339 格式"),
    (
        "the roommate is in another hotel or room type",
        "同住人在其他宾馆或房型",
    ),
    (
        "say what should change: a comment is required",
        "请说明需要修改什么：意见必填",
    ),
    ("room_no is at most 16 characters", "房号最多 16 个字符"),
    ("name must be 1–60 characters", "名称须为 1–60 个字符"),
    ("unknown scan point", "未知的扫码点"),
    ("q is at most 100 characters", "搜索内容最多 100 个字符"),
    ("name is at most 100 characters", "名称最多 100 个字符"),
    (
        "name_en is at most 100 characters",
        "英文名称最多 100 个字符",
    ),
    (
        "meeting_point is at most 200 characters",
        "接站地点最多 200 个字符",
    ),
    (
        "meeting_point_en is at most 200 characters",
        "英文接站地点最多 200 个字符",
    ),
    ("q must be 1–50 characters", "查找内容须为 1–50 个字符"),
    (
        "offline_max_age_minutes must be 1–1440",
        "离线名单有效时长须为 1–1440 分钟",
    ),
    (
        "at most 500 scans per upload",
        "每次最多上传 500 条扫码记录",
    ),
    ("a room number is required", "请填写房号"),
    (
        "nights_from and nights_to are required",
        "请填写入住和离店日期",
    ),
    (
        "nights_to must be after nights_from, within 90 nights",
        "离店日期须晚于入住日期，且不超过 90 晚",
    ),
    (
        "the guest is in house: the first night cannot move past today",
        "来宾已入住：入住日期不能晚于今天",
    ),
    ("name must be 1–100 characters", "名称须为 1–100 个字符"),
    ("unknown department_id", "未知的部门"),
    ("unknown delegation_id", "未知的代表团"),
    ("empty guest", "来宾信息为空"),
    ("request body too large", "请求内容太大"),
];

/// Messages that end in a value: the English beginning → the Chinese one; the value is kept.
const PREFIXES: &[(&str, &str)] = &[
    ("bad path: ", "路径有误："),
    ("bad query: ", "查询参数有误："),
    ("bad JSON: ", "JSON 格式有误："),
    ("unknown query parameter: ", "未知的查询参数："),
    ("answer every item: ", "请回答每一项："),
    ("role ", "角色 "),
    ("unknown role ", "未知的角色 "),
    ("unknown status ", "未知的状态 "),
    ("bad dining point: ", "就餐点有误："),
    ("unknown category ", "未知的类别 "),
    ("category ", "类别 "),
    ("unknown zones: ", "未知的区域："),
    ("unknown zone ", "未知的区域 "),
    ("not an RFC 3339 time: ", "不是 RFC 3339 时间："),
    ("bad vehicle: ", "车辆信息有误："),
    ("bad hotel: ", "宾馆信息有误："),
    ("unknown inspector ", "未知的检查员 "),
    ("unknown department ", "未知的部门 "),
    ("unknown hub ", "未知的交通枢纽 "),
    (
        "status must be active or withdrawn, not ",
        "状态须为在册或已取消，不能是 ",
    ),
    ("unknown fields: ", "未知字段："),
    ("unknown department: ", "未知的部门："),
    ("unknown delegation: ", "未知的代表团："),
    ("unknown hub: ", "未知的交通枢纽："),
    ("cannot approve: ", "无法批准："),
];

/// Endings that carry no value: the English → the Chinese.
const SUFFIXES: &[(&str, &str)] = &[
    (" (ask reception to add it)", "（请联系接待部添加）"),
    (" takes no scope", " 不需要范围"),
    (" needs a scope", " 需要指定范围"),
    (" is given twice", " 重复出现"),
    (" is required", " 为必填项"),
    (" bad line(s); nothing was changed", " 行有误，未做任何更改"),
];

/// The Chinese of an English message, when the catalogue knows it.
pub fn text(en: &str) -> Option<String> {
    if let Some((_, zh)) = FIXED.iter().find(|(e, _)| *e == en) {
        return Some((*zh).to_string());
    }
    let mut out = en.to_string();
    let mut known = false;
    // The longest beginning that fits ("unknown role " before "role ").
    if let Some((e, zh)) = PREFIXES
        .iter()
        .filter(|(e, _)| en.starts_with(e))
        .max_by_key(|(e, _)| e.len())
    {
        out = format!("{zh}{}", &en[e.len()..]);
        known = true;
    }
    if let Some((e, zh)) = SUFFIXES.iter().find(|(e, _)| out.ends_with(e)) {
        out = format!("{}{zh}", &out[..out.len() - e.len()]);
        known = true;
    }
    known.then_some(out)
}

/// What a record is called, for "not found".
pub fn record(en: &str) -> &'static str {
    match en {
        "assignment" | "roommate's assignment" => "房间安排",
        "batch" => "批次",
        "day" => "日期",
        "dining point" => "就餐点",
        "guest with lodging dates" => "有住宿日期的来宾",
        "guest" => "来宾",
        "hotel" => "宾馆",
        "hub" => "交通枢纽",
        "incident" => "事件",
        "inspector" => "检查员",
        "menu item" => "菜品",
        "message" => "邮件",
        "page" => "页面",
        "pass" => "证件",
        "photo" => "照片",
        "release" => "释放申请",
        "room block" => "房间预留",
        "plan" | "published plan" => "分配方案",
        "route" => "接口",
        "run" => "车次",
        "scan point" => "扫码点",
        "scan" => "扫码记录",
        "session" => "场次",
        "device" => "设备",
        "shift" => "班次",
        "stay" => "入住记录",
        "user" => "用户",
        "vehicle" => "车辆",
        "zone" => "区域",
        _ => "记录",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_kept_and_longest_beginnings_win() {
        assert_eq!(
            text("unknown hub: XYZ (ask reception to add it)").as_deref(),
            Some("未知的交通枢纽：XYZ（请联系接待部添加）")
        );
        assert_eq!(
            text("unknown role boss").as_deref(),
            Some("未知的角色 boss")
        );
        assert_eq!(
            text("role greeter needs a scope").as_deref(),
            Some("角色 greeter 需要指定范围")
        );
        assert_eq!(
            text("3 bad line(s); nothing was changed").as_deref(),
            Some("3 行有误，未做任何更改")
        );
        assert_eq!(text("something new"), None);
    }

    /// Every conflict code, fixed message and record name written in the sources has its
    /// Chinese here: a new one without fails this test.
    #[test]
    fn every_error_message_in_the_sources_has_its_chinese() {
        let mut missing = Vec::new();
        let mut files = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(
                    std::fs::read_dir(&path)
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|e| e.path()),
                );
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs")
                || path.ends_with("error_zh.rs")
                || path.ends_with("error.rs")
            {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            let squeezed: String = source.split_whitespace().collect::<Vec<_>>().join(" ");
            for start in ["AppError::conflict( \"", "AppError::conflict(\""] {
                for piece in squeezed.split(start).skip(1) {
                    let code = piece.split('"').next().unwrap_or("");
                    if conflict(code).is_none() {
                        missing.push(format!("{}: conflict {code}", path.display()));
                    }
                }
            }
            for start in [
                "AppError::invalid( \"",
                "AppError::invalid(\"",
                "AppError::bad_request( \"",
                "AppError::bad_request(\"",
                "AppError::invalid( format!( \"",
                "AppError::invalid(format!(\"",
                "AppError::bad_request(format!(\"",
                "AppError::bad_request( format!( \"",
            ] {
                for piece in squeezed.split(start).skip(1) {
                    let en = piece.split('"').next().unwrap_or("");
                    // A message made with format!: check it with a sample value in place.
                    let sample = en.replace("{}", "X");
                    let sample = fill_placeholders(&sample);
                    if text(&sample).is_none() {
                        missing.push(format!("{}: {en}", path.display()));
                    }
                }
            }
            for piece in squeezed.split("AppError::NotFound(\"").skip(1) {
                let en = piece.split('"').next().unwrap_or("");
                if record(en) == "记录" && en != "record" {
                    missing.push(format!("{}: not found {en}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "no Chinese for: {missing:#?}");
    }

    /// `{name}` placeholders → a sample value.
    fn fill_placeholders(s: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in s.chars() {
            match (c, inside) {
                ('{', _) => inside = true,
                ('}', true) => {
                    inside = false;
                    out.push('X');
                }
                (_, true) => {}
                (c, false) => out.push(c),
            }
        }
        out
    }
}
