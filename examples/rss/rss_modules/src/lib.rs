//! The RSS module of Sekoia's catalogue, in Rust: its trigger, with the catalogue's manifests
//! (`cargo build` writes them equal to the Python module's).
//!
//! [`RssTrigger`] ("New Post") reads RSS and Atom feeds, each at its own frequency, and starts
//! a playbook run for every item it has not seen yet. What it has seen is kept in the data
//! directory, so a restarted trigger does not send the same items again.
//!
//! The module was started with `cargo sekoia import` on the Python module, which wrote the types
//! of the configuration and events from its manifests; the body is written by hand.

use sekoia_runtime::prelude::*;

mod feed;
mod rss_trigger;
mod seen;

pub use feed::{Entry, Feed, FeedError};
pub use rss_trigger::{FeedConfiguration, NewPost, Post, RssConfiguration, RssTrigger};
pub use seen::Seen;

#[module(
    name = "RSS",
    slug = "rss",
    uuid = "52686cd0-8636-48d3-a7d6-9c20ee47f111",
    categories = ["Generic"],
    description = "RSS is a internet standard for web syndication. It usually used by websites to publish frequently updated information.\n\nThis module exposes triggers to subscribe to RSS feeds.",
    dialect(titles = "none", schema = "draft-07", optional = "plain"),
)]
#[sekoia(title = "Module configuration")]
#[derive(Deserialize, JsonSchema)]
pub struct RssModule {}
