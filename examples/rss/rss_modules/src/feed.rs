//! A feed document, RSS (0.9x, 1.0, 2.0) or Atom, read into what the trigger sends: the feed's
//! source fields and its entries.

use chrono::{DateTime, Utc};
use quick_xml::events::{BytesStart, Event};
use sekoia_runtime::AnyObject;

/// A feed, whatever its format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feed {
    /// What the Python module sends as `source`: `title`, `subtitle`, `link`, `language`,
    /// `author` and `publisher`, those the feed has.
    pub source: AnyObject,
    /// The entries, in the feed's order.
    pub entries: Vec<Entry>,
}

/// One item of a feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// What identifies the entry: its `guid` or `id`, else its link, else its title.
    pub id: String,
    /// The `guid` (RSS) or `id` (Atom).
    pub guid: Option<String>,
    pub title: Option<String>,
    pub link: Option<String>,
    /// The summary (RSS `description`, Atom `summary`, else its `content`).
    pub description: Option<String>,
    pub author: Option<String>,
    /// The publication date as the feed writes it (`published`, else `updated`).
    pub published: Option<String>,
    /// That date, read: an entry is new when it is later than the newest one already sent.
    pub date: Option<DateTime<Utc>>,
}

/// Why a document is not a feed.
#[derive(Debug)]
pub struct FeedError(String);

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FeedError {}

impl Feed {
    /// Reads an RSS or Atom document.
    ///
    /// ```
    /// let feed = rss_modules::Feed::parse(r#"<rss version="2.0"><channel><title>News</title>
    ///     <item><title>First</title><link>https://example.com/1</link>
    ///     <pubDate>Tue, 30 Jul 2019 16:23:00 GMT</pubDate></item></channel></rss>"#).unwrap();
    /// assert_eq!(feed.source["title"], "News");
    /// assert_eq!(feed.entries[0].published.as_deref(), Some("Tue, 30 Jul 2019 16:23:00 GMT"));
    /// assert!(feed.entries[0].date.is_some());
    /// ```
    pub fn parse(document: &str) -> Result<Feed, FeedError> {
        let mut reader = quick_xml::Reader::from_str(document);
        let mut reading = Reading::default();
        let not_xml = |e: &dyn std::fmt::Display| FeedError(format!("not XML: {e}"));
        loop {
            match reader.read_event().map_err(|e| not_xml(&e))? {
                Event::Start(element) => reading.start(&element),
                Event::Empty(element) => {
                    reading.start(&element);
                    reading.end();
                }
                Event::End(_) => reading.end(),
                Event::Text(text) => reading
                    .text
                    .push_str(&text.decode().map_err(|e| not_xml(&e))?),
                Event::CData(text) => reading
                    .text
                    .push_str(&text.decode().map_err(|e| not_xml(&e))?),
                Event::GeneralRef(reference) => {
                    let name = reference.decode().map_err(|e| not_xml(&e))?;
                    let character = match reference.resolve_char_ref().map_err(|e| not_xml(&e))? {
                        Some(character) => Some(character.to_string()),
                        None => {
                            quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                        }
                    };
                    reading
                        .text
                        .push_str(&character.unwrap_or_else(|| format!("&{name};")));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        match reading.root.as_deref() {
            Some("rss" | "rdf:RDF" | "feed") if reading.path.is_empty() => Ok(reading.feed),
            Some(root @ ("rss" | "rdf:RDF" | "feed")) => {
                Err(FeedError(format!("the document ends inside <{root}>")))
            }
            Some(other) => Err(FeedError(format!(
                "the document is <{other}>, neither RSS (<rss>, <rdf:RDF>) nor Atom (<feed>)"
            ))),
            None => Err(FeedError("the document has no element".into())),
        }
    }
}

/// The state of a read: the open elements, the text of the innermost, what was found.
#[derive(Default)]
struct Reading {
    root: Option<String>,
    /// The qualified names of the open elements (`channel`, `item`, `atom:link`...).
    path: Vec<String>,
    text: String,
    feed: Feed,
    /// The entry being read, inside `<item>` or `<entry>`.
    entry: Option<Entry>,
}

impl Reading {
    fn start(&mut self, element: &BytesStart<'_>) {
        let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
        self.root.get_or_insert_with(|| name.clone());
        self.text.clear();
        if name == "item" || name == "entry" {
            self.entry = Some(Entry::default());
        }
        // an Atom link is an attribute: the `alternate` one is what a reader opens
        if name == "link" && self.root.as_deref() == Some("feed") {
            let attribute = |key: &[u8]| {
                let value = element.try_get_attribute(key).ok().flatten()?;
                Some(String::from_utf8_lossy(&value.value).into_owned())
            };
            if attribute(b"rel").is_none_or(|rel| rel == "alternate")
                && let Some(href) = attribute(b"href")
            {
                match &mut self.entry {
                    Some(entry) => {
                        entry.link.get_or_insert(href);
                    }
                    None if !self.feed.source.contains_key("link") => {
                        self.feed.source.insert("link".into(), href.into());
                    }
                    None => {}
                }
            }
        }
        self.path.push(name);
    }

    fn end(&mut self) {
        let Some(name) = self.path.pop() else {
            return;
        };
        let value = text(Some(std::mem::take(&mut self.text)));
        let parent = self.path.last().map(String::as_str).unwrap_or_default();
        if name == "item" || name == "entry" {
            if let Some(entry) = self.entry.take() {
                self.feed.entries.push(entry.identified());
            }
        } else if let Some(entry) = &mut self.entry {
            entry.read(parent, &name, value);
        } else if matches!(parent, "channel" | "feed") || (parent == "author" && name == "name") {
            let key = match name.as_str() {
                "title" => "title",
                "description" | "subtitle" => "subtitle",
                "link" => "link",
                "language" | "dc:language" => "language",
                "managingEditor" | "name" => "author",
                "webMaster" => "publisher",
                _ => return,
            };
            if let Some(value) = value
                && !self.feed.source.contains_key(key)
            {
                self.feed.source.insert(key.to_owned(), value.into());
            }
        }
    }
}

impl Entry {
    /// Keeps the text of `name`, a child of `parent` in the entry, when it says something.
    fn read(&mut self, parent: &str, name: &str, value: Option<String>) {
        let field = match (parent, name) {
            ("item" | "entry", "title") => &mut self.title,
            ("item", "link") => &mut self.link,
            ("item", "description") | ("entry", "summary" | "content") => &mut self.description,
            ("item", "author" | "dc:creator") | ("author", "name") => &mut self.author,
            ("item", "guid") | ("entry", "id") => &mut self.guid,
            ("item", "pubDate" | "dc:date") | ("entry", "published" | "updated") => {
                &mut self.published
            }
            _ => return,
        };
        if field.is_none() {
            *field = value;
        }
    }

    /// The entry with its id and its date, once all of it was read.
    fn identified(mut self) -> Entry {
        self.id = self
            .guid
            .clone()
            .or_else(|| self.link.clone())
            .or_else(|| self.title.clone())
            .unwrap_or_default();
        self.date = self.published.as_deref().and_then(|date| {
            DateTime::parse_from_rfc2822(date)
                .or_else(|_| DateTime::parse_from_rfc3339(date))
                .ok()
                .map(|date| date.with_timezone(&Utc))
        });
        self
    }
}

/// Text with its surrounding white space removed; `None` when nothing is left.
fn text(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_python_modules_feeds_are_read() {
        let nasa = Feed::parse(include_str!("../../tests/data/nasa.xml")).unwrap();
        assert_eq!(nasa.entries.len(), 10);
        assert!(nasa.entries.iter().all(|entry| entry.date.is_some()));
        let atom = Feed::parse(include_str!("../../tests/data/atom.xml")).unwrap();
        assert_eq!(atom.entries.len(), 1);
    }

    #[test]
    fn a_document_that_is_no_feed_is_named() {
        let error = Feed::parse("<html><body/></html>").unwrap_err();
        assert!(error.to_string().contains("<html>"), "{error}");
        let error = Feed::parse("<rss><channel><title>x</title>").unwrap_err();
        assert!(error.to_string().contains("ends inside <rss>"), "{error}");
    }

    #[test]
    fn rss_1_0_items_are_beside_the_channel() {
        let feed = Feed::parse(
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel><title>Old</title><link>http://example.org/</link></channel>
              <item><title>One</title><link>http://example.org/1</link><dc:date>2003-12-13T18:30:02Z</dc:date></item>
            </rdf:RDF>"#,
        )
        .unwrap();
        assert_eq!(feed.source["title"], "Old");
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].id, "http://example.org/1");
        assert!(feed.entries[0].date.is_some());
    }
}
