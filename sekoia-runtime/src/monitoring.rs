//! The small HTTP servers a long-running component exposes: health and Prometheus metrics.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Answers a request from its method and path.
pub(crate) type Responder =
    Arc<dyn Fn(&hyper::Method, &str) -> Response<Full<Bytes>> + Send + Sync>;

/// Listens on `0.0.0.0:port` (the platform probes the container) and answers with `respond`
/// until `stop` turns true. Returns the bound port.
pub(crate) async fn serve(
    port: u16,
    respond: Responder,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<u16> {
    let listener = TcpListener::bind(("0.0.0.0", port)).await?;
    let bound = listener.local_addr()?.port();
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stop.wait_for(|stopped| *stopped) => return,
            };
            let Ok((stream, _)) = accepted else { continue };
            let respond = Arc::clone(&respond);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let response = respond(request.method(), request.uri().path());
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

/// A response with a body and a content type.
pub(crate) fn response(status: u16, content_type: &str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .expect("a status and one header make a valid response")
}
