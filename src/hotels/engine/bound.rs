//! The relaxation: how many guests the hard rules could place at most, and how the scarce
//! rooms should be shared out between kinds of guests.
//!
//! Hotels that take exactly the same guests form a class; guests that the rules treat alike
//! (same hotels, room types, sharing, nights) form a kind. The linear program gives each kind
//! a number of places per class and room type, within the rooms each class holds per type
//! and night; a guest who may share takes half a twin (two share one room), anyone else a
//! whole room. Every real plan is a solution of it (sum its placements per class), so its
//! optimum is an upper bound on the guests any plan places. Nights and rows that can never
//! be short are dropped first, and classes that share no guest are solved apart: both keep
//! the bound exact and the program small (20,000 guests: a few hundred kinds).
//!
//! The solver is `microlp` (pure Rust, sparse revised simplex), so the build needs nothing
//! but crates.io.

use std::collections::{BTreeMap, BTreeSet};

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, Variable};

use super::state::{Limits, State};
use super::types::{Night, RoomType};

/// A class's rooms of one type on one night count as scarce when less than this is left
/// over in the relaxation's answer.
const SCARCE_SLACK: f64 = 0.5;

/// What the relaxation says.
pub(super) struct Relaxation {
    /// At most this many of the pending guests can be placed.
    pub(super) bound: usize,
    /// Places for kinds in scarce classes, for the greedy to respect.
    pub(super) limits: Limits,
}

/// A kind of guest: the classes they may go to, room types, whether they share, and the
/// nights that can be short for them.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct KindKey {
    classes: Vec<usize>,
    types: Vec<RoomType>,
    shares: bool,
    nights: Vec<Night>,
}

/// A room's share a guest takes: half a twin when they may share it.
fn weight(shares: bool, t: RoomType) -> f64 {
    if shares && t.beds() > 1 {
        0.5
    } else {
        1.0
    }
}

impl State<'_> {
    /// Solves the relaxation for `pending` (guests not yet placed) around what is placed now.
    /// `None` when the solver fails (the engine then places without it).
    pub(super) fn relax(&self, pending: &[usize]) -> Option<Relaxation> {
        let hotels = self.input.hotels.len();
        let nights = self.cap.nights;
        let types = RoomType::ALL.len();
        // Classes: hotels that the same sets of guests may use.
        let profiles: BTreeSet<&Vec<usize>> =
            pending.iter().map(|m| &self.needs[*m].hotels).collect();
        let mut signature: Vec<Vec<bool>> = vec![Vec::new(); hotels];
        for p in &profiles {
            for (h, sig) in signature.iter_mut().enumerate() {
                sig.push(p.contains(&h));
            }
        }
        let mut class_ids: BTreeMap<&Vec<bool>, usize> = BTreeMap::new();
        let class_of: Vec<usize> = signature
            .iter()
            .map(|s| {
                let next = class_ids.len();
                *class_ids.entry(s).or_insert(next)
            })
            .collect();
        let classes = class_ids.len();
        // Rooms left per class, type and night (a locked sleeper who may share leaves half
        // a twin: someone could join them).
        let mut left = vec![0f64; classes * types * nights];
        let cell = |c: usize, t: RoomType, n: usize| (c * types + t.index()) * nights + n;
        for h in 0..hotels {
            for t in RoomType::ALL {
                for n in 0..nights {
                    let i = self.cap.at(h, t, n);
                    left[cell(class_of[h], t, n)] += f64::from(self.cap.cells[i]);
                }
            }
        }
        for room in &self.rooms {
            let c = class_of[room.hotel];
            for s in &room.sleepers {
                let w = weight(self.needs[*s].key.is_some(), room.room_type);
                let w = if room.sleepers.len() > 1 {
                    1.0 / room.sleepers.len() as f64
                } else {
                    w
                };
                for n in self.needs[*s].guest.nights.clone() {
                    left[cell(c, room.room_type, usize::from(n))] -= w;
                }
            }
        }
        // The most each row could be asked for; rows that cannot be short are dropped.
        let mut demand = vec![0f64; classes * types * nights];
        let class_sets: Vec<Vec<usize>> = pending
            .iter()
            .map(|m| {
                let mut cs: Vec<usize> =
                    self.needs[*m].hotels.iter().map(|h| class_of[*h]).collect();
                cs.sort_unstable();
                cs.dedup();
                cs
            })
            .collect();
        for (i, &m) in pending.iter().enumerate() {
            let need = &self.needs[m];
            for &c in &class_sets[i] {
                for &t in &need.types {
                    for n in need.guest.nights.clone() {
                        demand[cell(c, t, usize::from(n))] += weight(need.key.is_some(), t);
                    }
                }
            }
        }
        let binding: Vec<bool> = demand
            .iter()
            .zip(&left)
            .map(|(d, l)| *d > *l + 1e-9)
            .collect();
        // Kinds.
        let mut kinds: BTreeMap<KindKey, Vec<usize>> = BTreeMap::new();
        let mut free = 0usize;
        for (i, &m) in pending.iter().enumerate() {
            let need = &self.needs[m];
            let classes = class_sets[i].clone();
            let nights: Vec<Night> = need
                .guest
                .nights
                .clone()
                .filter(|&n| {
                    classes.iter().any(|&c| {
                        need.types
                            .iter()
                            .any(|&t| binding[cell(c, t, usize::from(n))])
                    })
                })
                .collect();
            if classes.is_empty() {
                continue;
            }
            if nights.is_empty() {
                free += 1;
                continue;
            }
            let key = KindKey {
                classes,
                types: need.types.clone(),
                shares: need.key.is_some(),
                nights,
            };
            kinds.entry(key).or_default().push(m);
        }
        let kinds: Vec<(KindKey, Vec<usize>)> = kinds.into_iter().collect();
        // Components: classes linked by a kind that may use both are solved together.
        let mut parent: Vec<usize> = (0..classes).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for (k, _) in &kinds {
            for w in k.classes.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                parent[a] = b;
            }
        }
        let mut kind_of = vec![None; self.needs.len()];
        let mut limits = BTreeMap::new();
        let mut total = free as f64;
        let components: BTreeSet<usize> = (0..classes).map(|c| root(&mut parent, c)).collect();
        for comp in components {
            let mine: Vec<usize> = (0..kinds.len())
                .filter(|&k| root(&mut parent, kinds[k].0.classes[0]) == comp)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let mut lp = Problem::new(OptimizationDirection::Maximize);
            let mut rows: BTreeMap<usize, Vec<(Variable, f64)>> = BTreeMap::new();
            let mut vars: Vec<(usize, usize, Variable)> = Vec::new();
            for &k in &mine {
                let (key, members) = &kinds[k];
                let mut own: Vec<(Variable, f64)> = Vec::new();
                for &c in &key.classes {
                    for (rank, &t) in key.types.iter().enumerate() {
                        // A hair of preference for the policy's first room types, so ties go
                        // the way reception ordered them.
                        let v = lp.add_var(1.0 - 1e-6 * rank as f64, (0.0, f64::INFINITY));
                        own.push((v, 1.0));
                        vars.push((k, c, v));
                        for &n in &key.nights {
                            let i = cell(c, t, usize::from(n));
                            if binding[i] {
                                rows.entry(i).or_default().push((v, weight(key.shares, t)));
                            }
                        }
                    }
                }
                lp.add_constraint(
                    own.into_iter().collect::<LinearExpr>(),
                    ComparisonOp::Le,
                    members.len() as f64,
                );
            }
            for (i, row) in &rows {
                lp.add_constraint(
                    row.iter().copied().collect::<LinearExpr>(),
                    ComparisonOp::Le,
                    left[*i].max(0.0),
                );
            }
            let solution = lp.solve().ok()?.into_solution().ok()?;
            let mut usage: BTreeMap<usize, f64> = BTreeMap::new();
            let mut per_class: BTreeMap<(usize, usize), f64> = BTreeMap::new();
            for &(k, c, v) in &vars {
                let y = solution.var_value(v).max(0.0);
                total += y;
                *per_class.entry((k, c)).or_default() += y;
            }
            for (i, row) in &rows {
                let used: f64 = row.iter().map(|(v, w)| solution.var_value(*v) * w).sum();
                usage.insert(*i, used);
            }
            for &k in &mine {
                let (key, members) = &kinds[k];
                for m in members {
                    kind_of[*m] = Some(k);
                }
                for &c in &key.classes {
                    let scarce = key.types.iter().any(|&t| {
                        key.nights.iter().any(|&n| {
                            let i = cell(c, t, usize::from(n));
                            usage.get(&i).is_some_and(|u| left[i] - u < SCARCE_SLACK)
                        })
                    });
                    if scarce {
                        let y = per_class.get(&(k, c)).copied().unwrap_or(0.0);
                        limits.insert((k, c), (y + 0.5).floor() as u32);
                    }
                }
            }
        }
        Some(Relaxation {
            bound: (total + 1e-6).floor() as usize,
            limits: Limits {
                kind_of,
                class_of,
                left: limits,
            },
        })
    }
}
