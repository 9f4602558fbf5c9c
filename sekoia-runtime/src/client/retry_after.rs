//! `Retry-After`: a number of seconds or an HTTP date.

use std::time::{Duration, SystemTime};

/// The wait a `Retry-After` value asks for at `now`: `120`, `1.5`, or
/// `Wed, 21 Oct 2026 07:28:00 GMT` (a date in the past asks for no wait). `None` when the value
/// is neither.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use sekoia_runtime::client::retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_792_567_600); // Wed, 21 Oct 2026 07:26:40 GMT
/// assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
/// assert_eq!(retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now), Some(Duration::from_secs(80)));
/// assert_eq!(retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now), Some(Duration::ZERO));
/// assert_eq!(retry_after("soon", now), None);
/// ```
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}
