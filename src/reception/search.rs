//! One search box for everyone: a name in Chinese or Latin letters, a ref, a phone number, a
//! pass number as printed ("No. 1337-1", "1337-1", "1337") or a plate finds guests, passes
//! and cars — each only for the roles that may see that list, within their scope (a
//! department sees its own guests and their passes).

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Role};
use crate::db::DbConn;
use crate::error::AppError;
use crate::guests::service::list_guests;
use crate::guests::GuestFilter;
use crate::guests::GuestResponse;
use crate::passes::{PassFilter, PassResponse};

/// At most this many of each.
const EACH: i64 = 8;

const GUEST_READERS: &[Role] = crate::guests::routes::READERS;
const PASS_READERS: &[Role] = crate::passes::routes::CREDENTIAL_VIEWERS;
const CAR_READERS: &[Role] = crate::passes::routes::VEHICLE_VIEWERS;

/// What a search found; a list the role may not see is absent.
#[derive(Serialize, ToSchema, Debug, Default)]
pub struct SearchResults {
    pub q: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests: Option<Vec<GuestResponse>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passes: Option<Vec<PassResponse>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cars: Option<Vec<PassResponse>>,
}

/// A pass number as people write it: `No. 1337-1`, `1337-1`, `#1337`, `1337`.
pub fn pass_number(q: &str) -> Option<(i64, Option<i32>)> {
    let t = q
        .trim()
        .trim_start_matches(['N', 'n'])
        .trim_start_matches(['O', 'o']);
    let t = t.trim_start_matches(['.', '#', '°', ':']).trim();
    let (id, serial) = match t.split_once('-') {
        Some((a, b)) => (a.trim(), Some(b.trim())),
        None => (t, None),
    };
    let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
    match serial {
        Some(s) => Some((id, Some(s.parse().ok()?))),
        None => Some((id, None)),
    }
}

/// A plate as typed (`京A 12345`, `jA12345`): upper case, no spaces or dots.
fn plate_text(q: &str) -> String {
    q.chars()
        .filter(|c| !c.is_whitespace() && *c != '·' && *c != '.' && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Searches everything `user` may see.
pub fn search(
    conn: &mut DbConn,
    user: &CurrentUser,
    q: &str,
    tz: chrono_tz::Tz,
) -> Result<SearchResults, AppError> {
    let q = q.trim();
    let mut out = SearchResults {
        q: q.to_string(),
        ..Default::default()
    };
    if q.is_empty() {
        return Ok(out);
    }
    let scoped = |q: Option<String>| GuestFilter {
        q,
        scope_department_id: user.department_scope(),
        ..Default::default()
    };
    if GUEST_READERS.contains(&user.role) {
        let (_, guests) = list_guests(conn, user, scoped(Some(q.to_string())), EACH, 0, tz)?;
        out.guests = Some(guests);
    }
    if PASS_READERS.contains(&user.role) {
        let mut found = Vec::new();
        if let Some((id, serial)) = pass_number(q) {
            let filter = PassFilter {
                ids: Some(vec![id]),
                ..Default::default()
            };
            // A department sees its own guests' passes; everyone else any pass, holder or
            // not (a car's pass, an invitee's ticket).
            let confine = user.department_scope().map(|_| scoped(None));
            let (_, by_number) =
                crate::passes::service::list(conn, &filter, confine.as_ref(), EACH, 0, tz)?;
            found.extend(
                by_number
                    .into_iter()
                    .filter(|p| serial.is_none_or(|s| p.serial == s)),
            );
        }
        let (_, by_holder) = crate::passes::service::list(
            conn,
            &PassFilter::default(),
            Some(&scoped(Some(q.to_string()))),
            EACH,
            0,
            tz,
        )?;
        for p in by_holder {
            if !found.iter().any(|f| f.id == p.id) {
                found.push(p);
            }
        }
        found.truncate(EACH as usize);
        out.passes = Some(found);
    }
    if CAR_READERS.contains(&user.role) {
        let plate = plate_text(q);
        let cars = if plate.chars().count() >= 2 {
            let filter = PassFilter {
                kind: Some("vehicle".into()),
                plate: Some(plate),
                ..Default::default()
            };
            crate::passes::service::list(conn, &filter, None, EACH, 0, tz)?.1
        } else {
            Vec::new()
        };
        out.cars = Some(cars);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_number_is_read_as_printed_or_typed() {
        assert_eq!(pass_number("No. 1337-1"), Some((1337, Some(1))));
        assert_eq!(pass_number("1337-2"), Some((1337, Some(2))));
        assert_eq!(pass_number("#1337"), Some((1337, None)));
        assert_eq!(pass_number("1337"), Some((1337, None)));
        assert_eq!(pass_number("周静"), None);
        assert_eq!(pass_number("1337-x"), None);
        assert_eq!(pass_number("0"), None);
    }

    #[test]
    fn a_plate_is_compared_without_spaces_or_case() {
        assert_eq!(plate_text("京a 12345"), "京A12345");
        assert_eq!(plate_text(" jA·123 "), "JA123");
    }
}
