//! Dates as the Python SDK's checkpoints store them: `datetime.isoformat()` written,
//! `dateutil.parser.isoparse` read.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};

/// `2025-02-18T23:38:44.719000+00:00`, as Python's `isoformat()` of an aware UTC datetime: no
/// fraction when it is zero, six digits for microseconds, and nine when the date carries
/// nanoseconds (which Python's `isoparse` reads, truncated to microseconds).
pub(crate) fn format(date: DateTime<Utc>) -> String {
    let base = date.format("%Y-%m-%dT%H:%M:%S");
    let nanos = date.nanosecond() % 1_000_000_000;
    if nanos == 0 {
        format!("{base}+00:00")
    } else if nanos.is_multiple_of(1000) {
        format!("{base}.{:06}+00:00", nanos / 1000)
    } else {
        format!("{base}.{nanos:09}+00:00")
    }
}

/// Reads what `isoparse` reads in practice: RFC 3339 (`Z` or an offset, any fraction), a date
/// and time without offset (taken as UTC, where Python would fail to compare it), a date alone.
pub(crate) fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Ok(date.with_timezone(&Utc));
    }
    for layout in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, layout) {
            return Ok(naive.and_utc());
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    Err(format!(
        "{text:?} is not an ISO 8601 date (expected e.g. 2025-02-18T23:38:44.719000+00:00)"
    ))
}

/// serde of `Option<DateTime<Utc>>` as an ISO string.
pub(crate) mod option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        date: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_str(&super::format(*date)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) => super::parse(&text)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_python_writes_them() {
        let date = |s: &str| parse(s).unwrap();
        assert_eq!(
            format(date("2026-01-01T00:00:00Z")),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            format(date("2025-02-18T23:38:44.719Z")),
            "2025-02-18T23:38:44.719000+00:00"
        );
        assert_eq!(
            format(date("2025-02-18T23:38:44.719123456+00:00")),
            "2025-02-18T23:38:44.719123456+00:00"
        );
        assert_eq!(
            format(date("2026-12-02T04:33:29.123456+02:00")),
            "2026-12-02T02:33:29.123456+00:00"
        );
        assert_eq!(
            format(date("2099-01-01T00:00:00")),
            "2099-01-01T00:00:00+00:00"
        );
        assert_eq!(format(date("2099-01-01")), "2099-01-01T00:00:00+00:00");
        assert!(
            parse("yesterday")
                .unwrap_err()
                .contains("not an ISO 8601 date")
        );
    }
}
