//! The small HTTP servers the platform probes on a long-running component: health on
//! `liveness_port`, Prometheus metrics on `metrics_port`. Started by the entry point only.
//!
//! They bind every address (`0.0.0.0`): the kubelet's probes and the Prometheus scraper connect
//! to the pod's IP address, never to its loopback. Each serves at most [`CONNECTIONS_MAX`]
//! connections at once, one request each; a client has [`HEADER_READ_TIMEOUT`] to send its
//! request and a connection lasts [`CONNECTION_MAX`] at most; an accept error (out of file
//! descriptors) pauses the accepts, up to a second, instead of spinning.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::session::Session;

/// Which probe a port answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Probe {
    /// `GET /health`; other paths 404.
    Health,
    /// The Prometheus text, on any path.
    Metrics,
}

/// Connections served at once; more wait in the listen backlog.
pub(crate) const CONNECTIONS_MAX: usize = 16;
/// How long a client may take to send its request headers.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a connection lasts.
pub(crate) const CONNECTION_MAX: Duration = Duration::from_secs(30);
/// The longest pause after an accept error.
const ACCEPT_PAUSE_MAX: Duration = Duration::from_secs(1);

/// Listens on `0.0.0.0:port` (the platform probes the pod's address) and answers `probe` from
/// the session until it stops. Returns the bound port.
pub(crate) async fn serve(port: u16, probe: Probe, session: Arc<Session>) -> std::io::Result<u16> {
    let listener = TcpListener::bind(("0.0.0.0", port)).await?;
    let bound = listener.local_addr()?.port();
    let slots = Arc::new(Semaphore::new(CONNECTIONS_MAX));
    tokio::spawn(async move {
        let mut pause = Duration::ZERO;
        loop {
            let accepted = tokio::select! {
                accepted = accept(&listener, &slots) => accepted,
                _ = session.stop.stopped() => return,
            };
            let (stream, slot) = match accepted {
                Ok(accepted) => {
                    pause = Duration::ZERO;
                    accepted
                }
                Err(_) => {
                    // EMFILE and the like: wait for descriptors to be freed rather than spin
                    pause = (pause * 2).clamp(Duration::from_millis(10), ACCEPT_PAUSE_MAX);
                    tokio::time::sleep(pause).await;
                    continue;
                }
            };
            let session = Arc::clone(&session);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let response = answer(probe, &session, request.method(), request.uri().path());
                    async move { Ok::<_, Infallible>(response) }
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .keep_alive(false)
                    .serve_connection(TokioIo::new(stream), service);
                let _ = tokio::time::timeout(CONNECTION_MAX, connection).await;
                drop(slot);
            });
        }
    });
    Ok(bound)
}

/// The next connection, once a slot is free.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> std::io::Result<(tokio::net::TcpStream, tokio::sync::OwnedSemaphorePermit)> {
    let slot = Arc::clone(slots)
        .acquire_owned()
        .await
        .map_err(std::io::Error::other)?;
    let (stream, _) = listener.accept().await?;
    Ok((stream, slot))
}

fn answer(probe: Probe, session: &Session, method: &Method, path: &str) -> Response<Full<Bytes>> {
    match probe {
        Probe::Health if method == Method::GET && path == "/health" => {
            let health = session.liveness.health();
            response(health.status, "application/json", health.body.to_string())
        }
        Probe::Health => {
            let body = json!({"status_code": 404, "reason": "Endpoint doesn't exist"});
            response(404, "application/json", body.to_string())
        }
        Probe::Metrics => match session.metrics.encode() {
            Ok(text) => response(
                200,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                text,
            ),
            Err(e) => response(500, "text/plain", format!("cannot encode the metrics: {e}")),
        },
    }
}

/// A response with a body and a content type.
fn response(status: u16, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .expect("a status and one header make a valid response")
}
