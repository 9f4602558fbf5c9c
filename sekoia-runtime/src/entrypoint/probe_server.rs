//! The small HTTP servers the platform probes on a long-running component: health on
//! `liveness_port`, Prometheus metrics on `metrics_port`. Started by the entry point only.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;

use crate::session::Session;

/// Which probe a port answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Probe {
    /// `GET /health`; other paths 404.
    Health,
    /// The Prometheus text, on any path.
    Metrics,
}

/// Listens on `0.0.0.0:port` (the platform probes the container) and answers `probe` from the
/// session until it stops. Returns the bound port.
pub(crate) async fn serve(port: u16, probe: Probe, session: Arc<Session>) -> std::io::Result<u16> {
    let listener = TcpListener::bind(("0.0.0.0", port)).await?;
    let bound = listener.local_addr()?.port();
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = session.stop.stopped() => return,
            };
            let Ok((stream, _)) = accepted else { continue };
            let session = Arc::clone(&session);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let response = answer(probe, &session, request.method(), request.uri().path());
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(bound)
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
