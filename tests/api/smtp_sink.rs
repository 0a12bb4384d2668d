//! A real SMTP server for tests (mailin-embedded on 127.0.0.1:0): it holds the SMTP
//! conversation with the service and keeps what it accepted. It can be told to answer a
//! temporary 421 to the first messages, or a permanent 550 to some recipients.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::response::{NO_MAILBOX, OK};
use mailin_embedded::{Handler, Response, Server};

/// A message the server accepted.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Default)]
struct State {
    accepted: Vec<Received>,
    /// Answer 451 to this many more messages.
    temp_failures: usize,
    /// Recipients containing this get 550.
    reject: Option<String>,
    /// Messages refused with 451 so far.
    refused: usize,
}

#[derive(Clone)]
struct Sink {
    state: Arc<Mutex<State>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Sink {
    fn rcpt(&mut self, to: &str) -> Response {
        let state = self.state.lock().expect("sink state");
        if state.reject.as_deref().is_some_and(|r| to.contains(r)) {
            return NO_MAILBOX;
        }
        OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut state = self.state.lock().expect("sink state");
        if state.temp_failures > 0 {
            state.temp_failures -= 1;
            state.refused += 1;
            // 421 closes the session: mailin stays in its DATA state after other errors at
            // the end of data, where a real server would take the next message.
            return Response::custom(421, "4.3.2 Try again later".into());
        }
        state.accepted.push(Received {
            to: std::mem::take(&mut self.to),
            data: std::mem::take(&mut self.data),
        });
        OK
    }
}

/// A running server.
pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let mut server = Server::new(Sink {
            state: state.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        // Room for every pooled connection of several instances at once.
        server
            .with_name("sink.test")
            .with_num_threads(64)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(e) = server.serve() {
                eprintln!("smtp sink stopped: {e}");
            }
        });
        SmtpSink { port, state }
    }

    /// `YINGBIN_SMTP_URL` for this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn fail_next(&self, n: usize) {
        self.state.lock().expect("sink").temp_failures = n;
    }

    pub fn reject(&self, recipient: &str) {
        self.state.lock().expect("sink").reject = Some(recipient.into());
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.state.lock().expect("sink").accepted.clone()
    }

    pub fn refused(&self) -> usize {
        self.state.lock().expect("sink").refused
    }

    /// Waits until at least `n` messages were accepted (or the time is up).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.accepted();
            if got.len() >= n || tokio::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
