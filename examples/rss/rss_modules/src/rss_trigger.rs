//! The "New Post" trigger: every feed is read at its frequency, and each item not seen before
//! starts a playbook run.

use std::path::PathBuf;
use std::time::Duration;

use sekoia_runtime::prelude::*;
use sekoia_runtime::reqwest::{StatusCode, header};
use tokio::time::Instant;

use crate::{Entry, Feed, RssModule, Seen};

/// Trigger playbook when new posts are published
#[trigger(
    name = "New Post",
    uuid = "c0511b14-585a-42fd-a896-715a5989d4ff",
    docker_parameters = "rss_trigger",
    file = "trigger_rss_feed.json"
)]
pub struct RssTrigger;

// The trigger configuration (no doc comment: it would be the schema's description).
#[sekoia(title = "RSS")]
#[derive(Deserialize, JsonSchema)]
pub struct RssConfiguration {
    /// RSS Feeds configuration
    pub feeds: Option<Vec<FeedConfiguration>>,
}

// One feed to watch (no doc comment: it would be the schema's description).
#[sekoia]
#[derive(Deserialize, JsonSchema)]
pub struct FeedConfiguration {
    /// URL of the RSS feed
    #[sekoia(format = "uri")]
    pub url: Option<String>,
    /// Frequency of feed lookups (in seconds)
    #[schemars(range(min = 60))]
    #[sekoia(default = 300)]
    pub frequency: i64,
    /// Whether the RSS parsing should be strict or not.
    #[sekoia(default = false)]
    pub strict: bool,
    /// Whether the event should be saved in a file or sent directly
    #[sekoia(default = false)]
    pub to_file: bool,
}

// An event: the feed and the item, or, with `to_file`, the file that holds them (no doc
// comment: it would be the schema's description).
#[sekoia(title = "RSS Item", required = [])]
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct NewPost {
    /// Information about the RSS Feed's source
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<AnyObject>,
    /// RSS Item content
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Post>,
    /// Path to the file containing the RSS event
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_path: Option<String>,
}

/// The item of an event, as the Python module formats it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Post {
    /// Author of the RSS item
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Title of the RSS item
    pub title: Option<String>,
    /// Link to the full RSS item
    pub link: Option<String>,
    /// Description of the RSS item
    pub description: Option<String>,
    /// Date and time of publication
    pub published: Option<String>,
}

impl From<&Entry> for Post {
    fn from(entry: &Entry) -> Self {
        Post {
            author: entry.author.clone(),
            title: entry.title.clone(),
            link: entry.link.clone(),
            description: entry.description.clone(),
            published: entry.published.clone(),
        }
    }
}

impl Trigger for RssTrigger {
    type Module = RssModule;
    type Configuration = RssConfiguration;
    type Results = NewPost;

    async fn run(&self, ctx: &TriggerContext<Self>) -> Result<(), TriggerError> {
        let mut watched = Vec::new();
        for (index, feed) in ctx.configuration().feeds.iter().flatten().enumerate() {
            let Some(url) = feed.url.as_deref() else {
                continue;
            };
            let Ok(seconds @ 1..) = u64::try_from(feed.frequency) else {
                return Err(Error::new(format!(
                    "feeds[{index}].frequency: {} is not a number of seconds",
                    feed.frequency
                )));
            };
            let file = Seen::file(ctx.data_dir(), url);
            watched.push(Watched {
                url,
                feed,
                frequency: Duration::from_secs(seconds),
                seen: Seen::load(&file),
                file,
                next: Instant::now(),
            });
        }
        tracing::info!("Trigger starting: {} feeds to watch", watched.len());
        while ctx.running() {
            for feed in watched
                .iter_mut()
                .filter(|feed| feed.next <= Instant::now())
            {
                feed.next = Instant::now() + feed.frequency;
                if let Err(error) = feed.read(ctx).await {
                    tracing::error!("{}: {error}", feed.url);
                }
            }
            match watched.iter().map(|feed| feed.next).min() {
                Some(next) => ctx.sleep(next - Instant::now()).await,
                None => {
                    ctx.stopped().await;
                    true
                }
            };
        }
        tracing::info!("Trigger stopping");
        Ok(())
    }
}

/// A feed being watched, and what was seen of it.
struct Watched<'a> {
    url: &'a str,
    feed: &'a FeedConfiguration,
    frequency: Duration,
    seen: Seen,
    file: PathBuf,
    next: Instant,
}

impl Watched<'_> {
    /// Reads the feed once and sends its new items.
    async fn read(&mut self, ctx: &TriggerContext<RssTrigger>) -> Result<(), Error> {
        let mut request = ctx.http().get(self.url);
        if let Some(etag) = &self.seen.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &self.seen.modified {
            request = request.header(header::IF_MODIFIED_SINCE, modified);
        }
        let response = request.send().await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            tracing::debug!("{} has not changed", self.url);
            return Ok(());
        }
        let response = response.error_for_status()?;
        let validator = |name| {
            let value = response.headers().get(name)?.to_str().ok();
            value.map(str::to_owned)
        };
        let (etag, modified) = (validator(header::ETAG), validator(header::LAST_MODIFIED));
        let document = response.text().await?;

        let feed = match Feed::parse(&document) {
            Ok(feed) => feed,
            Err(error) if self.feed.strict => {
                return Err(Error::new(format!("Can't parse the RSS feed: {error}")));
            }
            Err(error) => {
                tracing::warn!("{}: Can't parse the RSS feed: {error}", self.url);
                return Ok(());
            }
        };
        let event_name = format!("RSS feed {}", self.url);
        for entry in feed.entries.iter().filter(|entry| self.seen.is_new(entry)) {
            tracing::debug!("Sending new event for feed {}", self.url);
            let event = NewPost {
                source: Some(feed.source.clone()),
                item: Some(Post::from(entry)),
                event_path: None,
            };
            if self.feed.to_file {
                send_in_a_file(ctx, &event_name, &event).await?;
            } else {
                ctx.send_event(&event_name, &event).await?;
            }
        }
        self.seen.remember(&feed.entries);
        self.seen.etag = etag;
        self.seen.modified = modified;
        self.seen.save(&self.file);
        Ok(())
    }
}

/// Sends `event` as the file `event.json` of a new directory, which the platform removes once
/// the playbook run has it.
async fn send_in_a_file(
    ctx: &TriggerContext<RssTrigger>,
    name: &str,
    event: &NewPost,
) -> Result<(), Error> {
    let directory = PathBuf::from("rss_events").join(uuid::Uuid::new_v4().to_string());
    let absolute = ctx.data_dir().join(&directory);
    let cannot =
        |e: std::io::Error| Error::new(format!("cannot write {}: {e}", absolute.display()));
    tokio::fs::create_dir_all(&absolute).await.map_err(cannot)?;
    let json = serde_json::to_vec(event)?;
    tokio::fs::write(absolute.join("event.json"), json)
        .await
        .map_err(cannot)?;
    let pointer = NewPost {
        event_path: Some("event.json".to_owned()),
        ..NewPost::default()
    };
    ctx.send_event_with_directory(name, &pointer, &directory, true)
        .await
}
