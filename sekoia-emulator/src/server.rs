//! The HTTP/1.1 server: accepts loopback connections and hands each request to the platform.
//!
//! Each connection runs in its own task next to a "drop" signal: when a scripted
//! [`Reply::drop_connection`](crate::Reply::drop_connection) fires, the task drops the hyper
//! connection, which closes the socket without writing any response.

use std::convert::Infallible;
use std::future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::Incoming as IncomingBody;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::answer::Answer;
use crate::platform::{Incoming, Platform};

/// The body of every answer: a whole one, or the console's live feed.
pub(crate) type Body = BoxBody<Bytes, Infallible>;

/// Pause after a failed `accept` (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Accepts connections until `shutdown` turns true or its sender is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    platform: Arc<Platform>,
    shutdown: watch::Receiver<bool>,
) {
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            () = stopped(&mut stop) => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, platform.clone(), shutdown.clone()));
                }
                Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
            },
        }
    }
}

async fn connection(
    stream: TcpStream,
    platform: Arc<Platform>,
    mut shutdown: watch::Receiver<bool>,
) {
    // Small answers must not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let drop_signal = Arc::new(Notify::new());
    let service = {
        let drop_signal = drop_signal.clone();
        service_fn(move |request| handle(platform.clone(), drop_signal.clone(), request))
    };
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    // Whichever ends first ends the connection; dropping it closes the socket.
    tokio::select! {
        _ = connection => {}
        _ = drop_signal.notified() => {}
        () = stopped(&mut shutdown) => {}
    }
}

/// Resolves once `shutdown` turns true or its sender is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The `Ref` the wait returns is dropped here: it must not live across other awaits.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn handle(
    platform: Arc<Platform>,
    drop_signal: Arc<Notify>,
    request: Request<IncomingBody>,
) -> Result<Response<Body>, Infallible> {
    let received_at = Instant::now();
    let timestamp = SystemTime::now();
    let (parts, body) = request.into_parts();
    if platform.console.is_some() && crate::console::is_console(parts.uri.path()) {
        // the console is not platform traffic: answered, not recorded
        let (method, path) = (parts.method.as_str(), parts.uri.path());
        return Ok(crate::console::answer(
            &platform,
            method,
            path,
            parts.uri.query(),
        ));
    }
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            // The client went away mid-body: there is no request to record.
            let message = format!("cannot read the request body: {error}");
            return Ok(Answer::error(StatusCode::BAD_REQUEST, message).into_response());
        }
    };
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let incoming = Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body,
        received_at,
        timestamp,
    };
    let decision = platform.receive(incoming);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    match decision.answer {
        Some(answer) => Ok(answer.into_response()),
        None => {
            drop_signal.notify_one();
            // The connection task drops this future with the connection.
            future::pending().await
        }
    }
}
