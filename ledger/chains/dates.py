"""The reinvestment window in calendar years (spec: "within W after t" is t < t2 <= t + W years,
29 February mapping to 28 February), both ways: the window after a date, and the dates whose
window reaches a given date (what range counting over sorted dates needs)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.relativedelta import relativedelta

MAX_WINDOW_YEARS = 50
_DAY = dt.timedelta(days=1)


# Cached: searches and counts ask the same few thousand dates over and over, and relativedelta
# arithmetic costs microseconds each.
@lru_cache(maxsize=1 << 17)
def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    result: dt.date = day + relativedelta(years=years)
    return result


def within(start: dt.date, end: dt.date, window_years: int) -> bool:
    """end is within W after start: start < end <= start + W years."""
    return start < end <= add_years(start, window_years)


@lru_cache(maxsize=1 << 17)
def window_opens(end: dt.date, window_years: int) -> dt.date:
    """The earliest t whose window still reaches `end` (t + W years >= end): so `end` is within W
    after t exactly when window_opens(end, W) <= t < end. Not simply end - W years: 29 February
    of a leap year is reached from 1 March W years earlier when that year has no 29 February."""
    start: dt.date = end - relativedelta(years=window_years)
    return start if add_years(start, window_years) >= end else start + _DAY
