//! Telling the guest once: one "your arrangements changed" message, before → now for each
//! part that changed, held a little (`YINGBIN_MAIL_CHANGE_HOLD_SECS`) so that a burst of
//! edits goes out as one — a later change folds into the message still waiting (keeping the
//! first "before", taking the last "now"). Only guests already written to are told: one whose
//! itinerary is still on its way reads the new arrangements in it, and one never written to
//! gets them in their itinerary.

use serde_json::{json, Value};

use crate::arrangements::change::Ctx;
use crate::arrangements::report::{ArrangementReport, MailChange};
use crate::db::Tx;
use crate::error::AppError;
use crate::outbox::{self, recipient, status, Kind, NewMessage};

/// Messages that tell a guest their arrangements.
const TELLING: [Kind; 6] = [
    Kind::Pass,
    Kind::Itinerary,
    Kind::FlightChange,
    Kind::PickupChange,
    Kind::RoomChange,
    Kind::ArrangementsChanged,
];

/// Queues (or folds) the one message; says what it did.
pub fn tell(tx: &mut Tx, ctx: &Ctx, report: &ArrangementReport) -> Result<MailChange, AppError> {
    let none = |note: &str| MailChange {
        action: "none".into(),
        note: note.into(),
    };
    if !report.tells_the_guest() {
        return Ok(none("nothing_changed"));
    }
    let id = report.guest_id;
    let Some(email) = crate::guests::mail::emails_of(tx, &[id])?.remove(&id) else {
        return Ok(none("no_email"));
    };
    let mut told = false;
    let mut itinerary_waiting = false;
    for (_, kind, _, state) in outbox::of_guests(tx, &[id], &TELLING)? {
        match state.as_str() {
            status::SENT | status::SENDING => told = true,
            status::QUEUED | status::CLAIMED if kind == Kind::Itinerary.as_str() => {
                itinerary_waiting = true
            }
            _ => {}
        }
    }
    if itinerary_waiting {
        return Ok(none(
            "the itinerary still waiting to go tells the new arrangements",
        ));
    }
    if !told {
        return Ok(none(
            "not written to yet: the itinerary will tell the arrangements",
        ));
    }
    let due = tx.now() + ctx.hold;
    let facts = facts(report);
    if let Some((waiting, params)) = outbox::waiting_for_guest(tx, id, Kind::ArrangementsChanged)? {
        let old: Value = serde_json::from_str(&params).unwrap_or(Value::Null);
        if outbox::refold(tx, waiting, &fold(&old, &facts), due)? {
            return Ok(MailChange {
                action: "folded".into(),
                note: email,
            });
        }
    }
    let message = NewMessage::new(
        Kind::ArrangementsChanged,
        (recipient::GUEST, id),
        &email,
        id,
        &ctx.user.username,
    )
    .with_params(facts)
    .due_at(due);
    outbox::queue(tx, &message)?;
    Ok(MailChange {
        action: "queued".into(),
        note: email,
    })
}

/// What the letter says, from the report: each part as before → after.
fn facts(r: &ArrangementReport) -> Value {
    let pass = (!matches!(r.pass.action.as_str(), "none" | "zones_updated")).then(|| {
        json!({
            "action": r.pass.action,
            "before": {"zones": r.pass.zones_before, "serial": r.pass.before.as_ref().map(|p| p.serial)},
            "after": {"zones": r.pass.zones_after, "serial": r.pass.after.as_ref().map(|p| p.serial)},
            "pass_id": r.pass.after.as_ref().or(r.pass.before.as_ref()).map(|p| p.id),
        })
    });
    let room = (!matches!(r.room.action.as_str(), "none" | "kept" | "in_house")).then(|| {
        json!({
            "action": r.room.action,
            "before": r.room.before,
            "after": r.room.after,
            "pending": r.room.plan_status.is_some(),
        })
    });
    let meals = r
        .meals
        .changed
        .then(|| json!({"before": r.meals.before, "after": r.meals.after}));
    let rides: Vec<Value> = r
        .rides
        .iter()
        .filter(|x| !matches!(x.action.as_str(), "none" | "kept" | "locked"))
        .map(|x| json!({"direction": x.direction, "action": x.action, "before": x.before, "after": x.after}))
        .collect();
    let travel: Vec<Value> = r
        .travel
        .iter()
        .map(|t| json!({"direction": t.direction, "before": t.before, "after": t.after}))
        .collect();
    json!({
        "change": r.change,
        "pass": pass,
        "room": room,
        "meals": meals,
        "rides": rides,
        "travel": travel,
    })
}

/// A later change folded into a message still waiting: for each part, the first "before" and
/// the last "after"; a withdrawal or restore says so.
fn fold(old: &Value, new: &Value) -> Value {
    let mut out = new.clone();
    if old["change"] != "edit" && new["change"] == "edit" {
        out["change"] = old["change"].clone();
    }
    for part in ["pass", "room", "meals"] {
        if !old[part].is_null() {
            if out[part].is_null() {
                out[part] = old[part].clone();
            } else {
                out[part]["before"] = old[part]["before"].clone();
            }
        }
    }
    for list in ["rides", "travel"] {
        let mut merged: Vec<Value> = new[list].as_array().cloned().unwrap_or_default();
        for o in old[list].as_array().into_iter().flatten() {
            match merged.iter_mut().find(|n| n["direction"] == o["direction"]) {
                Some(n) => n["before"] = o["before"].clone(),
                None => merged.push(o.clone()),
            }
        }
        out[list] = Value::Array(merged);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_change_keeps_the_first_before_and_the_last_after() {
        let first = json!({"change": "edit", "room": {"before": "A", "after": "B"},
            "pass": null, "meals": null,
            "rides": [{"direction": "arrival", "before": 1, "after": 2}], "travel": []});
        let second = json!({"change": "edit", "room": {"before": "B", "after": "C"},
            "pass": {"before": "x", "after": "y"}, "meals": null,
            "rides": [{"direction": "arrival", "before": 2, "after": 3}], "travel": []});
        let f = fold(&first, &second);
        assert_eq!(f["room"], json!({"before": "A", "after": "C"}));
        assert_eq!(f["pass"], json!({"before": "x", "after": "y"}));
        assert_eq!(f["rides"][0]["before"], 1);
        assert_eq!(f["rides"][0]["after"], 3);
    }

    #[test]
    fn an_edit_after_a_withdrawal_still_tells_of_the_withdrawal() {
        let first = json!({"change": "withdraw", "rides": [], "travel": []});
        let second = json!({"change": "edit", "rides": [], "travel": []});
        assert_eq!(fold(&first, &second)["change"], "withdraw");
    }
}
