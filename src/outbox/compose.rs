//! Turns rendered content into a MIME message: `multipart/mixed` of attachments around a
//! `multipart/related` of inline images around `multipart/alternative` text + HTML.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::outbox::address;
use crate::outbox::letter::Rendered;

/// A file in a message: an inline image (by content id) or an attachment (by file name).
#[derive(Clone, Debug)]
pub struct Part {
    /// The content id for inline images, the file name for attachments.
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Builds the message. Errors (a bad address) are permanent: sending again cannot help.
pub fn build(r: &Rendered, from: &str, message_id: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| format!("YINGBIN_MAIL_FROM: {e}"))?;
    let to = Mailbox::new(Some(r.to_name.clone()), address::parse(&r.to)?);
    let mut body = MultiPart::alternative_plain_html(r.text.clone(), r.html.clone());
    if !r.inline.is_empty() {
        let mut related = MultiPart::related().multipart(body);
        for p in &r.inline {
            related = related.singlepart(
                Attachment::new_inline(p.name.clone()).body(p.bytes.clone(), content_type(p)?),
            );
        }
        body = related;
    }
    if !r.attachments.is_empty() {
        let mut mixed = MultiPart::mixed().multipart(body);
        for p in &r.attachments {
            mixed = mixed.singlepart(attachment(p)?);
        }
        body = mixed;
    }
    Message::builder()
        .from(from)
        .to(to)
        .subject(r.subject.clone())
        .message_id(Some(message_id.to_string()))
        .multipart(body)
        .map_err(|e| format!("cannot build the message: {e}"))
}

fn attachment(p: &Part) -> Result<SinglePart, String> {
    Ok(Attachment::new(p.name.clone()).body(p.bytes.clone(), content_type(p)?))
}

fn content_type(p: &Part) -> Result<ContentType, String> {
    ContentType::parse(&p.content_type).map_err(|e| format!("{}: {e}", p.content_type))
}

/// The message's id: stable per outbox row, so a receiving system can tell a resend.
pub fn message_id(outbox_id: i64, from: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("yingbin.local");
    format!("<outbox-{outbox_id}@{domain}>")
}

/// The HTML as a browser can show it outside a mail client: inline images as data URLs.
pub fn html_for_preview(r: &Rendered) -> String {
    use data_encoding::BASE64;
    let mut html = r.html.clone();
    for p in &r.inline {
        html = html.replace(
            &format!("cid:{}", p.name),
            &format!("data:{};base64,{}", p.content_type, BASE64.encode(&p.bytes)),
        );
    }
    html
}
