//! Wall-clock arithmetic in the rules' zone: which local day an instant falls on, the UTC
//! instant of a local send time on a day, and the weekend moves.
//!
//! A send time is converted from the local wall clock on each day (never a fixed offset), so
//! a daylight-saving change moves the UTC instant and keeps the local hour.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone};
use chrono::{Utc, Weekday};
use chrono_tz::Tz;

/// `at` wall-clock time on `date` in `zone`, as a UTC instant (a time in a spring-forward gap
/// rolls forward by the gap's length, as 02:30 becomes 03:30; an ambiguous one takes the
/// earlier instant).
pub fn local_instant(date: NaiveDate, at: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let naive = date.and_time(at);
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
        LocalResult::None => {
            // Read the wall time with the offset in force before the gap: the instant lands
            // after the transition, the gap's length later on the new wall clock.
            let before = naive.and_utc() - Duration::days(1);
            let offset = zone.offset_from_utc_datetime(&before.naive_utc()).fix();
            naive.and_utc() - Duration::seconds(i64::from(offset.local_minus_utc()))
        }
    }
}

/// The calendar day `instant` falls on in `zone`.
pub fn local_date(instant: DateTime<Utc>, zone: Tz) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// Saturday or Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The Friday before a Saturday or Sunday; any other day unchanged.
pub fn friday_before(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date - Duration::days(1),
        Weekday::Sun => date - Duration::days(2),
        _ => date,
    }
}

/// The Monday after a Saturday or Sunday; any other day unchanged.
pub fn monday_after(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date + Duration::days(2),
        Weekday::Sun => date + Duration::days(1),
        _ => date,
    }
}

/// The first send slot (`at` local time on some day) at or after `instant`; with
/// `weekdays_only`, the first such slot on a Monday to Friday.
pub fn first_slot_at_or_after(
    instant: DateTime<Utc>,
    at: NaiveTime,
    zone: Tz,
    weekdays_only: bool,
) -> DateTime<Utc> {
    let mut date = local_date(instant, zone);
    loop {
        if !(weekdays_only && is_weekend(date)) {
            let slot = local_instant(date, at, zone);
            if slot >= instant {
                return slot;
            }
        }
        date += Duration::days(1);
    }
}
