//! The engine's values: what it reads (guests, hotels, policy, locks) and what it answers
//! (assignments, the guests left out and why, penalties, broken rules).

use std::ops::Range;

use crate::guests::fields::{Category, Gender};

/// A night, counted from the event's first night (0).
pub type Night = u16;

/// A kind of room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoomType {
    Single,
    Twin,
    Suite,
    Accessible,
}

impl RoomType {
    /// Every room type.
    pub const ALL: [RoomType; 4] = [
        RoomType::Single,
        RoomType::Twin,
        RoomType::Suite,
        RoomType::Accessible,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            RoomType::Single => "single",
            RoomType::Twin => "twin",
            RoomType::Suite => "suite",
            RoomType::Accessible => "accessible",
        }
    }

    /// From the stored code.
    pub fn parse(s: &str) -> Option<RoomType> {
        RoomType::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    /// Beds: a twin sleeps two, every other room one.
    pub fn beds(self) -> usize {
        match self {
            RoomType::Twin => 2,
            _ => 1,
        }
    }

    /// The name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            RoomType::Single => "单人间",
            RoomType::Twin => "双人间",
            RoomType::Suite => "套房",
            RoomType::Accessible => "无障碍间",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// Who may share a twin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareBy {
    Delegation,
    Department,
    Organization,
}

impl ShareBy {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareBy::Delegation => "delegation",
            ShareBy::Department => "department",
            ShareBy::Organization => "organization",
        }
    }

    /// From the stored code.
    pub fn parse(s: &str) -> Option<ShareBy> {
        [
            ShareBy::Delegation,
            ShareBy::Department,
            ShareBy::Organization,
        ]
        .into_iter()
        .find(|b| b.as_str() == s.trim())
    }
}

/// What one category gets.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryPolicy {
    pub category: Category,
    /// Hotel ids; empty: any hotel that serves the category.
    pub hotels: Vec<i64>,
    /// Room types in order of preference.
    pub room_types: Vec<RoomType>,
    /// Whether guests of the category share twins.
    pub shared: bool,
    pub share_by: ShareBy,
}

/// Reception's lodging policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub categories: Vec<CategoryPolicy>,
}

impl Policy {
    /// What a category gets; categories the policy leaves out get the default.
    pub fn for_category(&self, category: Category) -> CategoryPolicy {
        self.categories
            .iter()
            .find(|c| c.category == category)
            .cloned()
            .unwrap_or_else(|| default_for(category))
    }

    /// VIPs in suites or singles of their own; everyone else in shared twins — entourage and
    /// delegates with their delegation, journalists with their outlet, staff with their
    /// department — or a single.
    pub fn default_policy() -> Policy {
        Policy {
            categories: Category::ALL.into_iter().map(default_for).collect(),
        }
    }
}

fn default_for(category: Category) -> CategoryPolicy {
    let (room_types, shared, share_by) = match category {
        Category::Vip => (
            vec![RoomType::Suite, RoomType::Single],
            false,
            ShareBy::Delegation,
        ),
        Category::Entourage | Category::Delegate => (
            vec![RoomType::Twin, RoomType::Single],
            true,
            ShareBy::Delegation,
        ),
        Category::Journalist => (
            vec![RoomType::Twin, RoomType::Single],
            true,
            ShareBy::Organization,
        ),
        Category::Staff => (
            vec![RoomType::Twin, RoomType::Single],
            true,
            ShareBy::Department,
        ),
    };
    CategoryPolicy {
        category,
        hotels: Vec::new(),
        room_types,
        shared,
        share_by,
    }
}

/// A guest who needs lodging.
#[derive(Clone, Debug, PartialEq)]
pub struct GuestNeed {
    pub id: i64,
    pub name: String,
    /// No category: treated as a delegate.
    pub category: Option<Category>,
    /// No gender: never shares.
    pub gender: Option<Gender>,
    pub department: i64,
    pub delegation: Option<i64>,
    pub organization: Option<String>,
    pub halal: bool,
    pub accessible: bool,
    pub nights: Range<Night>,
}

impl GuestNeed {
    /// The category the rules apply: a guest without one is treated as a delegate.
    pub fn category(&self) -> Category {
        self.category.unwrap_or(Category::Delegate)
    }
}

/// A hotel and what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct HotelOffer {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub categories: Vec<Category>,
    pub halal: bool,
    pub venue_minutes: u32,
    /// Rooms held per night (index = night), per room type. Types left out hold none.
    pub capacity: Vec<(RoomType, Vec<u32>)>,
}

/// An assignment reception locked: kept when it still obeys the hard rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Locked {
    pub guest: i64,
    pub hotel: i64,
    pub room_type: RoomType,
    /// Locked guests with the same room share it.
    pub room: u32,
}

/// Everything the engine reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// Nights in the event.
    pub nights: Night,
    /// A label per night (`06-18`) for messages.
    pub night_labels: Vec<String>,
    pub guests: Vec<GuestNeed>,
    pub hotels: Vec<HotelOffer>,
    pub policy: Policy,
    pub locked: Vec<Locked>,
}

/// Why a guest is where they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Reception locked it.
    Locked,
    /// With the whole delegation (outlet, department).
    WithGroup,
    /// With the whole group, at the hotel nearest the venue (VIPs).
    NearestVenue,
    /// The group did not fit one hotel: split by category or gender.
    GroupSplit,
    /// Placed alone: no hotel could take the group.
    Alone,
    /// Reception's lock broke a rule and was dropped.
    LockDropped(Rule),
    /// Moved from where the engine first put them, to free a room for another guest.
    Moved,
}

impl Why {
    /// A short sentence.
    pub fn text(self, zh: bool) -> String {
        let (z, e) = match self {
            Why::Locked => ("接待部锁定", "locked by reception"),
            Why::WithGroup => ("与本团（单位）同住一家宾馆", "kept with their group"),
            Why::NearestVenue => (
                "离主场馆最近的可用宾馆",
                "nearest available hotel to the venue",
            ),
            Why::GroupSplit => (
                "本团一家宾馆住不下，按类别或性别分住",
                "group too large for one hotel: split",
            ),
            Why::Alone => (
                "单独安排：本团无法同住",
                "placed alone: the group could not stay together",
            ),
            Why::Moved => (
                "为腾出房间给其他来宾而调整",
                "moved to free a room for another guest",
            ),
            Why::LockDropped(rule) => {
                return if zh {
                    format!("锁定的安排违反规则（{}），已重新安排", rule.message(true))
                } else {
                    format!(
                        "locked assignment broke a rule ({}); placed again",
                        rule.message(false)
                    )
                };
            }
        };
        if zh { z } else { e }.to_string()
    }
}

/// A guest's place.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub guest: i64,
    pub hotel: i64,
    pub room_type: RoomType,
    /// Unique per room within the plan; roommates share it.
    pub room: u32,
    pub nights: Range<Night>,
    pub locked: bool,
    pub why: Why,
}

/// A guest the engine could not place, and why: [`Cause`] as data for any screen, and the
/// sentence in both languages as the plan stores it today.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    pub guest: i64,
    pub cause: Cause,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Why a guest has no room. Either the rules allow none at all ([`Cause::NoRoom`]), or rooms
/// exist under the rules but are taken: then the moves that would free one, when the engine
/// knows some ([`Cause::Movable`]), else which nights every allowed room is taken
/// ([`Cause::Taken`]) or that a room is free every night but never in one hotel
/// ([`Cause::Scattered`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// No room the rules allow, whatever else is placed: `rule` binds on `nights` (the whole
    /// stay unless the shortage is on some nights only, as a block of zero rooms).
    NoRoom { rule: Rule, nights: Range<Night> },
    /// Rooms exist: applying `moves` in order frees a `room_type` room at hotel `hotel` (id)
    /// for the guest's whole stay, and every moved guest keeps a room the rules allow.
    Movable {
        hotel: i64,
        room_type: RoomType,
        moves: Vec<Move>,
    },
    /// Rooms exist under the rules, but on these nights every one the guest may have is
    /// taken, and no move the engine tried frees one without leaving another guest out.
    Taken { nights: Vec<Night> },
    /// A room the guest may have is free every night of the stay, but not in one hotel, and
    /// no move the engine tried joins them.
    Scattered,
}

/// One placed guest moved to another room, to free theirs for someone else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// The guest's position in [`Input::guests`].
    pub guest_index: usize,
    /// The guest's id.
    pub guest: i64,
    /// Hotel ids: where the guest is, and where they go.
    pub from_hotel: i64,
    pub to_hotel: i64,
    /// The room type they get there.
    pub room_type: RoomType,
    /// The guest's nights (the whole stay moves).
    pub nights: Range<Night>,
    /// A guest (id) whose room they join at the new hotel; `None`: a room of their own.
    pub join: Option<i64>,
}

/// Weight of a delegation spread over one more hotel.
pub const SPLIT_WEIGHT: u64 = 100;
/// Weight of an empty bed for a night in a twin meant for sharing.
pub const EMPTY_BED_WEIGHT: u64 = 1;
/// Weight of a VIP's minute to the venue.
pub const VIP_MINUTE_WEIGHT: u64 = 1;
/// Weight of a room-night above 90% of what a hotel holds.
pub const CROWDED_WEIGHT: u64 = 2;

/// Soft-goal penalties (lower is better).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Penalty {
    /// Over delegations: hotels used − 1.
    pub split_delegations: u32,
    /// Empty beds per night in twins whose sleepers may share.
    pub empty_bed_nights: u32,
    /// Minutes to the venue, over VIPs.
    pub vip_minutes: u32,
    /// Rooms above 90% of the held rooms, per hotel, type and night.
    pub crowded_room_nights: u32,
    /// The weighted sum.
    pub total: u64,
}

/// The engine's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// By guest id.
    pub assignments: Vec<Assignment>,
    pub unplaced: Vec<Unplaced>,
    pub penalty: Penalty,
    /// At most this many guests can be placed under the hard rules (the relaxation's bound,
    /// locks counted as the engine keeps them); `None` when the solver gave no answer.
    pub bound: Option<usize>,
}

/// A hard rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    Capacity,
    Category,
    PolicyHotel,
    RoomType,
    Gender,
    ShareKey,
    Nights,
    Halal,
    Access,
    Beds,
    UnknownHotel,
    UnknownGuest,
    Duplicate,
}

impl Rule {
    /// The code.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Capacity => "capacity",
            Rule::Category => "category",
            Rule::PolicyHotel => "policy_hotel",
            Rule::RoomType => "room_type",
            Rule::Gender => "gender",
            Rule::ShareKey => "share_key",
            Rule::Nights => "nights",
            Rule::Halal => "halal",
            Rule::Access => "access",
            Rule::Beds => "beds",
            Rule::UnknownHotel => "unknown_hotel",
            Rule::UnknownGuest => "unknown_guest",
            Rule::Duplicate => "duplicate",
        }
    }

    /// The rule in words.
    pub fn message(self, zh: bool) -> &'static str {
        let (z, e) = match self {
            Rule::Capacity => ("超出宾馆预留房间数", "more rooms than the hotel holds"),
            Rule::Category => (
                "该宾馆不接待此类来宾",
                "the hotel does not serve this category",
            ),
            Rule::PolicyHotel => (
                "住宿政策未指定该宾馆",
                "the policy does not name this hotel",
            ),
            Rule::RoomType => (
                "住宿政策不允许该房型",
                "the policy does not allow this room type",
            ),
            Rule::Gender => ("同住者须为同性", "roommates must be of one gender"),
            Rule::ShareKey => (
                "同住者须为同一代表团（单位）",
                "roommates must be of one delegation (department, outlet)",
            ),
            Rule::Nights => (
                "须按应住日期整段安排在一家宾馆",
                "the whole stay in one hotel",
            ),
            Rule::Halal => (
                "清真来宾须住有清真餐的宾馆",
                "halal guests only where halal food is served",
            ),
            Rule::Access => (
                "需无障碍的来宾须住无障碍间",
                "guests needing access get accessible rooms",
            ),
            Rule::Beds => ("同住人数超过床位", "more sleepers than beds"),
            Rule::UnknownHotel => ("宾馆不存在", "unknown hotel"),
            Rule::UnknownGuest => ("来宾无住宿需求", "the guest needs no lodging"),
            Rule::Duplicate => ("来宾重复安排", "the guest is placed twice"),
        };
        if zh {
            z
        } else {
            e
        }
    }
}

/// A broken hard rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub guest: i64,
    pub rule: Rule,
    pub detail: String,
}
