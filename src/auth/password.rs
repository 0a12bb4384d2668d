//! Passwords: argon2 hashes and the minimum strength.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use crate::i18n::Lang;

/// Hashes a password with argon2id and a random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Bounds how many passwords are checked at once (argon2 takes tens of milliseconds of CPU
/// and 19 MB on purpose): one per core, so a flood of sign-ins queues here instead of taking
/// every blocking thread and database connection from the scans.
#[derive(Clone)]
pub struct HashGate(std::sync::Arc<tokio::sync::Semaphore>);

impl Default for HashGate {
    fn default() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate(std::sync::Arc::new(tokio::sync::Semaphore::new(cores)))
    }
}

impl HashGate {
    /// [`verify`] on the blocking pool, at most one per core at a time; no database
    /// connection is held meanwhile.
    pub async fn verify(
        &self,
        password: String,
        stored: String,
    ) -> Result<bool, crate::error::AppError> {
        let _permit = self
            .0
            .acquire()
            .await
            .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
        Ok(actix_web::web::block(move || verify(&password, &stored)).await?)
    }
}

/// A hash of nothing, verified against when the user does not exist, so that an unknown
/// name takes as long as a wrong password.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3bvd0mzUQ1kMjkm9HBNb2YNkR9D8WqbtrXZWmVTb5iA";

/// Too short or too simple: at least 10 characters, two kinds of character (letters, digits,
/// others), not the username, not a well-known password.
pub fn check_strength(password: &str, username: &str, lang: Lang) -> Result<(), String> {
    const COMMON: [&str; 8] = [
        "password12",
        "1234567890",
        "qwertyuiop",
        "admin12345",
        "password123",
        "0123456789",
        "abcdefghij",
        "yingbin123",
    ];
    if password.chars().count() < 10 {
        return Err(lang
            .pick(
                "密码至少 10 个字符",
                "password must be at least 10 characters",
            )
            .into());
    }
    let kinds = [
        password.chars().any(|c| c.is_alphabetic()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    if kinds < 2 {
        return Err(lang
            .pick(
                "密码须包含字母、数字、符号中的至少两类",
                "password must mix at least two of letters, digits and symbols",
            )
            .into());
    }
    let lower = password.to_lowercase();
    if lower.contains(&username.to_lowercase()) && !username.is_empty() {
        return Err(lang
            .pick(
                "密码不能包含用户名",
                "password must not contain the username",
            )
            .into());
    }
    if COMMON.contains(&lower.as_str()) {
        return Err(lang.pick("密码过于常见", "password is too common").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash("Correct-Horse-9").unwrap();
        assert!(verify("Correct-Horse-9", &h));
        assert!(!verify("correct-horse-9", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        for (label, pw) in [
            ("short", "ab1!"),
            ("letters only", "abcdefghijkl"),
            ("contains username", "reception-2026"),
            ("common", "Password123"),
        ] {
            assert!(
                check_strength(pw, "reception", Lang::En).is_err(),
                "{label}"
            );
        }
        assert!(check_strength("Welcome-2026!", "reception", Lang::En).is_ok());
    }
}
