"""Round numbers for a chart's value axis, shared by the app's charts and the PDF reports.

Counts (agreements by status, referrals a month, people enrolled) get whole-number ticks:
an axis of agreements marked 0.25, 0.5, 0.75 invites the question of what a quarter of an
agreement is. Values with fractions get the usual 1, 2, 2.5, 5 × 10ⁿ steps.
"""

from collections.abc import Iterable
from math import ceil, floor, isclose, log10


def all_whole(values: Iterable[float]) -> bool:
    """Whether every value is a whole number (then the axis counts in whole numbers)."""
    return all(isclose(value, round(value), abs_tol=1e-9) for value in values)


def nice_step(span: float, ticks: int = 4, whole: bool = False) -> float:
    """A round step giving about `ticks` intervals over `span`: 1, 2, 2.5 or 5 × 10ⁿ, or
    with `whole`, a whole number (1, 2, 5, 10, 20, 25, 50...), never less than 1."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** floor(log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if whole and (step < 1 or not isclose(step, round(step))):
            continue
        if raw <= step * (1 + 1e-9):
            return float(round(step)) if whole else step
    return max(10 * power, 1.0) if whole else 10 * power


def axis_ticks(low: float, high: float, *, whole: bool = False, headroom: float = 0.0,
               ticks: int = 4) -> list[float]:
    """Evenly spaced round values from at or below `low` to at or above `high` (plus
    `headroom` × the span above it, room for a label over the tallest bar)."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    step = nice_step(high - low, ticks, whole)
    high += (high - low) * headroom
    first, last = floor(low / step + 1e-9) * step, ceil(high / step - 1e-9) * step
    if last <= first:
        last = first + step
    count = int(round((last - first) / step))
    return [round(first + i * step, 10) for i in range(count + 1)]
