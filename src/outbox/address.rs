//! Email addresses as people type them into a form or a CSV.

use lettre::Address;

/// Parses one address, trimmed; says what is wrong in words a desk can act on.
pub fn parse(raw: &str) -> Result<Address, String> {
    raw.trim()
        .parse::<Address>()
        .map_err(|_| format!("not an email address: {}", raw.trim()))
}

/// An optional address field: blank means none; anything else must parse.
pub fn optional(raw: Option<&str>) -> Result<Option<String>, String> {
    match raw.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => parse(a).map(|address| Some(address.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_none_and_a_bad_address_is_named() {
        assert_eq!(optional(Some("  ")).unwrap(), None);
        assert_eq!(
            optional(Some(" chef@hotel.cn ")).unwrap().as_deref(),
            Some("chef@hotel.cn")
        );
        let err = optional(Some("chef at hotel")).unwrap_err();
        assert!(err.contains("chef at hotel"), "{err}");
    }
}
