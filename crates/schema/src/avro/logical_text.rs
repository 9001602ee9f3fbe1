//! Text forms of Avro's logical types: dates, times, timestamps, decimals, UUIDs, and
//! bytes as Latin-1 strings (the Avro JSON convention: one code point per byte).

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01 so leap days end each 400-year era's years.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 1..=31, 1..=12
    (year, month as u32, day as u32)
}

/// (year, month, day) to days since 1970-01-01; the inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `date`: days since the epoch as `YYYY-MM-DD`.
pub(crate) fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    let sign = if y < 0 { "-" } else { "" };
    format!("{sign}{:04}-{m:02}-{d:02}", y.unsigned_abs())
}

/// Parses `YYYY-MM-DD` to days since the epoch.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    // Years before 1 BC print with a sign (`-0220-01-01`).
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let mut parts = unsigned.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() < 4 || m.len() != 2 || d.len() != 2 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (
        sign * y.parse::<i64>().ok()?,
        m.parse().ok()?,
        d.parse().ok()?,
    );
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `HH:MM:SS` plus `digits` fraction digits of a time of day given in 10^-digits seconds.
pub(crate) fn format_time(ticks: i64, digits: u32) -> String {
    let per_second = 10_i64.pow(digits);
    let (seconds, fraction) = (ticks.div_euclid(per_second), ticks.rem_euclid(per_second));
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!(
        "{h:02}:{m:02}:{s:02}.{fraction:0width$}",
        width = digits as usize
    )
}

/// Parses `HH:MM:SS[.fraction]` to 10^-digits seconds since midnight.
pub(crate) fn parse_time(text: &str, digits: u32) -> Option<i64> {
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, fraction),
        None => (text, ""),
    };
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let s: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((h * 3600 + m * 60 + s) * 10_i64.pow(digits) + parse_fraction(fraction, digits)?)
}

/// Fraction digits scaled to `digits` places; more precision than that is refused.
fn parse_fraction(fraction: &str, digits: u32) -> Option<i64> {
    if fraction.len() > digits as usize || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{fraction:0<width$}", width = digits as usize);
    if padded.is_empty() {
        Some(0)
    } else {
        padded.parse().ok()
    }
}

/// A timestamp of 10^-digits seconds since the epoch as ISO-8601, with `Z` when `utc`
/// (a `local-timestamp` names no zone, so it gets none).
pub(crate) fn format_timestamp(ticks: i64, digits: u32, utc: bool) -> String {
    let per_day = 86_400 * 10_i64.pow(digits);
    let (days, time) = (ticks.div_euclid(per_day), ticks.rem_euclid(per_day));
    let zone = if utc { "Z" } else { "" };
    format!("{}T{}{zone}", format_date(days), format_time(time, digits))
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` to 10^-digits seconds since the epoch.
pub(crate) fn parse_timestamp(text: &str, digits: u32) -> Option<i64> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let (clock, offset_seconds) = split_zone(rest)?;
    let days = parse_date(date)?;
    let time = parse_time(clock, digits)?;
    let scale = 10_i64.pow(digits);
    days.checked_mul(86_400 * scale)?
        .checked_add(time)?
        .checked_sub(offset_seconds * scale)
}

/// Splits a trailing `Z` or `±HH:MM` off, returning the offset in seconds.
fn split_zone(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(cut) = text.rfind(['+', '-']) {
        let (clock, zone) = text.split_at(cut);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone[1..].split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        return Some((clock, sign * (h * 3600 + m * 60)));
    }
    Some((text, 0))
}

/// A big-endian two's-complement integer (at most 16 bytes) as an i128.
pub(crate) fn unscaled_from_bytes(bytes: &[u8]) -> Option<i128> {
    if bytes.len() > 16 {
        // Wider values may still be small numbers with sign-extension padding.
        let (pad, rest) = bytes.split_at(bytes.len() - 16);
        let fill = if rest[0] & 0x80 == 0 { 0 } else { 0xff };
        return pad
            .iter()
            .all(|&b| b == fill)
            .then(|| unscaled_from_bytes(rest))?;
    }
    let fill = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        0xff
    } else {
        0
    };
    let mut full = [fill; 16];
    full[16 - bytes.len()..].copy_from_slice(bytes);
    Some(i128::from_be_bytes(full))
}

/// The shortest big-endian two's complement of `value` (Avro `bytes` decimals), or
/// sign-extended to `width` bytes (`fixed` decimals); `None` when it does not fit.
pub(crate) fn unscaled_to_bytes(value: i128, width: Option<usize>) -> Option<Vec<u8>> {
    let full = value.to_be_bytes();
    let fill = if value < 0 { 0xff } else { 0 };
    // Drop leading fill bytes while the next byte still carries the sign.
    let mut start = 0;
    while start < 15 && full[start] == fill && (full[start + 1] & 0x80) == (fill & 0x80) {
        start += 1;
    }
    let minimal = &full[start..];
    match width {
        None => Some(minimal.to_vec()),
        Some(width) if width < minimal.len() => None,
        Some(width) => {
            let mut out = vec![fill; width - minimal.len()];
            out.extend_from_slice(minimal);
            Some(out)
        }
    }
}

/// An unscaled integer and a scale as decimal text: (1234, 2) is `12.34`.
pub(crate) fn format_decimal(unscaled: i128, scale: usize) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Decimal text to an unscaled integer at `scale`; refuses more fraction digits than
/// the scale (that would round) and more digits than the precision.
pub(crate) fn parse_decimal(text: &str, scale: usize, precision: usize) -> Result<i128, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return Err(format!("expected a decimal number, found {text:?}"));
    }
    if frac.len() > scale {
        return Err(format!(
            "{text} has more than {scale} digits after the point"
        ));
    }
    let digits = format!("{int}{frac:0<scale$}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > precision {
        return Err(format!(
            "{text} has more than {precision} significant digits"
        ));
    }
    let magnitude: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| format!("{text} is too large"))?
    };
    Ok(if negative { -magnitude } else { magnitude })
}

/// 16 bytes as the canonical 8-4-4-4-12 hex UUID.
pub(crate) fn format_uuid(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A hex UUID (hyphens optional) to its 16 bytes.
pub(crate) fn parse_uuid(text: &str) -> Option<Vec<u8>> {
    let hex: Vec<u8> = text.bytes().filter(|&b| b != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    hex.chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// Bytes as a string of code points 0–255 (Avro's JSON encoding of bytes and fixed).
pub(crate) fn bytes_to_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The inverse of [`bytes_to_latin1`]; `None` when a character is above U+00FF.
pub(crate) fn latin1_to_bytes(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_both_ways() {
        // 2000-03-01 is day 11017 (30 years, 7 of them leap, plus Jan and Feb 2000).
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(11_017), "2000-03-01");
        assert_eq!(format_date(-1), "1969-12-31");
        assert_eq!(parse_date("2000-02-29"), Some(11_016));
        assert_eq!(parse_date("2001-02-29"), None);
        for days in [-800_000, -1, 0, 59, 19_000, 2_932_896] {
            assert_eq!(parse_date(&format_date(days)), Some(days));
        }
    }

    #[test]
    fn times_and_timestamps() {
        assert_eq!(format_time(3_723_004, 3), "01:02:03.004");
        assert_eq!(parse_time("01:02:03.004", 3), Some(3_723_004));
        assert_eq!(parse_time("01:02:03", 6), Some(3_723_000_000));
        assert_eq!(parse_time("01:02:03.0001", 3), None);
        // 1_700_000_000 s is 2023-11-14T22:13:20Z (a widely quoted instant).
        assert_eq!(
            format_timestamp(1_700_000_000_123, 3, true),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(format_timestamp(-1, 3, false), "1969-12-31T23:59:59.999");
        assert_eq!(
            parse_timestamp("2023-11-14T23:13:20.123+01:00", 3),
            Some(1_700_000_000_123)
        );
        assert_eq!(parse_timestamp("1969-12-31T23:59:59.999999Z", 6), Some(-1));
    }

    #[test]
    fn decimals() {
        assert_eq!(format_decimal(1234, 2), "12.34");
        assert_eq!(format_decimal(-5, 3), "-0.005");
        assert_eq!(format_decimal(7, 0), "7");
        assert_eq!(parse_decimal("12.3", 2, 10), Ok(1230));
        assert_eq!(parse_decimal("-0.005", 3, 10), Ok(-5));
        assert!(parse_decimal("1.234", 2, 10).is_err());
        assert!(parse_decimal("123456", 0, 5).is_err());
        assert!(parse_decimal("abc", 0, 5).is_err());
        // Two's complement: 1234 = 0x04d2, -1 = 0xff, 128 = 0x0080, -128 = 0x80.
        assert_eq!(unscaled_to_bytes(1234, None).unwrap(), [0x04, 0xd2]);
        assert_eq!(unscaled_to_bytes(-1, None).unwrap(), [0xff]);
        assert_eq!(unscaled_to_bytes(128, None).unwrap(), [0x00, 0x80]);
        assert_eq!(unscaled_to_bytes(-128, None).unwrap(), [0x80]);
        assert_eq!(unscaled_to_bytes(0, None).unwrap(), [0x00]);
        assert_eq!(
            unscaled_to_bytes(-2, Some(4)).unwrap(),
            [0xff, 0xff, 0xff, 0xfe]
        );
        assert_eq!(unscaled_to_bytes(70_000, Some(2)), None);
        assert_eq!(unscaled_from_bytes(&[0xff, 0xff, 0xff, 0xfe]), Some(-2));
        assert_eq!(unscaled_from_bytes(&[0x00, 0x80]), Some(128));
        assert_eq!(unscaled_from_bytes(&[]), Some(0));
    }

    #[test]
    fn uuids_and_latin1() {
        let bytes: Vec<u8> = (0..16).collect();
        let text = format_uuid(&bytes);
        assert_eq!(text, "00010203-0405-0607-0809-0a0b0c0d0e0f");
        assert_eq!(parse_uuid(&text), Some(bytes));
        assert_eq!(parse_uuid("xyz"), None);
        assert_eq!(bytes_to_latin1(&[0x41, 0xe9, 0x00]), "A\u{e9}\u{0}");
        assert_eq!(latin1_to_bytes("A\u{e9}"), Some(vec![0x41, 0xe9]));
        assert_eq!(latin1_to_bytes("\u{100}"), None);
    }
}
