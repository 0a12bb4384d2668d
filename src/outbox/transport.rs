//! Where messages go: an SMTP server named by `YINGBIN_SMTP_URL`, or `.eml` files under the
//! data directory when none is set — so the whole flow works on a machine without a mail
//! server, and a newcomer can open what would have been sent.

use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::{FileTransport, Message, SmtpTransport, Transport as _};

/// A configured transport.
pub enum Transport {
    Smtp {
        mailer: SmtpTransport,
        target: String,
    },
    Files {
        mailer: FileTransport,
        dir: PathBuf,
    },
}

/// Why a send did not go through, and whether trying again can help.
#[derive(Debug, Clone, PartialEq)]
pub struct SendError {
    /// A 5xx answer: the server will never take this message.
    pub permanent: bool,
    pub reason: String,
}

impl Transport {
    /// SMTP when a URL is given (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// for STARTTLS, `smtps://user:pass@host:465` for TLS), else files in `data_dir/mail`.
    pub fn open(
        smtp_url: Option<&str>,
        connections: usize,
        data_dir: &std::path::Path,
    ) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => {
                let mailer = SmtpTransport::from_url(url)
                    .map_err(|e| format!("YINGBIN_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .pool_config(PoolConfig::new().max_size(connections.max(1) as u32))
                    .build();
                Ok(Transport::Smtp {
                    mailer,
                    target: display_url(url),
                })
            }
            None => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                Ok(Transport::Files {
                    mailer: FileTransport::new(&dir),
                    dir,
                })
            }
        }
    }

    /// (`smtp` or `files`, where to) for reception's status line; never the password.
    pub fn describe(&self) -> (&'static str, String) {
        match self {
            Transport::Smtp { target, .. } => ("smtp", target.clone()),
            Transport::Files { dir, .. } => ("files", dir.display().to_string()),
        }
    }

    pub fn send(&self, message: &Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp { mailer, .. } => {
                mailer.send(message).map(|_| ()).map_err(|e| SendError {
                    permanent: e.is_permanent(),
                    reason: smtp_reason(&e),
                })
            }
            Transport::Files { mailer, .. } => {
                mailer.send(message).map(|_| ()).map_err(|e| SendError {
                    permanent: false,
                    reason: format!("cannot write the message file: {e}"),
                })
            }
        }
    }
}

/// The server's own words where it gave some ("550 Mailbox unavailable").
fn smtp_reason(e: &lettre::transport::smtp::Error) -> String {
    let text = e.to_string();
    match e.status() {
        Some(code) if !text.contains(&code.to_string()) => format!("{code} {text}"),
        _ => text,
    }
}

/// `scheme://host:port` without credentials or query.
fn display_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("smtp", url));
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = rest.split(['?', '/']).next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_never_shows_the_password() {
        assert_eq!(
            display_url("smtp://user:s3cret@mail.example.com:587?tls=required"),
            "smtp://mail.example.com:587"
        );
        assert_eq!(display_url("smtps://relay:465"), "smtps://relay:465");
    }

    #[test]
    fn a_bad_smtp_url_names_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let err = Transport::open(Some("ftp://nowhere"), 1, dir.path())
            .err()
            .unwrap();
        assert!(err.contains("YINGBIN_SMTP_URL"), "{err}");
    }
}
