"""Working days, office hours and appointment times (DOMAIN section 4).

Working days come from the `holidays` package (public holidays, compensatory days and the
government's announced swaps, make-up Saturdays included); the office's own overrides win.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07:00")
MAX_SEARCH_DAYS = 366
KINDS = ("hours", "working_days", "rule_15")


FIRST_YEAR, LAST_YEAR = 2000, 2099  # the days an office's records can hold


def parse_day(text: str | None) -> dt.date:
    """A YYYY-MM-DD date typed by a user, between 2000 and 2099; ValueError otherwise (a far date
    cannot become an aware time in +07:00 and would overflow)."""
    day = dt.date.fromisoformat((text or "").strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return day


@functools.cache
def _public_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("VN", language="vi")


def holiday_name(day: dt.date) -> str | None:
    return _public_holidays().get(day)


@dataclass(frozen=True)
class OfficeHours:
    morning_start: dt.time = dt.time(7, 30)
    morning_end: dt.time = dt.time(11, 30)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 0)

    @property
    def periods(self) -> tuple[tuple[dt.time, dt.time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


class WorkCalendar:
    def __init__(self, hours: OfficeHours | None = None, days_off: Iterable[dt.date] = (),
                 working_days: Iterable[dt.date] = (), cutoff: dt.time = dt.time(15, 0)):
        self.hours = hours or OfficeHours()
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days) - self.days_off
        self.cutoff = cutoff

    # Days -------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        if day in self.days_off:
            return False
        if day in self.working_days:
            return True
        return _public_holidays().is_working_day(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        for offset in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days after {day}")

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=VN_TZ)

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_working_day(day):
            return []
        return [(self._at(day, start), self._at(day, end)) for start, end in self.hours.periods]

    # Times ------------------------------------------------------------------------------
    def effective_receipt(self, received_at: dt.datetime) -> dt.datetime:
        """The minute the clock starts: inside office hours as received, otherwise the next opening."""
        if received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        at = received_at.astimezone(VN_TZ).replace(second=0, microsecond=0)
        for start, end in self._periods(at.date()):
            if at < end:
                return max(at, start)
        return self._at(self.next_working_day(at.date()), self.hours.morning_start)

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        at = self.effective_receipt(start)
        remaining = dt.timedelta(minutes=minutes)
        while True:
            for period_start, period_end in self._periods(at.date()):
                if at >= period_end:
                    continue
                at = max(at, period_start)
                if remaining <= period_end - at:
                    return at + remaining
                remaining -= period_end - at
                at = period_end
            at = self._at(self.next_working_day(at.date()), self.hours.morning_start)

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Office-hour minutes in [start, end), e.g. the time a dossier spent paused."""
        start, end = start.astimezone(VN_TZ), end.astimezone(VN_TZ)
        total = dt.timedelta()
        day = start.date()
        while day <= end.date():
            for period_start, period_end in self._periods(day):
                overlap = min(end, period_end) - max(start, period_start)
                if overlap > dt.timedelta():
                    total += overlap
            day += dt.timedelta(days=1)
        return int(total.total_seconds() // 60)

    def previous_working_day(self, day: dt.date) -> dt.date:
        for offset in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day - dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days before {day}")

    def not_on_opening(self, at: dt.datetime) -> dt.datetime:
        """An appointment on the opening minute of a working day is the closing minute of the previous
        working day: the same working time, and nobody is sent past a weekend or a holiday for nothing."""
        at = at.astimezone(VN_TZ)
        if at.time() != self.hours.morning_start or not self.is_working_day(at.date()):
            return at
        return self._at(self.previous_working_day(at.date()), self.hours.afternoon_end)

    def appointment(self, received_at: dt.datetime, kind: str, value: int) -> dt.datetime:
        """When the result is due, for a time limit of `kind` (hours, working_days, rule_15)."""
        effective = self.effective_receipt(received_at)
        if kind == "hours":
            due = self.add_working_minutes(effective, int(value) * 60)
        elif kind == "working_days":
            due = self._at(self.add_working_days(effective.date(), int(value)), effective.time())
        elif kind == "rule_15":
            day = effective.date()
            if effective.time() > self.cutoff:
                day = self.next_working_day(day)
            due = self._at(day, self.hours.afternoon_end)
        else:
            raise ValueError(f"unknown time limit kind {kind!r}")
        return self.not_on_opening(due)
