//! Timestamps in responses. S3 writes every XML timestamp as `2026-12-01T10:00:00.000Z`,
//! and a listing holds one per key, so that form is read by a short exact parser; every
//! other form (an offset, no `Z`, HTTP dates where ISO 8601 is due, anything invalid) goes
//! to aws-smithy-types' parser, which also words the error.

use crate::primitives::{DateTime, DateTimeFormat};

/// Parses a timestamp; ISO 8601 values without fractional seconds or with an offset are
/// accepted as well, since S3-compatible stores vary.
pub fn parse_timestamp(text: &str, format: DateTimeFormat) -> Result<DateTime, String> {
    if format == DateTimeFormat::DateTime
        && let Some(t) = utc(text.as_bytes())
    {
        return Ok(t);
    }
    DateTime::from_str(text, format)
        .or_else(|first| {
            // Some stores send HTTP dates where ISO 8601 is due, and the other way round.
            let other = match format {
                DateTimeFormat::DateTime => DateTimeFormat::HttpDate,
                _ => DateTimeFormat::DateTime,
            };
            DateTime::from_str(text, other).map_err(|_| first)
        })
        .map_err(|e| format!("`{text}` is not a valid timestamp: {e}"))
}

/// `YYYY-MM-DDTHH:MM:SS[.F]Z` with 1-9 fraction digits, fully validated; `None` for
/// anything else, including a leap second, so the general parser decides those.
fn utc(text: &[u8]) -> Option<DateTime> {
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        mo0,
        mo1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        mi0,
        mi1,
        b':',
        s0,
        s1,
        rest @ ..,
    ] = text
    else {
        return None;
    };
    let year = number(&[*y0, *y1, *y2, *y3])?;
    let month = number(&[*mo0, *mo1])?;
    let day = number(&[*d0, *d1])?;
    let hour = number(&[*h0, *h1])?;
    let minute = number(&[*mi0, *mi1])?;
    let second = number(&[*s0, *s1])?;
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let seconds =
        days_from_epoch(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(DateTime::from_secs_and_nanos(seconds, nanos))
}

/// ASCII digits as a number; `None` if any byte is not a digit.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`: years counted from March, in 400-year eras).
fn days_from_epoch(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn general(text: &str) -> Option<DateTime> {
        DateTime::from_str(text, DateTimeFormat::DateTime).ok()
    }

    /// Every timestamp the short parser reads, it reads as aws-smithy-types does.
    #[test]
    fn agrees_with_the_general_parser() {
        let mut checked = 0;
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let fractions = ["", ".0", ".5", ".000", ".123", ".999999", ".123456789"];
        for i in 0..20_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Years 0001-9999, with the calendar's edges (ends of months, February 29)
            // and the clock's (23:59:59) well represented.
            let year = 1 + (state % 9999) as u32;
            let month = 1 + (state >> 16) as u32 % 12;
            let day = 1 + (state >> 24) as u32 % 31;
            let (hour, minute, second) = match i % 3 {
                0 => (23, 59, 59),
                _ => (
                    (state >> 32) as u32 % 24,
                    (state >> 40) as u32 % 60,
                    (state >> 48) as u32 % 60,
                ),
            };
            let fraction = fractions[(state >> 56) as usize % fractions.len()];
            let text = format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z"
            );
            let fast = utc(text.as_bytes());
            assert_eq!(fast, general(&text), "{text}");
            checked += usize::from(fast.is_some());
        }
        assert!(checked > 18_000, "only {checked} valid dates were made");
    }

    #[test]
    fn reads_s3s_form_and_the_calendars_edges() {
        let at = |text: &str| utc(text.as_bytes()).map(|t| (t.secs(), t.subsec_nanos()));
        assert_eq!(at("1970-01-01T00:00:00.000Z"), Some((0, 0)));
        assert_eq!(at("2026-12-01T10:00:00.000Z"), Some((1_796_119_200, 0)));
        assert_eq!(
            at("2000-02-29T12:00:00.5Z"),
            Some((951_825_600, 500_000_000))
        );
        assert_eq!(
            at("1969-12-31T23:59:59.999999999Z"),
            Some((-1, 999_999_999))
        );
        for invalid in [
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T10:60:00Z",
        ] {
            assert_eq!(at(invalid), None, "{invalid}");
            assert!(
                parse_timestamp(invalid, DateTimeFormat::DateTime).is_err(),
                "{invalid}"
            );
        }
    }

    #[test]
    fn other_forms_go_to_the_general_parser() {
        for other in [
            "2026-12-01T10:00:00+01:00",
            "2026-12-01T10:00:00",
            "2026-12-01t10:00:00z",
            "2026-12-01T10:00:60Z",
            "2026-12-01T10:00:00.1234567890Z",
            "2026-12-01T10:00:00.Z",
            "Tue, 01 Dec 2026 10:00:00 GMT",
            "+2026-12-01T10:00:00Z",
        ] {
            assert_eq!(utc(other.as_bytes()), None, "{other}");
            assert_eq!(
                parse_timestamp(other, DateTimeFormat::DateTime).ok(),
                general(other).or_else(|| DateTime::from_str(other, DateTimeFormat::HttpDate).ok()),
                "{other}"
            );
        }
    }
}
