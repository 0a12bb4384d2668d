//! Chinese vehicle plates (车牌号) as written on a vehicle pass.
//!
//! A plate is read off a car by a person and typed on a phone or a desk keyboard, so it
//! arrives as `川a·12345`, `川A 12345`, `京AD-12345` or in full-width letters from a Chinese
//! input method. [`normalize_plate`] folds all of those to one spelling (`川A12345`) — the one
//! stored and compared at the vehicle gate — and [`validate_plate`] checks the shape:
//!
//! - a province abbreviation (京, 沪, 川 …), then the issuing authority's letter (A–Z, never I);
//! - ordinary plates: 5 characters of A–Z without I and O, and 0–9 (7 in all, `川A12345`);
//! - new-energy plates, 8 in all: small vehicles D or F then 5 characters (`京AD12345`),
//!   large vehicles 5 digits then D or F (`沪A12345F`);
//! - plates with a suffix character: 4 characters then 学 (driving school), 警 (police),
//!   领 (consulate), 港 / 澳 (Hong Kong / Macao cross-border) or 挂 (trailer), 7 in all.
//!
//! Military, armed-police and embassy plates have other shapes and are refused: such vehicles
//! are handled by hand.

/// Province-level abbreviations that begin a civilian plate.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Characters that may end a 7-character plate in place of the last serial character.
const SUFFIXES: &str = "学警领港澳挂";

/// Why a text is not a plate this system accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlateError {
    /// Nothing was entered.
    #[error("the plate is empty")]
    Empty,
    /// The first character is not a province abbreviation.
    #[error("the plate must start with a province abbreviation, found {found:?}")]
    UnknownProvince {
        /// The first character as entered.
        found: char,
    },
    /// A military, armed-police (WJ) or embassy (使) plate: not handled here.
    #[error("military, armed-police and embassy plates are not supported")]
    Unsupported,
    /// Not 7 characters (8 for new-energy plates).
    #[error("a plate has 7 characters (8 for new-energy plates), found {found}")]
    BadLength {
        /// The number of characters after normalization.
        found: usize,
    },
    /// The second character is not an issuing authority letter.
    #[error("the second character must be a letter A–Z other than I, found {found:?}")]
    BadAuthority {
        /// The second character as entered.
        found: char,
    },
    /// An 8-character plate whose first or last serial character is not D or F.
    #[error("an 8-character new-energy plate starts or ends its number with D or F")]
    BadNewEnergy,
    /// A character not allowed where it stands.
    #[error("character {found:?} is not allowed at position {position}")]
    BadCharacter {
        /// 1-based position in the normalized plate.
        position: usize,
        /// The character found there.
        found: char,
    },
}

impl PlateError {
    /// The message for a Chinese-speaking user.
    pub fn message_zh(&self) -> String {
        match self {
            PlateError::Empty => "请填写车牌号".to_string(),
            PlateError::UnknownProvince { found } => {
                format!("车牌号须以省份简称开头（如 京、沪、川），而不是「{found}」")
            }
            PlateError::Unsupported => {
                "暂不支持军车、武警及使馆车牌，请联系安保人工处理".to_string()
            }
            PlateError::BadLength { found } => {
                format!("车牌号应为 7 位（新能源 8 位），现为 {found} 位")
            }
            PlateError::BadAuthority { found } => {
                format!("第 2 位应为发牌机关字母（A–Z，不含 I），而不是「{found}」")
            }
            PlateError::BadNewEnergy => {
                "8 位新能源车牌的号码须以 D 或 F 开头（小型车）或结尾（大型车）".to_string()
            }
            PlateError::BadCharacter { position, found } => {
                format!("第 {position} 位的「{found}」无效（号码只用数字和不含 I、O 的字母）")
            }
        }
    }

    /// The message for an English-speaking user.
    pub fn message_en(&self) -> String {
        match self {
            PlateError::Empty => "Enter the plate number.".to_string(),
            PlateError::UnknownProvince { found } => format!(
                "A plate starts with a province abbreviation (such as 京, 沪, 川), not “{found}”."
            ),
            PlateError::Unsupported => {
                "Military, armed-police and embassy plates are not supported; ask security."
                    .to_string()
            }
            PlateError::BadLength { found } => format!(
                "A plate has 7 characters (8 for new-energy vehicles); this one has {found}."
            ),
            PlateError::BadAuthority { found } => format!(
                "The second character is the issuing authority's letter (A–Z except I), not “{found}”."
            ),
            PlateError::BadNewEnergy => {
                "An 8-character new-energy plate number starts (small vehicles) or ends (large \
                 vehicles) with D or F."
                    .to_string()
            }
            PlateError::BadCharacter { position, found } => format!(
                "“{found}” is not allowed at position {position} (numbers use digits and letters \
                 except I and O)."
            ),
        }
    }
}

/// The stored spelling of a plate: trimmed, full-width letters and digits folded to ASCII,
/// uppercase, without spaces and the separators `·`, `•`, `・` and `-`. Does not validate.
pub fn normalize_plate(text: &str) -> String {
    text.trim()
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '・' | '-'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Full-width ASCII forms (`Ａ`, `１`, `－` from a Chinese input method) to plain ASCII.
fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// Normalizes `text` and checks that it is a civilian Chinese plate; returns the normalized
/// plate.
pub fn validate_plate(text: &str) -> Result<String, PlateError> {
    let plate = normalize_plate(text);
    let chars: Vec<char> = plate.chars().collect();
    let Some(&first) = chars.first() else {
        return Err(PlateError::Empty);
    };
    if first == '使' || plate.starts_with("WJ") {
        return Err(PlateError::Unsupported);
    }
    if !PROVINCES.contains(first) {
        return Err(PlateError::UnknownProvince { found: first });
    }
    if chars.len() != 7 && chars.len() != 8 {
        return Err(PlateError::BadLength { found: chars.len() });
    }
    let authority = chars[1];
    if !authority.is_ascii_uppercase() || authority == 'I' {
        return Err(PlateError::BadAuthority { found: authority });
    }
    // The number after the province and authority, with 1-based positions in the plate.
    let number: Vec<(usize, char)> = chars
        .iter()
        .copied()
        .enumerate()
        .skip(2)
        .map(|(i, c)| (i + 1, c))
        .collect();
    let check = |part: &[(usize, char)], allowed: fn(char) -> bool| match part
        .iter()
        .find(|(_, c)| !allowed(*c))
    {
        Some(&(position, found)) => Err(PlateError::BadCharacter { position, found }),
        None => Ok(()),
    };
    match number.as_slice() {
        // New energy, small vehicle: D/F then 5 characters.
        [(_, 'D' | 'F'), rest @ ..] if rest.len() == 5 => check(rest, is_serial_char)?,
        // New energy, large vehicle: 5 digits then D/F.
        [digits @ .., (_, 'D' | 'F')] if digits.len() == 5 => {
            check(digits, |c| c.is_ascii_digit())?
        }
        eight if eight.len() == 6 => return Err(PlateError::BadNewEnergy),
        [serial @ .., (_, last)] if SUFFIXES.contains(*last) => check(serial, is_serial_char)?,
        serial => check(serial, is_serial_char)?,
    }
    Ok(plate)
}

/// A character of a plate number: a digit or an uppercase letter other than I and O.
fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_shaped_plates_are_accepted_in_normalized_form() {
        let cases = [
            ("ordinary", "川A12345", "川A12345"),
            ("ordinary with letters", "京N7B8Q9", "京N7B8Q9"),
            ("small new energy D", "京AD12345", "京AD12345"),
            ("small new energy F with letter", "粤BF1A234", "粤BF1A234"),
            ("large new energy", "沪A12345F", "沪A12345F"),
            ("driving school", "川A1234学", "川A1234学"),
            ("police", "京A0123警", "京A0123警"),
            ("consulate", "沪A1234领", "沪A1234领"),
            ("hong kong", "粤Z1234港", "粤Z1234港"),
            ("macao", "粤Z5678澳", "粤Z5678澳"),
            ("trailer", "鲁B1234挂", "鲁B1234挂"),
            ("authority O", "川O12345", "川O12345"),
            ("ordinary ending in D", "川A1234D", "川A1234D"),
        ];
        for (label, input, expected) in cases {
            assert_eq!(validate_plate(input).as_deref(), Ok(expected), "{label}");
        }
    }

    #[test]
    fn spacing_separators_case_and_full_width_are_normalized() {
        let cases = [
            ("middle dot", "川A·12345"),
            ("bullet", "川A•12345"),
            ("katakana dot", "川A・12345"),
            ("hyphen", "川A-123-45"),
            ("spaces", "  川 A 12345 "),
            ("ideographic space", "川A\u{3000}12345"),
            ("lowercase", "川a12345"),
            ("full width", "川Ａ１２３４５"),
            ("wedge enter", "川A12345\r\n"),
        ];
        for (label, input) in cases {
            assert_eq!(normalize_plate(input), "川A12345", "{label}");
            assert_eq!(validate_plate(input).as_deref(), Ok("川A12345"), "{label}");
        }
    }

    #[test]
    fn malformed_plates_are_refused_with_the_reason() {
        let cases = [
            ("empty", "", PlateError::Empty),
            ("only separators", " · - ", PlateError::Empty),
            ("too short", "川A1234", PlateError::BadLength { found: 6 }),
            ("too long", "川A1234567", PlateError::BadLength { found: 9 }),
            (
                "no province",
                "AB12345",
                PlateError::UnknownProvince { found: 'A' },
            ),
            (
                "not a province",
                "中A12345",
                PlateError::UnknownProvince { found: '中' },
            ),
            (
                "authority I",
                "川I12345",
                PlateError::BadAuthority { found: 'I' },
            ),
            (
                "authority digit",
                "川112345",
                PlateError::BadAuthority { found: '1' },
            ),
            (
                "letter I in number",
                "川A1234I",
                PlateError::BadCharacter {
                    position: 7,
                    found: 'I',
                },
            ),
            (
                "letter O in number",
                "川AO2345",
                PlateError::BadCharacter {
                    position: 3,
                    found: 'O',
                },
            ),
            (
                "eight without D or F",
                "京A123456",
                PlateError::BadNewEnergy,
            ),
            ("suffix on eight", "川A12345学", PlateError::BadNewEnergy),
            (
                "large new energy with a letter",
                "沪A1234BF",
                PlateError::BadCharacter {
                    position: 7,
                    found: 'B',
                },
            ),
            (
                "unknown suffix",
                "川A1234车",
                PlateError::BadCharacter {
                    position: 7,
                    found: '车',
                },
            ),
            (
                "suffix in the middle",
                "川A12学45",
                PlateError::BadCharacter {
                    position: 5,
                    found: '学',
                },
            ),
            ("embassy", "使014123", PlateError::Unsupported),
            ("armed police", "WJ京12345", PlateError::Unsupported),
        ];
        for (label, input, expected) in cases {
            assert_eq!(validate_plate(input), Err(expected), "{label}");
        }
    }

    #[test]
    fn every_error_has_a_message_in_both_languages() {
        let errors = [
            PlateError::Empty,
            PlateError::UnknownProvince { found: 'A' },
            PlateError::Unsupported,
            PlateError::BadLength { found: 6 },
            PlateError::BadAuthority { found: 'I' },
            PlateError::BadNewEnergy,
            PlateError::BadCharacter {
                position: 7,
                found: 'I',
            },
        ];
        for error in errors {
            assert!(!error.message_zh().is_empty(), "{error:?}");
            assert!(!error.message_en().is_empty(), "{error:?}");
            assert!(!error.to_string().is_empty(), "{error:?}");
        }
        assert!(PlateError::BadLength { found: 6 }
            .message_zh()
            .contains('6'));
    }

    #[test]
    fn every_province_abbreviation_is_accepted() {
        assert_eq!(PROVINCES.chars().count(), 31);
        for province in PROVINCES.chars() {
            let plate = format!("{province}A12345");
            assert_eq!(validate_plate(&plate), Ok(plate.clone()));
        }
    }
}
