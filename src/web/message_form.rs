//! `POST /message` (with `--web-messages`): the page's plain HTML form through the
//! mailbox, the same limits as the other doors keyed by the web visitor's address, a
//! honeypot field, and a plain page for the answer. The body is read up to
//! [`MAX_FORM_BYTES`](super::routes::MAX_FORM_BYTES) and never logged.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::debug;

use super::routes::{HTML, MAX_FORM_BYTES, STYLE};
use super::{Peer, Web, forwarded, page};
use crate::messages::{Channel, Draft, SendError};

/// `POST /message`: the form's fields through the mailbox, answered with a plain page.
pub(super) async fn post_message(State(web): State<Arc<Web>>, request: Request) -> Response {
    let Some(peer) = request.extensions().get::<Peer>().copied() else {
        return message_page(StatusCode::INTERNAL_SERVER_ERROR, "Not sent", "no peer address");
    };
    let client = forwarded::client_ip(peer.addr.ip(), request.headers(), &web.settings.trusted_proxies);
    let form_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if !form_type.is_some_and(|t| t.starts_with("application/x-www-form-urlencoded")) {
        return message_page(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Not sent", "send the page's form");
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES).await else {
        return message_page(StatusCode::PAYLOAD_TOO_LARGE, "Not sent", "the message is too long");
    };
    let (draft, honeypot) = parse_form(&body);
    if honeypot {
        web.service.metrics.message_refused("honeypot");
        debug!("a filled honeypot field: answered as sent, nothing stored");
        return message_page(StatusCode::OK, "Sent — thank you", "Your message was sent.");
    }
    match web.service.send_message(&draft, client, Channel::Web).await {
        Ok(receipt) => {
            let line = format!("Your message is stored (#{}). I will reply to you soon.", receipt.id);
            message_page(StatusCode::OK, "Sent — thank you", &line)
        }
        Err(err) => {
            let status = match err {
                SendError::Invalid(_) => StatusCode::BAD_REQUEST,
                SendError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            message_page(status, "Not sent", &err.visitor_line())
        }
    }
}

/// The form's fields as a draft, and whether the honeypot was filled.
fn parse_form(body: &[u8]) -> (Draft, bool) {
    let mut draft = Draft::default();
    let mut honeypot = false;
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "name" => draft.name = value.into_owned(),
            "reply_to" => draft.reply_to = value.into_owned(),
            "body" => draft.body = value.into_owned(),
            "website" => honeypot |= !value.trim().is_empty(),
            _ => {}
        }
    }
    (draft, honeypot)
}

fn message_page(status: StatusCode, title: &str, line: &str) -> Response {
    let headers = [(header::CONTENT_TYPE, HTML), (header::CACHE_CONTROL, "no-store")];
    (status, headers, page::message_answer(&STYLE.href, title, line)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_read_field_by_field_with_its_honeypot() {
        let (draft, honeypot) =
            parse_form(b"name=Jane+D%C3%B6e&reply_to=j%40x.org&body=Hi%0D%0Athere&website=");
        assert_eq!((draft.name.as_str(), draft.reply_to.as_str()), ("Jane Döe", "j@x.org"));
        assert_eq!((draft.body.as_str(), honeypot), ("Hi\r\nthere", false));
        assert!(parse_form(b"reply_to=x&body=y&website=http%3A%2F%2Fspam").1);
    }
}
