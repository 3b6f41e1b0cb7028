//! Local wall time to UTC: plain days, the spring-forward gap and the autumn overlap.

use chrono::NaiveTime;
use chrono_tz::America::Los_Angeles;

use super::super::{first_slot_at_or_after, local_date, local_instant};
use super::{date, utc};

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

#[test]
fn ten_pacific_is_17z_in_summer_and_18z_in_winter() {
    let summer = local_instant(date("2026-07-01"), time(10, 0), Los_Angeles);
    let winter = local_instant(date("2026-01-15"), time(10, 0), Los_Angeles);
    assert_eq!(summer, utc("2026-07-01T17:00:00Z"));
    assert_eq!(winter, utc("2026-01-15T18:00:00Z"));
}

#[test]
fn a_time_in_the_spring_gap_rolls_forward_by_the_gap() {
    // 2026-03-08 02:00 PST jumps to 03:00 PDT: 02:30 does not exist and becomes 03:30 PDT.
    let rolled = local_instant(date("2026-03-08"), time(2, 30), Los_Angeles);
    assert_eq!(rolled, utc("2026-03-08T10:30:00Z"));
}

#[test]
fn an_ambiguous_autumn_time_takes_the_earlier_instant() {
    // 2026-11-01 01:30 happens twice: first in PDT (08:30Z), then in PST (09:30Z).
    let earliest = local_instant(date("2026-11-01"), time(1, 30), Los_Angeles);
    assert_eq!(earliest, utc("2026-11-01T08:30:00Z"));
}

#[test]
fn local_date_is_the_zone_s_calendar_day() {
    // 03:00Z on the 2nd is still the evening of the 1st in Los Angeles.
    assert_eq!(
        local_date(utc("2026-07-02T03:00:00Z"), Los_Angeles),
        date("2026-07-01")
    );
    assert_eq!(
        local_date(utc("2026-07-02T08:00:00Z"), Los_Angeles),
        date("2026-07-02")
    );
}

#[test]
fn the_first_slot_is_today_s_if_not_past_and_skips_weekends_on_request() {
    let ten = time(10, 0);
    // Friday 2026-06-19 09:00 PDT: today's slot.
    let friday_morning = utc("2026-06-19T16:00:00Z");
    assert_eq!(
        first_slot_at_or_after(friday_morning, ten, Los_Angeles, true),
        utc("2026-06-19T17:00:00Z")
    );
    // Exactly at the slot: that slot.
    let at_slot = utc("2026-06-19T17:00:00Z");
    assert_eq!(
        first_slot_at_or_after(at_slot, ten, Los_Angeles, true),
        at_slot
    );
    // Friday 11:00 PDT: Saturday's slot, or Monday's when weekends are skipped.
    let friday_late = utc("2026-06-19T18:00:00Z");
    assert_eq!(
        first_slot_at_or_after(friday_late, ten, Los_Angeles, false),
        utc("2026-06-20T17:00:00Z")
    );
    assert_eq!(
        first_slot_at_or_after(friday_late, ten, Los_Angeles, true),
        utc("2026-06-22T17:00:00Z")
    );
}
