//! The console's live feed: server-sent events. Each connected page gets the summary at most
//! four times a second, when something changed, and a comment every 15 s to keep the
//! connection open; the feed ends when the page goes away or the emulator stops.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::mpsc;

use crate::platform::Platform;

/// The shortest time between two summaries.
const PERIOD: Duration = Duration::from_millis(250);
/// Ticks between two keep-alive comments.
const KEEP_ALIVE_TICKS: u32 = 60;

/// A body fed by a channel: the server writes each chunk as it comes.
pub(crate) struct ChannelBody(mpsc::Receiver<Bytes>);

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// Starts the feed of one page.
pub(crate) fn open(platform: Arc<Platform>) -> ChannelBody {
    let (sender, receiver) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut changes = platform.recorder.generation();
        let mut sent_seq = None;
        let mut quiet = 0u32;
        let mut ticker = tokio::time::interval(PERIOD);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticker.tick().await;
            let seq = *changes.borrow_and_update();
            let chunk = if sent_seq != Some(seq) {
                sent_seq = Some(seq);
                quiet = 0;
                let summary = super::summary(&platform);
                Bytes::from(format!("event: summary\ndata: {summary}\n\n"))
            } else {
                quiet += 1;
                if quiet < KEEP_ALIVE_TICKS {
                    continue;
                }
                quiet = 0;
                Bytes::from_static(b": still here\n\n")
            };
            if sender.send(chunk).await.is_err() {
                return;
            }
        }
    });
    ChannelBody(receiver)
}
