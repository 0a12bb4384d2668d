//! What an arrangement change did (or, previewed, would do) to each part of a guest's
//! arrangements, as reception reads it before confirming.

use serde::Serialize;
use utoipa::ToSchema;

use crate::hotels::follow::RoomChange;
use crate::meals::entitlements::Entitlement;
use crate::passes::follow::PassChange;
use crate::pickups::reseat::RideChange;

/// A guest's meals before and after.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct MealChange {
    /// Whether what the guest may eat changed (meals already eaten stay eaten).
    pub changed: bool,
    /// Before.
    pub before: Option<Entitlement>,
    /// After.
    pub after: Option<Entitlement>,
}

/// The guest's travel before and after, one direction.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct TravelChange {
    /// `arrival` or `departure`.
    pub direction: String,
    /// Mode, number, hub and time (event time), as the guest would read them.
    pub before: Option<Leg>,
    /// After.
    pub after: Option<Leg>,
}

/// One way of a guest's journey.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Leg {
    /// `flight`, `train`, `car`…
    pub mode: Option<String>,
    /// Flight or train number.
    pub number: Option<String>,
    /// Hub code.
    pub hub: Option<String>,
    /// RFC 3339, event time.
    pub time: Option<String>,
}

/// The one message that tells the guest.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct MailChange {
    /// `queued` (a new message, held briefly), `folded` (into one still waiting: the guest
    /// gets one message for a burst of changes), or `none`.
    pub action: String,
    /// Where it goes (`queued`, `folded`); why not (`none`): `nothing_changed`, `no_email`,
    /// `itinerary_waiting` (the itinerary on its way tells it), `not_written_yet` (the
    /// itinerary, when sent, will).
    pub note: String,
}

/// Something a person must still do.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq)]
pub struct Attention {
    /// `committee` (the room change waits in a plan revision), `unplaced`, `in_house`,
    /// `locked_run`, `needs_car`, `print_card`.
    pub code: String,
    /// In Chinese.
    pub message_zh: String,
    /// In English.
    pub message_en: String,
}

/// What a change did to the guest's arrangements, part by part.
#[derive(Serialize, ToSchema, Clone, Debug, Default, PartialEq)]
pub struct ArrangementReport {
    /// The guest.
    pub guest_id: i64,
    /// `edit`, `withdraw` or `restore`.
    pub change: String,
    /// A preview: nothing was written.
    pub dry_run: bool,
    /// Guest fields that changed.
    pub fields: Vec<String>,
    /// Passes.
    pub pass: PassChange,
    /// Room.
    pub room: RoomChange,
    /// Meals.
    pub meals: MealChange,
    /// Rides, both ways.
    pub rides: Vec<RideChange>,
    /// Travel, both ways (only the ways that changed).
    pub travel: Vec<TravelChange>,
    /// The message to the guest.
    pub mail: MailChange,
    /// What is left for a person.
    pub attention: Vec<Attention>,
}

impl ArrangementReport {
    /// Whether anything the guest reads changed.
    pub fn tells_the_guest(&self) -> bool {
        self.change != "edit"
            || !matches!(self.pass.action.as_str(), "none" | "zones_updated")
            || !matches!(self.room.action.as_str(), "none" | "kept" | "in_house")
            || self.meals.changed
            || self
                .rides
                .iter()
                .any(|r| !matches!(r.action.as_str(), "none" | "kept" | "locked"))
            || !self.travel.is_empty()
    }

    /// Adds what a person must still do, from the parts.
    pub fn collect_attention(&mut self) {
        let mut add = |code: &str, zh: String, en: String| {
            self.attention.push(Attention {
                code: code.into(),
                message_zh: zh,
                message_en: en,
            })
        };
        match self.room.action.as_str() {
            "moved" | "placed" | "released" => add(
                "committee",
                format!(
                    "住宿变动已写入第{}版分配方案，需组委会批准后生效",
                    self.room.revision.unwrap_or(0)
                ),
                format!(
                    "the room change is in plan revision {}; it takes effect once the committee approves it",
                    self.room.revision.unwrap_or(0)
                ),
            ),
            "unplaced" => add(
                "unplaced",
                format!(
                    "暂未安排住宿：{}（见第{}版分配方案）",
                    self.room.reason_zh.clone().unwrap_or_default(),
                    self.room.revision.unwrap_or(0)
                ),
                format!(
                    "no room yet: {} (see plan revision {})",
                    self.room.reason_en.clone().unwrap_or_default(),
                    self.room.revision.unwrap_or(0)
                ),
            ),
            "in_house" => add(
                "in_house",
                "来宾已入住，如需换房请在前台办理".into(),
                "the guest is in house: change the room at the desk if needed".into(),
            ),
            _ => {}
        }
        if self.pass.action == "reissued" {
            add(
                "print_card",
                "证件已按新区域重新签发，请打印新证并收回旧证".into(),
                "the credential was reissued with the new zones: print the new card and take back the old one".into(),
            );
        }
        for r in self.rides.clone() {
            let (zh_dir, en_dir) = match r.direction.as_str() {
                "arrival" => ("接站", "arrival"),
                _ => ("送站", "return"),
            };
            match r.action.as_str() {
                "locked" => add(
                    "locked_run",
                    format!("{zh_dir}车次已锁定或已出发，未自动调整：请人工处理"),
                    format!("the {en_dir} run is locked or under way and was not changed: adjust it by hand"),
                ),
                "needs_car" => add(
                    "needs_car",
                    format!("{zh_dir}暂无合适车次，需安排车辆"),
                    format!("no fitting {en_dir} run: the guest needs a car"),
                ),
                _ => {}
            }
        }
    }
}
