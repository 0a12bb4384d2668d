//! The live feed — infrastructure that knows no domain. Every change a live page (greeter
//! board, reception's day, the hygiene desk) must hear of is a `live_events` row, written in
//! the same transaction as the change. Each instance tails that table (one query every
//! [`TAIL_EVERY`], whoever wrote the row) and hands new rows to its open boards over
//! Server-Sent Events — so several instances behind one database all hear every change.
//!
//! Gap-free under concurrent writers: on PostgreSQL an id is taken at insert but the row is
//! seen at commit, so a row with a smaller id can appear after a larger one was read. The
//! tail's [`Cursor`] remembers the ids it passed over and reads them again until they appear
//! (or, after [`HOLE_WAIT`], were rolled back), so every committed event reaches every board
//! once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use tokio::sync::broadcast;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::live_events;
use crate::db::{DbConn, DbPool, Tx};
use crate::time::now_utc;

/// How often the table is read.
pub const TAIL_EVERY: Duration = Duration::from_millis(100);
/// How long an id passed over is waited for: longer than any transaction that writes events.
pub const HOLE_WAIT: Duration = Duration::from_secs(60);
/// At most this many ids are waited for (a burst of rolled-back ids cannot grow it unbounded).
const MAX_HOLES: i64 = 10_000;

/// Where a tail has read to: the highest id delivered and the smaller ids not seen yet.
#[derive(Debug, Default)]
pub struct Cursor {
    high: i64,
    /// Ids below `high` not seen yet, with when they were first missed.
    holes: BTreeMap<i64, Instant>,
}

impl Cursor {
    /// A cursor that delivers what comes after `high`.
    pub fn at(high: i64) -> Cursor {
        Cursor {
            high,
            holes: BTreeMap::new(),
        }
    }

    /// The highest id delivered: new rows are read after it.
    pub fn high(&self) -> i64 {
        self.high
    }

    /// The ids passed over and still awaited.
    pub fn holes(&self) -> Vec<i64> {
        self.holes.keys().copied().collect()
    }

    /// Takes rows read (new ones after [`Cursor::high`], in id order, and any awaited ones)
    /// and answers those not delivered before; forgets holes older than [`HOLE_WAIT`].
    pub fn take<T>(&mut self, rows: Vec<T>, id: impl Fn(&T) -> i64, now: Instant) -> Vec<T> {
        let mut fresh = Vec::with_capacity(rows.len());
        for row in rows {
            let i = id(&row);
            if i > self.high {
                for missing in (self.high + 1).max(i - MAX_HOLES)..i {
                    self.holes.insert(missing, now);
                }
                self.high = i;
                fresh.push(row);
            } else if self.holes.remove(&i).is_some() {
                fresh.push(row);
            }
        }
        self.holes
            .retain(|_, missed| now.duration_since(*missed) < HOLE_WAIT);
        while self.holes.len() as i64 > MAX_HOLES {
            self.holes.pop_first();
        }
        fresh
    }
}

/// A ping keeps idle connections (and proxies) open and tells the page the server is there.
pub const PING_EVERY: Duration = Duration::from_secs(15);

/// Records a change for the boards, in the change's transaction and at its instant.
pub fn record(
    tx: &mut Tx,
    hub_id: Option<i64>,
    kind: &str,
    ref_id: impl ToString,
) -> diesel::QueryResult<()> {
    let now = tx.now();
    insert_event(tx, hub_id, kind, &ref_id.to_string(), now).map(|_| ())
}

/// This instance's fan-out of the event table. The tailing thread ends when the feed is
/// dropped (the server stopped).
#[derive(Clone)]
pub struct LiveFeed {
    sender: Arc<broadcast::Sender<Arc<LiveEvent>>>,
}

impl LiveFeed {
    /// Starts tailing the table, on a thread of its own.
    pub fn start(pool: DbPool) -> LiveFeed {
        let (sender, _) = broadcast::channel(4096);
        let feed = LiveFeed {
            sender: Arc::new(sender),
        };
        let weak = Arc::downgrade(&feed.sender);
        std::thread::Builder::new()
            .name("live-feed".into())
            .spawn(move || tail(pool, weak))
            .map_err(|e| tracing::error!("live feed thread: {e}"))
            .ok();
        feed
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.sender.subscribe()
    }
}

fn tail(pool: DbPool, sender: std::sync::Weak<broadcast::Sender<Arc<LiveEvent>>>) {
    let mut cursor: Option<Cursor> = None;
    loop {
        std::thread::sleep(TAIL_EVERY);
        let Some(sender) = sender.upgrade() else {
            return;
        };
        let Ok(mut conn) = pool.get() else { continue };
        // No board open: only keep the place (the newest id), so a board that opens hears
        // every change after it; reading the max of the key is cheap.
        if sender.receiver_count() == 0 || cursor.is_none() {
            match last_event_id(&mut conn) {
                Ok(id) => {
                    cursor = Some(Cursor::at(id.max(cursor.as_ref().map_or(0, Cursor::high))))
                }
                Err(e) => tracing::warn!("live feed: {e}"),
            }
            if sender.receiver_count() == 0 {
                continue;
            }
        }
        let Some(at) = cursor.as_mut() else { continue };
        match read(&mut conn, at) {
            Ok(events) => {
                for e in at.take(events, |e| e.id, Instant::now()) {
                    // A board that just closed is fine: the send just has one fewer to reach.
                    let _ = sender.send(Arc::new(e));
                }
            }
            Err(e) => tracing::warn!("live feed: {e}"),
        }
    }
}

/// The rows after the cursor and those it still awaits.
fn read(conn: &mut DbConn, cursor: &Cursor) -> QueryResult<Vec<LiveEvent>> {
    let mut rows = Vec::new();
    for chunk in cursor.holes().chunks(500) {
        rows.extend(
            live_events::table
                .filter(live_events::id.eq_any(chunk))
                .select(LiveEvent::as_select())
                .load(conn)?,
        );
    }
    rows.extend(events_after(conn, cursor.high(), 1000)?);
    Ok(rows)
}

/// A change boards must hear of.
#[derive(Queryable, Selectable, Clone, Debug, Serialize)]
#[diesel(table_name = live_events)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LiveEvent {
    /// Position in the feed.
    pub id: i64,
    /// When (UTC).
    #[serde(skip)]
    pub at: NaiveDateTime,
    /// The hub whose boards it concerns; `None`: every board.
    pub hub_id: Option<i64>,
    /// `trip`, `pickup`, `run`, `vehicle`.
    pub kind: String,
    /// Which record.
    pub ref_id: String,
}

pub(crate) fn insert_event(
    conn: &mut DbConn,
    hub_id: Option<i64>,
    kind: &str,
    ref_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(live_events::table)
        .values((
            live_events::at.eq(now),
            live_events::hub_id.eq(hub_id),
            live_events::kind.eq(kind),
            live_events::ref_id.eq(ref_id),
        ))
        .execute(conn)
}

/// Events after `after`, oldest first.
pub fn events_after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<LiveEvent>> {
    live_events::table
        .filter(live_events::id.gt(after))
        .order(live_events::id)
        .limit(limit)
        .select(LiveEvent::as_select())
        .load(conn)
}

fn last_event_id(conn: &mut DbConn) -> QueryResult<i64> {
    let max: Option<i64> = live_events::table
        .select(diesel::dsl::max(live_events::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// One SSE message for an event.
pub fn message(e: &LiveEvent) -> Bytes {
    let data = serde_json::json!({"kind": e.kind, "id": e.ref_id, "hub_id": e.hub_id});
    Bytes::from(format!("id: {}\nevent: change\ndata: {data}\n\n", e.id))
}

/// Whether a board of `hub` (or every hub) wants `e`.
pub fn wanted(e: &LiveEvent, hub: Option<i64>) -> bool {
    hub.is_none() || e.hub_id.is_none() || e.hub_id == hub
}

/// The SSE body of a board: what it missed since `Last-Event-ID`, then every new event of its
/// hub, with a ping when idle.
pub fn stream(
    missed: Vec<LiveEvent>,
    receiver: broadcast::Receiver<Arc<LiveEvent>>,
    hub: Option<i64>,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    let hello = Bytes::from(format!("retry: 2000\n: connected {}\n\n", now_utc()));
    let first: Vec<Bytes> = std::iter::once(hello)
        .chain(missed.iter().map(message))
        .collect();
    let head = futures_util::stream::iter(first.into_iter().map(Ok));
    let tail = futures_util::stream::unfold(receiver, move |mut rx| async move {
        loop {
            match tokio::time::timeout(PING_EVERY, rx.recv()).await {
                // A named event, not a comment: browsers hide comments from the page, and the
                // page shows when it last heard the server.
                Err(_) => return Some((Ok(Bytes::from_static(b"event: ping\ndata: {}\n\n")), rx)),
                Ok(Ok(e)) if wanted(&e, hub) => return Some((Ok(message(&e)), rx)),
                Ok(Ok(_)) => continue,
                // Fell behind: tell the board to reload everything.
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                    return Some((
                        Ok(Bytes::from_static(
                            b"event: change\ndata: {\"kind\":\"reload\"}\n\n",
                        )),
                        rx,
                    ))
                }
                Ok(Err(broadcast::error::RecvError::Closed)) => return None,
            }
        }
    });
    futures_util::StreamExt::chain(head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_that_commits_late_is_delivered_once_when_it_appears() {
        let t0 = Instant::now();
        let mut c = Cursor::at(10);
        // 12 is read while 11 is still uncommitted.
        assert_eq!(c.take(vec![12], |i| *i, t0), vec![12]);
        assert_eq!(c.holes(), vec![11]);
        // 11 commits: read among the awaited, delivered, and not awaited any more.
        assert_eq!(c.take(vec![11, 13], |i| *i, t0), vec![11, 13]);
        assert!(c.holes().is_empty());
        // Read again (an overlap): nothing twice.
        assert_eq!(c.take(vec![11, 12, 13], |i| *i, t0), Vec::<i64>::new());
        assert_eq!(c.high(), 13);
    }

    #[test]
    fn a_rolled_back_id_is_forgotten_after_the_wait() {
        let t0 = Instant::now();
        let mut c = Cursor::at(0);
        c.take(vec![1, 3], |i| *i, t0);
        assert_eq!(c.holes(), vec![2]);
        c.take(
            Vec::new(),
            |i: &i64| *i,
            t0 + HOLE_WAIT + Duration::from_secs(1),
        );
        assert!(c.holes().is_empty());
    }

    #[test]
    fn a_huge_jump_keeps_a_bounded_list_of_awaited_ids() {
        let t0 = Instant::now();
        let mut c = Cursor::at(0);
        c.take(vec![1_000_000], |i| *i, t0);
        assert_eq!(c.holes().len() as i64, MAX_HOLES);
        assert_eq!(c.holes().last(), Some(&999_999));
    }
}
