"""Codes match whatever their case: ``cs-08`` is ``CS-08``.

A code keeps the spelling it was first written with: a row or a reference that writes it in
another case means the same record and takes the stored spelling (so re-importing a file
typed in lower case changes nothing). Normalising every code to upper case would instead
rewrite the codes people already use on paper registers and in other files, and a stored
pair that differs only by case would collide. Such a pair (stored before codes were
matched this way) is ambiguous: any row or reference that names it is refused until one of
the two is given another code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from app.records.values import BadValue


def code_key(code: str) -> str:
    """What two spellings of one code have in common.

    >>> code_key("cs-08") == code_key("CS-08") == code_key("Cs-08")
    True
    >>> code_key("HT-ĐÔNG") == code_key("ht-đông")
    True
    """
    return str(code).casefold()


class CodeBook:
    """The codes of one commune's records, found whatever the case they are asked in.

    ``kind`` is ``person``, ``venue`` or ``school`` (records others refer to) or the name
    of another record type (``tips``, ``tip_boxes``…). ``stored`` gives the stored codes of
    some kinds at once; ``load(kind)`` those of another kind when first asked.
    Codes *written* by the input being checked (a file, a form) count after the stored
    ones: the first spelling written is the one every later row takes.

    >>> book = CodeBook({"person": ["CS-08", "P1", "p1"]})
    >>> book.find("person", "cs-08"), book.find("person", "X9")
    ('CS-08', None)
    >>> book.write("person", "x9"), book.write("person", "X9"), book.find("person", "X9")
    ('x9', 'x9', 'x9')
    >>> book.find("person", "P1")
    Traceback (most recent call last):
    app.records.values.BadValue: ambiguous_code
    """

    def __init__(self, stored: Mapping[str, Iterable[str]],
                 load: Callable[[str], Iterable[str]] | None = None):
        self._load = load
        self._stored: dict[str, dict[str, list[str]]] = {}
        self._written: dict[tuple[str, str], str] = {}
        for kind, codes in stored.items():
            self._fill(kind, codes)

    def _fill(self, kind: str, codes: Iterable[str]) -> dict[str, list[str]]:
        by_key = self._stored.setdefault(kind, {})
        for code in codes:
            spellings = by_key.setdefault(code_key(code), [])
            if code not in spellings:
                spellings.append(code)
        return by_key

    def _stored_of(self, kind: str) -> dict[str, list[str]]:
        if kind not in self._stored:
            self._fill(kind, self._load(kind) if self._load else ())
        return self._stored[kind]

    def add(self, kind: str, code: str) -> None:
        """``code`` is now stored."""
        self._fill(kind, [code])

    def stored(self, kind: str, code: str) -> str | None:
        """The stored spelling of ``code``, None if there is none; ``BadValue`` if two
        stored codes differ only by case."""
        spellings = self._stored_of(kind).get(code_key(code), [])
        if len(spellings) > 1:
            raise BadValue("ambiguous_code", codes=", ".join(sorted(spellings)))
        return spellings[0] if spellings else None

    def find(self, kind: str, code: str) -> str | None:
        """The spelling of ``code`` stored or written by the input, None if neither."""
        found = self.stored(kind, code)
        return found if found is not None else self._written.get((kind, code_key(code)))

    def write(self, kind: str, code: str) -> str:
        """``code`` as a row of the input defines it: the spelling it keeps."""
        found = self.find(kind, code)
        return found if found is not None else self._written.setdefault(
            (kind, code_key(code)), code)
