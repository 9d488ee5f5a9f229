"""Calendar-year windows (spec: 'within W after t' is t < t2 <= t + W years; 29 Feb -> 28 Feb)."""

from __future__ import annotations

import datetime as dt

MAX_WINDOW_YEARS = 50


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a non-leap year
        return day.replace(year=day.year + years, day=28)


def years_needed(start: dt.date, end: dt.date) -> int | None:
    """The smallest W with start < end <= start + W years; None when end is not after start."""
    if end <= start:
        return None
    years = max(end.year - start.year, 1)
    if end > add_years(start, years):
        years += 1
    if years > 1 and end <= add_years(start, years - 1):
        years -= 1
    return years


def within(start: dt.date, end: dt.date, window_years: int) -> bool:
    return start < end <= add_years(start, window_years)
