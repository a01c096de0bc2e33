//! A country's business calendar: which local days are business days, and when an answer
//! promised for "the end of the next business day" is due.
//!
//! Promises are kept in the customer's time, so every computation starts by placing the instant
//! in the country's IANA time zone: a request sent on Friday 23:30 in New York is a Friday
//! request even though it is already Saturday in UTC. Days are then counted on the local
//! calendar (skipping the country's weekend days and holidays), and the chosen day's end is
//! converted back to UTC with the zone's rules for that date, so daylight-saving changes move the
//! UTC instant, never the local deadline.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;

use super::Country;

/// The last whole second of a day, on the wall clock.
const LAST_SECOND: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(time) => time,
    None => panic!("23:59:59 is a time of day"),
};

impl Country {
    /// The IANA name of the country's time zone, e.g. `"America/New_York"`: the zone in which
    /// its business days start and end.
    pub fn time_zone_name(&self) -> &'static str {
        self.time_zone.name()
    }

    /// The date on the country's calendar at `instant`.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.time_zone).date_naive()
    }

    /// Whether `day` is a business day here: neither one of the country's weekend days nor one of
    /// its holidays.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        !self.weekend.contains(&day.weekday()) && !self.holidays.contains(&day)
    }

    /// The first business day strictly after `day`, or `None` if there is none before the end of
    /// the calendar (or, for an entry built by hand, if its week has no working day).
    pub fn next_business_day_after(&self, day: NaiveDate) -> Option<NaiveDate> {
        // With at least one working weekday, any 7 × (holidays + 1) consecutive days hold more
        // working weekdays than there are holidays, so one of them is a business day.
        let horizon = 7 * (self.holidays.len() + 1);
        day.iter_days()
            .skip(1)
            .take(horizon)
            .find(|candidate| self.is_business_day(*candidate))
    }

    /// When an answer to a request submitted at `submitted_at` is due: the end of the next
    /// business day after the local day of submission.
    ///
    /// The local day is the date in the country's time zone at `submitted_at`; a request sent on
    /// a weekend day or holiday also counts from the day it was sent, so Saturday's request is
    /// due at the end of Monday (if Monday is a business day). The returned instant is
    /// [`end_of_local_day`] of that business day: 23:59:59 local time, converted to UTC with the
    /// offset in force then. Beyond the calendar's last representable date the answer is
    /// [`DateTime::<Utc>::MAX_UTC`].
    pub fn response_due_by(&self, submitted_at: DateTime<Utc>) -> DateTime<Utc> {
        match self.next_business_day_after(self.local_date(submitted_at)) {
            Some(day) => end_of_local_day(self.time_zone, day),
            None => DateTime::<Utc>::MAX_UTC,
        }
    }
}

/// The end of `day` in `zone` as a UTC instant: the instant whose wall-clock time there is
/// 23:59:59 on `day` (the last whole second before local midnight).
///
/// Where the zone's rules make that wall-clock time occur twice (clocks set back at midnight, as
/// in Chile), the earlier occurrence is returned. Where it does not occur at all (the clocks jump
/// over it, as Samoa's did over the whole of 2011-12-30), the last second before the jump is
/// returned — the latest instant that is not yet past 23:59:59 on `day`.
pub fn end_of_local_day(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let wall = day.and_time(LAST_SECOND);
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(instant) => instant.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _later) => earlier.with_timezone(&Utc),
        LocalResult::None => last_second_before_gap(zone, wall),
    }
}

/// The last whole second before the clock change that skips the non-existent local time `wall`.
fn last_second_before_gap(zone: Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    // Every real offset is within ±1 day, so the wall clock shows an earlier time than `wall`
    // at `wall - 1 day` (read as UTC) and a later one at `wall + 1 day`: the change is between.
    let (Some(before), Some(after)) = (
        wall.checked_sub_signed(TimeDelta::days(1)),
        wall.checked_add_signed(TimeDelta::days(1)),
    ) else {
        // Only at the ends of chrono's calendar, where no zone has rules.
        return wall.and_utc();
    };
    let shows_later = |utc: NaiveDateTime| zone.from_utc_datetime(&utc).naive_local() > wall;
    // Invariant: `before` shows an earlier time than `wall`, `after` a later one.
    let (mut before, mut after) = (before, after);
    while after - before > TimeDelta::seconds(1) {
        let middle = before + TimeDelta::seconds((after - before).num_seconds() / 2);
        if shows_later(middle) {
            after = middle;
        } else {
            before = middle;
        }
    }
    before.and_utc()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::Weekday;

    use super::*;
    use crate::countries::CountryDirectory;

    fn shipped() -> CountryDirectory {
        CountryDirectory::load(Path::new("config/countries.toml")).expect("the shipped file loads")
    }

    fn country(dir: &CountryDirectory, code: &str) -> Country {
        dir.get(code).expect(code).clone()
    }

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .expect(rfc3339)
            .with_timezone(&Utc)
    }

    fn date(iso: &str) -> NaiveDate {
        iso.parse().expect(iso)
    }

    #[test]
    fn business_days_skip_the_weekend_and_the_holidays_of_the_country() {
        let dir = shipped();
        let (us, sa) = (country(&dir, "US"), country(&dir, "SA"));
        assert!(us.is_business_day(date("2026-11-25")), "a Wednesday");
        assert!(!us.is_business_day(date("2026-11-26")), "Thanksgiving");
        assert!(!us.is_business_day(date("2026-11-28")), "a Saturday");
        assert!(!sa.is_business_day(date("2026-11-27")), "a Saudi Friday");
        assert!(sa.is_business_day(date("2026-11-29")), "a Saudi Sunday");
        assert!(!sa.is_business_day(date("2026-09-23")), "SA National Day");
    }

    #[test]
    fn a_friday_request_is_due_at_the_end_of_monday_local_time() {
        let us = country(&shipped(), "US");
        // Friday 15:00 in New York (EST, UTC-5) → Monday 23:59:59 EST.
        let due = us.response_due_by(at("2026-11-20T20:00:00Z"));
        assert_eq!(due, at("2026-11-23T23:59:59-05:00"));
        assert_eq!(due, at("2026-11-24T04:59:59Z"));
    }

    #[test]
    fn a_request_before_a_holiday_monday_is_due_on_tuesday() {
        let us = country(&shipped(), "US");
        // Friday before Labor Day (Monday 2026-09-07), 10:00 EDT.
        let due = us.response_due_by(at("2026-09-04T14:00:00Z"));
        assert_eq!(due, at("2026-09-08T23:59:59-04:00"));
        // Sent on the Sunday itself: still Tuesday.
        let due = us.response_due_by(at("2026-09-06T18:00:00Z"));
        assert_eq!(due, at("2026-09-08T23:59:59-04:00"));
    }

    #[test]
    fn a_request_on_a_weekend_day_or_holiday_counts_from_that_day() {
        let us = country(&shipped(), "US");
        // Saturday → Monday; Christmas (a Friday) → Monday; New Year's Eve → past the holiday.
        assert_eq!(
            us.response_due_by(at("2026-11-21T15:00:00Z")),
            at("2026-11-23T23:59:59-05:00")
        );
        assert_eq!(
            us.response_due_by(at("2026-12-25T15:00:00Z")),
            at("2026-12-28T23:59:59-05:00")
        );
        assert_eq!(
            us.response_due_by(at("2026-12-31T15:00:00Z")),
            at("2027-01-04T23:59:59-05:00")
        );
    }

    #[test]
    fn countries_with_different_weekends_give_different_due_dates_for_the_same_instant() {
        let dir = shipped();
        let (sa, ae) = (country(&dir, "SA"), country(&dir, "AE"));
        assert!(sa.weekend.contains(&Weekday::Fri) && !ae.weekend.contains(&Weekday::Fri));
        // Thursday 2026-11-19, 09:00 UTC: noon in Riyadh, 13:00 in Dubai.
        let sent = at("2026-11-19T09:00:00Z");
        assert_eq!(sa.response_due_by(sent), at("2026-11-22T23:59:59+03:00"));
        assert_eq!(ae.response_due_by(sent), at("2026-11-20T23:59:59+04:00"));
    }

    #[test]
    fn countries_with_different_holidays_give_different_due_dates_for_the_same_instant() {
        let dir = shipped();
        let (es, de) = (country(&dir, "ES"), country(&dir, "DE"));
        // Friday 2026-10-09; Monday the 12th is Spain's Fiesta Nacional, a working day in Germany.
        let sent = at("2026-10-09T10:00:00Z");
        assert_eq!(es.response_due_by(sent), at("2026-10-13T23:59:59+02:00"));
        assert_eq!(de.response_due_by(sent), at("2026-10-12T23:59:59+02:00"));
    }

    #[test]
    fn friday_late_evening_in_new_york_is_friday_although_utc_is_already_saturday() {
        let us = country(&shipped(), "US");
        // Friday 23:30 EST = Saturday 04:30 UTC.
        let sent = at("2026-11-21T04:30:00Z");
        assert_eq!(us.local_date(sent), date("2026-11-20"));
        assert_eq!(us.response_due_by(sent), at("2026-11-23T23:59:59-05:00"));
        // Thursday 23:30 EST = Friday 04:30 UTC: due Friday, where a UTC reading would say Monday.
        let sent = at("2026-11-20T04:30:00Z");
        assert_eq!(us.local_date(sent), date("2026-11-19"));
        assert_eq!(us.response_due_by(sent), at("2026-11-20T23:59:59-05:00"));
    }

    #[test]
    fn monday_just_after_midnight_in_tokyo_is_monday_although_utc_is_still_sunday() {
        let jp = country(&shipped(), "JP");
        // Monday 00:30 JST = Sunday 15:30 UTC → Tuesday 23:59:59 JST.
        let sent = at("2026-11-29T15:30:00Z");
        assert_eq!(jp.local_date(sent), date("2026-11-30"));
        assert_eq!(jp.response_due_by(sent), at("2026-12-01T23:59:59+09:00"));
        assert_eq!(jp.response_due_by(sent), at("2026-12-01T14:59:59Z"));
    }

    #[test]
    fn a_daylight_saving_weekend_moves_the_utc_instant_not_the_local_deadline() {
        let dir = shipped();
        let (us, es) = (country(&dir, "US"), country(&dir, "ES"));
        // US clocks go forward on Sunday 2026-03-08: Friday in EST, Monday's end in EDT.
        assert_eq!(
            us.response_due_by(at("2026-03-06T17:00:00-05:00")),
            at("2026-03-10T03:59:59Z")
        );
        // Sent at 03:30 EDT during the change itself (02:00-03:00 did not exist).
        assert_eq!(
            us.response_due_by(at("2026-03-08T07:30:00Z")),
            at("2026-03-09T23:59:59-04:00")
        );
        // US clocks go back on Sunday 2026-11-01: Friday in EDT, Monday's end in EST.
        assert_eq!(
            us.response_due_by(at("2026-10-30T12:00:00-04:00")),
            at("2026-11-03T04:59:59Z")
        );
        // Spain goes to summer time on Sunday 2026-03-29: Friday in CET, Monday's end in CEST.
        assert_eq!(
            es.response_due_by(at("2026-03-27T12:00:00+01:00")),
            at("2026-03-30T21:59:59Z")
        );
    }

    #[test]
    fn an_end_of_day_that_occurs_twice_is_its_earlier_occurrence() {
        // Chile sets clocks back from 24:00 (-03) to 23:00 (-04) on 2026-04-04.
        assert_eq!(
            end_of_local_day(Tz::America__Santiago, date("2026-04-04")),
            at("2026-04-04T23:59:59-03:00")
        );
    }

    #[test]
    fn an_end_of_day_that_never_occurs_is_the_last_second_before_the_jump() {
        // Samoa skipped 2011-12-30: the clock went from 29 Dec 23:59:59 (-10) to 31 Dec (+14).
        assert_eq!(
            end_of_local_day(Tz::Pacific__Apia, date("2011-12-30")),
            at("2011-12-29T23:59:59-10:00")
        );
        // Greenland jumped from 22:00 (-03) to 23:00 (-02) on 2023-03-25.
        let skipped = date("2023-03-25").and_hms_opt(22, 30, 0).expect("a time");
        assert_eq!(
            last_second_before_gap(Tz::America__Nuuk, skipped),
            at("2023-03-25T21:59:59-03:00")
        );
    }

    #[test]
    fn every_due_date_is_the_end_of_the_first_business_day_after_the_local_day_sent() {
        let dir = shipped();
        for (code, country) in &dir.countries {
            let mut sent = at("2026-01-01T00:00:00Z");
            while sent < at("2027-01-01T00:00:00Z") {
                let due = country.response_due_by(sent);
                let local = due.with_timezone(&country.time_zone);
                let (sent_day, due_day) = (country.local_date(sent), local.date_naive());
                assert!(due > sent, "{code} {sent}");
                assert_eq!(local.time(), LAST_SECOND, "{code} {sent}");
                assert!(country.is_business_day(due_day), "{code} {sent}");
                let skipped = sent_day.iter_days().skip(1).take_while(|d| *d < due_day);
                for day in skipped {
                    assert!(!country.is_business_day(day), "{code} {sent} skipped {day}");
                }
                sent += TimeDelta::minutes(97);
            }
        }
    }
}
