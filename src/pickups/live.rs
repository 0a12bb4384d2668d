//! Live boards. Every change a board must hear of is a `live_events` row, written in the same
//! transaction as the change. Each instance tails that table (one query every
//! [`TAIL_EVERY`], whoever wrote the row) and hands new rows to its open boards over
//! Server-Sent Events — so several instances behind one database all hear every change.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use tokio::sync::broadcast;

use crate::db::{DbConn, DbPool};
use crate::pickups::model::LiveEvent;
use crate::pickups::store;
use crate::time::now_utc;

/// How often the table is read.
pub const TAIL_EVERY: Duration = Duration::from_millis(100);
/// A ping keeps idle connections (and proxies) open and tells the page the server is there.
pub const PING_EVERY: Duration = Duration::from_secs(15);

/// Records a change for the boards. Call inside the change's transaction.
pub fn record(
    conn: &mut DbConn,
    hub_id: Option<i64>,
    kind: &str,
    ref_id: impl ToString,
) -> diesel::QueryResult<()> {
    store::insert_event(conn, hub_id, kind, &ref_id.to_string(), now_utc()).map(|_| ())
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
            match store::last_event_id(&mut conn) {
                Ok(id) => last = Some(id.max(last.unwrap_or(0))),
                Err(e) => tracing::warn!("live feed: {e}"),
            }
            if sender.receiver_count() == 0 {
                continue;
            }
        }
        let after = last.unwrap_or(0);
        match store::events_after(&mut conn, after, 1000) {
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
