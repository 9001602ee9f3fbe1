//! Jersey's content negotiation over the media types of Confluent's resources
//! (client/rest/Versions.java): `@Consumes` decides which request bodies are read (415 for
//! others) and `@Produces` with its `qs` weights decides the response's Content-Type.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::CONTENT_TYPE;
use crate::errors::ApiError;

/// What the resources consume; octet-stream is what Jersey assumes without a Content-Type.
const CONSUMES: [&str; 4] = [
    CONTENT_TYPE,
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// What the resources produce, with their server-side quality (qs).
const PRODUCES: [(&str, f32); 3] = [
    (CONTENT_TYPE, 1.0),
    ("application/vnd.schemaregistry+json", 0.9),
    ("application/json", 0.5),
];

/// Rejects unreadable bodies and gives the answer the media type the client accepts best.
pub(crate) async fn negotiate(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::POST | Method::PUT) && !consumable(req.headers()) {
        return ApiError::bad_request(415, "HTTP 415 Unsupported Media Type").into_response();
    }
    let produce = produced(req.headers());
    let mut resp = next.run(req).await;
    if produce != CONTENT_TYPE
        && resp.headers().get(header::CONTENT_TYPE) == Some(&HeaderValue::from_static(CONTENT_TYPE))
    {
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(produce));
    }
    resp
}

/// The media type without parameters, lower-cased.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn consumable(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let ct = essence(ct.to_str().unwrap_or(""));
    ct.is_empty() || CONSUMES.contains(&ct.as_str())
}

/// The client's quality for one produced type: the best matching Accept entry, 0 for none.
fn accept_quality(accept: &str, produced: &str) -> f32 {
    let (main, _) = produced.split_once('/').unwrap_or((produced, ""));
    accept
        .split(',')
        .filter_map(|entry| {
            let media = essence(entry);
            let matches = media == produced || media == "*/*" || media == format!("{main}/*");
            let q = entry
                .split(';')
                .skip(1)
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            matches.then_some(q)
        })
        .fold(0.0, f32::max)
}

/// The produced type with the highest client quality times server quality; Confluent's
/// own type when nothing matches (Jersey would answer 406; a body the client can still read
/// as JSON is more useful).
fn produced(headers: &HeaderMap) -> &'static str {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()) else {
        return CONTENT_TYPE;
    };
    let mut best = (CONTENT_TYPE, 0.0);
    for (media, qs) in PRODUCES {
        let score = accept_quality(accept, media) * qs;
        if score > best.1 {
            best = (media, score);
        }
    }
    best.0
}
