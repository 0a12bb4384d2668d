//! The signed pass token, format version 1 (specified for outside verifiers in
//! `docs/pass-format.md`).
//!
//! Every pass — credential, vehicle pass, admission, meal coupon — is carried as one compact
//! token: a 30-byte record followed by a 64-byte Ed25519 signature, written as RFC 4648 base32,
//! uppercase, without padding: 151 characters of `A–Z 2–7`. That alphabet is QR alphanumeric
//! mode (a version 7 code at error level M), needs no escaping in a URL, and survives both phone
//! cameras and keyboard-wedge scanners, which type the code as key presses ending in Enter —
//! so [`decode`] trims whitespace and accepts lowercase (a desk with Caps Lock on).
//!
//! The token carries only what a gate needs to decide offline: which pass and serial, when it
//! is valid, what it opens, and a short hash of the holder's photo so the guard can check that
//! the face on the screen is the one the pass was issued with. Names and ID numbers never go in.
//!
//! Everything here is a pure function: no clock, no database. Deciding whether a verified pass
//! is still valid *now*, revoked or superseded is the caller's business.

use data_encoding::BASE32_NOPAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The format version written in byte 0 of every record.
pub const VERSION: u8 = 1;

/// Length of the signed record in bytes.
pub const RECORD_LEN: usize = 30;

/// Length of the Ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// Length of the whole token in bytes, before the text encoding.
pub const TOKEN_BYTES: usize = RECORD_LEN + SIGNATURE_LEN;

/// Length of the token text: 94 bytes in unpadded base32.
pub const TOKEN_LEN: usize = 151;

/// Prefix of the signed message, so that a signature over a pass can never be replayed as a
/// signature over anything else the same key signs (revocation lists use another prefix).
pub const SIGNING_DOMAIN: &[u8] = b"yingbin-pass-v1";

/// What a pass is for; byte 1 of the record.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PassKind {
    /// A personal credential (个人证件): zones for a person.
    Credential = 1,
    /// A vehicle pass (车辆通行证): zones for a vehicle.
    Vehicle = 2,
    /// An admission (入场证) to one event session.
    Admission = 3,
    /// A meal coupon (餐券).
    MealCoupon = 4,
}

impl PassKind {
    /// Every kind, in byte order.
    pub const ALL: [PassKind; 4] = [
        PassKind::Credential,
        PassKind::Vehicle,
        PassKind::Admission,
        PassKind::MealCoupon,
    ];

    /// The name stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PassKind::Credential => "credential",
            PassKind::Vehicle => "vehicle",
            PassKind::Admission => "admission",
            PassKind::MealCoupon => "meal_coupon",
        }
    }

    /// The kind named by [`PassKind::as_str`], or `None`.
    pub fn parse(name: &str) -> Option<PassKind> {
        PassKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The byte written in the record.
    pub fn as_byte(self) -> u8 {
        self as u8
    }

    /// The kind written as `byte` in a record, or `None` for an unknown byte.
    pub fn from_byte(byte: u8) -> Option<PassKind> {
        PassKind::ALL.into_iter().find(|k| k.as_byte() == byte)
    }
}

/// The signed part of a token, as fields. The version is not a field: [`PassRecord::to_bytes`]
/// always writes [`VERSION`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PassRecord {
    /// What the pass is for.
    pub kind: PassKind,
    /// Which signing key signed it (published at `GET /api/v1/passes/keys`).
    pub key_id: u16,
    /// The pass id (the `passes` row).
    pub pass_id: u32,
    /// Bumped on every reissue; a lower serial than the current one is superseded.
    pub serial: u16,
    /// Start of validity, Unix seconds UTC, inclusive.
    pub valid_from: u32,
    /// End of validity, Unix seconds UTC, exclusive.
    pub valid_until: u32,
    /// Credential and vehicle pass: the zone bitmask (see [`zone_mask`]); admission: the event
    /// session id; meal coupon: not defined yet.
    pub access: u64,
    /// [`photo_hash`] of the holder's stored photo, 0 when there is none.
    pub photo: u32,
}

impl PassRecord {
    /// The 30 signed bytes, big-endian, in the layout of `docs/pass-format.md`.
    pub fn to_bytes(&self) -> [u8; RECORD_LEN] {
        let mut out = [0u8; RECORD_LEN];
        out[0] = VERSION;
        out[1] = self.kind.as_byte();
        out[2..4].copy_from_slice(&self.key_id.to_be_bytes());
        out[4..8].copy_from_slice(&self.pass_id.to_be_bytes());
        out[8..10].copy_from_slice(&self.serial.to_be_bytes());
        out[10..14].copy_from_slice(&self.valid_from.to_be_bytes());
        out[14..18].copy_from_slice(&self.valid_until.to_be_bytes());
        out[18..26].copy_from_slice(&self.access.to_be_bytes());
        out[26..30].copy_from_slice(&self.photo.to_be_bytes());
        out
    }

    /// Reads the 30 signed bytes back; refuses another version or an unknown kind.
    pub fn from_bytes(b: &[u8; RECORD_LEN]) -> Result<PassRecord, DecodeError> {
        if b[0] != VERSION {
            return Err(DecodeError::UnsupportedVersion(b[0]));
        }
        let kind = PassKind::from_byte(b[1]).ok_or(DecodeError::Malformed("unknown pass kind"))?;
        Ok(PassRecord {
            kind,
            key_id: u16::from_be_bytes([b[2], b[3]]),
            pass_id: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            serial: u16::from_be_bytes([b[8], b[9]]),
            valid_from: u32::from_be_bytes([b[10], b[11], b[12], b[13]]),
            valid_until: u32::from_be_bytes([b[14], b[15], b[16], b[17]]),
            access: u64::from_be_bytes([b[18], b[19], b[20], b[21], b[22], b[23], b[24], b[25]]),
            photo: u32::from_be_bytes([b[26], b[27], b[28], b[29]]),
        })
    }
}

/// Why a text is not a version 1 token. Either way the scan is a `malformed` reject; the
/// detail is for the log.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not a token at all: what is wrong, in a few words.
    #[error("malformed pass token: {0}")]
    Malformed(&'static str),
    /// Well-formed, but a format version this code does not know.
    #[error("unsupported pass token version {0}")]
    UnsupportedVersion(u8),
}

/// A token taken apart but not yet verified: trust nothing in `record` until
/// [`DecodedToken::verify`] says so.
#[derive(Debug)]
pub struct DecodedToken {
    /// The fields of the signed record.
    pub record: PassRecord,
    /// The signed bytes exactly as received.
    pub signed: [u8; RECORD_LEN],
    /// The signature as received.
    pub signature: Signature,
}

impl DecodedToken {
    /// Whether `key` signed this record. Uses `verify_strict`, which also refuses weak keys and
    /// non-canonical signatures, so one pass has exactly one valid token per key.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        key.verify_strict(&signed_message(&self.signed), &self.signature)
            .is_ok()
    }
}

/// The message the signature covers: [`SIGNING_DOMAIN`] followed by the record.
fn signed_message(record: &[u8; RECORD_LEN]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNING_DOMAIN.len() + RECORD_LEN);
    message.extend_from_slice(SIGNING_DOMAIN);
    message.extend_from_slice(record);
    message
}

/// Signs `record` with `key` and returns the 151-character token. Ed25519 is deterministic:
/// the same record and key always give the same token.
pub fn sign(record: &PassRecord, key: &SigningKey) -> String {
    let signed = record.to_bytes();
    let signature = key.sign(&signed_message(&signed));
    let mut bytes = [0u8; TOKEN_BYTES];
    bytes[..RECORD_LEN].copy_from_slice(&signed);
    bytes[RECORD_LEN..].copy_from_slice(&signature.to_bytes());
    BASE32_NOPAD.encode(&bytes)
}

/// Takes a scanned text apart. Surrounding whitespace (a wedge scanner's Enter) is trimmed
/// and lowercase is accepted; anything else that is not exactly a canonical 151-character
/// base32 token is [`DecodeError::Malformed`]. Never panics, whatever the input.
pub fn decode(text: &str) -> Result<DecodedToken, DecodeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DecodeError::Malformed("empty"));
    }
    if !text.is_ascii() {
        return Err(DecodeError::Malformed("non-ASCII character"));
    }
    if text.len() != TOKEN_LEN {
        return Err(DecodeError::Malformed("wrong length"));
    }
    let upper = text.to_ascii_uppercase();
    if !upper
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        return Err(DecodeError::Malformed(
            "character outside the base32 alphabet",
        ));
    }
    let bytes = BASE32_NOPAD
        .decode(upper.as_bytes())
        .map_err(|_| DecodeError::Malformed("not base32"))?;
    let bytes: [u8; TOKEN_BYTES] = bytes
        .try_into()
        .map_err(|_| DecodeError::Malformed("wrong length"))?;
    // The last character carries 2 bits and 3 zero bits; refuse other spellings of the same
    // bytes so that one token has one text (scan logs and replay checks compare texts).
    if BASE32_NOPAD.encode(&bytes) != upper {
        return Err(DecodeError::Malformed("non-canonical final character"));
    }
    let mut signed = [0u8; RECORD_LEN];
    signed.copy_from_slice(&bytes[..RECORD_LEN]);
    let mut signature = [0u8; SIGNATURE_LEN];
    signature.copy_from_slice(&bytes[RECORD_LEN..]);
    let record = PassRecord::from_bytes(&signed)?;
    Ok(DecodedToken {
        record,
        signed,
        signature: Signature::from_bytes(&signature),
    })
}

/// The short photo hash a token carries: the first 4 bytes of SHA-256 of the stored JPEG,
/// big-endian. (One photo in four billion hashes to 0, which reads as "no photo": the guard
/// then simply sees no photo check, never a wrong one.)
pub fn photo_hash(jpeg: &[u8]) -> u32 {
    let digest = Sha256::digest(jpeg);
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// The access bitmask of a set of zone bits (bit `i` set for the zone whose `bit` is `i`).
/// Bits of 64 and above cannot be carried and are left out, so a mistake grants less, not more.
pub fn zone_mask(bits: &[u8]) -> u64 {
    bits.iter()
        .filter(|&&bit| bit < 64)
        .fold(0u64, |mask, &bit| mask | (1u64 << bit))
}

/// The zone bits set in `mask`, ascending.
pub fn zone_bits(mask: u64) -> Vec<u8> {
    (0u8..64).filter(|&bit| mask & (1u64 << bit) != 0).collect()
}

/// A signing key from its 32-byte secret in hex (64 digits, surrounding whitespace ignored).
pub fn signing_key_from_hex(text: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

/// A verifying key from its 32-byte compressed Edwards point in hex (64 digits, surrounding
/// whitespace ignored); `None` when the text or the point is invalid.
pub fn verifying_key_from_hex(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use qrcode::{EcLevel, QrCode, Version};
    use std::collections::HashMap;

    fn key(byte: u8) -> SigningKey {
        SigningKey::from_bytes(&[byte; 32])
    }

    fn credential() -> PassRecord {
        PassRecord {
            kind: PassKind::Credential,
            key_id: 1,
            pass_id: 12,
            serial: 1,
            valid_from: 1_810_224_000,
            valid_until: 1_811_088_000,
            access: zone_mask(&[0, 3]),
            photo: photo_hash(b"jpeg"),
        }
    }

    fn token_bytes(token: &str) -> Vec<u8> {
        BASE32_NOPAD.decode(token.as_bytes()).unwrap()
    }

    #[test]
    fn a_signed_token_decodes_to_the_same_record_and_verifies() {
        let record = credential();
        let token = sign(&record, &key(1));
        assert_eq!(token.len(), TOKEN_LEN);
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded.record, record);
        assert_eq!(decoded.signed, record.to_bytes());
        assert!(decoded.verify(&key(1).verifying_key()));
    }

    #[test]
    fn every_kind_round_trips_through_its_name_and_byte() {
        for kind in PassKind::ALL {
            assert_eq!(PassKind::parse(kind.as_str()), Some(kind));
            assert_eq!(PassKind::from_byte(kind.as_byte()), Some(kind));
            let record = PassRecord {
                kind,
                ..credential()
            };
            let decoded = decode(&sign(&record, &key(1))).unwrap();
            assert_eq!(decoded.record.kind, kind);
        }
        assert_eq!(PassKind::parse("Credential"), None);
        assert_eq!(PassKind::from_byte(0), None);
        assert_eq!(PassKind::from_byte(5), None);
    }

    #[test]
    fn the_token_uses_only_uppercase_base32_characters() {
        let token = sign(&credential(), &key(1));
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    }

    #[test]
    fn lowercase_and_surrounding_whitespace_are_accepted() {
        let token = sign(&credential(), &key(1));
        for (label, text) in [
            ("lowercase", token.to_lowercase()),
            ("wedge enter", format!("{token}\r\n")),
            ("newline", format!("{token}\n")),
            ("spaces and tab", format!("  \t{token} ")),
            (
                "lowercase with enter",
                format!("{}\r\n", token.to_lowercase()),
            ),
        ] {
            let decoded = decode(&text).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert!(decoded.verify(&key(1).verifying_key()), "{label}");
        }
    }

    #[test]
    fn a_flipped_bit_anywhere_is_never_accepted() {
        let token = sign(&credential(), &key(1));
        let public = key(1).verifying_key();
        let bytes = token_bytes(&token);
        for bit in 0..TOKEN_BYTES * 8 {
            let mut changed = bytes.clone();
            changed[bit / 8] ^= 1 << (bit % 8);
            let text = BASE32_NOPAD.encode(&changed);
            if let Ok(decoded) = decode(&text) {
                assert!(!decoded.verify(&public), "bit {bit} accepted");
            }
        }
    }

    #[test]
    fn a_changed_character_anywhere_is_never_accepted() {
        let token = sign(&credential(), &key(1));
        let public = key(1).verifying_key();
        for position in 0..TOKEN_LEN {
            let mut changed = token.clone().into_bytes();
            changed[position] = if changed[position] == b'A' {
                b'B'
            } else {
                b'A'
            };
            let text = String::from_utf8(changed).unwrap();
            if let Ok(decoded) = decode(&text) {
                assert!(!decoded.verify(&public), "position {position} accepted");
            }
        }
    }

    #[test]
    fn a_non_canonical_final_character_is_malformed() {
        let token = sign(&credential(), &key(1));
        let last = token.as_bytes()[TOKEN_LEN - 1];
        // The low 3 bits of the final character are padding and must be zero.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let value = alphabet.iter().position(|&c| c == last).unwrap();
        assert_eq!(value & 0b111, 0);
        let mut changed = token[..TOKEN_LEN - 1].to_string();
        changed.push(alphabet[value | 1] as char);
        assert!(matches!(decode(&changed), Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn truncated_extended_garbage_and_empty_texts_are_malformed() {
        let token = sign(&credential(), &key(1));
        let mut with_digit = token.clone();
        with_digit.replace_range(10..11, "1");
        let mut with_wide = token[..TOKEN_LEN - 1].to_string();
        with_wide.push('Ａ');
        let cases = [
            ("empty", String::new()),
            ("only whitespace", " \r\n".to_string()),
            ("truncated", token[..TOKEN_LEN - 1].to_string()),
            ("truncated a lot", token[..100].to_string()),
            ("extended", format!("{token}A")),
            ("doubled", format!("{token}{token}")),
            ("padding", format!("{}=", &token[..TOKEN_LEN - 1])),
            ("digit 1", with_digit),
            ("inner space", format!("{} {}", &token[..70], &token[71..])),
            ("full-width letter", with_wide),
            ("chinese", "迎宾".repeat(40)),
            ("url", "https://example.com/p?t=ABC".to_string()),
            ("emoji", "🎫".to_string()),
        ];
        for (label, text) in cases {
            assert!(
                matches!(decode(&text), Err(DecodeError::Malformed(_))),
                "{label}: {:?}",
                decode(&text).map(|d| d.record)
            );
        }
    }

    #[test]
    fn an_unknown_kind_is_malformed() {
        let mut bytes = token_bytes(&sign(&credential(), &key(1)));
        bytes[1] = 9;
        let text = BASE32_NOPAD.encode(&bytes);
        assert_eq!(
            decode(&text).unwrap_err(),
            DecodeError::Malformed("unknown pass kind")
        );
    }

    #[test]
    fn another_version_is_unsupported() {
        for version in [0u8, 2, 255] {
            let mut bytes = token_bytes(&sign(&credential(), &key(1)));
            bytes[0] = version;
            let text = BASE32_NOPAD.encode(&bytes);
            assert_eq!(
                decode(&text).unwrap_err(),
                DecodeError::UnsupportedVersion(version)
            );
        }
    }

    #[test]
    fn a_token_signed_by_another_key_fails_verification() {
        let token = sign(&credential(), &key(2));
        let decoded = decode(&token).unwrap();
        assert!(!decoded.verify(&key(1).verifying_key()));
        assert!(decoded.verify(&key(2).verifying_key()));
    }

    #[test]
    fn a_signature_over_the_record_without_the_domain_fails_verification() {
        let record = credential();
        let bare = key(1).sign(&record.to_bytes());
        let decoded = DecodedToken {
            record,
            signed: record.to_bytes(),
            signature: bare,
        };
        assert!(!decoded.verify(&key(1).verifying_key()));
    }

    #[test]
    fn signing_is_deterministic() {
        assert_eq!(sign(&credential(), &key(1)), sign(&credential(), &key(1)));
    }

    #[test]
    fn the_record_layout_is_big_endian_at_the_documented_offsets() {
        let record = PassRecord {
            kind: PassKind::Vehicle,
            key_id: 0x0102,
            pass_id: 0x0304_0506,
            serial: 0x0708,
            valid_from: 0x090A_0B0C,
            valid_until: 0x0D0E_0F10,
            access: 0x1112_1314_1516_1718,
            photo: 0x191A_1B1C,
        };
        let expected: [u8; RECORD_LEN] = [
            1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x11, 0x12, 0x13, 0x14,
            0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C,
        ];
        assert_eq!(record.to_bytes(), expected);
        assert_eq!(PassRecord::from_bytes(&expected), Ok(record));
    }

    #[test]
    fn zone_masks_and_bits_are_inverse() {
        assert_eq!(zone_mask(&[]), 0);
        assert_eq!(zone_mask(&[0, 3]), 0b1001);
        assert_eq!(zone_mask(&[63]), 1 << 63);
        assert_eq!(zone_mask(&[3, 3, 0]), 0b1001);
        assert_eq!(zone_bits(0b1001), vec![0, 3]);
        assert_eq!(zone_bits(u64::MAX).len(), 64);
        assert_eq!(zone_bits(zone_mask(&[1, 5, 40, 63])), vec![1, 5, 40, 63]);
    }

    #[test]
    fn zone_bits_beyond_63_grant_nothing() {
        assert_eq!(zone_mask(&[64, 200, 255]), 0);
        assert_eq!(zone_mask(&[2, 64]), 0b100);
    }

    #[test]
    fn the_photo_hash_is_the_first_four_bytes_of_sha256() {
        // SHA-256("abc") = ba7816bf 8f01cfea …
        assert_eq!(photo_hash(b"abc"), 0xba78_16bf);
        // SHA-256("") = e3b0c442 98fc1c14 …
        assert_eq!(photo_hash(b""), 0xe3b0_c442);
    }

    #[test]
    fn keys_read_from_hex_match_their_bytes() {
        let secret = hex::encode([1u8; 32]);
        let signing = signing_key_from_hex(&format!(" {secret}\n")).unwrap();
        assert_eq!(signing.to_bytes(), [1u8; 32]);
        let public = hex::encode(signing.verifying_key().as_bytes());
        assert_eq!(
            verifying_key_from_hex(&public.to_uppercase()).unwrap(),
            signing.verifying_key()
        );
        assert!(signing_key_from_hex("0101").is_none());
        assert!(signing_key_from_hex(&"zz".repeat(32)).is_none());
        assert!(signing_key_from_hex(&"01".repeat(33)).is_none());
        assert!(verifying_key_from_hex("").is_none());
        assert!(verifying_key_from_hex(&"0".repeat(63)).is_none());
    }

    #[test]
    fn the_token_fits_a_version_8_qr_code_and_reads_back_with_a_camera_decoder() {
        let token = sign(&credential(), &key(1));
        let code = QrCode::with_error_correction_level(&token, EcLevel::M).unwrap();
        match code.version() {
            Version::Normal(n) => assert!(n <= 8, "version {n}"),
            Version::Micro(n) => panic!("micro version {n}"),
        }
        let img = code
            .render::<image::Luma<u8>>()
            .quiet_zone(true)
            .module_dimensions(4, 4)
            .build();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, token);
        assert!(decode(&content).unwrap().verify(&key(1).verifying_key()));
    }

    proptest! {
        #[test]
        fn decode_never_panics_on_any_string(text in "\\PC*") {
            let _ = decode(&text);
        }

        #[test]
        fn decode_never_panics_on_any_base32_looking_string(
            text in "[ \\r\\n]{0,2}[A-Za-z2-7]{151}[ \\r\\n]{0,2}",
        ) {
            if let Ok(decoded) = decode(&text) {
                prop_assert!(!decoded.verify(&key(1).verifying_key()));
            }
        }

        #[test]
        fn random_signature_bytes_never_verify(
            record in proptest::array::uniform30(any::<u8>()),
            signature in proptest::collection::vec(any::<u8>(), SIGNATURE_LEN),
        ) {
            let mut bytes = record.to_vec();
            bytes[0] = VERSION;
            bytes[1] = 1;
            bytes.extend_from_slice(&signature);
            let decoded = decode(&BASE32_NOPAD.encode(&bytes)).unwrap();
            prop_assert!(!decoded.verify(&key(1).verifying_key()));
        }

        #[test]
        fn any_record_round_trips(
            kind in 1u8..=4, key_id: u16, pass_id: u32, serial: u16,
            valid_from: u32, valid_until: u32, access: u64, photo: u32,
        ) {
            let record = PassRecord {
                kind: PassKind::from_byte(kind).unwrap(),
                key_id, pass_id, serial, valid_from, valid_until, access, photo,
            };
            let decoded = decode(&sign(&record, &key(1))).unwrap();
            prop_assert_eq!(decoded.record, record);
            prop_assert!(decoded.verify(&key(1).verifying_key()));
        }
    }

    /// One `pass-vector` block of docs/pass-format.md.
    struct Vector {
        fields: HashMap<String, String>,
    }

    impl Vector {
        fn get(&self, name: &str) -> &str {
            self.fields
                .get(name)
                .map(String::as_str)
                .unwrap_or_else(|| panic!("vector without {name}: {:?}", self.fields))
        }

        fn number(&self, name: &str) -> Option<u64> {
            let text = self.fields.get(name)?;
            Some(match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
                None => text.parse().unwrap(),
            })
        }
    }

    fn vectors_from_doc() -> Vec<Vector> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/pass-format.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let mut vectors = Vec::new();
        let mut current: Option<HashMap<String, String>> = None;
        for line in doc.lines() {
            let line = line.trim();
            match current.as_mut() {
                None if line == "```pass-vector" => current = Some(HashMap::new()),
                None => {}
                Some(_) if line == "```" => {
                    if let Some(fields) = current.take() {
                        vectors.push(Vector { fields });
                    }
                }
                Some(fields) => {
                    let (name, value) = line.split_once(':').unwrap();
                    fields.insert(name.trim().to_string(), value.trim().to_string());
                }
            }
        }
        vectors
    }

    #[test]
    fn the_test_vectors_of_the_format_document_decode_and_verify_as_stated() {
        let vectors = vectors_from_doc();
        assert!(vectors.len() >= 4, "only {} vectors", vectors.len());
        for vector in &vectors {
            let name = vector.get("name");
            let public = verifying_key_from_hex(vector.get("public_key_hex")).unwrap();
            let secret = signing_key_from_hex(vector.get("secret_key_hex")).unwrap();
            let token = vector.get("token");
            let expect = vector.get("expect");
            let result = decode(token);
            let verdict = match &result {
                Err(DecodeError::Malformed(_)) => "malformed",
                Err(DecodeError::UnsupportedVersion(_)) => "unsupported_version",
                Ok(decoded) if decoded.verify(&public) => "valid",
                Ok(_) => "bad_signature",
            };
            assert_eq!(verdict, expect, "vector {name}");
            let Ok(decoded) = result else { continue };
            let record = decoded.record;
            let expected_fields: [(&str, u64); 7] = [
                ("key_id", record.key_id.into()),
                ("pass_id", record.pass_id.into()),
                ("serial", record.serial.into()),
                ("valid_from", record.valid_from.into()),
                ("valid_until", record.valid_until.into()),
                ("access", record.access),
                ("photo", record.photo.into()),
            ];
            for (field, actual) in expected_fields {
                if let Some(expected) = vector.number(field) {
                    assert_eq!(actual, expected, "vector {name}, field {field}");
                }
            }
            if let Some(kind) = vector.fields.get("kind") {
                assert_eq!(record.kind.as_str(), kind, "vector {name}");
            }
            if expect == "valid" {
                // Ed25519 is deterministic: the stated key re-signs the record to the same text.
                assert_eq!(
                    secret.verifying_key(),
                    public,
                    "vector {name}: secret and public keys differ"
                );
                assert_eq!(
                    sign(&record, &secret),
                    token.trim().to_ascii_uppercase(),
                    "vector {name}"
                );
            }
        }
    }
}
