"""The reinvestment window in calendar years (spec: "within W after t" is t < t2 <= t + W years,
29 February mapping to 28 February), both ways: the window after a date, and the dates whose
window reaches a given date (what range counting over sorted dates needs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
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


# ---- the same arithmetic over day numbers (days since 1970-01-01), for the columnar core ----------

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def day_numbers(days: Sequence[dt.date]) -> npt.NDArray[np.int32]:
    """Dates as day numbers, converted in C (numpy's datetime64), not one by one."""
    return np.asarray(np.array(days, dtype="datetime64[D]").astype(np.int64), dtype=np.int32)


def add_years_days(days: npt.NDArray[np.int32], years: int) -> npt.NDArray[np.int32]:
    """add_years over day numbers: the same day `years` later, clamped to the month's last day
    (29 February becomes 28 February in a common year), as relativedelta does."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(12 * years, "M")
    start = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(np.int64)
    return np.asarray((start + np.minimum(day_of_month, length - 1)).astype(np.int64), dtype=np.int32)


def window_opens_days(ends: npt.NDArray[np.int32], years: int) -> npt.NDArray[np.int32]:
    """window_opens over day numbers: the earliest t whose window still reaches each end."""
    start = add_years_days(ends, -years)
    return np.where(add_years_days(start, years) >= ends, start, start + 1).astype(np.int32)
