//! Identity document numbers: checking a Chinese resident ID, normalizing, and masking.
//!
//! A resident ID (GB 11643-1999) is 18 characters: a 6-digit region code whose first two digits
//! are a province, the birth date `YYYYMMDD`, a 3-digit sequence number, and a check character
//! computed with ISO 7064 MOD 11-2 over the first 17 digits (`0`–`9` or `X`).
//!
//! Only `admin` and `security` see whole numbers; everyone else, exports included, gets
//! [`mask`]. A masked number coming back in an import must not overwrite the stored one, so
//! [`is_masked`] and [`masked_matches`] let the caller recognise it. Nothing here reads the
//! clock: the caller passes `today`.

use chrono::{Datelike, NaiveDate};

use crate::i18n::Lang;

/// ISO 7064 MOD 11-2 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for each remainder 0..=10 of the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The length of a resident ID number, in characters.
pub const RESIDENT_ID_LEN: usize = 18;

/// Why a resident ID number is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not 18 characters long.
    #[error("a resident ID number has 18 characters, not {found}")]
    Length {
        /// How many characters the number has.
        found: usize,
    },
    /// Not 17 digits followed by a digit or `X`.
    #[error("a resident ID number is 17 digits followed by a digit or X")]
    Characters,
    /// The first two digits are not a province code.
    #[error("ID number region code {code} is not a province")]
    Region {
        /// The two digits found.
        code: String,
    },
    /// Positions 7–14 are not a calendar date from 1900 on.
    #[error("ID number birth date {date} is not a valid date")]
    BirthDate {
        /// The eight digits found.
        date: String,
    },
    /// The birth date is after `today`.
    #[error("ID number birth date is in the future")]
    BirthInFuture,
    /// The 18th character is not the one the first 17 digits call for.
    #[error("ID number check digit is wrong")]
    CheckDigit,
}

impl IdError {
    /// The message in the caller's language, short enough for one cell of an error list.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                IdError::Length { found } => format!("身份证号码应为18位，实为{found}位"),
                IdError::Characters => "身份证号码应为17位数字加1位数字或X".to_string(),
                IdError::Region { code } => format!("身份证号码地区代码“{code}”无效"),
                IdError::BirthDate { date } => format!("身份证号码中的出生日期“{date}”无效"),
                IdError::BirthInFuture => "身份证号码中的出生日期晚于今天".to_string(),
                IdError::CheckDigit => "证件号码校验位错误".to_string(),
            },
        }
    }
}

/// Trims, upper-cases and removes every space from an ID number as typed. Full-width digits and
/// letters (typed with a Chinese input method, `５１０１…`) become their ASCII forms.
pub fn normalize(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // U+FF01..=U+FF5E mirror ASCII 0x21..=0x7E.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

/// The check character (`'0'`–`'9'` or `'X'`) for the first 17 digits of a resident ID, or
/// `None` when `first17` is not exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Whether the two digits are a province-level region code (31 provinces, Taiwan, Hong Kong,
/// Macao, and 83 used for Taiwan residents' permits).
fn is_province(code: u32) -> bool {
    matches!(code, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

/// Checks a Chinese resident ID number by GB 11643-1999: 18 characters, 17 digits and a check
/// character (`x` is read as `X`; spaces are ignored), a province region code, a real birth date
/// from 1900 up to `today`, and the MOD 11-2 check character.
///
/// # Errors
/// The first rule broken, in that order, as an [`IdError`].
pub fn validate_resident_id(id: &str, today: NaiveDate) -> Result<(), IdError> {
    let id = normalize(id);
    let found = id.chars().count();
    if found != RESIDENT_ID_LEN {
        return Err(IdError::Length { found });
    }
    if !id.is_ascii() {
        return Err(IdError::Characters);
    }
    // 18 ASCII characters, so byte 17 is a character boundary.
    let (first17, last) = id.split_at(17);
    let last_ok = matches!(last.as_bytes().first(), Some(b) if b.is_ascii_digit() || *b == b'X');
    if !first17.bytes().all(|b| b.is_ascii_digit()) || !last_ok {
        return Err(IdError::Characters);
    }
    let region = &first17[..2];
    if !region.parse::<u32>().map(is_province).unwrap_or(false) {
        return Err(IdError::Region {
            code: region.to_string(),
        });
    }
    let date = &first17[6..14];
    let birth = NaiveDate::parse_from_str(date, "%Y%m%d")
        .ok()
        .filter(|d| d.year() >= 1900)
        .ok_or_else(|| IdError::BirthDate {
            date: date.to_string(),
        })?;
    if birth > today {
        return Err(IdError::BirthInFuture);
    }
    match (check_digit(first17), last.chars().next()) {
        (Some(want), Some(got)) if want == got => Ok(()),
        _ => Err(IdError::CheckDigit),
    }
}

/// Whether the number looks like a resident ID (17 digits then a digit or `X`/`x`), without
/// checking region, date or check character. Used to infer the ID type when none is given.
pub fn looks_like_resident_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == RESIDENT_ID_LEN
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// Hides the middle of a number, character by character (UTF-8 safe): longer than 8 characters
/// keeps the first 4 and last 4 (`5101**********1234`), 5 to 8 keeps the first 2 and last 2
/// (`E1****78`), 4 or fewer become all stars. The length is kept.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    let keep = match n {
        0..=4 => 0,
        5..=8 => 2,
        _ => 4,
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep || i >= n - keep { *c } else { '*' })
        .collect()
}

/// Whether the number was masked (contains `*`), so it must not replace a stored number.
pub fn is_masked(id: &str) -> bool {
    id.contains('*')
}

/// Whether `masked` is what [`mask`] makes of `stored` (both normalized first), i.e. an export
/// of this very number came back in an import.
pub fn masked_matches(masked: &str, stored: &str) -> bool {
    mask(&normalize(stored)) == normalize(masked)
}

#[cfg(test)]
// `allow`, not `expect`: stays quiet whether or not clippy.toml sets `allow-unwrap-in-tests`.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    /// A valid ID from the first 17 digits, using the check digit under test.
    fn make(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17).unwrap())
    }

    #[test]
    fn the_published_example_with_an_x_check_digit_is_valid() {
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        assert_eq!(validate_resident_id("11010519491231002X", today()), Ok(()));
        assert_eq!(validate_resident_id("11010519491231002x", today()), Ok(()));
        assert_eq!(
            validate_resident_id(" 110105 19491231 002X ", today()),
            Ok(())
        );
    }

    #[test]
    fn ids_built_with_check_digit_are_valid() {
        for first17 in [
            "51010419900101123",
            "44030420001231456",
            "81000019800229001",
        ] {
            let id = make(first17);
            assert_eq!(validate_resident_id(&id, today()), Ok(()), "id {id}");
        }
        assert_eq!(check_digit("1234"), None);
        assert_eq!(check_digit("5101041990010112A"), None);
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        let good = make("51010419900101123");
        let last = good.chars().last().unwrap();
        let wrong = if last == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &good[..17]);
        assert_eq!(
            validate_resident_id(&bad, today()),
            Err(IdError::CheckDigit)
        );
        assert_eq!(IdError::CheckDigit.message(Lang::Zh), "证件号码校验位错误");
        assert_eq!(
            IdError::CheckDigit.message(Lang::En),
            "ID number check digit is wrong"
        );
    }

    #[test]
    fn february_30th_is_not_a_birth_date() {
        let id = make("51010419900230123");
        assert_eq!(
            validate_resident_id(&id, today()),
            Err(IdError::BirthDate {
                date: "19900230".to_string()
            })
        );
    }

    #[test]
    fn a_birth_date_before_1900_or_after_today_is_refused() {
        let old = make("51010418991231123");
        assert!(matches!(
            validate_resident_id(&old, today()),
            Err(IdError::BirthDate { .. })
        ));
        let future = make("51010420260602123");
        assert_eq!(
            validate_resident_id(&future, today()),
            Err(IdError::BirthInFuture)
        );
        let born_today = make("51010420260601123");
        assert_eq!(validate_resident_id(&born_today, today()), Ok(()));
    }

    #[test]
    fn length_characters_and_province_are_checked() {
        assert_eq!(
            validate_resident_id("5101041990010112", today()),
            Err(IdError::Length { found: 16 })
        );
        assert_eq!(
            validate_resident_id("5101041990010112AB", today()),
            Err(IdError::Characters)
        );
        assert_eq!(
            validate_resident_id("X10104199001011234", today()),
            Err(IdError::Characters)
        );
        let not_a_province = make("99010419900101123");
        assert_eq!(
            validate_resident_id(&not_a_province, today()),
            Err(IdError::Region {
                code: "99".to_string()
            })
        );
        assert!(IdError::Length { found: 16 }
            .message(Lang::Zh)
            .contains("16"));
    }

    #[test]
    fn normalize_trims_uppercases_and_removes_spaces() {
        assert_eq!(normalize("  e12 345 678x\u{3000}"), "E12345678X");
        assert_eq!(
            normalize("１１０１０５１９４９１２３１００２ｘ"),
            "11010519491231002X"
        );
        assert_eq!(
            validate_resident_id("１１０１０５１９４９１２３１００２Ｘ", today()),
            Ok(())
        );
        assert_eq!(
            validate_resident_id("一一〇一〇五一九四九一二三一〇〇二X", today()),
            Err(IdError::Characters)
        );
    }

    #[test]
    fn masks_keep_four_and_four_or_two_and_two_or_nothing() {
        assert_eq!(mask("510104199001011234"), "5101**********1234");
        assert_eq!(mask("51010419900101123X"), "5101**********123X");
        assert_eq!(mask("E1234578"), "E1****78");
        assert_eq!(mask("G12345"), "G1**45");
        assert_eq!(mask("ABCDEFGHI"), "ABCD*FGHI");
        assert_eq!(mask("1234"), "****");
        assert_eq!(mask(""), "");
        assert_eq!(mask("证件号码一二三四五六"), "证件号码**三四五六");
    }

    #[test]
    fn a_masked_export_is_recognised_as_the_stored_number() {
        let stored = "510104199001011234";
        assert!(is_masked(&mask(stored)));
        assert!(!is_masked(stored));
        assert!(masked_matches("5101**********1234", stored));
        assert!(masked_matches(" 5101**********1234 ", stored));
        assert!(!masked_matches("5101**********9999", stored));
        assert!(!masked_matches("5101*********1234", stored));
    }

    #[test]
    fn resident_shape_is_recognised_without_full_validation() {
        assert!(looks_like_resident_id("51010419900101123x"));
        assert!(!looks_like_resident_id("E12345678"));
        assert!(!looks_like_resident_id(
            "５１０１０４１９９００１０１１２３"
        ));
    }
}
