//! The ids the intake gives back for pushed events, one per event, kept compactly.
//!
//! The intake answers each event with a UUID. A million pushed events give a million ids: as
//! `String`s they take about 72 MB (a 24-byte header and a 48-byte allocation each), as 16-byte
//! values 16 MB. Ids are stored as values while they all are lowercase hyphenated UUIDs (the
//! form they read back in); the first id that is not switches the whole list to text, so every
//! id always reads back exactly as the intake wrote it.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The ids of pushed events, in input order (what [`push_events`] returns).
///
/// ```
/// # fn show(ids: &sekoia_runtime::EventIds) {
/// for id in ids {
///     println!("{id}");
/// }
/// let first: Option<String> = ids.get(0).map(|id| id.to_string());
/// let all: Vec<String> = ids.to_strings();
/// # }
/// ```
///
/// [`push_events`]: crate::ConnectorContext::push_events
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EventIds {
    repr: Repr,
}

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// Every id so far is a lowercase hyphenated UUID.
    Uuids(Vec<[u8; 16]>),
    /// At least one id is not.
    Texts(Vec<String>),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Uuids(Vec::new())
    }
}

impl EventIds {
    /// An empty list with room for `capacity` ids.
    pub(crate) fn with_capacity(capacity: usize) -> EventIds {
        EventIds {
            repr: Repr::Uuids(Vec::with_capacity(capacity)),
        }
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Uuids(uuids) => uuids.len(),
            Repr::Texts(texts) => texts.len(),
        }
    }

    /// Whether there is no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id of the event at `index` of the push.
    pub fn get(&self, index: usize) -> Option<EventId<'_>> {
        match &self.repr {
            Repr::Uuids(uuids) => uuids.get(index).map(|uuid| EventId(Id::Uuid(uuid))),
            Repr::Texts(texts) => texts.get(index).map(|text| EventId(Id::Text(text))),
        }
    }

    /// The id of the first event.
    pub fn first(&self) -> Option<EventId<'_>> {
        self.get(0)
    }

    /// The id of the last event.
    pub fn last(&self) -> Option<EventId<'_>> {
        self.len().checked_sub(1).and_then(|last| self.get(last))
    }

    /// The ids, in input order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            ids: self,
            front: 0,
            back: self.len(),
        }
    }

    /// The ids as strings.
    pub fn to_strings(&self) -> Vec<String> {
        match &self.repr {
            Repr::Uuids(_) => self.iter().map(|id| id.to_string()).collect(),
            Repr::Texts(texts) => texts.clone(),
        }
    }

    /// Appends an id as the intake wrote it.
    pub(crate) fn push(&mut self, id: &str) {
        match (&mut self.repr, parse_uuid(id.as_bytes())) {
            (Repr::Uuids(uuids), Some(uuid)) => uuids.push(uuid),
            (Repr::Uuids(_), None) => {
                let mut texts = self.to_strings();
                texts.push(id.to_owned());
                self.repr = Repr::Texts(texts);
            }
            (Repr::Texts(texts), _) => texts.push(id.to_owned()),
        }
    }

    /// Appends the ids of `other`, after those of `self`.
    pub(crate) fn append(&mut self, other: EventIds) {
        match (&mut self.repr, other.repr) {
            (Repr::Uuids(uuids), Repr::Uuids(more)) => uuids.extend_from_slice(&more),
            (Repr::Texts(texts), Repr::Texts(more)) => texts.extend(more),
            (_, other) => {
                let other = EventIds { repr: other };
                let mut texts = self.to_strings();
                texts.extend(other.iter().map(|id| id.to_string()));
                self.repr = Repr::Texts(texts);
            }
        }
    }
}

impl From<EventIds> for Vec<String> {
    fn from(ids: EventIds) -> Vec<String> {
        match ids.repr {
            Repr::Texts(texts) => texts,
            Repr::Uuids(_) => ids.to_strings(),
        }
    }
}

impl fmt::Debug for EventIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a EventIds {
    type Item = EventId<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The ids of an [`EventIds`], in input order.
pub struct Iter<'a> {
    ids: &'a EventIds,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = EventId<'a>;

    fn next(&mut self) -> Option<EventId<'a>> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.ids.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.back - self.front;
        (left, Some(left))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.ids.get(self.back)
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The id of one event: displays as the intake wrote it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EventId<'a>(Id<'a>);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Id<'a> {
    Uuid(&'a [u8; 16]),
    Text(&'a str),
}

impl fmt::Display for EventId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Id::Uuid(uuid) => {
                let text = format_uuid(uuid);
                f.write_str(std::str::from_utf8(&text).expect("hex digits and hyphens"))
            }
            Id::Text(text) => f.write_str(text),
        }
    }
}

impl fmt::Debug for EventId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

impl PartialEq<str> for EventId<'_> {
    fn eq(&self, other: &str) -> bool {
        match self.0 {
            Id::Uuid(uuid) => parse_uuid(other.as_bytes()).as_ref() == Some(uuid),
            Id::Text(text) => text == other,
        }
    }
}

impl PartialEq<&str> for EventId<'_> {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl EventIds {
    /// The ids of a reply shaped `{"event_ids": ["<uuid>", ...]}` (any JSON whitespace), the
    /// intake's usual answer, read without a JSON parser; `None` for any other reply, which then
    /// goes through serde.
    pub(crate) fn from_usual_reply(body: &[u8]) -> Option<EventIds> {
        let mut reply = Cursor { body, at: 0 };
        reply.expect(b"{")?;
        reply.expect(b"\"event_ids\"")?;
        reply.expect(b":")?;
        reply.expect(b"[")?;
        // an id and its quotes and comma take 39 bytes
        let mut uuids = Vec::with_capacity(body.len() / 39);
        if reply.expect(b"]").is_none() {
            loop {
                reply.expect(b"\"")?;
                let id = body.get(reply.at..reply.at + 36)?;
                uuids.push(parse_uuid(id)?);
                reply.at += 36;
                if body.get(reply.at) != Some(&b'"') {
                    return None;
                }
                reply.at += 1;
                if reply.expect(b",").is_none() {
                    reply.expect(b"]")?;
                    break;
                }
            }
        }
        reply.expect(b"}")?;
        reply.skip_whitespace();
        (reply.at == body.len()).then_some(EventIds {
            repr: Repr::Uuids(uuids),
        })
    }
}

/// A position in a reply being read.
struct Cursor<'b> {
    body: &'b [u8],
    at: usize,
}

impl Cursor<'_> {
    fn skip_whitespace(&mut self) {
        while matches!(self.body.get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// Steps over whitespace and then `token`, if it is there.
    fn expect(&mut self, token: &[u8]) -> Option<()> {
        self.skip_whitespace();
        let found = self.body.get(self.at..)?.starts_with(token);
        found.then(|| self.at += token.len())
    }
}

/// The sixteen bytes of a UUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lowercase hex,
/// or `None` for any other text (uppercase included: it would not read back the same).
///
/// A million ids are parsed per million events pushed: the 32 digits are read eight at a time
/// as words ([`hex_word`]), checked and turned into bytes with word arithmetic.
fn parse_uuid(text: &[u8]) -> Option<[u8; 16]> {
    let text: &[u8; 36] = text.try_into().ok()?;
    if text[8] != b'-' || text[13] != b'-' || text[18] != b'-' || text[23] != b'-' {
        return None;
    }
    let word = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            text[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let words = [
        word(0),
        half(9) | half(14) << 32,
        half(19) | half(24) << 32,
        word(28),
    ];
    let mut uuid = [0u8; 16];
    for (bytes, word) in uuid.chunks_exact_mut(4).zip(words) {
        bytes.copy_from_slice(&hex_word(word)?);
    }
    Some(uuid)
}

/// The four bytes that eight lowercase hex digits (read little endian: the first digit is the
/// low byte) write, or `None` if one of them is something else.
fn hex_word(word: u64) -> Option<[u8; 4]> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // each byte's high bit: the byte is at least `n` (valid for bytes below 0x80 only)
    let at_least = |n: u8| (word | HIGH).wrapping_sub(ONES * u64::from(n)) & HIGH;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least(b'a') & !at_least(b'f' + 1);
    if word & HIGH != 0 || (digit | letter) != HIGH {
        return None;
    }
    // a digit's value is its low nibble, a letter's its low nibble plus 9 (bit 6 marks letters)
    let nibbles = (word & (ONES * 0x0f)) + ((word >> 6) & ONES) * 9;
    // byte 2k gets (digit 2k << 4) | digit 2k+1, then the even bytes are packed together
    let pairs = ((nibbles << 4) | (nibbles >> 8)) & 0x00ff_00ff_00ff_00ff;
    let quads = (pairs | (pairs >> 8)) & 0x0000_ffff_0000_ffff;
    let packed = (quads | (quads >> 16)) as u32;
    Some(packed.to_le_bytes())
}

/// The lowercase hyphenated text of a UUID.
fn format_uuid(uuid: &[u8; 16]) -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in uuid.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0xf)];
        at += 2;
    }
    text
}

/// A list of strings.
impl Serialize for EventIds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(|id| id.to_string()))
    }
}

/// A list of strings (numbers are taken as their text). The ids are read without allocating
/// one string each.
impl<'de> Deserialize<'de> for EventIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EventIds, D::Error> {
        deserializer.deserialize_seq(IdsVisitor)
    }
}

struct IdsVisitor;

impl<'de> Visitor<'de> for IdsVisitor {
    type Value = EventIds;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of event ids")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventIds, A::Error> {
        let mut ids = EventIds::with_capacity(seq.size_hint().unwrap_or(0));
        while seq.next_element_seed(PushId(&mut ids))?.is_some() {}
        Ok(ids)
    }
}

/// Deserializes one id straight into the list.
struct PushId<'a>(&'a mut EventIds);

impl<'de> DeserializeSeed<'de> for PushId<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PushId<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event id (a string)")
    }

    fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<(), E> {
        self.0.push(id);
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<(), E> {
        self.0.push(&id.to_string());
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, id: i64) -> Result<(), E> {
        self.0.push(&id.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
    const B: &str = "ffffffff-0000-4000-8000-000000000001";

    fn ids(texts: &[&str]) -> EventIds {
        let mut ids = EventIds::default();
        for text in texts {
            ids.push(text);
        }
        ids
    }

    #[test]
    fn uuids_are_stored_as_sixteen_bytes_and_read_back_as_written() {
        let list = ids(&[A, B]);
        assert!(matches!(&list.repr, Repr::Uuids(uuids) if uuids.len() == 2));
        assert_eq!(list.to_strings(), vec![A, B]);
        assert_eq!(list.get(1).unwrap().to_string(), B);
        assert_eq!(list.get(0).unwrap(), A);
        assert!(list.get(2).is_none());
        assert_eq!(list.first().unwrap(), A);
        assert_eq!(list.last().unwrap(), B);
        assert!(EventIds::default().last().is_none());
        assert_eq!(format!("{list:?}"), format!("[\"{A}\", \"{B}\"]"));
    }

    #[test]
    fn any_other_id_switches_the_list_to_text_and_keeps_every_id_exact() {
        let upper = A.to_uppercase();
        for odd in [
            "id-1",
            upper.as_str(),
            "{0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b}",
            "0f8e4c1a2b3d4e5f8a9b0c1d2e3f4a5b",
            "0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5g",
            "0f8e4c1a-2b3d-4e5f-8a9b+0c1d2e3f4a5b",
            "",
        ] {
            let list = ids(&[A, odd, B]);
            assert!(matches!(list.repr, Repr::Texts(_)), "{odd:?}");
            assert_eq!(list.to_strings(), vec![A, odd, B]);
            assert_eq!(list.get(1).unwrap(), odd);
        }
    }

    #[test]
    fn a_uuid_with_any_wrong_character_anywhere_is_text() {
        assert_eq!(
            parse_uuid(A.as_bytes()).map(|uuid| format_uuid(&uuid).to_vec()),
            Some(A.as_bytes().to_vec())
        );
        for at in 0..36 {
            for wrong in ["g", "A", "F", "-", "/", ":", "`", "0", " "] {
                let mut text = A.to_owned();
                text.replace_range(at..at + 1, wrong);
                let hyphen = matches!(at, 8 | 13 | 18 | 23);
                let valid = if hyphen {
                    wrong == "-"
                } else {
                    wrong == "0" || &A[at..at + 1] == wrong
                };
                assert_eq!(parse_uuid(text.as_bytes()).is_some(), valid, "{text}");
            }
        }
        assert!(parse_uuid(&A.replace('-', "é").as_bytes()[..36]).is_none());
    }

    #[test]
    fn every_byte_at_every_digit_is_told_apart() {
        let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        for at in (0..36).filter(|at| !matches!(at, 8 | 13 | 18 | 23)) {
            for byte in 0..=255u8 {
                let mut text = A.as_bytes().to_vec();
                text[at] = byte;
                let parsed = parse_uuid(&text);
                assert_eq!(parsed.is_some(), hex(byte), "{byte:#x} at {at}");
                if let Some(uuid) = parsed {
                    assert_eq!(format_uuid(&uuid).to_vec(), text);
                }
            }
        }
    }

    #[test]
    fn the_usual_reply_is_read_without_a_parser_and_anything_else_is_left_to_serde() {
        for body in [
            format!(r#"{{"event_ids":["{A}","{B}"]}}"#),
            format!("{{ \"event_ids\" :\n [ \"{A}\" ,\t\"{B}\" ] }}\r\n"),
        ] {
            let ids = EventIds::from_usual_reply(body.as_bytes()).expect(&body);
            assert_eq!(ids.to_strings(), vec![A, B]);
        }
        let empty = EventIds::from_usual_reply(br#"{"event_ids": []}"#).unwrap();
        assert!(empty.is_empty());
        for other in [
            format!(r#"{{"event_ids":["{A}","id-2"]}}"#),
            format!(r#"{{"event_ids":["{A}"],"other":1}}"#),
            format!(r#"{{"other":1,"event_ids":["{A}"]}}"#),
            format!(r#"{{"event_ids":["{A}",]}}"#),
            format!(r#"{{"event_ids":["{A}"]}}x"#),
            format!(r#"{{"event_ids":["{A}"]"#),
            format!(r#"{{"event_ids":["{}"]}}"#, A.to_uppercase()),
            format!(r#"{{"event_ids":["{}\u0030"]}}"#, &A[..35]),
            r#"{"event_ids":[1]}"#.to_owned(),
            "[]".to_owned(),
            String::new(),
        ] {
            assert!(
                EventIds::from_usual_reply(other.as_bytes()).is_none(),
                "{other}"
            );
        }
    }

    #[test]
    fn appending_keeps_the_order_whatever_the_forms() {
        let mut list = ids(&[A]);
        list.append(ids(&[B]));
        list.append(ids(&["x"]));
        list.append(ids(&[A]));
        assert_eq!(list.to_strings(), vec![A, B, "x", A]);
        let mut text = ids(&["y"]);
        text.append(ids(&[B]));
        assert_eq!(Vec::from(text), vec!["y", B]);
    }

    #[test]
    fn iteration_goes_both_ways_and_knows_its_length() {
        let list = ids(&[A, B, A]);
        let mut iter = list.iter();
        assert_eq!(iter.len(), 3);
        assert_eq!(iter.next_back().unwrap(), A);
        assert_eq!(iter.next().unwrap(), A);
        assert_eq!(iter.len(), 1);
        assert_eq!(iter.next().unwrap(), B);
        assert!(iter.next().is_none() && iter.next_back().is_none());
        assert_eq!((&list).into_iter().count(), 3);
    }

    #[test]
    fn every_uuid_round_trips() {
        for seed in 0u128..2000 {
            let value = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
            let text = uuid::Uuid::from_u128(value).hyphenated().to_string();
            let list = ids(&[&text]);
            assert!(matches!(list.repr, Repr::Uuids(_)));
            assert_eq!(list.get(0).unwrap().to_string(), text);
        }
    }

    #[test]
    fn json_is_a_list_of_strings_both_ways() {
        let list: EventIds = serde_json::from_str(&format!(r#"["{A}", "id\"2", 3]"#)).unwrap();
        assert_eq!(list.to_strings(), vec![A, "id\"2", "3"]);
        assert_eq!(
            serde_json::to_value(&list).unwrap(),
            serde_json::json!([A, "id\"2", "3"])
        );
        let error = serde_json::from_str::<EventIds>("[true]").unwrap_err();
        assert!(
            error.to_string().contains("an event id (a string)"),
            "{error}"
        );
    }
}
