"""What looks like a person's name, ID number or phone number in free text.

The record files have no column for a name (``schema.FORBIDDEN_HEADERS``), but a note is
free text: "Nguyễn Văn A bán ma túy" names a person. :func:`find_personal` finds:

- a Vietnamese full name: a common family name followed by one to three capitalised
  syllables (``Nguyễn Văn A``; ``Le Van C`` typed without accents). In capitals
  (``TRẦN THỊ B``) the second syllable must be a common middle name (Văn, Thị, Đức…):
  "VI PHẠM", "DƯƠNG TÍNH" or "HỒ SƠ" in a heading are words, not people;
- an ID number: 9 digits (CMND) or 12 (CCCD) on their own, not the decimals of a
  coordinate and not an amount of money (``150000000 đồng``);
- a phone number: a mobile ``0`` + 3/5/7/8/9 + 8 digits or a landline ``02…`` of 11
  digits, also as ``+84``/``84`` without the ``0``, with spaces, dots, dashes, brackets.

Places are not people, though streets, villages, schools and venues are often named after
people (``đường Lê Lợi``, ``THCS Nguyễn Trãi``). A name-like run is left alone when it
comes just after the kind of a place (``thôn``, ``đường``, ``trường``, ``quán``…) or is a
known place (:class:`Places`: provinces and districts that start like a family name, and
the names of the commune's villages, venues, schools and models, without their kind).

Pure functions: ``service`` refuses the cell with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from app.records.values import fold


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).casefold().split()


# Common family names (họ), with those of the northern and central ethnic groups. Left
# out, as more often words than names: Ma (ma túy), Phó (Phó Chủ tịch), Ông (Mr),
# Hồng, Yên, Đồng, Ninh, Lạc, Quang (places: Hồng Lĩnh, Yên Bái, Đồng Nai…).
FAMILY = frozenset(_words(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn "
    "Vương Trịnh Đinh Lâm Phùng Mai Tô Trương Hà Lương Cao Quách Tạ Chu Lưu Hứa Thái "
    "Kiều Lại Tăng Triệu Khúc Mạc Diệp Châu Giang Từ Thân Nghiêm Kim Tiêu Âu Bạch Lục "
    "La Tống Viên Quan Hàn Khổng Doãn Lã Thạch Mẫn Nông Lò Lù Vi Sầm Cầm Quàng Hầu Giàng "
    "Sùng Thào Vàng Lầu Mùa Tráng Khuất Đàm Cù Mã Ôn Tôn Phí Nhữ Ứng Bế Đậu Lữ"))
FAMILY_ASCII = frozenset(fold(name) for name in FAMILY)  # typed without accents
MIDDLE = frozenset(_words(
    "Văn Thị Đức Hữu Ngọc Minh Quang Xuân Thanh Công Đình Bá Trọng Duy Hồng Kim Thu Mạnh "
    "Tiến Quốc Anh Như Gia Thế Khắc Viết Trung Phương Hải Hoài Tuấn Huy Thành Hoàng Thúy "
    "Diệu Mỹ Bảo Chí Đăng Hoài Khánh Lan Mai Nhật Phúc Quý Sỹ Sĩ Tất Thái Thiện Thùy Tú "
    "Vĩnh Xuân Yến"))
MIDDLE_ASCII = frozenset(fold(name) for name in MIDDLE)
# The kind of a place, written before its name (one to three words).
PLACE_KINDS = frozenset(" ".join(_words(kind)) for kind in (
    "thôn", "xóm", "bản", "làng", "ấp", "khu", "khu vực", "khu phố", "tổ dân phố", "tdp", "phố",
    "đường", "ngõ", "hẻm", "kiệt", "ngách", "quốc lộ", "tỉnh lộ", "ql", "tl", "trường",
    "thcs", "thpt", "th", "mn", "tiểu học", "mầm non", "trung học", "mẫu giáo", "nhà trẻ",
    "đại học", "quán", "karaoke", "nhà nghỉ", "khách sạn", "nhà hàng", "cafe", "cà phê",
    "massage", "cơ sở", "cửa hàng", "tiệm", "công ty", "doanh nghiệp", "htx", "hợp tác xã",
    "chợ", "chùa", "đền", "đình", "miếu", "nhà thờ", "nhà văn hóa", "nhà văn hoá",
    "công viên", "cầu", "sông", "suối", "núi", "đồi", "hồ", "bệnh viện", "trạm y tế", "trạm",
    "xã", "phường", "thị trấn", "huyện", "tỉnh", "thành phố", "tp", "tx", "thị xã",
    "mô hình", "clb", "câu lạc bộ", "di tích", "tượng đài", "giải", "cúp", "bến", "bãi",
    "sân", "nhà máy", "xí nghiệp", "nông trường", "lâm trường", "ga", "bến xe", "quận"))
PLACE_KINDS_ASCII = frozenset(fold(kind) for kind in PLACE_KINDS)
STAFF = frozenset(" ".join(_words(who)) for who in (
    "chủ", "quản lý", "nhân viên", "bảo vệ", "lễ tân", "người", "khách", "con"))
STAFF_ASCII = frozenset(fold(who) for who in STAFF)
# Places and bodies whose name starts like a family name.
PLACES = ("Hà Nội", "Hà Nam", "Hà Tĩnh", "Hà Giang", "Hà Tây", "Hồ Chí Minh", "Cao Bằng",
          "Lâm Đồng", "Thái Bình", "Thái Nguyên", "Hà Trung", "Thạch Thành", "Triệu Sơn",
          "Nông Cống", "Quan Hóa", "Quan Sơn", "Kim Bôi", "Mai Châu", "Cao Phong",
          "Lương Sơn", "Hàn Quốc", "Thái Lan", "Đoàn Thanh niên", "Đoàn TNCS")
TOKEN = re.compile(r"[^\W_]+")
ASIDE = re.compile(r"\([^)]*\)|\s[-–—]\s.*$")
GAP = re.compile(r"[ \t\u00a0]+")  # the syllables of one name: on one line, spaces only
ID_NUMBER = re.compile(r"(?<![\d.,])(?:\d{12}|\d{9})(?![\d]|[.,]\d)")
MONEY = re.compile(r"\s*(?:đ|đồng|vnđ|vnd|d)\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\d+.,])(?:\+84|84|0)[ .-]?"  # "(0237) 385…": brackets read as spaces
                   r"(?:[35789](?:[ .-]{0,2}\d){8}|2(?:[ .-]{0,2}\d){9})(?![\d]|[.,]\d)")


@dataclass(frozen=True)
class Finding:
    """Text that looks like personal data: ``kind`` is ``name``, ``id_number`` or
    ``phone``."""

    kind: str
    text: str


class Places:
    """Names of places, as runs of words without case or accents, to find in a text.

    A name counts whole and without its kind: "Thôn Lê Lợi" is known as "thon le loi"
    and "le loi".

    >>> sorted(Places(["Thôn Lê Lợi", "Karaoke Trần Phú (giả lập) - cơ sở 2"]).runs
    ...        - Places().runs)
    [('karaoke', 'tran', 'phu'), ('le', 'loi'), ('thon', 'le', 'loi'), ('tran', 'phu')]
    """

    def __init__(self, names: Iterable[str | None] = ()):
        self.runs: set[tuple[str, ...]] = {_folded(name) for name in PLACES}
        self.longest = max(len(run) for run in self.runs)
        self.add_all(names)

    def add_all(self, names: Iterable[str | None]) -> None:
        """Add names of the commune's places, whole and without their kind (if at least
        two words are left: a lone "Hoa" would hide too much). What is in brackets or
        after a dash is a remark: "Karaoke Hoàng Gia (giả lập)" is "Karaoke Hoàng Gia"."""
        for name in names:
            words = _folded(ASIDE.sub("", str(name or "")))
            if words:
                self.runs.add(words)
                self.longest = max(self.longest, len(words))
            kind = next((n for n in (3, 2, 1) if " ".join(words[:n]) in PLACE_KINDS_ASCII), 0)
            while kind and len(words) - kind >= 2:
                words = words[kind:]
                self.runs.add(words)
                kind = next((n for n in (3, 2, 1)
                             if " ".join(words[:n]) in PLACE_KINDS_ASCII), 0)

    def covered(self, words: list[str]) -> set[int]:
        """The positions in ``words`` (folded) that are part of a known place name."""
        inside: set[int] = set()
        for start in range(len(words)):
            for length in range(min(self.longest, len(words) - start), 0, -1):
                if tuple(words[start:start + length]) in self.runs:
                    inside.update(range(start, start + length))
                    break
        return inside


def _folded(name: str | None) -> tuple[str, ...]:
    return tuple(fold(w) for w in TOKEN.findall(str(name or "")))


def find_personal(text: str, places: Places | None = None) -> list[Finding]:
    """Everything in ``text`` that looks like a person's name, ID or phone number, in
    the order written.

    >>> find_personal("Nguyễn Văn A bán ma túy tại quán")
    [Finding(kind='name', text='Nguyễn Văn A')]
    >>> find_personal("quán Hoàng Gia"), find_personal("chủ quán Hoàng Gia")
    ([], [Finding(kind='name', text='Hoàng Gia')])
    >>> [f.text for f in find_personal("bà TRẦN THỊ BÌNH, SĐT 0912.345.678, CCCD "
    ...                                "038090012345, cũ 172345678; Le Van C")]
    ['TRẦN THỊ BÌNH', '0912.345.678', '038090012345', '172345678', 'Le Van C']
    >>> [f.text for f in find_personal("gọi +84 237 3852 123 hoặc (0237) 3852123")]
    ['+84 237 3852 123', '(0237) 3852123']
    >>> find_personal("Kiểm tra quán Hoàng Gia trên đường Lê Lợi, gần THCS Nguyễn Trãi")
    []
    >>> find_personal("gần Lê Lợi"), find_personal("gần Lê Lợi", Places(["Thôn Lê Lợi"]))
    ([Finding(kind='name', text='Lê Lợi')], [])
    >>> find_personal("thu giữ 150000000 đồng; 20.123456789, 105.5312345; 1.000.000.000")
    []
    >>> find_personal("Lễ ra quân. Hồ sơ. PHÁT HIỆN VI PHẠM, DƯƠNG TÍNH. Đoàn Thanh niên")
    []
    """
    text = unicodedata.normalize("NFC", str(text))
    found = [(start, Finding("name", text[start:end]))
             for start, end in _names(text, places or Places())]
    found += [(m.start(), Finding("id_number", m.group())) for m in ID_NUMBER.finditer(text)
              if not MONEY.match(text, m.end())]
    bracketless = text.replace("(", " ").replace(")", " ")  # the same offsets
    for m in PHONE.finditer(bracketless):
        start = m.start() - (m.start() > 0 and text[m.start() - 1] == "(")
        found.append((start, Finding("phone", text[start:m.end()])))
    return [finding for _start, finding in sorted(found, key=lambda pair: pair[0])]


def _names(text: str, places: Places) -> list[tuple[int, int]]:
    """(start, end) of each name-like run of ``text`` (NFC)."""
    tokens = list(TOKEN.finditer(text))
    starts = [_may_start(t.group()) for t in tokens]
    if not any(starts):
        return []  # most notes: no capitalised family name at all
    words = [_fold_word(t.group()) for t in tokens]
    inside = places.covered(words)
    spans, i = [], 0
    while i < len(tokens):
        end = _name_end(text, tokens, words, inside, i) if starts[i] and i not in inside else i
        if end > i + 1:
            spans.append((tokens[i].start(), tokens[end - 1].end()))
            i = end
        else:
            i += 1
    return spans


def _name_end(text: str, tokens: list, words: list[str], inside: set[int], i: int) -> int:
    """The end (exclusive token index) of a name that starts at token ``i``, else ``i``."""
    first = tokens[i].group()
    # "Phan", "Mai" are family names as written; "Nguyen", "Le" typed without accents are
    # compared without them, and so is the rest of the name.
    plain = _key(first, False) not in FAMILY and first.isascii()
    family, middle = (FAMILY_ASCII, MIDDLE_ASCII) if plain else (FAMILY, MIDDLE)
    if not _capitalised(first) or _key(first, plain) not in family or _after_kind(
            tokens, i, plain):
        return i
    end = i + 1
    while end < len(tokens) and end - i <= 3 and end not in inside:
        word = tokens[end].group()
        if not (_capitalised(word) and (word.isascii() or not plain)
                and GAP.fullmatch(text[tokens[end - 1].end():tokens[end].start()])):
            break
        end += 1
    capitals = first.isupper() and len(first) > 1
    if capitals and end > i + 1 and _key(tokens[i + 1].group(), plain) not in middle:
        return i  # a heading in capitals: a name there needs a middle name
    return end


def _may_start(word: str) -> bool:
    return _capitalised(word) and (word.casefold() in FAMILY or (
        word.isascii() and word.lower() in FAMILY_ASCII))


@lru_cache(maxsize=65_536)  # notes repeat the same few thousand words
def _fold_word(word: str) -> str:
    return word.lower() if word.isascii() else fold(word)


def _key(word: str, plain: bool) -> str:
    """A word (of NFC text) as the word lists hold it."""
    return _fold_word(word) if plain else word.casefold()


def _after_kind(tokens: list, i: int, plain: bool) -> bool:
    """Whether token ``i`` comes just after the kind of a place ("đường", "thôn"…), and
    not after its owner or staff ("chủ quán", "nhân viên nhà nghỉ": a person follows)."""
    kinds, staff = (PLACE_KINDS_ASCII, STAFF_ASCII) if plain else (PLACE_KINDS, STAFF)
    before = [_key(t.group(), plain) for t in tokens[max(0, i - 5):i]]
    for n in (1, 2, 3):
        if n <= len(before) and " ".join(before[-n:]) in kinds:
            return not any(" ".join(before[-n - m:-n]) in staff for m in (1, 2)
                           if n + m <= len(before))
    return False


def _capitalised(word: str) -> bool:
    """``Văn``, ``VĂN`` or ``A``; not ``văn``, ``McD`` or ``T2``."""
    return word.isalpha() and word[0].isupper() and (word[1:].islower() or word.isupper()
                                                     or len(word) == 1)
