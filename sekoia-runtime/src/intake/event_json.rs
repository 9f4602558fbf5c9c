//! An event as it travels in a batch body: a JSON string literal holding the event's JSON text.
//!
//! The text of a structured event is escaped twice over: once by JSON itself (the strings inside
//! the event), once more because the whole text is a string of the body. [`write_event`] does both
//! in one pass, straight into the body: its serializer writes the event's structure as it is, the
//! quotes of the event's strings as `\"` and their contents with both escapes applied at once
//! (`"` becomes `\\\"`, a newline `\\n`). There is no intermediate copy of the event's text and
//! no second scan of it.
//!
//! Why a serializer of its own rather than `serde_json::Serializer` with a `Formatter` that
//! doubles the escapes (about 190 lines, measured side by side, commit f2dd099, the test
//! `serializers_side_by_side` of `intake/doubled.rs`): serde_json escapes strings a byte at a
//! time and a `Formatter` cannot take that over, so on string-heavy events this one is about 55%
//! faster (0.105 against 0.163 s a million events of the push benchmark, a number and 329 bytes
//! of padding; some 18% of the push's CPU); on an audit event of nine short fields both take
//! 0.31-0.32 s. It relies on two private names of serde_json, guarded by a test.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};
use std::sync::OnceLock;

use serde::ser::{self, Impossible, Serialize};

use super::escape::escape;

/// Appends `event` to `out` as the JSON string literal of its JSON text (compact, as
/// `serde_json::to_string` writes it), and returns the size of that text in bytes.
///
/// An event whose JSON is a string (a `&str` raw log line, a `char`, a unit enum variant, ...) is
/// sent as the string itself rather than as its JSON text: it is written as that string's JSON
/// literal and its size is the string's. On error `out` is left as it was.
pub(crate) fn write_event<E: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    event: &E,
) -> Result<usize, EventError> {
    write_event_with(out, event, None)
}

/// [`write_event`], with serde_json's raw JSON struct names given rather than found out (tests).
fn write_event_with<E: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    event: &E,
    magic: Option<Magic>,
) -> Result<usize, EventError> {
    let start = out.len();
    out.push(b'"');
    let mut writer = Writer {
        out,
        start,
        extra: 0,
        string_len: None,
        magic,
    };
    match event.serialize(Top(&mut writer)) {
        Ok(()) => {
            writer.out.push(b'"');
            Ok(match writer.string_len {
                Some(len) => len,
                None => writer.out.len() - start - 2 - writer.extra,
            })
        }
        Err(e) => {
            writer.out.truncate(start);
            Err(e)
        }
    }
}

/// Why an event could not be serialized: serde_json's message for the same failure, or the
/// message of the event's own `Serialize` error.
#[derive(Debug)]
pub(crate) struct EventError(Cow<'static, str>);

impl EventError {
    const KEY_MUST_BE_A_STRING: EventError = EventError(Cow::Borrowed("key must be a string"));
    const FLOAT_KEY_MUST_BE_FINITE: EventError = EventError(Cow::Borrowed(
        "float key must be finite (got NaN or +/-inf)",
    ));
    const DISPLAY_FAILED: EventError = EventError(Cow::Borrowed(
        "a Display implementation returned an error unexpectedly",
    ));
    const TWO_RAW_FRAGMENTS: EventError = EventError(Cow::Borrowed(
        "a raw JSON string event followed by more raw JSON",
    ));
}

impl Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EventError {}

impl ser::Error for EventError {
    fn custom<T: Display>(msg: T) -> Self {
        EventError(Cow::Owned(msg.to_string()))
    }
}

/// The output of one event and what is known of it while it is written.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Where the event starts in `out`.
    start: usize,
    /// Bytes written beyond the event's JSON text: the second escape (the text's own quotes and
    /// escapes, escaped). The text's size is what was written less this.
    extra: usize,
    /// The event's string value's size, when the event is a string.
    string_len: Option<usize>,
    /// Which raw JSON structs serde_json reads; `None`: as the serde_json linked in does.
    magic: Option<Magic>,
}

impl Writer<'_> {
    /// Structure and numbers: the same bytes in the text and in the body.
    fn text(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A string inside the event: `\"`, its contents escaped twice, `\"`.
    fn string(&mut self, value: &str) {
        self.out.extend_from_slice(b"\\\"");
        self.extra += 2 + escape::<true>(self.out, value.as_bytes());
        self.out.extend_from_slice(b"\\\"");
    }

    /// An integer, in decimal as serde_json writes it (with the same `itoa`).
    fn integer<I: itoa::Integer>(&mut self, value: I) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    /// A number (or a byte array) as serde_json writes it, by serde_json itself: no escape.
    fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        serde_json::to_writer(&mut *self.out, value).map_err(ser::Error::custom)
    }

    /// A number as a map key: in quotes.
    fn quoted<T: Serialize>(&mut self, value: T) -> Result<(), EventError> {
        self.out.extend_from_slice(b"\\\"");
        self.json(&value)?;
        self.out.extend_from_slice(b"\\\"");
        self.extra += 2;
        Ok(())
    }

    /// A string written through `Display` (`collect_str`), inside the event.
    fn display<T: Display + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.out.extend_from_slice(b"\\\"");
        let mut escaper = Escaper::<true> {
            out: &mut *self.out,
            len: 0,
            added: 0,
        };
        write!(escaper, "{value}").map_err(|_| EventError::DISPLAY_FAILED)?;
        self.extra += 2 + escaper.added;
        self.out.extend_from_slice(b"\\\"");
        Ok(())
    }

    /// The event is this string: written escaped once, as the raw line it is.
    fn event_string(&mut self, value: &str) {
        escape::<false>(self.out, value.as_bytes());
        self.string_len = Some(value.len());
    }

    /// Raw JSON text (serde_json's `RawValue` or arbitrary precision number): structure,
    /// escaped once. At the top, a JSON string makes a string event, as it does with serde_json.
    fn fragment(&mut self, json: &str, top: bool) -> Result<(), EventError> {
        if top {
            if self.string_len.is_some() {
                return Err(EventError::TWO_RAW_FRAGMENTS);
            }
            if self.out.len() == self.start + 1
                && json.starts_with('"')
                && let Some(value) = json_string(json)
            {
                self.event_string(&value);
                return Ok(());
            }
        }
        self.extra += escape::<false>(self.out, json.as_bytes());
        Ok(())
    }

    /// `{"variant":` of an enum variant with content.
    fn variant(&mut self, variant: &str) {
        self.text(b"{");
        self.string(variant);
        self.text(b":");
    }

    /// Which raw JSON struct `name` is, if serde_json treats it so. A private name of serde_json
    /// that is not one of the two known is refused: a serde_json that renamed them would have its
    /// raw JSON written as an object, silently wrong.
    fn token(&self, name: &str) -> Result<Option<Token>, EventError> {
        let token = match name {
            NUMBER_TOKEN => Token::Number,
            RAW_VALUE_TOKEN => Token::RawValue,
            _ if name.starts_with(PRIVATE_PREFIX) => {
                return Err(EventError(Cow::Owned(format!(
                    "serde_json's private struct {name:?} is unknown to this sekoia-runtime, \
                     written for the names of serde_json 1.0.154: update sekoia-runtime"
                ))));
            }
            _ => return Ok(None),
        };
        let magic = self.magic.unwrap_or_else(Magic::of_serde_json);
        let on = match token {
            Token::Number => magic.number,
            Token::RawValue => magic.raw_value,
        };
        Ok(on.then_some(token))
    }
}

/// The string a JSON string literal holds; borrowed when it has no escapes.
fn json_string(json: &str) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<&str>(json) {
        Ok(value) => Some(Cow::Borrowed(value)),
        Err(_) => serde_json::from_str::<String>(json).ok().map(Cow::Owned),
    }
}

/// Escapes what `Display` writes, as it comes.
struct Escaper<'o, const TWICE: bool> {
    out: &'o mut Vec<u8>,
    /// Bytes written by `Display`.
    len: usize,
    /// Bytes the escaping added (see [`escape`]).
    added: usize,
}

impl<const TWICE: bool> fmt::Write for Escaper<'_, TWICE> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.added += escape::<TWICE>(self.out, s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

/// serde_json's private struct names: with its `arbitrary_precision` and `raw_value` features,
/// a struct so named holds JSON text in a field of the same name, written as is.
/// They are serde_json's private API: `serde_json_s_private_names_are_the_known_ones` fails
/// when a serde_json upgrade changes them, and [`Writer::token`] refuses an unknown one.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";
const PRIVATE_PREFIX: &str = "$serde_json::private::";

#[derive(Clone, Copy)]
enum Token {
    Number,
    RawValue,
}

impl Token {
    fn name(self) -> &'static str {
        match self {
            Token::Number => NUMBER_TOKEN,
            Token::RawValue => RAW_VALUE_TOKEN,
        }
    }

    /// serde_json's error for a field of another name.
    fn wrong_field(self) -> EventError {
        EventError(Cow::Borrowed(match self {
            Token::Number => "invalid number",
            Token::RawValue => "expected value",
        }))
    }

    /// serde_json's error for a field that is not a string.
    fn wrong_type(self) -> EventError {
        EventError(Cow::Borrowed(match self {
            Token::Number => "invalid number",
            Token::RawValue => "expected RawValue",
        }))
    }
}

/// Which raw JSON structs the serde_json linked in reads.
#[derive(Clone, Copy)]
struct Magic {
    number: bool,
    raw_value: bool,
}

impl Magic {
    /// The features are turned on by whatever else depends on serde_json, so they are found out
    /// by asking serde_json, once.
    fn of_serde_json() -> Magic {
        static MAGIC: OnceLock<Magic> = OnceLock::new();
        *MAGIC.get_or_init(|| Magic {
            number: serde_json_reads(Token::Number),
            raw_value: serde_json_reads(Token::RawValue),
        })
    }
}

/// Whether serde_json writes the struct `token` as raw JSON text.
fn serde_json_reads(token: Token) -> bool {
    struct Probe(Token);
    impl Serialize for Probe {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeStruct as _;
            let mut raw = serializer.serialize_struct(self.0.name(), 1)?;
            raw.serialize_field(self.0.name(), "1")?;
            raw.end()
        }
    }
    serde_json::to_string(&Probe(token)).is_ok_and(|json| json == "1")
}

/// The serializer of the event itself: a string is the event's string value, anything else
/// starts the JSON text.
struct Top<'w, 'a>(&'w mut Writer<'a>);

impl<'w, 'a> ser::Serializer for Top<'w, 'a> {
    type Ok = ();
    type Error = EventError;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Struct<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), EventError> {
        self.0.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), EventError> {
        self.0.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), EventError> {
        self.0.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), EventError> {
        self.0.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), EventError> {
        self.0.serialize_i64(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), EventError> {
        self.0.serialize_i128(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), EventError> {
        self.0.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), EventError> {
        self.0.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), EventError> {
        self.0.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), EventError> {
        self.0.serialize_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), EventError> {
        self.0.serialize_u128(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), EventError> {
        self.0.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), EventError> {
        self.0.serialize_f64(v)
    }
    fn serialize_char(self, v: char) -> Result<(), EventError> {
        self.0.event_string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), EventError> {
        self.0.event_string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), EventError> {
        self.0.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<(), EventError> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EventError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), EventError> {
        self.0.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), EventError> {
        self.0.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), EventError> {
        self.0.event_string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        self.0
            .serialize_newtype_variant(name, index, variant, value)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'w, 'a>, EventError> {
        self.0.serialize_seq(len)
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>, EventError> {
        self.0.serialize_tuple(len)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, EventError> {
        self.0.serialize_tuple_struct(name, len)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, EventError> {
        self.0.serialize_tuple_variant(name, index, variant, len)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'w, 'a>, EventError> {
        self.0.serialize_map(len)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Struct<'w, 'a>, EventError> {
        match self.0.token(name)? {
            Some(token) => Ok(Struct::Fragment {
                w: self.0,
                token,
                top: true,
            }),
            None => self.0.serialize_struct(name, len),
        }
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, EventError> {
        self.0.serialize_struct_variant(name, index, variant, len)
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), EventError> {
        let mut escaper = Escaper::<false> {
            out: &mut *self.0.out,
            len: 0,
            added: 0,
        };
        write!(escaper, "{value}").map_err(|_| EventError::DISPLAY_FAILED)?;
        self.0.string_len = Some(escaper.len);
        Ok(())
    }
}

/// The serializer of the values inside the event.
impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = EventError;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Struct<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), EventError> {
        self.text(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), EventError> {
        self.integer(v);
        Ok(())
    }
    // not finite: `null`
    fn serialize_f32(self, v: f32) -> Result<(), EventError> {
        self.json(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), EventError> {
        self.json(&v)
    }
    fn serialize_char(self, v: char) -> Result<(), EventError> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), EventError> {
        self.string(v);
        Ok(())
    }
    // an array of numbers
    fn serialize_bytes(self, v: &[u8]) -> Result<(), EventError> {
        self.json(&Bytes(v))
    }
    fn serialize_none(self) -> Result<(), EventError> {
        self.text(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EventError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), EventError> {
        self.text(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), EventError> {
        self.text(b"null");
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), EventError> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        self.variant(variant);
        value.serialize(&mut *self)?;
        self.text(b"}");
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'w, 'a>, EventError> {
        self.text(b"[");
        Ok(Compound::open(self, len, b"]"))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>, EventError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, EventError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, EventError> {
        self.variant(variant);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'w, 'a>, EventError> {
        self.text(b"{");
        Ok(Compound::open(self, len, b"}"))
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Struct<'w, 'a>, EventError> {
        match self.token(name)? {
            Some(token) => Ok(Struct::Fragment {
                w: self,
                token,
                top: false,
            }),
            None => self.serialize_map(Some(len)).map(Struct::Fields),
        }
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'w, 'a>, EventError> {
        self.variant(variant);
        self.serialize_map(Some(len))
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), EventError> {
        self.display(value)
    }
}

/// Bytes, for serde_json to write as an array of numbers.
struct Bytes<'b>(&'b [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

#[derive(PartialEq)]
enum State {
    /// Closed already: the length was given as 0.
    Empty,
    First,
    Rest,
}

/// An array or an object being written (serde_json's states, kept even for a `Serialize` that
/// writes more than the length it gave).
struct Compound<'w, 'a> {
    w: &'w mut Writer<'a>,
    state: State,
}

impl<'w, 'a> Compound<'w, 'a> {
    fn open(w: &'w mut Writer<'a>, len: Option<usize>, close: &[u8]) -> Self {
        let state = if len == Some(0) {
            w.text(close);
            State::Empty
        } else {
            State::First
        };
        Compound { w, state }
    }

    fn next(&mut self) {
        if self.state != State::First {
            self.w.text(b",");
        }
        self.state = State::Rest;
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.next();
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), EventError> {
        self.next();
        self.w.string(key);
        self.w.text(b":");
        value.serialize(&mut *self.w)
    }

    fn close(self, close: &[u8]) -> Result<(), EventError> {
        if self.state != State::Empty {
            self.w.text(close);
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EventError> {
        self.close(b"]")
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EventError> {
        self.close(b"]")
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EventError> {
        self.close(b"]")
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.element(value)
    }
    fn end(self) -> Result<(), EventError> {
        if self.state != State::Empty {
            self.w.text(b"]");
        }
        self.w.text(b"}");
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EventError> {
        self.next();
        key.serialize(Key(&mut *self.w))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EventError> {
        self.w.text(b":");
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), EventError> {
        self.close(b"}")
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), EventError> {
        if self.state != State::Empty {
            self.w.text(b"}");
        }
        self.w.text(b"}");
        Ok(())
    }
}

/// A struct: an object, or one of serde_json's raw JSON structs.
enum Struct<'w, 'a> {
    Fields(Compound<'w, 'a>),
    Fragment {
        w: &'w mut Writer<'a>,
        token: Token,
        /// The struct is the event itself.
        top: bool,
    },
}

impl ser::SerializeStruct for Struct<'_, '_> {
    type Ok = ();
    type Error = EventError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        match self {
            Struct::Fields(fields) => fields.field(key, value),
            Struct::Fragment { w, token, top } => {
                if key != token.name() {
                    return Err(token.wrong_field());
                }
                value.serialize(Fragment {
                    w,
                    token: *token,
                    top: *top,
                })
            }
        }
    }
    fn end(self) -> Result<(), EventError> {
        match self {
            Struct::Fields(fields) => fields.close(b"}"),
            Struct::Fragment { .. } => Ok(()),
        }
    }
}

/// `Serializer` methods that all fail with `self.refuse()`.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, EventError> {
            Err(self.refuse())
        })*
    };
}

/// A map key: a string, or a number or a bool in quotes, as serde_json writes keys.
struct Key<'w, 'a>(&'w mut Writer<'a>);

impl Key<'_, '_> {
    fn refuse(self) -> EventError {
        EventError::KEY_MUST_BE_A_STRING
    }
}

impl ser::Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = EventError;
    type SerializeSeq = Impossible<(), EventError>;
    type SerializeTuple = Impossible<(), EventError>;
    type SerializeTupleStruct = Impossible<(), EventError>;
    type SerializeTupleVariant = Impossible<(), EventError>;
    type SerializeMap = Impossible<(), EventError>;
    type SerializeStruct = Impossible<(), EventError>;
    type SerializeStructVariant = Impossible<(), EventError>;

    fn serialize_bool(self, v: bool) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), EventError> {
        self.0.quoted(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), EventError> {
        if !v.is_finite() {
            return Err(EventError::FLOAT_KEY_MUST_BE_FINITE);
        }
        self.0.quoted(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), EventError> {
        if !v.is_finite() {
            return Err(EventError::FLOAT_KEY_MUST_BE_FINITE);
        }
        self.0.quoted(v)
    }
    fn serialize_char(self, v: char) -> Result<(), EventError> {
        self.0.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), EventError> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EventError> {
        value.serialize(self)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), EventError> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EventError> {
        value.serialize(self)
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), EventError> {
        self.0.display(value)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), EventError> {
        Err(self.refuse())
    }
    refuse! {
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// The field of a raw JSON struct: a string of JSON text, anything else is serde_json's error.
struct Fragment<'w, 'a> {
    w: &'w mut Writer<'a>,
    token: Token,
    top: bool,
}

impl Fragment<'_, '_> {
    fn refuse(self) -> EventError {
        self.token.wrong_type()
    }
}

impl ser::Serializer for Fragment<'_, '_> {
    type Ok = ();
    type Error = EventError;
    type SerializeSeq = Impossible<(), EventError>;
    type SerializeTuple = Impossible<(), EventError>;
    type SerializeTupleStruct = Impossible<(), EventError>;
    type SerializeTupleVariant = Impossible<(), EventError>;
    type SerializeMap = Impossible<(), EventError>;
    type SerializeStruct = Impossible<(), EventError>;
    type SerializeStructVariant = Impossible<(), EventError>;

    fn serialize_str(self, v: &str) -> Result<(), EventError> {
        self.w.fragment(v, self.top)
    }
    // `collect_str`: the default, `serialize_str` of the text (serde_json's too)
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), EventError> {
        Err(self.refuse())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<(), EventError> {
        Err(self.refuse())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), EventError> {
        Err(self.refuse())
    }
    refuse! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_i128(i128) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_u128(u128) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Instant;

    use serde::ser::{Error as _, SerializeStruct as _};
    use serde::{Serialize, Serializer};
    use serde_json::Value;

    use super::super::escape::escape_json_string;
    use super::*;

    /// What the two passes send: serde_json's text as a JSON string, or a string event's value.
    fn expected<E: Serialize + ?Sized>(event: &E) -> (Vec<u8>, usize) {
        let text = serde_json::to_string(event).unwrap();
        if text.starts_with('"')
            && let Ok(value) = serde_json::from_str::<String>(&text)
        {
            return (serde_json::to_vec(&value).unwrap(), value.len());
        }
        (serde_json::to_vec(&text).unwrap(), text.len())
    }

    /// `write_event` appends what the two passes send, after what `out` holds already.
    #[track_caller]
    fn check<E: Serialize + ?Sized>(event: &E) {
        check_with(event, None);
    }

    #[track_caller]
    fn check_with<E: Serialize + ?Sized>(event: &E, magic: Option<Magic>) {
        let (bytes, len) = expected(event);
        let mut out = b"[\"before\",".to_vec();
        let written = write_event_with(&mut out, event, magic).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out[10..]),
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(&out[..10], b"[\"before\",");
        assert_eq!(written, len, "{}", String::from_utf8_lossy(&bytes));
    }

    /// `write_event` fails as serde_json does and leaves `out` as it was.
    #[track_caller]
    fn check_error<E: Serialize + ?Sized>(event: &E) {
        let message = serde_json::to_string(event).unwrap_err().to_string();
        check_error_with(event, None, &message);
    }

    #[track_caller]
    fn check_error_with<E: Serialize + ?Sized>(event: &E, magic: Option<Magic>, message: &str) {
        let mut out = b"[\"before\",".to_vec();
        let error = write_event_with(&mut out, event, magic).unwrap_err();
        assert_eq!(error.to_string(), message);
        assert_eq!(out, b"[\"before\",");
    }

    /// Whatever serde_json does, success or failure.
    #[track_caller]
    fn check_any<E: Serialize + ?Sized>(event: &E) {
        if serde_json::to_string(event).is_ok() {
            check(event);
        } else {
            check_error(event);
        }
    }

    #[test]
    fn strings_are_escaped_twice_at_every_position() {
        let specials = [
            "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}",
            "/", "é", "😀", "\u{2028}",
        ];
        for special in specials {
            for len in 0..24 {
                for at in 0..=len {
                    let text = format!("{}{special}{}", "x".repeat(at), "y".repeat(len - at));
                    // the event itself, a string inside it, a key
                    check(&text);
                    check(&[&text]);
                    check(&BTreeMap::from([(&text, &text)]));
                }
            }
        }
        let every_char: String = (0u8..0x80).map(char::from).collect::<String>() + "é€😀";
        check(&every_char.repeat(3));
        check(&[every_char.repeat(3)]);
        // escapes one after another, and only escapes
        check(&["\"\"\\\\\n\n\u{0}\u{0}\"\\\"\\\"\\\"\\\""]);
        check(&"\"\"\\\\\n\n\u{0}\u{0}\"\\\"\\\"\\\"\\\"");
        check(&["", "\"", "\\\\", "\u{1}"]);
    }

    #[test]
    fn scalars() {
        check(&0i8);
        check(&i8::MIN);
        check(&i16::MIN);
        check(&i32::MIN);
        check(&i64::MIN);
        check(&i128::MIN);
        check(&i128::MAX);
        check(&u8::MAX);
        check(&u16::MAX);
        check(&u32::MAX);
        check(&u64::MAX);
        check(&u128::MAX);
        check(&0u128);
        for value in [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            1e300,
            -1e300,
            5e-324,
            1e16,
            1e15,
            1e-7,
            123456.789,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            check(&value);
            check(&[value]);
        }
        for value in [
            0.0f32,
            -0.0,
            0.1,
            1.0,
            1e38,
            -3.4028235e38,
            1e-45,
            f32::MIN_POSITIVE,
            16777216.0,
            f32::NAN,
            f32::INFINITY,
        ] {
            check(&value);
            check(&[value]);
        }
        check(&true);
        check(&false);
        check(&());
        check(&None::<u8>);
        check(&Some(5));
        check(&[Some(true), None]);
    }

    #[test]
    fn chars() {
        for c in [
            'a', '"', '\\', '\n', '\r', '\t', '\u{8}', '\u{c}', '\0', '\u{1f}', '\u{7f}', 'é', '€',
            '😀',
        ] {
            check(&c);
            check(&[c]);
            check(&BTreeMap::from([(c, c)]));
        }
    }

    /// A type serde_json writes with `collect_str`.
    struct Shown(&'static str);

    impl Display for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // in pieces, each escaped as it comes
            for piece in self.0.split_inclusive(['"', '\n']) {
                f.write_str(piece)?;
            }
            write!(f, "<{}>", 42)
        }
    }

    impl Serialize for Shown {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self)
        }
    }

    #[derive(Serialize)]
    struct Newtype<T>(T);

    #[derive(Serialize)]
    enum Kind {
        Unit,
        #[serde(rename = "Ne\"w\\type\n")]
        Newtype(String),
        Tuple(u8, String),
        EmptyTuple(),
        Struct {
            a: u8,
            #[serde(rename = "b\u{1}")]
            b: &'static str,
        },
        EmptyStruct {},
    }

    #[test]
    fn string_events_are_sent_as_their_value() {
        check("a raw \"log\" line\n");
        check(&String::from("\\é😀"));
        check(&'\n');
        check(&Value::String("a\tb".into()));
        check(&Newtype("in a newtype\u{0}"));
        check(&Some("in an option\""));
        check(&Some(Some(Newtype(Some("deep")))));
        check(&Kind::Unit);
        check(&Shown("displayed \"with\" quotes\nand lines"));
        check(&Shown(""));
        check(&Box::<str>::from("boxed"));
        check(&Cow::Borrowed("cow"));
        check(&&&"refs");
        check("");
        // and nested, they are strings of the event's text
        check(&[Shown("displayed \"with\" quotes\nand lines")]);
        check(&BTreeMap::from([("k", Shown("\\"))]));
    }

    #[test]
    fn enums() {
        check(&[Kind::Unit]);
        check(&Kind::Newtype("x\"y".into()));
        check(&Kind::Tuple(1, "two".into()));
        check(&Kind::EmptyTuple());
        check(&Kind::Struct { a: 1, b: "\"b\"" });
        check(&Kind::EmptyStruct {});
        check(&vec![
            Kind::Unit,
            Kind::Newtype(String::new()),
            Kind::EmptyTuple(),
            Kind::EmptyStruct {},
        ]);
        #[derive(Serialize)]
        #[serde(tag = "type")]
        enum Tagged {
            A { x: u8 },
            B,
        }
        #[derive(Serialize)]
        #[serde(tag = "t", content = "c")]
        enum Adjacent {
            A(String),
            B,
        }
        #[derive(Serialize)]
        #[serde(untagged)]
        enum Untagged {
            A(String),
            B { x: f64 },
        }
        check(&Tagged::A { x: 1 });
        check(&Tagged::B);
        check(&Adjacent::A("\"".into()));
        check(&Adjacent::B);
        check(&Untagged::A("top level string".into()));
        check(&Untagged::B { x: 0.5 });
    }

    #[derive(Serialize)]
    struct UnitStruct;

    #[derive(Serialize)]
    struct TupleStruct(i8, &'static str, char);

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    struct Inner {
        #[serde(rename = "in\"ner")]
        inner: u64,
        also: Vec<Kind>,
    }

    #[derive(Serialize)]
    struct Outer {
        #[serde(rename = "na\"me\\\n")]
        name: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        missing: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        present: Option<u32>,
        none: Option<u32>,
        #[serde(flatten)]
        inner: Inner,
        #[serde(skip)]
        _skipped: u8,
        unit: (),
        unit_struct: UnitStruct,
        newtype: Newtype<f32>,
        tuple: (i8, &'static str, char),
        tuple_struct: TupleStruct,
        empty_vec: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        empty_struct: Empty,
        map: BTreeMap<&'static str, Vec<f64>>,
        value: Value,
    }

    fn outer() -> Outer {
        Outer {
            name: "the \"name\"",
            missing: None,
            present: Some(3),
            none: None,
            inner: Inner {
                inner: u64::MAX,
                also: vec![Kind::Unit, Kind::Tuple(0, "\\".into())],
            },
            _skipped: 1,
            unit: (),
            unit_struct: UnitStruct,
            newtype: Newtype(0.25),
            tuple: (-1, "t", '\u{1f}'),
            tuple_struct: TupleStruct(2, "\n", '"'),
            empty_vec: Vec::new(),
            empty_map: BTreeMap::new(),
            empty_struct: Empty {},
            map: BTreeMap::from([("a", vec![1.5, f64::NAN]), ("b\"", vec![])]),
            value: serde_json::json!({"k": ["v", 1, null, {"x": "\"\\"}]}),
        }
    }

    #[test]
    fn structs() {
        check(&outer());
        check(&[outer(), outer()]);
        check(&Some(outer()));
        check(&Newtype(outer()));
        check(&UnitStruct);
        check(&TupleStruct(1, "2", '3'));
        check(&Empty {});
        check(&(1, "two", [3.0]));
        check(&Vec::<u8>::new());
        check(&BTreeMap::<u8, u8>::new());
    }

    /// A `Serialize` that gives a length of 0 and writes an element anyway.
    struct Lying(u8);

    impl Serialize for Lying {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{
                SerializeMap, SerializeSeq, SerializeStructVariant, SerializeTupleVariant,
            };
            match self.0 {
                0 => {
                    let mut seq = serializer.serialize_seq(Some(0))?;
                    seq.serialize_element(&1)?;
                    seq.serialize_element(&2)?;
                    seq.end()
                }
                1 => {
                    let mut map = serializer.serialize_map(Some(0))?;
                    map.serialize_entry("a", &1)?;
                    map.end()
                }
                2 => {
                    let mut fields = serializer.serialize_struct("S", 0)?;
                    fields.serialize_field("a", &1)?;
                    fields.end()
                }
                3 => {
                    let mut fields = serializer.serialize_tuple_variant("E", 0, "V", 0)?;
                    fields.serialize_field(&1)?;
                    fields.end()
                }
                _ => {
                    let mut fields = serializer.serialize_struct_variant("E", 0, "V", 0)?;
                    fields.serialize_field("a", &1)?;
                    fields.end()
                }
            }
        }
    }

    #[test]
    fn lengths_given_wrong_are_written_as_serde_json_does() {
        for kind in 0..5 {
            check(&Lying(kind));
            check(&[Lying(kind), Lying(kind)]);
        }
    }

    /// Bytes, as `serde_bytes` writes them.
    struct ByteString(&'static [u8]);

    impl Serialize for ByteString {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    #[test]
    fn bytes() {
        check(&ByteString(b""));
        check(&ByteString(b"\0\n\"\xff"));
        check(&[ByteString(b"ab"), ByteString(b"")]);
    }

    /// A map with keys of any type.
    struct Entries<K, V>(Vec<(K, V)>);

    impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }

    fn entries<K: Serialize>(keys: impl IntoIterator<Item = K>) -> Entries<K, u8> {
        Entries(keys.into_iter().zip(0..).collect())
    }

    #[derive(Serialize, Clone, Copy)]
    enum KeyKind {
        Plain,
        #[serde(rename = "re\"named")]
        Renamed,
    }

    #[test]
    fn map_keys() {
        check(&entries(["a", "", "\"", "\\\n\u{1}é"]));
        check(&entries([String::from("s")]));
        check(&entries(['c', '"', '\n']));
        check(&entries([i8::MIN, 0, i8::MAX]));
        check(&entries([i16::MIN]));
        check(&entries([i32::MIN]));
        check(&entries([i64::MIN, i64::MAX]));
        check(&entries([i128::MIN, i128::MAX]));
        check(&entries([u8::MAX]));
        check(&entries([u16::MAX]));
        check(&entries([u32::MAX]));
        check(&entries([u64::MAX]));
        check(&entries([u128::MAX]));
        check(&entries([true, false]));
        check(&entries([0.0f64, -0.0, 0.1, 1e300, 5e-324, -1.5]));
        check(&entries([0.1f32, 1e38, -0.0]));
        check(&entries([KeyKind::Plain, KeyKind::Renamed]));
        check(&entries([Newtype("newtype")]));
        check(&entries([Newtype(7u32)]));
        check(&entries([Some("some")]));
        check(&entries([Some(Newtype(Some(3)))]));
        check(&entries([Shown("shown\"")]));
        check(&entries([Value::from("v"), Value::from(true)]));
        // numbers are structs with serde_json's arbitrary_precision, and then not keys
        check_any(&entries([Value::from(3), Value::from(1.5)]));
        // the event's JSON is an object with such keys, even when it has one
        check(&Newtype(entries([1])));

        check_error(&entries([None::<&str>]));
        check_error(&entries([()]));
        check_error(&entries([UnitStruct]));
        check_error(&entries([vec![1]]));
        check_error(&entries([(1, 2)]));
        check_error(&entries([TupleStruct(1, "", 'c')]));
        check_error(&entries([BTreeMap::from([(1, 2)])]));
        check_error(&entries([Empty {}]));
        check_error(&entries([Kind::Newtype("n".into())]));
        check_error(&entries([Kind::Tuple(1, "t".into())]));
        check_error(&entries([Kind::Struct { a: 1, b: "" }]));
        check_error(&entries([ByteString(b"k")]));
        check_error(&entries([f64::NAN]));
        check_error(&entries([f64::INFINITY]));
        check_error(&entries([f32::NEG_INFINITY]));
        check_error(&entries([Value::Null]));
        check_error(&entries([Value::Array(vec![])]));
        // after keys that were fine
        check_error(&entries([Some("a"), None]));
    }

    /// A tiny deterministic PRNG (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn string(&mut self) -> String {
            const ALPHABET: &[&str] = &[
                "a", "Z", "0", " ", "x", "y", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}",
                "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "é", "€", "😀", "\u{2028}", "{", "}", ":",
                ",",
            ];
            let len = if self.below(4) == 0 {
                self.below(100)
            } else {
                self.below(12)
            };
            (0..len)
                .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize])
                .collect()
        }

        fn value(&mut self, depth: u32) -> Value {
            match self.below(if depth > 3 { 6 } else { 8 }) {
                0 => Value::Null,
                1 => Value::Bool(self.below(2) == 0),
                2 => Value::from(self.next() as i64 >> self.below(64)),
                3 => Value::from(self.next() >> self.below(64)),
                // any bits: subnormals, huge and tiny exponents; NaN and infinities become null
                4 => Value::from(f64::from_bits(self.next())),
                5 => Value::String(self.string()),
                6 => Value::Array((0..self.below(6)).map(|_| self.value(depth + 1)).collect()),
                _ => Value::Object(
                    (0..self.below(6))
                        .map(|_| (self.string(), self.value(depth + 1)))
                        .collect(),
                ),
            }
        }
    }

    #[test]
    fn random_json_values() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..4000 {
            let value = rng.value(0);
            check(&value);
        }
    }

    /// A `Serialize` that fails.
    struct Fails;

    impl Serialize for Fails {
        fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
            Err(S::Error::custom("this event cannot be \"serialized\""))
        }
    }

    #[derive(Serialize)]
    struct HalfWritten {
        a: &'static str,
        b: Vec<Value>,
        c: Fails,
    }

    #[test]
    fn errors_leave_the_output_as_it_was() {
        check_error(&Fails);
        check_error(&Some(Fails));
        check_error(&Newtype(Fails));
        check_error(&HalfWritten {
            a: "written\"",
            b: vec![Value::from("also")],
            c: Fails,
        });
        check_error(&(1, "two", [Fails]));
        check_error(&BTreeMap::from([("k", Fails)]));
        let mut out = b"before".to_vec();
        assert!(write_event(&mut out, &Fails).is_err());
        assert_eq!(out, b"before");
        assert_eq!(
            write_event(&mut Vec::new(), &Fails)
                .unwrap_err()
                .to_string(),
            "this event cannot be \"serialized\""
        );
    }

    /// serde_json's raw JSON structs, written by hand: `name { field: value }`.
    struct Raw<T>(&'static str, &'static str, T);

    impl<T: Serialize> Serialize for Raw<T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut raw = serializer.serialize_struct(self.0, 1)?;
            raw.serialize_field(self.1, &self.2)?;
            raw.end()
        }
    }

    /// A raw JSON struct with its field twice, which serde_json writes one after the other.
    struct RawTwice(&'static str, &'static str, &'static str);

    impl Serialize for RawTwice {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut raw = serializer.serialize_struct(self.0, 2)?;
            raw.serialize_field(self.0, self.1)?;
            raw.serialize_field(self.0, self.2)?;
            raw.end()
        }
    }

    const RAW: &str = RAW_VALUE_TOKEN;
    const NUMBER: &str = NUMBER_TOKEN;

    #[test]
    fn raw_json_as_serde_json_writes_it() {
        // with the features of the serde_json linked here, whichever they are
        for token in [RAW, NUMBER] {
            check_any(&Raw(token, token, "[1, \"x\\n\"]\n"));
            check_any(&[Raw(token, token, "1.500000000000000000001")]);
            check_any(&Raw(token, token, "\"a\\u0041\\n\""));
            check_any(&Raw(token, token, "\"abc"));
            check_any(&BTreeMap::from([("k", Raw(token, token, "{\"a\":\"b\"}"))]));
            check_any(&Raw(token, "other", "1"));
            check_any(&Raw(token, token, 1));
            check_any(&entries([Raw(token, token, "1")]));
            check_any(&RawTwice(token, "", "\"a\""));
            check_any(&RawTwice(token, "1", "\"a\""));
            check_any(&[RawTwice(token, "\"a\"", "1")]);
        }
    }

    /// The guard of the private names: a real `RawValue` (the tests build serde_json with its
    /// `raw_value` feature) is written as its text, which needs serde_json to use the name this
    /// serializer knows.
    #[test]
    fn serde_json_s_private_names_are_the_known_ones() {
        #[derive(Serialize)]
        struct Event {
            raw: Box<serde_json::value::RawValue>,
        }
        let raw = serde_json::value::RawValue::from_string("[1, \"x\"]".into()).unwrap();
        assert!(
            Magic::of_serde_json().raw_value,
            "serde_json no longer names its RawValue {RAW_VALUE_TOKEN:?}"
        );
        let mut out = Vec::new();
        write_event(&mut out, &Event { raw }).unwrap();
        assert_eq!(out, serde_json::to_vec(r#"{"raw":[1, "x"]}"#).unwrap());
        let renamed = Raw("$serde_json::private::Renamed", "x", "1");
        let error = write_event(&mut Vec::new(), &renamed).unwrap_err();
        assert!(
            error.to_string().contains("update sekoia-runtime"),
            "{error}"
        );
    }

    #[test]
    fn raw_json_with_the_features_off() {
        let off = Some(Magic {
            number: false,
            raw_value: false,
        });
        for token in [RAW, NUMBER] {
            check_with(&BTreeMap::from([(token, "[1]")]), off);
            let mut out = Vec::new();
            write_event_with(&mut out, &Raw(token, token, "[1]"), off).unwrap();
            assert_eq!(
                out,
                serde_json::to_vec(
                    &serde_json::to_string(&BTreeMap::from([(token, "[1]")])).unwrap()
                )
                .unwrap()
            );
        }
    }

    #[test]
    fn raw_json_with_the_features_on() {
        let on = Some(Magic {
            number: true,
            raw_value: true,
        });
        // the text as it is, escaped once as the event's text
        let raw = |json: &'static str| (serde_json::to_vec(json).unwrap(), json.len());
        let write = |event: &dyn AnyEvent| {
            let mut out = b"x".to_vec();
            let len = event.write(&mut out, on);
            (out[1..].to_vec(), len)
        };
        for token in [RAW, NUMBER] {
            assert_eq!(
                write(&Raw(token, token, "[1, \"x\\n\"]\n")),
                raw("[1, \"x\\n\"]\n")
            );
            assert_eq!(
                write(&Raw(token, token, "1.500000000000000000001")),
                raw("1.500000000000000000001")
            );
            assert_eq!(
                write(&[
                    Raw(token, token, "{\"a\": \"\\\"\"}"),
                    Raw(token, token, "2")
                ]),
                raw("[{\"a\": \"\\\"\"},2]")
            );
            assert_eq!(
                write(&BTreeMap::from([("k\"", Raw(token, token, "null"))])),
                raw("{\"k\\\"\":null}")
            );
            assert_eq!(write(&Raw(token, token, "")), raw(""));
            // a JSON string: a string event
            assert_eq!(
                write(&Raw(token, token, "\"a\\u0041\\n\"")),
                (serde_json::to_vec("aA\n").unwrap(), 3)
            );
            assert_eq!(
                write(&Some(Newtype(Raw(token, token, "\"plain\"")))),
                (serde_json::to_vec("plain").unwrap(), 5)
            );
            // not one
            assert_eq!(write(&Raw(token, token, "\"abc")), raw("\"abc"));
            assert_eq!(write(&Raw(token, token, " \"abc\"")), raw(" \"abc\""));
            // inside the event, strings are text
            assert_eq!(write(&[Raw(token, token, "\"abc\"")]), raw("[\"abc\"]"));
            // two fragments: the text is both (a string only when the first is empty)
            assert_eq!(
                write(&RawTwice(token, "", "\"a\"")),
                (serde_json::to_vec("a").unwrap(), 1)
            );
            assert_eq!(write(&RawTwice(token, "1", "\"a\"")), raw("1\"a\""));
            // a string then more text: serde_json writes `"a"1`, not a string, but the string
            // is written already
            check_error_with(
                &RawTwice(token, "\"a\"", "1"),
                on,
                "a raw JSON string event followed by more raw JSON",
            );
        }
        check_error_with(&Raw(RAW, "other", "1"), on, "expected value");
        check_error_with(&Raw(RAW, RAW, 1), on, "expected RawValue");
        check_error_with(&[Raw(RAW, RAW, Some("1"))], on, "expected RawValue");
        check_error_with(&Raw(NUMBER, "other", "1"), on, "invalid number");
        check_error_with(&Raw(NUMBER, NUMBER, 1.5), on, "invalid number");
        check_error_with(&entries([Raw(RAW, RAW, "1")]), on, "key must be a string");
    }

    /// `write_event_with` behind a trait object, for events of several types.
    trait AnyEvent {
        fn write(&self, out: &mut Vec<u8>, magic: Option<Magic>) -> usize;
    }

    impl<T: Serialize> AnyEvent for T {
        fn write(&self, out: &mut Vec<u8>, magic: Option<Magic>) -> usize {
            write_event_with(out, self, magic).unwrap()
        }
    }

    #[derive(Serialize)]
    struct Padded {
        n: u64,
        pad: String,
    }

    /// A 350-byte event.
    fn padded(n: u64) -> Padded {
        Padded {
            n,
            pad: "x".repeat(350 - r#"{"n":123456,"pad":""}"#.len()),
        }
    }

    /// The two passes `write_event` replaces: serde_json's text, then escaped.
    fn two_passes<E: Serialize + ?Sized>(
        body: &mut Vec<u8>,
        scratch: &mut Vec<u8>,
        event: &E,
    ) -> usize {
        scratch.clear();
        serde_json::to_writer(&mut *scratch, event).unwrap();
        assert_ne!(scratch.first(), Some(&b'"'));
        escape_json_string(body, scratch);
        scratch.len()
    }

    #[test]
    fn many_events_equal_the_two_passes() {
        let event = padded(123456);
        assert_eq!(serde_json::to_string(&event).unwrap().len(), 350);
        let (mut one, mut two, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
        for n in 0..100_000 {
            one.push(b',');
            two.push(b',');
            let event = if n % 1000 == 0 {
                padded(n)
            } else {
                padded(123456)
            };
            assert_eq!(
                write_event(&mut one, &event).unwrap(),
                two_passes(&mut two, &mut scratch, &event)
            );
        }
        assert!(one == two);
    }

    /// By hand: `cargo test --release -p sekoia-runtime --lib -- --ignored --nocapture write_event_speed`
    #[test]
    #[ignore = "a timing, run by hand in release mode"]
    fn write_event_speed() {
        const EVENTS: usize = 1_000_000;
        // a chunk's worth of events, then the body starts again (its memory is kept)
        const CHUNK: usize = 9_437_184;
        #[derive(Serialize)]
        struct Log {
            timestamp: &'static str,
            host: &'static str,
            severity: u8,
            message: &'static str,
            tags: [&'static str; 3],
        }
        let log = Log {
            timestamp: "2024-05-01T12:34:56.789Z",
            host: "web-01.example.com",
            severity: 5,
            message: "GET /index.html?q=\"rust\" HTTP/1.1 200 1234 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"\tC:\\path",
            tags: ["http", "access", "nginx"],
        };
        let padded = padded(123456);
        // the best of three runs (the machine may be busy)
        let time = |name: &str, write: &mut dyn FnMut(&mut Vec<u8>) -> usize| {
            let mut body = Vec::with_capacity(CHUNK + (2 << 20));
            let (mut best, mut bytes) = (std::time::Duration::MAX, 0);
            for _ in 0..3 {
                bytes = 0;
                let start = Instant::now();
                for _ in 0..EVENTS {
                    if body.len() > CHUNK {
                        body.clear();
                    }
                    body.push(b',');
                    bytes += write(&mut body);
                }
                best = best.min(start.elapsed());
                std::hint::black_box(&body);
            }
            eprintln!(
                "{name}: {EVENTS} events of {} bytes in {best:.2?}: {:.1} ns/event, {:.0} MB/s",
                bytes / EVENTS,
                best.as_nanos() as f64 / EVENTS as f64,
                bytes as f64 / best.as_secs_f64() / 1e6,
            );
        };
        let mut scratch = Vec::with_capacity(1024);
        time("350-byte event, two passes ", &mut |body| {
            two_passes(body, &mut scratch, std::hint::black_box(&padded))
        });
        time("350-byte event, write_event", &mut |body| {
            write_event(body, std::hint::black_box(&padded)).unwrap()
        });
        time("log event, two passes      ", &mut |body| {
            two_passes(body, &mut scratch, std::hint::black_box(&log))
        });
        time("log event, write_event     ", &mut |body| {
            write_event(body, std::hint::black_box(&log)).unwrap()
        });
    }
}
