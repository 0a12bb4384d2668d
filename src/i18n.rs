//! The two languages Yingbin speaks: Chinese first, English one click away.

use actix_web::HttpRequest;

/// A user-facing language.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `en`, `en-US`… → a language; anything else → `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The caller's language: `?lang=`, else the first known tag of `Accept-Language`, else zh.
    pub fn of_request(req: &HttpRequest) -> Lang {
        let from_query = req
            .query_string()
            .split('&')
            .find_map(|pair| pair.strip_prefix("lang=").and_then(Lang::parse));
        if let Some(lang) = from_query {
            return lang;
        }
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|tag| Lang::parse(tag.split(';').next().unwrap_or("")))
            })
            .unwrap_or_default()
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_tags_are_recognised() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    /// The keys of one dictionary object (`const zh = {` … `};`) of static/js/i18n.js.
    fn dictionary_keys(source: &str, name: &str) -> std::collections::BTreeSet<String> {
        let start = source
            .find(&format!("const {name} = {{"))
            .unwrap_or_else(|| panic!("const {name} in static/js/i18n.js"));
        let end = source[start..]
            .find("\n};")
            .map_or(source.len(), |e| start + e);
        source[start..end]
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('\''))
            .filter_map(|l| l.split_once("':").map(|(k, _)| k.to_string()))
            .collect()
    }

    fn files(dir: &std::path::Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("vendor") {
                files(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }

    /// Every word a page shows has a key in both languages: the two dictionaries hold the same
    /// keys, and every key a page names (`data-i18n…="key"` in HTML, `t('key')` in JS) exists.
    #[test]
    fn every_page_message_exists_in_chinese_and_english() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        let source = std::fs::read_to_string(root.join("js/i18n.js")).expect("i18n.js");
        let (zh, en) = (
            dictionary_keys(&source, "zh"),
            dictionary_keys(&source, "en"),
        );
        assert!(zh.len() > 1000, "read {} keys", zh.len());
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "no English for {only_zh:?}");
        assert!(only_en.is_empty(), "no Chinese for {only_en:?}");

        let mut pages = Vec::new();
        files(&root, "html", &mut pages);
        files(&root, "js", &mut pages);
        let mut unknown = Vec::new();
        for page in pages {
            let text = std::fs::read_to_string(&page).unwrap_or_default();
            let named = text
                .split("data-i18n")
                .skip(1)
                .filter_map(|rest| rest.split_once("=\""))
                .filter(|(attr, _)| attr.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
                .filter_map(|(_, v)| v.split('"').next())
                .chain(
                    // `t('key'` as a call of its own, not the tail of `select('…` or `closest('…`.
                    text.match_indices("t('")
                        .filter(|(i, _)| {
                            !text[..*i].chars().next_back().is_some_and(|c| {
                                c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.'
                            })
                        })
                        .filter_map(|(i, _)| text[i + 3..].split('\'').next()),
                )
                .filter(|k| {
                    !k.is_empty()
                        && k.contains('.')
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                })
                .filter(|k| !k.ends_with('.'))
                .filter(|k| !zh.contains(*k))
                .map(|k| format!("{}: {k}", page.display()))
                .collect::<Vec<_>>();
            unknown.extend(named);
        }
        assert!(
            unknown.is_empty(),
            "keys the dictionaries lack: {unknown:#?}"
        );
    }
}
