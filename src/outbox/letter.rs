//! A message's content, laid out once and written twice: as HTML and as plain text, from
//! the same sections, so the two parts always say the same thing.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

pub use crate::i18n::Lang;
use crate::outbox::compose::Part;
use crate::outbox::ics;

/// A guest's stored language (`zh`, `en`); anything else reads Chinese.
pub fn lang_of(code: &str) -> Lang {
    Lang::parse(code).unwrap_or_default()
}

/// `6月18日 14:05` / `18 Jun 14:05`.
pub fn when(lang: Lang, t: NaiveDateTime) -> String {
    match lang {
        Lang::Zh => format!("{}月{}日 {}", t.month(), t.day(), t.format("%H:%M")),
        Lang::En => t.format("%-d %b %H:%M").to_string(),
    }
}

/// `6月18日` / `18 Jun`.
pub fn day(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!("{}月{}日", d.month(), d.day()),
        Lang::En => d.format("%-d %b").to_string(),
    }
}

/// `中文 English`: the lists for hotels, kitchens and inspectors speak both.
pub fn bilingual(zh: &str, en: &str) -> String {
    format!("{zh} {en}")
}

/// What to do with a queued message, once its letter is read from today's facts.
pub enum Outcome {
    /// Send this.
    Send(Rendered),
    /// Nothing to tell any more (say why).
    Cancel(String),
    /// It can never be sent (say why).
    Fail(String),
}

/// A laid-out letter addressed and with its files: ready for `compose`.
pub fn finish(
    letter: Letter,
    to: String,
    to_name: String,
    inline: Vec<Part>,
    attachments: Vec<Part>,
) -> Rendered {
    Rendered {
        to,
        to_name,
        subject: letter.subject.clone(),
        html: letter.html(),
        text: letter.text(),
        inline,
        attachments,
    }
}

/// Attaches the events as one iCalendar file (none when there are no events).
pub fn attach_calendar(
    attachments: &mut Vec<Part>,
    events: &[ics::Event],
    name: &str,
    now: NaiveDateTime,
) {
    if events.is_empty() {
        return;
    }
    attachments.push(Part {
        name: name.into(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        bytes: ics::calendar(events, now).into_bytes(),
    });
}

/// A headed block of label–value rows with an optional note under them.
#[derive(Clone, Debug, Default)]
pub struct Section {
    pub heading: String,
    pub rows: Vec<(String, String)>,
    pub note: Option<String>,
}

impl Section {
    pub fn new(heading: impl Into<String>) -> Section {
        Section {
            heading: heading.into(),
            ..Section::default()
        }
    }

    pub fn row(mut self, label: impl Into<String>, value: impl Into<String>) -> Section {
        self.rows.push((label.into(), value.into()));
        self
    }

    /// A row only when there is a value.
    pub fn row_if(self, label: impl Into<String>, value: Option<impl Into<String>>) -> Section {
        match value {
            Some(v) => self.row(label, v),
            None => self,
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Section {
        self.note = Some(note.into());
        self
    }
}

/// A whole message.
#[derive(Clone, Debug)]
pub struct Letter {
    pub lang: Lang,
    pub subject: String,
    pub greeting: String,
    pub intro: String,
    pub sections: Vec<Section>,
    /// An inline image (the pass QR) shown after the intro, by content id.
    pub image_cid: Option<String>,
    pub closing: String,
}

/// What goes out: both parts plus files.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// Images the HTML shows by `cid:`.
    pub inline: Vec<Part>,
    pub attachments: Vec<Part>,
}

impl Letter {
    pub fn new(lang: Lang, subject: impl Into<String>) -> Letter {
        Letter {
            lang,
            subject: subject.into(),
            greeting: String::new(),
            intro: String::new(),
            sections: Vec::new(),
            image_cid: None,
            closing: lang
                .pick(
                    "如有疑问，请联系接待办公室。此邮件由迎宾系统自动发送。",
                    "Questions? Contact the reception office. This message was sent by Yingbin.",
                )
                .into(),
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in [&self.greeting, &self.intro] {
            if !line.is_empty() {
                out.push_str(line);
                out.push_str("\n\n");
            }
        }
        for s in &self.sections {
            out.push_str(&format!("== {} ==\n", s.heading));
            for (label, value) in &s.rows {
                out.push_str(&format!("{label}: {value}\n"));
            }
            if let Some(note) = &s.note {
                out.push_str(note);
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str(&self.closing);
        out.push('\n');
        out
    }

    pub fn html(&self) -> String {
        let mut out = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
             <body style=\"font-family:sans-serif;color:#1a1a1a;max-width:640px;margin:0 auto;padding:16px\">",
            self.lang.pick("zh-CN", "en"),
            esc(&self.subject)
        );
        out.push_str(&format!(
            "<h1 style=\"font-size:20px;color:#a4161a\">{}</h1>",
            esc(&self.subject)
        ));
        for line in [&self.greeting, &self.intro] {
            if !line.is_empty() {
                out.push_str(&format!("<p>{}</p>", esc(line)));
            }
        }
        if let Some(cid) = &self.image_cid {
            out.push_str(&format!(
                "<p><img src=\"cid:{}\" alt=\"QR\" width=\"240\" height=\"240\"></p>",
                esc(cid)
            ));
        }
        for s in &self.sections {
            out.push_str(&format!(
                "<h2 style=\"font-size:16px;border-bottom:1px solid #ddd\">{}</h2>",
                esc(&s.heading)
            ));
            if !s.rows.is_empty() {
                out.push_str("<table style=\"border-collapse:collapse\">");
                for (label, value) in &s.rows {
                    out.push_str(&format!(
                        "<tr><th style=\"text-align:left;padding:2px 12px 2px 0;color:#555;font-weight:normal\">{}</th><td>{}</td></tr>",
                        esc(label),
                        esc(value)
                    ));
                }
                out.push_str("</table>");
            }
            if let Some(note) = &s.note {
                out.push_str(&format!("<p>{}</p>", esc(note)));
            }
        }
        out.push_str(&format!(
            "<p style=\"color:#777;font-size:12px\">{}</p></body></html>",
            esc(&self.closing)
        ));
        out
    }
}

/// HTML-escapes text (names and notes come from people).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_every_row_and_names_are_escaped() {
        let mut l = Letter::new(Lang::En, "Your itinerary");
        l.greeting = "Dear <Ann>,".into();
        l.sections.push(
            Section::new("Hotel")
                .row("Room", "Twin")
                .note("Nights 06-18 to 06-20"),
        );
        let html = l.html();
        let text = l.text();
        assert!(html.contains("Dear &lt;Ann&gt;,"), "{html}");
        assert!(!html.contains("<Ann>"));
        for part in [&html, &text] {
            assert!(part.contains("Twin") && part.contains("Nights 06-18 to 06-20"));
        }
        assert!(text.contains("Room: Twin"));
    }

    #[test]
    fn unknown_languages_read_chinese() {
        assert_eq!(lang_of("en"), Lang::En);
        assert_eq!(lang_of("zh"), Lang::Zh);
        assert_eq!(lang_of("fr"), Lang::Zh);
    }
}
