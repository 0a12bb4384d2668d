//! The live feed — infrastructure that knows no domain. Every change a live page (greeter
//! board, reception's day, the hygiene desk) must hear of is a `live_events` row, written in
//! the same transaction as the change. Each instance tails that table (one query every
//! [`TAIL_EVERY`], whoever wrote the row) and hands new rows to its open boards over
//! Server-Sent Events — so several instances behind one database all hear every change.

use std::sync::Arc;
use std::time::Duration;

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
    let mut last: Option<i64> = None;
    loop {
        std::thread::sleep(TAIL_EVERY);
        let Some(sender) = sender.upgrade() else {
            return;
        };
        let Ok(mut conn) = pool.get() else { continue };
        // No board open: only keep the place (the newest id), so a board that opens hears
        // every change after it; reading the max of the key is cheap.
        if sender.receiver_count() == 0 || last.is_none() {
            match last_event_id(&mut conn) {
                Ok(id) => last = Some(id.max(last.unwrap_or(0))),
                Err(e) => tracing::warn!("live feed: {e}"),
            }
            if sender.receiver_count() == 0 {
                continue;
            }
        }
        let after = last.unwrap_or(0);
        match events_after(&mut conn, after, 1000) {
            Ok(events) => {
                for e in events {
                    last = Some(e.id);
                    // A board that just closed is fine: the send just has one fewer to reach.
                    let _ = sender.send(Arc::new(e));
                }
            }
            Err(e) => tracing::warn!("live feed: {e}"),
        }
    }
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

fn insert_event(
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
