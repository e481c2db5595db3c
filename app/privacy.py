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
