//! iCalendar (RFC 5545) for the pickup and the ceremonies, so a guest's phone puts them in
//! the calendar. Times are written in UTC (`…Z`), which every calendar shows in local time.

use chrono::NaiveDateTime;

/// One calendar entry.
#[derive(Clone, Debug)]
pub struct Event {
    /// Unique and stable for the same entry (a resend updates, not duplicates).
    pub uid: String,
    pub starts_utc: NaiveDateTime,
    pub ends_utc: NaiveDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
}

/// The calendar file's text.
pub fn calendar(events: &[Event], stamp_utc: NaiveDateTime) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Yingbin//Guest hospitality//ZH".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    for e in events {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", escape(&e.uid)));
        lines.push(format!("DTSTAMP:{}", utc(stamp_utc)));
        lines.push(format!("DTSTART:{}", utc(e.starts_utc)));
        lines.push(format!("DTEND:{}", utc(e.ends_utc)));
        lines.push(format!("SUMMARY:{}", escape(&e.summary)));
        if !e.location.is_empty() {
            lines.push(format!("LOCATION:{}", escape(&e.location)));
        }
        if !e.description.is_empty() {
            lines.push(format!("DESCRIPTION:{}", escape(&e.description)));
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

fn utc(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Text values escape backslash, semicolon, comma and newline.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Lines longer than 75 octets continue on the next line after a space, never inside a
/// UTF-8 character (Chinese names are 3 octets a character).
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 6, 18)
            .unwrap()
            .and_hms_opt(h, 30, 0)
            .unwrap()
    }

    #[test]
    fn an_event_is_written_in_utc_with_escaped_text() {
        let ics = calendar(
            &[Event {
                uid: "pickup-7@yingbin".into(),
                starts_utc: at(6),
                ends_utc: at(7),
                summary: "Pickup, CA1234; gate 3".into(),
                location: "T2 出口 3".into(),
                description: "Greeter: 王芳\n+86 138".into(),
            }],
            at(1),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20270618T063000Z\r\n"));
        assert!(ics.contains("SUMMARY:Pickup\\, CA1234\\; gate 3\r\n"));
        assert!(ics.contains("DESCRIPTION:Greeter: 王芳\\n+86 138\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "开幕式".repeat(20));
        let folded = fold(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
    }
}
