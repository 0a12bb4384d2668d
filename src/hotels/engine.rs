//! The allocation engine: who sleeps in which designated hotel, in which room type, with whom.
//! Pure: plain values in, a plan out; no database, no clock, no randomness. The same input
//! gives the same plan (every map is ordered).
//!
//! Hard rules, never broken (and checked independently by [`violations`]):
//! - rooms of a type occupied on a night never exceed what the hotel holds that night;
//! - a guest only in a hotel serving their category (and, when the policy names hotels, one
//!   of those), halal guests only where halal food is served;
//! - guests needing access get accessible rooms; others only the room types their policy lists;
//! - roommates are of one gender and one share key (delegation, department or media outlet, as
//!   the policy says), and both their policies allow sharing; no more sleepers than beds;
//! - one hotel and one room for a guest's whole stay.
//!
//! Soft goals, weighed in [`Penalty`]: delegations kept in one hotel (a VIP with their
//! entourage too), rooms filled before new ones open, VIPs nearest the venue, load spread.
//!
//! How it places: guests are grouped in clusters (a delegation; else a media outlet for
//! journalists; else a department), VIP clusters first, then the largest. A cluster goes whole
//! to the hotel that can take all of it — one already hosting the cluster, else the nearest
//! for VIPs, else the one left with the most spare rooms. A cluster no hotel can take whole is
//! split by category, then by gender, then guest by guest. Inside a hotel, guests who may share
//! join an open twin of their gender and share key whose nights cover theirs before a new room
//! opens; longer stays go first so shorter ones can join them.

use std::collections::{BTreeMap, BTreeSet};
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

    fn index(self) -> usize {
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
    fn category(&self) -> Category {
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

/// A guest the engine could not place, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    pub guest: i64,
    pub reason_zh: String,
    pub reason_en: String,
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

// --- shared checks -----------------------------------------------------------------------

/// Who a guest may share with: same gender and same key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ShareKey {
    Delegation(i64),
    Department(i64),
    Organization(String),
}

/// The guest's sharing key, `None` when they must sleep alone.
fn share_key(g: &GuestNeed, p: &CategoryPolicy) -> Option<(Gender, ShareKey)> {
    if !p.shared {
        return None;
    }
    let gender = g.gender?;
    let key = match p.share_by {
        ShareBy::Delegation => ShareKey::Delegation(g.delegation?),
        ShareBy::Department => ShareKey::Department(g.department),
        ShareBy::Organization => ShareKey::Organization(g.organization.clone()?),
    };
    Some((gender, key))
}

/// Whether the guest may stay at the hotel at all.
fn hotel_allows(g: &GuestNeed, p: &CategoryPolicy, h: &HotelOffer) -> Result<(), Rule> {
    if !h.categories.contains(&g.category()) {
        return Err(Rule::Category);
    }
    if !p.hotels.is_empty() && !p.hotels.contains(&h.id) {
        return Err(Rule::PolicyHotel);
    }
    if g.halal && !h.halal {
        return Err(Rule::Halal);
    }
    Ok(())
}

/// The room types a guest may have, best first. A guest needing access gets accessible rooms;
/// one who cannot share takes a one-bed room before a twin (no bed left empty for nothing).
fn room_types(g: &GuestNeed, p: &CategoryPolicy) -> Vec<RoomType> {
    if g.accessible {
        return vec![RoomType::Accessible];
    }
    if share_key(g, p).is_some() {
        return p.room_types.clone();
    }
    let mut types: Vec<RoomType> = p
        .room_types
        .iter()
        .copied()
        .filter(|t| t.beds() == 1)
        .collect();
    types.extend(p.room_types.iter().copied().filter(|t| t.beds() > 1));
    types
}

fn type_allowed(g: &GuestNeed, p: &CategoryPolicy, t: RoomType) -> Result<(), Rule> {
    match (g.accessible, t) {
        (true, RoomType::Accessible) => Ok(()),
        (true, _) => Err(Rule::Access),
        (false, t) if p.room_types.contains(&t) => Ok(()),
        _ => Err(Rule::RoomType),
    }
}

fn label(input: &Input, n: Night) -> String {
    input
        .night_labels
        .get(usize::from(n))
        .cloned()
        .unwrap_or_else(|| format!("#{n}"))
}

/// Rooms held, as a flat table: hotel × type × night.
struct Grid {
    nights: usize,
    cells: Vec<u32>,
}

impl Grid {
    fn zero(hotels: usize, nights: Night) -> Grid {
        let nights = usize::from(nights);
        Grid {
            nights,
            cells: vec![0; hotels * RoomType::ALL.len() * nights],
        }
    }

    fn capacity(input: &Input) -> Grid {
        let mut g = Grid::zero(input.hotels.len(), input.nights);
        for (h, hotel) in input.hotels.iter().enumerate() {
            for (t, per_night) in &hotel.capacity {
                for (n, rooms) in per_night.iter().enumerate().take(g.nights) {
                    let i = g.at(h, *t, n);
                    g.cells[i] += rooms;
                }
            }
        }
        g
    }

    fn at(&self, h: usize, t: RoomType, n: usize) -> usize {
        (h * RoomType::ALL.len() + t.index()) * self.nights + n
    }

    fn row(&self, h: usize, t: RoomType) -> &[u32] {
        let start = self.at(h, t, 0);
        &self.cells[start..start + self.nights]
    }
}

// --- the independent checker -------------------------------------------------------------

/// Every hard rule the assignments break. Used by the property tests, the benchmark and the
/// service (to check reception's edits), so it knows nothing of how the engine works.
pub fn violations(input: &Input, assignments: &[Assignment]) -> Vec<Violation> {
    let guests: BTreeMap<i64, &GuestNeed> = input.guests.iter().map(|g| (g.id, g)).collect();
    let hotels: BTreeMap<i64, usize> = input
        .hotels
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id, i))
        .collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut rooms: BTreeMap<(i64, u32), Vec<(&Assignment, &GuestNeed)>> = BTreeMap::new();
    let v = |guest: i64, rule: Rule, detail: String| Violation {
        guest,
        rule,
        detail,
    };
    for a in assignments {
        if !seen.insert(a.guest) {
            out.push(v(
                a.guest,
                Rule::Duplicate,
                format!("guest {} twice", a.guest),
            ));
            continue;
        }
        let Some(g) = guests.get(&a.guest) else {
            out.push(v(a.guest, Rule::UnknownGuest, format!("guest {}", a.guest)));
            continue;
        };
        let Some(&h) = hotels.get(&a.hotel) else {
            out.push(v(a.guest, Rule::UnknownHotel, format!("hotel {}", a.hotel)));
            continue;
        };
        let hotel = &input.hotels[h];
        let p = input.policy.for_category(g.category());
        if let Err(rule) = hotel_allows(g, &p, hotel) {
            out.push(v(a.guest, rule, format!("{} at {}", g.name, hotel.code)));
        }
        if let Err(rule) = type_allowed(g, &p, a.room_type) {
            out.push(v(
                a.guest,
                rule,
                format!("{} in a {} room", g.name, a.room_type.as_str()),
            ));
        }
        if a.nights != g.nights {
            out.push(v(
                a.guest,
                Rule::Nights,
                format!("{} booked {:?}, stays {:?}", g.name, a.nights, g.nights),
            ));
        }
        rooms.entry((a.hotel, a.room)).or_default().push((a, g));
    }
    // Rooms: one type, beds, who shares with whom; then rooms per type per night.
    let mut used = Grid::zero(input.hotels.len(), input.nights);
    for ((hotel, room), members) in &rooms {
        let Some(&h) = hotels.get(hotel) else {
            continue;
        };
        let t = members[0].0.room_type;
        if let Some((a, _)) = members.iter().find(|(a, _)| a.room_type != t) {
            out.push(v(
                a.guest,
                Rule::Beds,
                format!("room {room} mixes room types"),
            ));
        }
        let mut nights = BTreeSet::new();
        for (a, _) in members {
            nights.extend(a.nights.clone().filter(|n| usize::from(*n) < used.nights));
        }
        for n in &nights {
            let present: Vec<&(&Assignment, &GuestNeed)> = members
                .iter()
                .filter(|(a, _)| a.nights.contains(n))
                .collect();
            if present.len() > t.beds() {
                out.push(v(
                    present[t.beds()].0.guest,
                    Rule::Beds,
                    format!(
                        "room {room} ({}): {} sleepers on {}",
                        t.as_str(),
                        present.len(),
                        label(input, *n)
                    ),
                ));
                break;
            }
        }
        for (i, (a, ga)) in members.iter().enumerate() {
            for (b, gb) in members.iter().skip(i + 1) {
                if a.nights.start >= b.nights.end || b.nights.start >= a.nights.end {
                    continue;
                }
                let ka = share_key(ga, &input.policy.for_category(ga.category()));
                let kb = share_key(gb, &input.policy.for_category(gb.category()));
                let rule = match (&ka, &kb) {
                    (Some((sa, _)), Some((sb, _))) if sa != sb => Some(Rule::Gender),
                    (Some(x), Some(y)) if x == y => None,
                    (Some(_), Some(_)) => Some(Rule::ShareKey),
                    _ if ga.gender != gb.gender || ga.gender.is_none() => Some(Rule::Gender),
                    _ => Some(Rule::ShareKey),
                };
                if let Some(rule) = rule {
                    out.push(v(
                        b.guest,
                        rule,
                        format!("{} with {} in room {room}", gb.name, ga.name),
                    ));
                }
            }
        }
        for n in nights {
            let i = used.at(h, t, usize::from(n));
            used.cells[i] += 1;
        }
    }
    let cap = Grid::capacity(input);
    for (h, hotel) in input.hotels.iter().enumerate() {
        for t in RoomType::ALL {
            let over = used
                .row(h, t)
                .iter()
                .zip(cap.row(h, t))
                .position(|(u, c)| u > c);
            if let Some(n) = over {
                let (u, c) = (used.row(h, t)[n], cap.row(h, t)[n]);
                let n = Night::try_from(n).unwrap_or(0);
                // Blame the newest room of that type there that night: usually the edit.
                let guest = rooms
                    .iter()
                    .rev()
                    .find(|((hid, _), m)| {
                        *hid == hotel.id
                            && m[0].0.room_type == t
                            && m.iter().any(|(a, _)| a.nights.contains(&n))
                    })
                    .map_or(0, |(_, m)| m[0].0.guest);
                out.push(v(
                    guest,
                    Rule::Capacity,
                    format!(
                        "{} rooms at {} on {}: {c} held, {u} used",
                        t.as_str(),
                        hotel.code,
                        label(input, n)
                    ),
                ));
            }
        }
    }
    out
}

// --- penalties ---------------------------------------------------------------------------

/// The soft-goal penalties of some assignments.
pub fn penalty(input: &Input, assignments: &[Assignment]) -> Penalty {
    let guests: BTreeMap<i64, &GuestNeed> = input.guests.iter().map(|g| (g.id, g)).collect();
    let hotels: BTreeMap<i64, usize> = input
        .hotels
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id, i))
        .collect();
    let mut by_delegation: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut rooms: BTreeMap<(i64, u32), Vec<&Assignment>> = BTreeMap::new();
    let mut p = Penalty::default();
    for a in assignments {
        let Some(g) = guests.get(&a.guest) else {
            continue;
        };
        if let Some(d) = g.delegation {
            by_delegation.entry(d).or_default().insert(a.hotel);
        }
        if g.category == Some(Category::Vip) {
            if let Some(&h) = hotels.get(&a.hotel) {
                p.vip_minutes += input.hotels[h].venue_minutes;
            }
        }
        rooms.entry((a.hotel, a.room)).or_default().push(a);
    }
    p.split_delegations = by_delegation.values().map(|hs| hs.len() as u32 - 1).sum();
    let mut used = Grid::zero(input.hotels.len(), input.nights);
    for ((hotel, _), members) in &rooms {
        let Some(&h) = hotels.get(hotel) else {
            continue;
        };
        let t = members[0].room_type;
        let sharing = t.beds() > 1
            && members.iter().any(|a| {
                guests.get(&a.guest).is_some_and(|g| {
                    share_key(g, &input.policy.for_category(g.category())).is_some()
                })
            });
        for n in 0..used.nights {
            let present = members
                .iter()
                .filter(|a| a.nights.contains(&(n as Night)))
                .count();
            if present > 0 {
                let i = used.at(h, t, n);
                used.cells[i] += 1;
                if sharing {
                    p.empty_bed_nights += t.beds().saturating_sub(present) as u32;
                }
            }
        }
    }
    let cap = Grid::capacity(input);
    for (u, c) in used.cells.iter().zip(&cap.cells) {
        let threshold = c * 9 / 10;
        if *c > 0 && u > &threshold {
            p.crowded_room_nights += u - threshold;
        }
    }
    p.total = SPLIT_WEIGHT * u64::from(p.split_delegations)
        + EMPTY_BED_WEIGHT * u64::from(p.empty_bed_nights)
        + VIP_MINUTE_WEIGHT * u64::from(p.vip_minutes)
        + CROWDED_WEIGHT * u64::from(p.crowded_room_nights);
    p
}

// --- the engine --------------------------------------------------------------------------

/// A guest as the engine works with them.
struct Need<'a> {
    guest: &'a GuestNeed,
    policy: CategoryPolicy,
    key: Option<(Gender, ShareKey)>,
    types: Vec<RoomType>,
    /// Hotels (indices) the guest may stay at.
    hotels: Vec<usize>,
}

/// A room a try opens: type, nights, share key, and whether its beds are all taken.
type Opened = (RoomType, Range<Night>, Option<(Gender, ShareKey)>, bool);

/// A room in the making.
struct Room {
    hotel: usize,
    room_type: RoomType,
    /// The first sleeper's nights; later ones fit inside.
    nights: Range<Night>,
    key: Option<(Gender, ShareKey)>,
    sleepers: Vec<usize>,
    locked: bool,
}

/// Where a guest goes in a hotel.
#[derive(Clone, Copy)]
enum Spot {
    /// Into an existing room with a free bed.
    Join(usize),
    /// Into a room opened by an earlier guest of the same try.
    JoinNew(usize),
    /// A new room of this type.
    Open(RoomType),
}

struct State<'a> {
    input: &'a Input,
    needs: Vec<Need<'a>>,
    cap: Grid,
    used: Grid,
    /// Room-nights held and used per hotel (for spreading load).
    held_total: Vec<u64>,
    used_total: Vec<u64>,
    rooms: Vec<Room>,
    /// Twins with one sleeper and a free bed, by hotel, type and share key.
    open: BTreeMap<(usize, RoomType, u8, ShareKey), Vec<usize>>,
    placed: Vec<Option<(usize, Why)>>,
}

impl<'a> State<'a> {
    fn new(input: &'a Input) -> State<'a> {
        let needs: Vec<Need> = input
            .guests
            .iter()
            .map(|g| {
                let policy = input.policy.for_category(g.category());
                Need {
                    guest: g,
                    key: share_key(g, &policy),
                    types: room_types(g, &policy),
                    hotels: input
                        .hotels
                        .iter()
                        .enumerate()
                        .filter(|(_, h)| hotel_allows(g, &policy, h).is_ok())
                        .map(|(i, _)| i)
                        .collect(),
                    policy,
                }
            })
            .collect();
        let cap = Grid::capacity(input);
        let per_hotel = RoomType::ALL.len() * cap.nights;
        let held_total = (0..input.hotels.len())
            .map(|h| {
                cap.cells[h * per_hotel..(h + 1) * per_hotel]
                    .iter()
                    .map(|c| u64::from(*c))
                    .sum()
            })
            .collect();
        State {
            input,
            placed: vec![None; needs.len()],
            needs,
            used: Grid::zero(input.hotels.len(), input.nights),
            cap,
            held_total,
            used_total: vec![0; input.hotels.len()],
            rooms: Vec::new(),
            open: BTreeMap::new(),
        }
    }

    fn fits(&self, h: usize, t: RoomType, nights: &Range<Night>, extra: &[u32]) -> bool {
        nights.clone().all(|n| {
            let n = usize::from(n);
            n < self.cap.nights && {
                let i = self.cap.at(h, t, n);
                self.used.cells[i] + extra[t.index() * self.cap.nights + n] < self.cap.cells[i]
            }
        })
    }

    /// Where each of `members` would go in hotel `h`, or `None` when one of them does not fit.
    /// Nothing changes: the caller commits.
    fn try_hotel(&self, h: usize, members: &[usize]) -> Option<Vec<Spot>> {
        let nights = self.cap.nights;
        let mut extra = vec![0u32; RoomType::ALL.len() * nights];
        let mut joined: BTreeSet<usize> = BTreeSet::new();
        // Rooms this try opens: (type, nights, key, full).
        let mut opened: Vec<Opened> = Vec::new();
        let mut spots = Vec::with_capacity(members.len());
        for &m in members {
            let need = &self.needs[m];
            if !need.hotels.contains(&h) {
                return None;
            }
            let g = &need.guest.nights;
            let mut spot = None;
            if let Some((gender, key)) = &need.key {
                for &t in need.types.iter().filter(|t| t.beds() > 1) {
                    let existing =
                        self.open
                            .get(&(h, t, *gender as u8, key.clone()))
                            .and_then(|rooms| {
                                rooms.iter().copied().find(|r| {
                                    !joined.contains(r) && {
                                        let n = &self.rooms[*r].nights;
                                        n.start <= g.start && g.end <= n.end
                                    }
                                })
                            });
                    if let Some(r) = existing {
                        joined.insert(r);
                        spot = Some(Spot::Join(r));
                        break;
                    }
                    let fresh = opened.iter().position(|(ot, on, ok, full)| {
                        !*full
                            && *ot == t
                            && on.start <= g.start
                            && g.end <= on.end
                            && ok.as_ref() == need.key.as_ref()
                    });
                    if let Some(i) = fresh {
                        opened[i].3 = true;
                        spot = Some(Spot::JoinNew(i));
                        break;
                    }
                }
            }
            if spot.is_none() {
                for &t in &need.types {
                    if self.fits(h, t, g, &extra) {
                        for n in g.clone() {
                            extra[t.index() * nights + usize::from(n)] += 1;
                        }
                        let shareable = t.beds() > 1 && need.key.is_some();
                        opened.push((t, g.clone(), need.key.clone(), !shareable));
                        spot = Some(Spot::Open(t));
                        break;
                    }
                }
            }
            spots.push(spot?);
        }
        Some(spots)
    }

    /// Places `members` in hotel `h` as `spots` says.
    fn commit(&mut self, h: usize, members: &[usize], spots: &[Spot], why: Why) {
        let mut opened: Vec<usize> = Vec::new();
        for (&m, spot) in members.iter().zip(spots) {
            let room = match *spot {
                Spot::Join(r) => r,
                Spot::JoinNew(i) => opened[i],
                Spot::Open(t) => {
                    let nights = self.needs[m].guest.nights.clone();
                    self.occupy(h, t, &nights);
                    self.rooms.push(Room {
                        hotel: h,
                        room_type: t,
                        nights,
                        key: self.needs[m].key.clone(),
                        sleepers: Vec::new(),
                        locked: false,
                    });
                    opened.push(self.rooms.len() - 1);
                    self.rooms.len() - 1
                }
            };
            self.seat(m, room, why);
        }
    }

    fn occupy(&mut self, h: usize, t: RoomType, nights: &Range<Night>) {
        for n in nights.clone() {
            let i = self.used.at(h, t, usize::from(n));
            self.used.cells[i] += 1;
        }
        self.used_total[h] += u64::from(nights.end - nights.start);
    }

    /// Puts guest `m` in `room`, keeping the list of twins with a free bed current.
    fn seat(&mut self, m: usize, room: usize, why: Why) {
        let r = &mut self.rooms[room];
        r.sleepers.push(m);
        let slot = r
            .key
            .clone()
            .map(|(gender, key)| (r.hotel, r.room_type, gender as u8, key));
        let free = r.sleepers.len() < r.room_type.beds();
        if let Some(slot) = slot {
            let list = self.open.entry(slot).or_default();
            match (free, list.iter().position(|x| *x == room)) {
                (true, None) => list.push(room),
                (false, Some(i)) => {
                    list.remove(i);
                }
                _ => {}
            }
        }
        self.placed[m] = Some((room, why));
    }

    /// The best hotel for a group and where each member goes there.
    fn choose(
        &self,
        members: &[usize],
        cluster_hotels: &BTreeSet<usize>,
    ) -> Option<(usize, Vec<Spot>)> {
        let vip = members
            .iter()
            .any(|m| self.needs[*m].guest.category == Some(Category::Vip));
        let candidates = &self.needs[members[0]].hotels;
        let mut best: Option<((bool, i64), usize, Vec<Spot>)> = None;
        for &h in candidates {
            let Some(spots) = self.try_hotel(h, members) else {
                continue;
            };
            // Lower is better: a hotel the cluster is in already, then distance for VIPs,
            // else the share of the hotel's room-nights left in use after placing.
            let with_cluster = !cluster_hotels.contains(&h);
            let score = if vip {
                i64::from(self.input.hotels[h].venue_minutes)
            } else {
                let added: u64 = members
                    .iter()
                    .map(|m| {
                        u64::from(
                            self.needs[*m].guest.nights.end - self.needs[*m].guest.nights.start,
                        )
                    })
                    .sum();
                let held = self.held_total[h].max(1);
                i64::try_from((self.used_total[h] + added) * 1_000_000 / held).unwrap_or(i64::MAX)
            };
            if best
                .as_ref()
                .is_none_or(|(s, _, _)| (with_cluster, score) < *s)
            {
                best = Some(((with_cluster, score), h, spots));
            }
        }
        best.map(|(_, h, spots)| (h, spots))
    }

    /// Places a group whole, or splits it: by category, then by gender, then guest by guest.
    fn place_group(
        &mut self,
        members: Vec<usize>,
        level: u8,
        cluster_hotels: &mut BTreeSet<usize>,
        out: &mut Vec<usize>,
    ) {
        if members.is_empty() {
            return;
        }
        if let Some((h, spots)) = self.choose(&members, cluster_hotels) {
            let vip = members
                .iter()
                .any(|m| self.needs[*m].guest.category == Some(Category::Vip));
            let why = match level {
                0 if vip => Why::NearestVenue,
                0 => Why::WithGroup,
                3 => Why::Alone,
                _ => Why::GroupSplit,
            };
            self.commit(h, &members, &spots, why);
            cluster_hotels.insert(h);
            return;
        }
        if level >= 3 {
            out.extend(members);
            return;
        }
        let key = |s: &Self, m: usize| -> (u8, u8) {
            let g = s.needs[m].guest;
            let cat = Category::ALL
                .iter()
                .position(|c| *c == g.category())
                .unwrap_or(0) as u8;
            let gender = match g.gender {
                Some(Gender::M) => 0,
                Some(Gender::F) => 1,
                None => 2,
            };
            match level {
                0 => (cat, 0),
                1 => (cat, gender),
                _ => (0, 0),
            }
        };
        if level == 2 {
            for m in members {
                self.place_group(vec![m], 3, cluster_hotels, out);
            }
            return;
        }
        let mut parts: BTreeMap<(u8, u8), Vec<usize>> = BTreeMap::new();
        for m in members {
            parts.entry(key(self, m)).or_default().push(m);
        }
        for (_, part) in parts {
            self.place_group(part, level + 1, cluster_hotels, out);
        }
    }

    /// Keeps reception's locks that still obey the rules; returns the guests whose lock broke one.
    fn place_locked(&mut self) -> BTreeMap<usize, Rule> {
        let index: BTreeMap<i64, usize> = self
            .needs
            .iter()
            .enumerate()
            .map(|(i, n)| (n.guest.id, i))
            .collect();
        let hotels: BTreeMap<i64, usize> = self
            .input
            .hotels
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id, i))
            .collect();
        let mut dropped = BTreeMap::new();
        let mut groups: BTreeMap<(i64, u32), Vec<(usize, RoomType)>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for l in &self.input.locked {
            let Some(&m) = index.get(&l.guest) else {
                continue;
            };
            if !seen.insert(m) {
                continue;
            }
            groups
                .entry((l.hotel, l.room))
                .or_default()
                .push((m, l.room_type));
        }
        for ((hotel, _), mut members) in groups {
            let Some(&h) = hotels.get(&hotel) else {
                for (m, _) in members {
                    dropped.insert(m, Rule::UnknownHotel);
                }
                continue;
            };
            // Members with their own problem first; then the room as a whole.
            members.retain(|(m, t)| {
                let need = &self.needs[*m];
                let own = hotel_allows(need.guest, &need.policy, &self.input.hotels[h])
                    .and_then(|_| type_allowed(need.guest, &need.policy, *t));
                if let Err(rule) = own {
                    dropped.insert(*m, rule);
                }
                own.is_ok()
            });
            // The longest stay opens the room; the others must fit inside it.
            members.sort_by_key(|(m, _)| {
                std::cmp::Reverse(
                    self.needs[*m].guest.nights.end - self.needs[*m].guest.nights.start,
                )
            });
            let Some(&(first, t)) = members.first() else {
                continue;
            };
            let mut room_ok: Vec<(usize, RoomType)> = vec![(first, t)];
            for &(m, mt) in members.iter().skip(1) {
                let (a, b) = (&self.needs[first], &self.needs[m]);
                let inside = a.guest.nights.start <= b.guest.nights.start
                    && b.guest.nights.end <= a.guest.nights.end;
                let rule = if mt != t || room_ok.len() >= t.beds() {
                    Some(Rule::Beds)
                } else if a.key.is_none()
                    || b.key.is_none()
                    || a.key.as_ref().map(|k| k.0) != b.key.as_ref().map(|k| k.0)
                {
                    Some(Rule::Gender)
                } else if a.key != b.key {
                    Some(Rule::ShareKey)
                } else if !inside {
                    Some(Rule::Nights)
                } else {
                    None
                };
                match rule {
                    Some(rule) => {
                        dropped.insert(m, rule);
                    }
                    None => room_ok.push((m, mt)),
                }
            }
            let nights = self.needs[first].guest.nights.clone();
            let none = vec![0u32; RoomType::ALL.len() * self.cap.nights];
            if !self.fits(h, t, &nights, &none) {
                for (m, _) in room_ok {
                    dropped.insert(m, Rule::Capacity);
                }
                continue;
            }
            self.occupy(h, t, &nights);
            self.rooms.push(Room {
                hotel: h,
                room_type: t,
                nights,
                key: self.needs[first].key.clone(),
                sleepers: Vec::new(),
                locked: true,
            });
            let room = self.rooms.len() - 1;
            for (m, _) in room_ok {
                self.seat(m, room, Why::Locked);
            }
        }
        dropped
    }

    /// Why a guest could not be placed, in both languages.
    fn reason(&self, m: usize) -> (String, String) {
        let need = &self.needs[m];
        let g = need.guest;
        let cat = g.category();
        let (group_zh, group_en) = match cat {
            Category::Vip => ("贵宾宾馆", "VIP hotels"),
            Category::Entourage => ("随行人员宾馆", "entourage hotels"),
            Category::Journalist => ("记者宾馆", "press hotels"),
            Category::Staff => ("工作人员宾馆", "staff hotels"),
            Category::Delegate => ("代表团宾馆", "team hotels"),
        };
        if need.hotels.is_empty() {
            let serving: Vec<&HotelOffer> = self
                .input
                .hotels
                .iter()
                .filter(|h| h.categories.contains(&cat))
                .collect();
            return if serving.is_empty() {
                (
                    format!("没有接待{}的宾馆", cat.label_zh()),
                    format!("no hotel serves {}s", cat.as_str()),
                )
            } else if g.halal && !serving.iter().any(|h| h.halal) {
                (
                    format!("没有提供清真餐的{group_zh}"),
                    format!("no hotel with a halal kitchen serves {}s", cat.as_str()),
                )
            } else {
                (
                    "住宿政策指定的宾馆都不能接待".into(),
                    "none of the hotels the policy names can take this guest".into(),
                )
            };
        }
        let (who_zh, who_en) = match (g.gender, need.key.is_some()) {
            (Some(Gender::F), true) => ("女性", "women"),
            (Some(Gender::M), true) => ("男性", "men"),
            _ => ("", "guests"),
        };
        let types_zh: Vec<&str> = need.types.iter().map(|t| t.label_zh()).collect();
        let types_en: Vec<&str> = need.types.iter().map(|t| t.as_str()).collect();
        let none = vec![0u32; RoomType::ALL.len() * self.cap.nights];
        let full_night = g.nights.clone().find(|&n| {
            need.hotels.iter().all(|&h| {
                need.types
                    .iter()
                    .all(|&t| !self.fits(h, t, &(n..n + 1), &none))
            })
        });
        let who = if who_zh.is_empty() {
            String::new()
        } else {
            format!("{who_zh}可用的")
        };
        match full_night {
            Some(n) => (
                format!(
                    "{}，{group_zh}没有{who}{}",
                    label(self.input, n),
                    types_zh.join("或")
                ),
                format!(
                    "no {} rooms for {who_en} at {group_en} on {}",
                    types_en.join(" or "),
                    label(self.input, n)
                ),
            ),
            None => {
                let (from, to) = (
                    label(self.input, g.nights.start),
                    label(self.input, g.nights.end.saturating_sub(1)),
                );
                (
                    format!("{group_zh}中没有一家在{from}至{to}每晚都有{who}{}", types_zh.join("或")),
                    format!("none of the {group_en} has a {} room for {who_en} free every night {from} to {to}", types_en.join(" or ")),
                )
            }
        }
    }

    fn finish(self, unplaced: Vec<usize>) -> Plan {
        // Rooms are numbered in the order they opened.
        let mut assignments: Vec<Assignment> = self
            .placed
            .iter()
            .enumerate()
            .filter_map(|(m, p)| {
                let (room, why) = (*p)?;
                let r = &self.rooms[room];
                Some(Assignment {
                    guest: self.needs[m].guest.id,
                    hotel: self.input.hotels[r.hotel].id,
                    room_type: r.room_type,
                    room: u32::try_from(room + 1).unwrap_or(u32::MAX),
                    nights: self.needs[m].guest.nights.clone(),
                    locked: r.locked && why == Why::Locked,
                    why,
                })
            })
            .collect();
        assignments.sort_by_key(|a| a.guest);
        let mut unplaced: Vec<Unplaced> = unplaced
            .into_iter()
            .map(|m| {
                let (zh, en) = self.reason(m);
                Unplaced {
                    guest: self.needs[m].guest.id,
                    reason_zh: zh,
                    reason_en: en,
                }
            })
            .collect();
        unplaced.sort_by_key(|u| u.guest);
        let penalty = penalty(self.input, &assignments);
        Plan {
            assignments,
            unplaced,
            penalty,
        }
    }
}

/// Guests that cannot be planned at all: no nights inside the event, or listed twice.
fn plannable(input: &Input) -> Vec<bool> {
    let mut seen = BTreeSet::new();
    input
        .guests
        .iter()
        .map(|g| g.nights.start < g.nights.end && g.nights.end <= input.nights && seen.insert(g.id))
        .collect()
}

/// The engine: a plan for everyone who needs lodging.
pub fn allocate(input: &Input) -> Plan {
    let mut state = State::new(input);
    let ok = plannable(input);
    let dropped = state.place_locked();
    // Clusters: a delegation; else a journalist's outlet; else a department.
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Cluster<'s> {
        Delegation(i64),
        Outlet(&'s str),
        Department(i64),
    }
    let mut clusters: BTreeMap<Cluster, Vec<usize>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for (m, need) in state.needs.iter().enumerate() {
        if state.placed[m].is_some() {
            continue;
        }
        if !ok[m] {
            unplaced.push(m);
            continue;
        }
        let g = need.guest;
        let key = match (g.delegation, g.category(), g.organization.as_deref()) {
            (Some(d), _, _) => Cluster::Delegation(d),
            (None, Category::Journalist, Some(o)) => Cluster::Outlet(o),
            _ => Cluster::Department(g.department),
        };
        clusters.entry(key).or_default().push(m);
    }
    let mut order: Vec<(bool, usize, Vec<usize>)> = clusters
        .into_values()
        .map(|members| {
            let vip = members
                .iter()
                .any(|m| state.needs[*m].guest.category == Some(Category::Vip));
            (vip, members.len(), members)
        })
        .collect();
    // VIP clusters first, then the largest; the map's order breaks ties.
    order.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    for (_, _, mut members) in order {
        // Longer stays first inside each sharing group, so shorter ones can join their rooms.
        members.sort_by(|&a, &b| {
            let (ga, gb) = (state.needs[a].guest, state.needs[b].guest);
            (
                state.needs[a].key.as_ref().map(|k| (k.0 as u8, &k.1)),
                std::cmp::Reverse(ga.nights.end - ga.nights.start),
                ga.nights.start,
                ga.id,
            )
                .cmp(&(
                    state.needs[b].key.as_ref().map(|k| (k.0 as u8, &k.1)),
                    std::cmp::Reverse(gb.nights.end - gb.nights.start),
                    gb.nights.start,
                    gb.id,
                ))
        });
        let mut hotels_used = BTreeSet::new();
        let mut failed = Vec::new();
        state.place_group(members, 0, &mut hotels_used, &mut failed);
        unplaced.extend(failed);
    }
    let mut plan_unplaced = Vec::new();
    for m in unplaced {
        plan_unplaced.push(m);
    }
    // A dropped lock says so in the guest's why.
    for (m, rule) in dropped {
        if let Some((room, _)) = state.placed[m] {
            state.placed[m] = Some((room, Why::LockDropped(rule)));
        }
    }
    state.finish(plan_unplaced)
}

/// A plain first-fit greedy, to compare penalties: guests in input order, hotels in input
/// order, the first room type that fits, the first open twin that takes the guest.
pub fn first_fit(input: &Input) -> Plan {
    let mut state = State::new(input);
    let ok = plannable(input);
    let mut unplaced = Vec::new();
    for (m, plannable) in ok.into_iter().enumerate() {
        if !plannable {
            unplaced.push(m);
            continue;
        }
        let hotels = state.needs[m].hotels.clone();
        let spot = hotels
            .iter()
            .find_map(|&h| state.try_hotel(h, &[m]).map(|s| (h, s)));
        match spot {
            Some((h, spots)) => state.commit(h, &[m], &spots, Why::Alone),
            None => unplaced.push(m),
        }
    }
    state.finish(unplaced)
}

// --- a synthetic event, for tests and the benchmark ----------------------------------------

/// A small deterministic generator (xorshift64*), so tests and benchmarks need no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A realistic event: ~5% VIPs, 10% entourage, 15% journalists of 60 outlets, 10% staff, the
/// rest delegates in 300 delegations; ~4% halal (most in a few delegations), ~1% needing
/// access; stays of 3–14 nights. Hotels: two VIP hotels near the venue, four press hotels
/// (two halal), the rest team hotels (every third halal), each holding about 110% of what its
/// guests need at the busiest night.
pub fn synthetic(guests: usize, hotels: usize, nights: Night, seed: u64) -> Input {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let nights = nights.max(3);
    let mut list = Vec::with_capacity(guests);
    for i in 0..guests {
        let roll = rng.below(100);
        let category = match roll {
            0..=4 => Category::Vip,
            5..=14 => Category::Entourage,
            15..=29 => Category::Journalist,
            30..=39 => Category::Staff,
            _ => Category::Delegate,
        };
        let delegation = matches!(
            category,
            Category::Vip | Category::Entourage | Category::Delegate
        )
        .then(|| 1 + rng.below(300) as i64);
        let organization =
            (category == Category::Journalist).then(|| format!("媒体{}", rng.below(60)));
        let department = match category {
            Category::Journalist => 2,
            Category::Staff => 3 + rng.below(5) as i64,
            _ => 1,
        };
        let halal = match delegation {
            Some(d) if d % 25 == 0 => rng.chance(70),
            _ => rng.chance(2),
        };
        let len = 3 + rng.below(12) as Night;
        let len = len.min(nights);
        let start = rng.below(u64::from(nights - len) + 1) as Night;
        list.push(GuestNeed {
            id: i as i64 + 1,
            name: format!("来宾{}", i + 1),
            category: Some(category),
            gender: Some(if rng.chance(50) { Gender::M } else { Gender::F }),
            department,
            delegation,
            organization,
            halal,
            accessible: rng.chance(1),
            nights: start..start + len,
        });
    }
    // Peak guests per night, by the group of hotels that takes them.
    let peak = |f: &dyn Fn(&GuestNeed) -> bool| -> u32 {
        (0..nights)
            .map(|n| {
                list.iter()
                    .filter(|g| f(g) && g.nights.contains(&n))
                    .count() as u32
            })
            .max()
            .unwrap_or(0)
    };
    let vip = peak(&|g| g.category == Some(Category::Vip));
    let entourage = peak(&|g| g.category == Some(Category::Entourage));
    let press = peak(&|g| g.category == Some(Category::Journalist));
    let team = peak(&|g| matches!(g.category, Some(Category::Delegate | Category::Staff)));
    let access = |f: &dyn Fn(&GuestNeed) -> bool| peak(&|g| g.accessible && f(g));
    let hotels = hotels.max(7);
    let team_hotels = (hotels - 6) as u32;
    let mut offers = Vec::with_capacity(hotels);
    let block = |rooms: u32| vec![rooms; usize::from(nights)];
    let share = |total: u32, parts: u32| (total * 11 / 10).div_ceil(parts.max(1)) + 1;
    for h in 0..hotels {
        let (categories, halal, minutes, capacity) = match h {
            0 | 1 => (
                vec![Category::Vip, Category::Entourage],
                true,
                5 + h as u32 * 5,
                vec![
                    (RoomType::Suite, block(share(vip, 2))),
                    (RoomType::Single, block(share(vip / 4, 2))),
                    (RoomType::Twin, block(share(entourage * 6 / 10, 2))),
                    (
                        RoomType::Accessible,
                        block(share(
                            access(&|g| {
                                matches!(g.category, Some(Category::Vip | Category::Entourage))
                            }),
                            2,
                        )),
                    ),
                ],
            ),
            2..=5 => (
                vec![Category::Journalist],
                h < 4,
                12 + h as u32 * 2,
                vec![
                    (RoomType::Twin, block(share(press * 6 / 10, 4))),
                    (RoomType::Single, block(share(press / 10, 4))),
                    (
                        RoomType::Accessible,
                        block(share(
                            access(&|g| g.category == Some(Category::Journalist)),
                            4,
                        )),
                    ),
                ],
            ),
            _ => (
                vec![Category::Delegate, Category::Staff, Category::Entourage],
                h % 3 == 0,
                10 + (h as u32 * 7) % 30,
                vec![
                    (RoomType::Twin, block(share(team * 6 / 10, team_hotels))),
                    (RoomType::Single, block(share(team / 20, team_hotels))),
                    (
                        RoomType::Accessible,
                        block(
                            share(
                                access(&|g| {
                                    matches!(g.category, Some(Category::Delegate | Category::Staff))
                                }),
                                team_hotels,
                            ) + 1,
                        ),
                    ),
                ],
            ),
        };
        offers.push(HotelOffer {
            id: 100 + h as i64,
            code: format!("H{:02}", h + 1),
            name: format!("宾馆{}", h + 1),
            categories,
            halal,
            venue_minutes: minutes,
            capacity,
        });
    }
    Input {
        nights,
        night_labels: (0..nights).map(|n| format!("06-{:02}", 10 + n)).collect(),
        guests: list,
        hotels: offers,
        policy: Policy::default_policy(),
        locked: Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn guest(
        id: i64,
        category: Category,
        gender: Gender,
        delegation: i64,
        nights: Range<Night>,
    ) -> GuestNeed {
        GuestNeed {
            id,
            name: format!("g{id}"),
            category: Some(category),
            gender: Some(gender),
            department: 1,
            delegation: Some(delegation),
            organization: None,
            halal: false,
            accessible: false,
            nights,
        }
    }

    fn hotel(
        id: i64,
        categories: &[Category],
        halal: bool,
        minutes: u32,
        rooms: &[(RoomType, u32)],
        nights: Night,
    ) -> HotelOffer {
        HotelOffer {
            id,
            code: format!("H{id}"),
            name: format!("hotel {id}"),
            categories: categories.to_vec(),
            halal,
            venue_minutes: minutes,
            capacity: rooms
                .iter()
                .map(|(t, r)| (*t, vec![*r; usize::from(nights)]))
                .collect(),
        }
    }

    fn input(guests: Vec<GuestNeed>, hotels: Vec<HotelOffer>, nights: Night) -> Input {
        Input {
            nights,
            night_labels: (0..nights).map(|n| format!("06-{:02}", 18 + n)).collect(),
            guests,
            hotels,
            policy: Policy::default_policy(),
            locked: Vec::new(),
        }
    }

    fn of(plan: &Plan, guest: i64) -> &Assignment {
        plan.assignments
            .iter()
            .find(|a| a.guest == guest)
            .expect("placed")
    }

    #[test]
    fn two_women_of_a_delegation_share_a_twin_and_a_man_does_not_join_them() {
        let i = input(
            vec![
                guest(1, Category::Delegate, Gender::F, 7, 0..3),
                guest(2, Category::Delegate, Gender::F, 7, 0..3),
                guest(3, Category::Delegate, Gender::M, 7, 0..3),
            ],
            vec![hotel(
                10,
                &[Category::Delegate],
                false,
                10,
                &[(RoomType::Twin, 5)],
                3,
            )],
            3,
        );
        let plan = allocate(&i);
        assert_eq!(of(&plan, 1).room, of(&plan, 2).room);
        assert_ne!(of(&plan, 3).room, of(&plan, 1).room);
        assert!(violations(&i, &plan.assignments).is_empty());
        assert_eq!(
            plan.penalty.empty_bed_nights, 3,
            "the man's twin has an empty bed for 3 nights"
        );
    }

    #[test]
    fn guests_of_different_delegations_never_share() {
        let i = input(
            vec![
                guest(1, Category::Delegate, Gender::F, 7, 0..3),
                guest(2, Category::Delegate, Gender::F, 8, 0..3),
            ],
            vec![hotel(
                10,
                &[Category::Delegate],
                false,
                10,
                &[(RoomType::Twin, 5)],
                3,
            )],
            3,
        );
        let plan = allocate(&i);
        assert_ne!(of(&plan, 1).room, of(&plan, 2).room);
    }

    #[test]
    fn a_halal_guest_goes_only_where_halal_food_is_served() {
        let mut g = guest(1, Category::Delegate, Gender::M, 7, 0..2);
        g.halal = true;
        let i = input(
            vec![g.clone()],
            vec![
                hotel(
                    10,
                    &[Category::Delegate],
                    false,
                    5,
                    &[(RoomType::Twin, 5)],
                    2,
                ),
                hotel(
                    11,
                    &[Category::Delegate],
                    true,
                    30,
                    &[(RoomType::Twin, 5)],
                    2,
                ),
            ],
            2,
        );
        assert_eq!(of(&allocate(&i), 1).hotel, 11);
        let none = input(
            vec![g],
            vec![hotel(
                10,
                &[Category::Delegate],
                false,
                5,
                &[(RoomType::Twin, 5)],
                2,
            )],
            2,
        );
        let plan = allocate(&none);
        assert!(plan.assignments.is_empty());
        assert!(
            plan.unplaced[0].reason_en.contains("halal"),
            "{:?}",
            plan.unplaced
        );
    }

    #[test]
    fn a_guest_needing_access_gets_an_accessible_room_and_others_do_not() {
        let mut g = guest(1, Category::Delegate, Gender::M, 7, 0..2);
        g.accessible = true;
        let i = input(
            vec![g, guest(2, Category::Delegate, Gender::M, 8, 0..2)],
            vec![hotel(
                10,
                &[Category::Delegate],
                false,
                5,
                &[(RoomType::Twin, 5), (RoomType::Accessible, 1)],
                2,
            )],
            2,
        );
        let plan = allocate(&i);
        assert_eq!(of(&plan, 1).room_type, RoomType::Accessible);
        assert_eq!(of(&plan, 2).room_type, RoomType::Twin);
    }

    #[test]
    fn rooms_per_night_never_exceed_the_block_and_the_reason_names_type_gender_and_night() {
        let i = input(
            vec![
                guest(1, Category::Journalist, Gender::F, 1, 0..2),
                guest(2, Category::Journalist, Gender::F, 2, 1..3),
            ]
            .into_iter()
            .map(|mut g| {
                g.organization = Some(format!("outlet {}", g.id));
                g.delegation = None;
                g
            })
            .collect(),
            vec![hotel(
                10,
                &[Category::Journalist],
                false,
                5,
                &[(RoomType::Twin, 1)],
                3,
            )],
            3,
        );
        let plan = allocate(&i);
        assert_eq!(plan.assignments.len(), 1);
        assert_eq!(
            plan.unplaced[0].reason_en,
            "no twin or single rooms for women at press hotels on 06-19"
        );
        assert!(
            plan.unplaced[0].reason_zh.contains("06-19")
                && plan.unplaced[0].reason_zh.contains("女性")
        );
        assert!(violations(&i, &plan.assignments).is_empty());
    }

    #[test]
    fn vips_go_to_the_nearest_hotel_and_locks_are_kept() {
        let mut i = input(
            vec![
                guest(1, Category::Vip, Gender::M, 1, 0..2),
                guest(2, Category::Vip, Gender::M, 2, 0..2),
            ],
            vec![
                hotel(10, &[Category::Vip], false, 30, &[(RoomType::Suite, 5)], 2),
                hotel(11, &[Category::Vip], false, 5, &[(RoomType::Suite, 5)], 2),
            ],
            2,
        );
        let plan = allocate(&i);
        assert_eq!(
            (of(&plan, 1).hotel, of(&plan, 1).why),
            (11, Why::NearestVenue)
        );
        i.locked = vec![Locked {
            guest: 2,
            hotel: 10,
            room_type: RoomType::Suite,
            room: 9,
        }];
        let plan = allocate(&i);
        assert_eq!(
            (of(&plan, 2).hotel, of(&plan, 2).locked, of(&plan, 2).why),
            (10, true, Why::Locked)
        );
        assert_eq!(of(&plan, 1).hotel, 11);
    }

    #[test]
    fn a_lock_that_breaks_a_rule_is_dropped_and_the_guest_placed_again() {
        let mut i = input(
            vec![guest(1, Category::Delegate, Gender::M, 1, 0..2)],
            vec![
                hotel(10, &[Category::Vip], false, 5, &[(RoomType::Suite, 5)], 2),
                hotel(
                    11,
                    &[Category::Delegate],
                    false,
                    5,
                    &[(RoomType::Twin, 5)],
                    2,
                ),
            ],
            2,
        );
        i.locked = vec![Locked {
            guest: 1,
            hotel: 10,
            room_type: RoomType::Suite,
            room: 1,
        }];
        let plan = allocate(&i);
        assert_eq!(of(&plan, 1).hotel, 11);
        assert_eq!(of(&plan, 1).why, Why::LockDropped(Rule::Category));
        assert!(!of(&plan, 1).locked);
    }

    #[test]
    fn the_same_input_gives_the_same_plan() {
        let i = synthetic(600, 8, 8, 3);
        assert_eq!(allocate(&i), allocate(&i));
    }

    #[test]
    fn the_engine_places_most_guests_and_beats_first_fit() {
        let i = synthetic(2000, 8, 10, 1);
        let plan = allocate(&i);
        let greedy = first_fit(&i);
        assert!(violations(&i, &plan.assignments).is_empty());
        assert!(violations(&i, &greedy.assignments).is_empty());
        assert!(
            plan.assignments.len() * 100 >= 95 * i.guests.len(),
            "placed {} of {}",
            plan.assignments.len(),
            i.guests.len()
        );
        assert!(
            plan.penalty.total < greedy.penalty.total,
            "{:?} vs {:?}",
            plan.penalty,
            greedy.penalty
        );
    }

    #[test]
    fn the_checker_catches_every_kind_of_broken_plan() {
        let mut g3 = guest(3, Category::Delegate, Gender::M, 7, 0..2);
        g3.halal = true;
        let i = input(
            vec![
                guest(1, Category::Delegate, Gender::F, 7, 0..2),
                guest(2, Category::Delegate, Gender::F, 8, 0..2),
                g3,
                guest(4, Category::Vip, Gender::M, 1, 0..2),
            ],
            vec![hotel(
                10,
                &[Category::Delegate],
                false,
                5,
                &[(RoomType::Twin, 1)],
                2,
            )],
            2,
        );
        let a = |guest: i64, room: u32, t: RoomType, nights: Range<Night>| Assignment {
            guest,
            hotel: 10,
            room_type: t,
            room,
            nights,
            locked: false,
            why: Why::Alone,
        };
        let rules = |list: Vec<Assignment>| -> BTreeSet<Rule> {
            violations(&i, &list).into_iter().map(|v| v.rule).collect()
        };
        assert!(rules(vec![
            a(1, 1, RoomType::Twin, 0..2),
            a(2, 1, RoomType::Twin, 0..2)
        ])
        .contains(&Rule::ShareKey));
        assert!(rules(vec![
            a(1, 1, RoomType::Twin, 0..2),
            a(3, 1, RoomType::Twin, 0..2)
        ])
        .contains(&Rule::Gender));
        assert!(rules(vec![a(3, 1, RoomType::Twin, 0..2)]).contains(&Rule::Halal));
        assert!(rules(vec![a(4, 1, RoomType::Suite, 0..2)]).contains(&Rule::Category));
        assert!(rules(vec![a(1, 1, RoomType::Suite, 0..2)]).contains(&Rule::RoomType));
        assert!(rules(vec![a(1, 1, RoomType::Twin, 0..1)]).contains(&Rule::Nights));
        assert!(rules(vec![
            a(1, 1, RoomType::Twin, 0..2),
            a(2, 2, RoomType::Twin, 0..2)
        ])
        .contains(&Rule::Capacity));
        assert!(rules(vec![
            a(1, 1, RoomType::Twin, 0..2),
            a(1, 1, RoomType::Twin, 0..2)
        ])
        .contains(&Rule::Duplicate));
        assert!(rules(vec![a(99, 1, RoomType::Twin, 0..2)]).contains(&Rule::UnknownGuest));
    }

    fn arb_input() -> impl Strategy<Value = Input> {
        (1usize..=6, 1u16..=8, 0usize..=120, any::<u64>())
            .prop_flat_map(|(hotels, nights, guests, seed)| {
                let hotel = (
                    proptest::collection::vec(0usize..5, 1..4),
                    any::<bool>(),
                    0u32..60,
                    proptest::collection::vec(
                        (
                            0usize..4,
                            proptest::collection::vec(0u32..6, nights as usize),
                        ),
                        0..5,
                    ),
                );
                let guest = (
                    0usize..6,
                    0usize..3,
                    0i64..4,
                    0i64..3,
                    0usize..3,
                    0u8..10,
                    0u8..20,
                    0u16..nights,
                    1u16..=nights,
                );
                let policy = proptest::collection::vec(
                    (
                        proptest::collection::vec(0usize..4, 1..3),
                        any::<bool>(),
                        0usize..3,
                        proptest::collection::vec(0usize..6, 0..2),
                    ),
                    5,
                );
                let locks =
                    proptest::collection::vec((0usize..120, 0usize..6, 0usize..4, 0u32..5), 0..10);
                (
                    Just((hotels, nights, seed)),
                    proptest::collection::vec(hotel, hotels),
                    proptest::collection::vec(guest, guests),
                    policy,
                    locks,
                )
            })
            .prop_map(|((_, nights, _), hotels, guests, policy, locks)| {
                let hotel_ids: Vec<i64> = (0..hotels.len() as i64).map(|h| 100 + h).collect();
                let offers = hotels
                    .into_iter()
                    .enumerate()
                    .map(|(h, (cats, halal, minutes, blocks))| HotelOffer {
                        id: hotel_ids[h],
                        code: format!("H{h}"),
                        name: format!("h{h}"),
                        categories: cats.into_iter().map(|c| Category::ALL[c]).collect(),
                        halal,
                        venue_minutes: minutes,
                        capacity: blocks
                            .into_iter()
                            .map(|(t, rooms)| (RoomType::ALL[t], rooms))
                            .collect(),
                    })
                    .collect();
                let list = guests
                    .into_iter()
                    .enumerate()
                    .map(
                        |(i, (cat, gender, delegation, dept, org, halal, access, start, len))| {
                            let start = start.min(nights - 1);
                            GuestNeed {
                                id: i as i64 + 1,
                                name: format!("g{i}"),
                                category: Category::ALL.get(cat).copied(),
                                gender: [Some(Gender::M), Some(Gender::F), None][gender],
                                department: dept,
                                delegation: (delegation > 0).then_some(delegation),
                                organization: (org > 0).then(|| format!("o{org}")),
                                halal: halal < 2,
                                accessible: access < 2,
                                nights: start..(start + len).min(nights).max(start + 1),
                            }
                        },
                    )
                    .collect();
                let policy = Policy {
                    categories: Category::ALL
                        .into_iter()
                        .zip(policy)
                        .map(|(category, (types, shared, by, hotels))| CategoryPolicy {
                            category,
                            hotels: hotels
                                .into_iter()
                                .filter_map(|h| hotel_ids.get(h).copied())
                                .collect(),
                            room_types: types.into_iter().map(|t| RoomType::ALL[t]).collect(),
                            shared,
                            share_by: [
                                ShareBy::Delegation,
                                ShareBy::Department,
                                ShareBy::Organization,
                            ][by],
                        })
                        .collect(),
                };
                let locked = locks
                    .into_iter()
                    .map(|(g, h, t, room)| Locked {
                        guest: g as i64 + 1,
                        hotel: 100 + h as i64,
                        room_type: RoomType::ALL[t],
                        room,
                    })
                    .collect();
                Input {
                    nights,
                    night_labels: (0..nights).map(|n| format!("06-{:02}", 10 + n)).collect(),
                    guests: list,
                    hotels: offers,
                    policy,
                    locked,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn no_plan_ever_breaks_a_hard_rule(input in arb_input()) {
            for plan in [allocate(&input), first_fit(&input)] {
                let broken = violations(&input, &plan.assignments);
                prop_assert!(broken.is_empty(), "{:?}", broken);
                let mut ids: Vec<i64> = plan.assignments.iter().map(|a| a.guest).chain(plan.unplaced.iter().map(|u| u.guest)).collect();
                ids.sort_unstable();
                let mut all: Vec<i64> = input.guests.iter().map(|g| g.id).collect();
                all.sort_unstable();
                prop_assert_eq!(ids, all, "every guest placed once or unplaced once");
            }
        }
    }
}
