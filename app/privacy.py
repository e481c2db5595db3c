"""Privacy rules as code: small counts outside the police, person-level fields."""

from __future__ import annotations

from collections.abc import Iterable


def mask_count(value: int | None, threshold: int) -> str:
    """A count as shown outside the police: 1..threshold become "≤threshold".

    >>> [mask_count(v, 2) for v in (0, 1, 2, 3, None)]
    ['0', '≤2', '≤2', '3', '—']
    """
    if value is None:
        return "—"
    if 1 <= value <= threshold:
        return f"≤{threshold}"
    return str(value)


def masked_total(values: Iterable[int | None], threshold: int) -> str:
    """The total of counts shown masked, without undoing the masking.

    An exact total would let one subtract the shown counts and recover a masked one, so
    when any part is masked the total is the range the shown parts allow: each masked
    part counts as 1 to ``threshold``.

    >>> masked_total([5, 1, 0], 2)  # 5 + (1..2) + 0
    '6–7'
    >>> masked_total([5, 3], 2)
    '8'
    >>> masked_total([0, 1, 0], 2)
    '≤2'
    """
    known, masked = 0, 0
    for value in values:
        if value is None:
            continue
        if 1 <= value <= threshold:
            masked += 1
        else:
            known += value
    if not masked:
        return str(known)
    if masked == 1 and known == 0:  # the total is that one small count
        return f"≤{threshold}"
    return f"{known + masked}–{known + masked * threshold}"


def band_limit(threshold: int, lists: int) -> int:
    """How far a total of people over ``lists`` separate lists (addicts, users…) is shown
    as "≤n" rather than exact.

    The statuses tell which lists hold somebody (a share of addicts tested is "not
    applicable" where there is no addict), so as many as ``lists`` people can be known
    to be there. Under the small-count threshold alone, a total shown "≤2" in a village
    known to have an addict and a user would be exactly 2, one of each. Reaching one
    past the number of lists, the band leaves every total and every list at least two
    possible values.

    >>> band_limit(2, 4), band_limit(10, 4)
    (5, 10)
    """
    return max(threshold, lists + 1)
