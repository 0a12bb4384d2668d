//! The closed vocabularies of a guest record: category, gender, ID type, travel mode and
//! language, plus the yes/no reader used for flags such as `halal`.
//!
//! Every enum has one English snake code (`as_str()`, also its serde form and what exports
//! write), one Chinese label (`label_zh()`), and a lenient `parse()` that accepts the code in
//! any case and the Chinese words departments actually type into their spreadsheets
//! (`记者`, `高铁`, `身份证`, …). Parsing trims surrounding whitespace; an empty string is `None`.

use serde::{Deserialize, Serialize};

/// Lower-cases ASCII letters after trimming, for matching English codes; Chinese is unchanged.
fn fold(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// Who the guest is, which decides passes, meals and seating.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 贵宾.
    Vip,
    /// 随行人员: staff travelling with a VIP.
    Entourage,
    /// 新闻记者.
    Journalist,
    /// 工作人员: the event's own staff.
    Staff,
    /// 代表团成员.
    Delegate,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 5] = [
        Category::Vip,
        Category::Entourage,
        Category::Journalist,
        Category::Staff,
        Category::Delegate,
    ];

    /// The English snake code (`"vip"`, `"journalist"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Vip => "vip",
            Category::Entourage => "entourage",
            Category::Journalist => "journalist",
            Category::Staff => "staff",
            Category::Delegate => "delegate",
        }
    }

    /// The Chinese label (`"贵宾"`, `"新闻记者"`, …).
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Vip => "贵宾",
            Category::Entourage => "随行人员",
            Category::Journalist => "新闻记者",
            Category::Staff => "工作人员",
            Category::Delegate => "代表团成员",
        }
    }

    /// Reads the English code (any case) or a Chinese name; `None` when not recognised.
    pub fn parse(s: &str) -> Option<Self> {
        match fold(s).as_str() {
            "vip" | "贵宾" => Some(Category::Vip),
            "entourage" | "随行人员" | "随行" => Some(Category::Entourage),
            "journalist" | "新闻记者" | "记者" => Some(Category::Journalist),
            "staff" | "工作人员" | "大会工作人员" => Some(Category::Staff),
            "delegate" | "代表团成员" | "代表" => Some(Category::Delegate),
            _ => None,
        }
    }
}

/// Gender as printed on the badge and used for hotel room sharing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// Male, 男 — code `"M"`.
    #[serde(rename = "M", alias = "m")]
    M,
    /// Female, 女 — code `"F"`.
    #[serde(rename = "F", alias = "f")]
    F,
}

impl Gender {
    /// Both genders, in display order.
    pub const ALL: [Gender; 2] = [Gender::M, Gender::F];

    /// The code: `"M"` or `"F"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::M => "M",
            Gender::F => "F",
        }
    }

    /// The Chinese label: `"男"` or `"女"`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Gender::M => "男",
            Gender::F => "女",
        }
    }

    /// Reads `M`/`F`, `male`/`female` (any case) or `男`/`女`.
    pub fn parse(s: &str) -> Option<Self> {
        match fold(s).as_str() {
            "m" | "male" | "男" => Some(Gender::M),
            "f" | "female" | "女" => Some(Gender::F),
            _ => None,
        }
    }
}

/// The kind of identity document whose number is on file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// Chinese resident identity card (居民身份证), checked by GB 11643-1999.
    ResidentId,
    /// Passport (护照).
    Passport,
    /// Any other document (其他); its number is not checked.
    Other,
}

impl IdType {
    /// Every ID type, in display order.
    pub const ALL: [IdType; 3] = [IdType::ResidentId, IdType::Passport, IdType::Other];

    /// The English snake code (`"resident_id"`, `"passport"`, `"other"`).
    pub fn as_str(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::Passport => "passport",
            IdType::Other => "other",
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            IdType::ResidentId => "居民身份证",
            IdType::Passport => "护照",
            IdType::Other => "其他",
        }
    }

    /// Reads the English code (any case) or `身份证`/`居民身份证`/`护照`/`其他`.
    pub fn parse(s: &str) -> Option<Self> {
        match fold(s).as_str() {
            "resident_id" | "身份证" | "居民身份证" => Some(IdType::ResidentId),
            "passport" | "护照" => Some(IdType::Passport),
            "other" | "其他" => Some(IdType::Other),
            _ => None,
        }
    }
}

/// How a guest arrives or leaves, which decides who picks them up and where.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    /// By air (航班).
    Flight,
    /// By rail (火车, 高铁, 动车).
    Train,
    /// By road on their own (自驾).
    Car,
}

impl TravelMode {
    /// Every travel mode, in display order.
    pub const ALL: [TravelMode; 3] = [TravelMode::Flight, TravelMode::Train, TravelMode::Car];

    /// The English snake code (`"flight"`, `"train"`, `"car"`).
    pub fn as_str(self) -> &'static str {
        match self {
            TravelMode::Flight => "flight",
            TravelMode::Train => "train",
            TravelMode::Car => "car",
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            TravelMode::Flight => "航班",
            TravelMode::Train => "火车",
            TravelMode::Car => "自驾",
        }
    }

    /// Reads the English code (any case) or `航班`/`飞机`, `火车`/`高铁`/`动车`, `自驾`/`汽车`.
    pub fn parse(s: &str) -> Option<Self> {
        match fold(s).as_str() {
            "flight" | "航班" | "飞机" => Some(TravelMode::Flight),
            "train" | "火车" | "高铁" | "动车" => Some(TravelMode::Train),
            "car" | "自驾" | "汽车" => Some(TravelMode::Car),
            _ => None,
        }
    }
}

/// The language a guest reads: it picks the language of their notices. Chinese by default.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Chinese (中文), the default.
    #[default]
    Zh,
    /// English (英文).
    En,
}

impl Language {
    /// Both languages, in display order.
    pub const ALL: [Language; 2] = [Language::Zh, Language::En];

    /// The code: `"zh"` or `"en"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }

    /// The Chinese label: `"中文"` or `"英文"`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Language::Zh => "中文",
            Language::En => "英文",
        }
    }

    /// Reads `zh`/`zh-CN`/`chinese`/`中文` or `en`/`english`/`英文` (English in any case).
    pub fn parse(s: &str) -> Option<Self> {
        match fold(s).as_str() {
            "zh" | "zh-cn" | "zh_cn" | "chinese" | "中文" => Some(Language::Zh),
            "en" | "english" | "英文" => Some(Language::En),
            _ => None,
        }
    }
}

/// Reads a yes/no cell: `yes`/`no`, `y`/`n`, `true`/`false`, `1`/`0` (any case) and `是`/`否`.
/// Anything else, the empty string included, is `None`: the caller decides what empty means.
pub fn parse_bool_yes_no(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "yes" | "y" | "true" | "1" | "是" => Some(true),
        "no" | "n" | "false" | "0" | "否" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_parses_back_from_its_code_and_its_chinese_label() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c), "code of {c:?}");
            assert_eq!(Category::parse(c.label_zh()), Some(c), "label of {c:?}");
        }
    }

    #[test]
    fn category_accepts_the_short_chinese_aliases_and_any_case() {
        let cases = [
            ("随行", Category::Entourage),
            ("记者", Category::Journalist),
            ("大会工作人员", Category::Staff),
            ("代表", Category::Delegate),
            (" VIP ", Category::Vip),
            ("Journalist", Category::Journalist),
        ];
        for (input, want) in cases {
            assert_eq!(Category::parse(input), Some(want), "input {input:?}");
        }
        assert_eq!(Category::parse("guest"), None);
        assert_eq!(Category::parse(""), None);
    }

    #[test]
    fn gender_reads_letters_words_and_chinese() {
        for (input, want) in [
            ("M", Gender::M),
            ("m", Gender::M),
            ("Male", Gender::M),
            ("男", Gender::M),
            ("F", Gender::F),
            ("female", Gender::F),
            ("女", Gender::F),
        ] {
            assert_eq!(Gender::parse(input), Some(want), "input {input:?}");
        }
        assert_eq!(Gender::parse("x"), None);
        assert_eq!(Gender::M.as_str(), "M");
    }

    #[test]
    fn id_type_travel_mode_and_language_accept_their_aliases() {
        assert_eq!(IdType::parse("身份证"), Some(IdType::ResidentId));
        assert_eq!(IdType::parse("居民身份证"), Some(IdType::ResidentId));
        assert_eq!(IdType::parse("Passport"), Some(IdType::Passport));
        assert_eq!(IdType::parse("其他"), Some(IdType::Other));
        assert_eq!(TravelMode::parse("飞机"), Some(TravelMode::Flight));
        assert_eq!(TravelMode::parse("高铁"), Some(TravelMode::Train));
        assert_eq!(TravelMode::parse("动车"), Some(TravelMode::Train));
        assert_eq!(TravelMode::parse("汽车"), Some(TravelMode::Car));
        assert_eq!(Language::parse("zh-CN"), Some(Language::Zh));
        assert_eq!(Language::parse("Chinese"), Some(Language::Zh));
        assert_eq!(Language::parse("ENGLISH"), Some(Language::En));
        assert_eq!(Language::parse("英文"), Some(Language::En));
        assert_eq!(Language::default(), Language::Zh);
        for m in TravelMode::ALL {
            assert_eq!(TravelMode::parse(m.label_zh()), Some(m), "label of {m:?}");
        }
        for t in IdType::ALL {
            assert_eq!(IdType::parse(t.as_str()), Some(t), "code of {t:?}");
        }
    }

    #[test]
    fn yes_no_reads_every_spelling_and_refuses_the_rest() {
        for yes in ["yes", "YES", "y", "Y", "是", "1", "true", "True"] {
            assert_eq!(parse_bool_yes_no(yes), Some(true), "input {yes:?}");
        }
        for no in ["no", "N", "否", "0", "false", " FALSE "] {
            assert_eq!(parse_bool_yes_no(no), Some(false), "input {no:?}");
        }
        for other in ["", "maybe", "2", "对"] {
            assert_eq!(parse_bool_yes_no(other), None, "input {other:?}");
        }
    }

    #[test]
    fn serde_uses_the_snake_codes() -> Result<(), serde_json::Error> {
        assert_eq!(
            serde_json::to_string(&Category::Journalist)?,
            "\"journalist\""
        );
        assert_eq!(
            serde_json::to_string(&IdType::ResidentId)?,
            "\"resident_id\""
        );
        assert_eq!(serde_json::to_string(&Gender::F)?, "\"F\"");
        assert_eq!(serde_json::to_string(&Language::En)?, "\"en\"");
        assert_eq!(
            serde_json::from_str::<TravelMode>("\"train\"")?,
            TravelMode::Train
        );
        assert_eq!(serde_json::from_str::<Gender>("\"M\"")?, Gender::M);
        Ok(())
    }
}
