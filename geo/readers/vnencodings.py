"""Decode legacy Vietnamese text encodings to Unicode (NFC).

Old cadastral shapefiles often store their ``.dbf`` attribute tables in one
of the pre-Unicode Vietnamese encodings.  This module decodes them, encodes
Unicode back into them (used by the tests to build legacy files) and guesses
which one a text column uses.

Supported encodings (see :data:`ENCODINGS`):

``"utf-8"``
    Python codec.  NFD input (decomposed tone marks) is normalised to NFC.
``"tcvn3"``
    TCVN3, also called ABC or TCVN 5712:1993 VN3: the single-byte encoding
    of the ``.VnTime`` family of fonts.  It has every *lowercase* Vietnamese
    letter but, among the uppercase ones, only the untoned Ă Â Đ Ê Ô Ơ Ư.
    Uppercase toned letters were typed with the ``.VnTimeH`` (all-capitals)
    font using the *lowercase* code points, so decoding gives lowercase for
    them: ``"ẤP BẮC"`` typed in ``.VnTimeH`` decodes as ``"ấP BắC"``.  The
    font is not stored in a ``.dbf``, so the case cannot be recovered
    reliably.  For the same reason :func:`encode` refuses uppercase toned
    letters.  High bytes that TCVN3 leaves unassigned decode as in cp1252.
``"vni"``
    VNI-Windows (the ``VNI-Times`` family of fonts): cp1252 bytes where a
    base letter is followed by a diacritic byte, e.g. ``b"a\\xf9"``
    (``"aù"``) is "á"; i-vowels, ỵ, ơ, ư and đ are single bytes.
``"cp1258"``
    Windows-1258, Python codec.  Tone marks are separate combining bytes;
    the decoded text is normalised to NFC.
``"cp1252"``
    Windows-1252, Python codec (Vietnamese typed with a Western code page).

Examples
--------
>>> decode(b"Th\\xabn \\xa7\\xe5ng T\\xa9m", "tcvn3")
'Thôn Đồng Tâm'
>>> to_unicode([b"Tho\\xe2n \\xd1o\\xe0ng Ta\\xe2m", b"Ca\\xe5m Ta\\xe2n"])[1]
'vni'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ENCODINGS", "decode", "detect", "encode", "to_unicode"]

ENCODINGS = ("utf-8", "tcvn3", "vni", "cp1258", "cp1252")
"""Encodings known to :func:`decode`, :func:`encode` and :func:`detect`."""

_ALIASES = {
    "utf8": "utf-8",
    "tcvn": "tcvn3",
    "tcvn-3": "tcvn3",
    "abc": "tcvn3",
    "vni-windows": "vni",
    "windows-1258": "cp1258",
    "windows-1252": "cp1252",
}
_PYTHON_CODECS = ("utf-8", "cp1258", "cp1252")

# --------------------------------------------------------------------------
# The Vietnamese alphabet
# --------------------------------------------------------------------------

# Combining tone marks, in the order used by every table below:
# huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_ACUTE, _DOT_BELOW = "\u0301", "\u0323"
_BASE_VOWELS = "aăâeêioôơuưy"
_CONSONANTS = "bcdđfghjklmnpqrstvwxz"


def _toned(base: str, tone_index: int) -> str:
    """Return the precomposed letter ``base`` with tone ``_TONES[tone_index]``."""
    return unicodedata.normalize("NFC", base + _TONES[tone_index])


def _build_letter_info() -> dict[str, tuple[str, str]]:
    """Map every lowercase Vietnamese or ASCII letter to ``(base, tone)``."""
    info = {c: (c, "") for c in "abcdefghijklmnopqrstuvwxyzđăâêôơư"}
    for base in _BASE_VOWELS:
        for index, tone in enumerate(_TONES):
            info[_toned(base, index)] = (base, tone)
    return info


_LETTER_INFO = _build_letter_info()
_ALPHABET = frozenset(_LETTER_INFO) | {c.upper() for c in _LETTER_INFO}

# --------------------------------------------------------------------------
# TCVN3 (ABC)
# --------------------------------------------------------------------------

# Toned vowels: byte for each tone in _TONES order (grave, hook, tilde,
# acute, dot below).  Positions 0xC0-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0 and
# 0xFF are left free by TCVN3 (TCVN 5712 VN1 puts uppercase letters there).
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
# Untoned letters with a diacritic, both cases (the only uppercase in TCVN3).
_TCVN3_PLAIN = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6,
    "Đ": 0xA7, "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC,
    "ư": 0xAD, "đ": 0xAE,
}  # fmt: skip


def _cp1252_chars() -> list[str]:
    """Return the cp1252 character of each byte; latin-1 for its 5 holes."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return chars


def _build_tcvn3_encode() -> dict[str, int]:
    """Return the TCVN3 table: character -> byte (non-ASCII letters only)."""
    table = dict(_TCVN3_PLAIN)
    for base, codes in _TCVN3_TONED.items():
        for index, code in enumerate(codes):
            table[_toned(base, index)] = code
    return table


_TCVN3_ENCODE = _build_tcvn3_encode()
_CP1252 = _cp1252_chars()
# str.translate tables from latin-1 code points (one per byte) to characters.
_CP1252_DECODE = {b: c for b, c in enumerate(_CP1252) if ord(c) != b}
_TCVN3_DECODE = {b: _CP1252[b] for b in range(0x80, 0x100)}
_TCVN3_DECODE.update({b: c for c, b in _TCVN3_ENCODE.items()})

# --------------------------------------------------------------------------
# VNI-Windows
# --------------------------------------------------------------------------

# Diacritic bytes (as cp1252 characters), in _TONES order.
_VNI_TONE_MARKS = ("ø", "û", "õ", "ù", "ï")  # after a e o u y ơ ư
_VNI_CIRCUMFLEX_MARKS = ("à", "å", "ã", "á", "ä")  # â ê ô + tone
_VNI_BREVE_MARKS = ("è", "ú", "ü", "é", "ë")  # ă + tone
# Vowel -> (VNI spelling of the untoned vowel, prefix, tone marks); a toned
# vowel is spelled prefix + mark.  None marks a single-byte spelling below.
_VNI_VOWELS = {
    "a": ("a", "a", _VNI_TONE_MARKS),
    "â": ("aâ", "a", _VNI_CIRCUMFLEX_MARKS),
    "ă": ("aê", "a", _VNI_BREVE_MARKS),
    "e": ("e", "e", _VNI_TONE_MARKS),
    "ê": ("eâ", "e", _VNI_CIRCUMFLEX_MARKS),
    "o": ("o", "o", _VNI_TONE_MARKS),
    "ô": ("oâ", "o", _VNI_CIRCUMFLEX_MARKS),
    "ơ": ("ô", "ô", _VNI_TONE_MARKS),
    "u": ("u", "u", _VNI_TONE_MARKS),
    "ư": ("ö", "ö", _VNI_TONE_MARKS),
    "i": ("i", "", ("ì", "æ", "ó", "í", "ò")),
    "y": ("y", "y", ("ø", "û", "õ", "ù", None)),
}
_VNI_SINGLE = {"ỵ": "î", "đ": "ñ"}


def _build_vni_encode() -> dict[str, str]:
    """Return the VNI table: letter -> cp1252 spelling, both cases."""
    table = dict(_VNI_SINGLE)
    for vowel, (plain, prefix, marks) in _VNI_VOWELS.items():
        if plain != vowel:
            table[vowel] = plain
        for index, mark in enumerate(marks):
            if mark is not None:
                table[_toned(vowel, index)] = prefix + mark
    # Uppercase letters use the uppercase base and diacritic bytes.
    table.update({c.upper(): s.upper() for c, s in list(table.items())})
    return table


_VNI_ENCODE = _build_vni_encode()
_VNI_DECODE = {s: c for c, s in _VNI_ENCODE.items()}
# Longest spellings first, so that "aâ" wins over a lone "â".
_VNI_PATTERN = re.compile(
    "|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True))
)

# --------------------------------------------------------------------------
# Decoding and encoding
# --------------------------------------------------------------------------


def _canonical(encoding: str) -> str:
    """Return the canonical name of ``encoding`` or raise ``ValueError``."""
    name = encoding.strip().lower().replace("_", "-")
    name = _ALIASES.get(name, name)
    if name not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; expected one of {ENCODINGS}")
    return name


def decode(raw: bytes, encoding: str, *, errors: str = "strict") -> str:
    """Decode ``raw`` bytes from ``encoding`` into NFC Unicode text.

    Parameters
    ----------
    raw : bytes
        The encoded text, e.g. one ``.dbf`` field value.
    encoding : str
        One of :data:`ENCODINGS` (case-insensitive; aliases such as
        ``"windows-1258"``, ``"abc"`` or ``"vni-windows"`` are accepted).
    errors : str, optional
        Error handler for the Python codecs (``"utf-8"``, ``"cp1258"``,
        ``"cp1252"``), e.g. ``"replace"``.  ``"tcvn3"`` and ``"vni"`` never
        fail: a byte without a Vietnamese meaning decodes as in cp1252 (or
        latin-1 for the five bytes cp1252 leaves undefined).

    Returns
    -------
    str
        The decoded text in Unicode normalisation form NFC.

    Raises
    ------
    ValueError
        If ``encoding`` is unknown.
    UnicodeDecodeError
        If a Python codec fails and ``errors`` is ``"strict"``.
    """
    name = _canonical(encoding)
    if name == "tcvn3":
        text = raw.decode("latin-1").translate(_TCVN3_DECODE)
    elif name == "vni":
        text = raw.decode("latin-1").translate(_CP1252_DECODE)
        text = _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text)
    else:
        text = raw.decode(name, errors=errors)
    return unicodedata.normalize("NFC", text)


def _unrepresentable(char: str, encoding: str) -> ValueError:
    """Build the error raised when ``encoding`` cannot represent ``char``."""
    return ValueError(
        f"{encoding} cannot represent the character {char!r} (U+{ord(char):04X})"
    )


def _encode_cp1258(text: str) -> bytes:
    """Encode NFC ``text`` to cp1258, tone marks as separate combining bytes."""
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        try:
            out += (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            raise _unrepresentable(char, "cp1258") from None
    return bytes(out)


def encode(text: str, encoding: str) -> bytes:
    """Encode Unicode ``text`` into ``encoding``; the inverse of :func:`decode`.

    Parameters
    ----------
    text : str
        Text to encode; it is normalised to NFC first.
    encoding : str
        One of :data:`ENCODINGS`.  ``"tcvn3"`` and ``"vni"`` accept ASCII and
        the Vietnamese letters only (TCVN3: no uppercase toned letters).
        ``"cp1258"`` writes every tone mark as a separate combining byte after
        its base letter (``"ấ"`` -> ``b"\\xe2\\xec"``), the usual form of
        Vietnamese Windows-1258 text.

    Returns
    -------
    bytes
        The encoded text.

    Raises
    ------
    ValueError
        If ``encoding`` is unknown, or naming the first character of ``text``
        that ``encoding`` cannot represent.
    """
    name = _canonical(encoding)
    text = unicodedata.normalize("NFC", text)
    if name == "cp1258":
        return _encode_cp1258(text)
    if name in _PYTHON_CODECS:
        try:
            return text.encode(name)
        except UnicodeEncodeError as exc:
            raise _unrepresentable(text[exc.start], name) from None
    table = _TCVN3_ENCODE if name == "tcvn3" else _VNI_ENCODE
    out = bytearray()
    for char in text:
        if char.isascii():
            out += char.encode("ascii")
        elif char in table:
            value = table[char]
            out += bytes([value]) if isinstance(value, int) else value.encode("cp1252")
        else:
            raise _unrepresentable(char, name)
    return bytes(out)


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------

# Vowel clusters (untoned) of Vietnamese rhymes.  After each one: whether a
# final consonant is required (+), forbidden (-) or optional (?), then the
# positions in the cluster where the tone mark may sit (both the old "hòa,
# thủy" and the new "hoà, thuỷ" placements; only the later one before a
# final consonant).  Rare clusters such as "uơ" (thuở) are left out.
_NUCLEUS_SPEC = """
a?0 ă+0 â+0 e?0 ê?0 i?0 o?0 ô?0 ơ?0 u?0 ư?0 y-0
ai-0 ao-0 au-0 ay-0 âu-0 ây-0 eo-0 êu-0 ia-0 iu-0 oi-0 ôi-0 ơi-0 ua-0 ui-0
ưa-0 ưi-0 ưu-0 oa?01 oe?01 uy?01 uê?1 iê+1 yê+1 uô+1 ươ+1 oă+1 uâ+1 oo+1
iêu-1 yêu-1 oai-1 oay-1 oao-1 oeo-1 uây-1 uôi-1 ươi-1 ươu-1 uya-1 uyu-1 uyê+2
"""
_NUCLEI = {
    m[1]: (m[2], tuple(int(d) for d in m[3]))
    for m in re.finditer(r"(\w+?)([-+?])(\d+)", _NUCLEUS_SPEC)
}
# Final consonants; "k" occurs in Central Highlands names (Đắk Lắk).
_CODAS = frozenset(("", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t"))
_STOP_CODAS = frozenset(("c", "ch", "k", "p", "t"))
_PALATAL_NUCLEI = frozenset(("a", "ê", "i", "oa", "uê", "uy"))  # before ch, nh
_SYLLABLE = re.compile(f"([{_CONSONANTS}]*)([{_BASE_VOWELS}]+)([{_CONSONANTS}]*)")
# Order of preference between legacy encodings whose scores tie.
_TIE_ORDER = ("cp1258", "cp1252", "vni", "tcvn3")
_RAW_WORD = re.compile(rb"[^\x00-\x40\x5b-\x60\x7b-\x7f]+")  # non-letter ASCII splits

# Frequent syllables of Vietnamese place names; a small bonus for these
# settles short values that decode to valid syllables in several encodings.
_COMMON_SYLLABLES = frozenset(
    """
    thôn xóm làng bản ấp khu phố tổ đội xã phường thị trấn huyện tỉnh khối
    cụm buôn sóc đông tây nam bắc trung thượng hạ nội ngoại đoài tiền hậu
    an bình phú thạnh thành hòa hoà hưng long tân phúc lợi đồng tâm xuân hải
    sơn thủy thuỷ lâm minh quang vinh phong thịnh mỹ lộc thọ khánh cát tường
    nghĩa đức trường yên định ninh hiệp hội điền mới cũ cầu chợ bến bãi đá
    núi suối khe chiềng mường nà pác nậm phiêng lũng hồ kênh cồn gò giồng
    rạch vàm trại trang thắng quyết tiến lên chiến đoàn kết hợp liên tiên
    cẩm ngọc kim vàng thanh hồng hương đào lê văn dương hà giang khê châu
    tháp miếu đình chùa tràng trạo khời bàu sông rừng đồi nương dân quân
    hùng dũng toàn thống nhất độc lập tự hạnh phước thiện lạc tùng lĩnh đắk
    chư ngã tư năm sáu bảy tám chín mười một hai quảng hoàng hiền lương quý
    bảo tài thái việt tú vân thạch giáp đạo cương đại tiểu quế lục số kỳ lý
    võ gia xá cổ ông bà
    """.split()
)


def _spelling_ok(onset: str, nucleus: str) -> bool:
    """Check the c/k, g/gh and ng/ngh spelling rules of Vietnamese."""
    front = nucleus[0] in "eêiy"
    if onset in ("gh", "ngh"):
        return front
    if onset in ("c", "ng") or (onset == "g" and nucleus[0] != "i"):
        return not front
    return True


def _splits(onset: str, nucleus: str) -> list[tuple[str, str, int]]:
    """Return the ways to read ``onset + nucleus`` as (onset, nucleus, shift).

    After "q" the "u" may belong to the onset (qua) or not (quỳnh, quốc);
    "gi" may be an onset (giữa, giếng) or not (gìn).
    ``shift`` is how many vowels moved from the nucleus to the onset.
    """
    if onset.endswith("q") and (nucleus[0] != "u" or len(nucleus) == 1):
        return []
    splits = [(onset, nucleus, 0)]
    if onset.endswith("q"):  # "qu" + a, or "q" + uy (quỳnh), uô (quốc)
        splits.append((onset + "u", nucleus[1:], 1))
    if onset.endswith("g") and nucleus[0] == "i" and len(nucleus) > 1:
        splits.append((onset + "i", nucleus[1:], 1))
    return splits


def _rhyme_ok(onset: str, nucleus: str, coda: str, tone_at: int | None) -> bool:
    """Check a nucleus, its final consonant and the place of its tone mark."""
    if nucleus not in _NUCLEI or not _spelling_ok(onset, nucleus):
        return False
    final, places = _NUCLEI[nucleus]
    if (final == "+" and not coda) or (final == "-" and coda):
        return False
    if coda in ("ch", "nh") and nucleus not in _PALATAL_NUCLEI:
        return False
    if nucleus == "oo" and coda not in ("c", "ng"):
        return False
    return tone_at is None or tone_at in (places[-1:] if coda else places)


def _syllable_score(word: str) -> float:
    """Return 1 if lowercase ``word`` is a valid Vietnamese syllable, else 0.

    Letters are checked for at most one tone mark, a known vowel cluster, a
    valid final consonant, the tone allowed before it (only sắc or nặng
    before c, ch, k, p, t) and the spelling rules.  "k" before a back vowel
    (Kon, Kông) occurs only in minority names and gives 0.5.
    """
    bases, tone, tone_at = [], "", -1
    for index, char in enumerate(word):
        base, mark = _LETTER_INFO[char]
        bases.append(base)
        if mark and tone:
            return 0.0  # two tone marks
        if mark:
            tone, tone_at = mark, index
    match = _SYLLABLE.fullmatch("".join(bases))
    if match is None:
        return 0.0
    onset, nucleus, coda = match.groups()
    if coda not in _CODAS or (coda in _STOP_CODAS and tone not in ("", _ACUTE, _DOT_BELOW)):
        return 0.0
    if not any(
        _rhyme_ok(head, rest, coda, tone_at - match.start(2) - shift if tone else None)
        for head, rest, shift in _splits(onset, nucleus)
    ):
        return 0.0
    return 0.5 if onset == "k" and nucleus[0] not in "eêiy" else 1.0


def _word_score(word: str) -> float:
    """Score how Vietnamese one decoded word looks, from -1 to 1.5.

    A character outside the Vietnamese alphabet (e.g. '«', '§', 'ø', '¸',
    'µ', '®', a stray combining mark or U+FFFD) gives -1; letters that do
    not form a valid syllable give 0; a valid syllable gives 1, and 1.5 if
    it is a frequent place-name syllable.
    """
    if not word or any(c not in _ALPHABET for c in word):
        return -1.0
    lower = word.lower()
    score = _syllable_score(lower)
    if lower in _COMMON_SYLLABLES:
        score += 0.5
    # Odd case inside a word ("NỈm", "GiƠng") hints at a wrong decoding.
    if word not in (lower, word.upper(), lower[0].upper() + lower[1:]):
        score /= 2
    return score


def _legacy_words(samples: list[bytes], limit: int = 5000) -> list[bytes]:
    """Return the distinct raw words that contain a non-ASCII byte, sorted.

    Every candidate encoding keeps ASCII bytes as ASCII, so splitting raw
    bytes at ASCII non-letters gives the same words in every decoding, and
    pure-ASCII words cannot tell the encodings apart.
    """
    words = {w for raw in samples for w in _RAW_WORD.findall(raw) if not w.isascii()}
    return sorted(words)[:limit]


def _score(words: list[bytes], encoding: str) -> float:
    """Return the mean :func:`_word_score` of ``words`` decoded as ``encoding``."""
    total = 0.0
    for raw in words:
        total += _word_score(decode(raw, encoding, errors="replace"))
    return total / len(words)


def _decodes_all(samples: list[bytes], encoding: str) -> bool:
    """Return True if every sample decodes strictly from ``encoding``."""
    try:
        for raw in samples:
            decode(raw, encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect(samples: list[bytes]) -> str:
    """Guess the encoding of a text column from some of its raw values.

    Parameters
    ----------
    samples : list of bytes
        Raw values of one column (several values give a better guess).

    Returns
    -------
    str
        The most likely encoding, one of :data:`ENCODINGS`.

    Notes
    -----
    Pure ASCII gives ``"utf-8"``, and so does text that is valid UTF-8
    everywhere (legacy Vietnamese bytes are almost never valid UTF-8).

    Otherwise the candidates are "tcvn3", "vni" and those of "cp1258" and
    "cp1252" that decode every sample.  Each distinct word holding a
    non-ASCII byte is decoded with every candidate and scored (see
    :func:`_word_score`): a valid Vietnamese syllable (letters of the
    Vietnamese alphabet, at most one tone mark, in its proper place, a known
    vowel cluster, a valid final consonant, only sắc or nặng before c, ch,
    p, t, the c/k, g/gh, ng/ngh spelling rules) scores 1, a frequent
    place-name syllable a little more, and a character outside the alphabet
    (such as 'ø', '¸', 'µ', '®' or '«') -1.  The best mean score wins.

    Ties go to cp1258, cp1252, vni, tcvn3 in that order.  cp1258 and cp1252
    give the same text for the letters they share (â, ê, ô, á, à...), so a
    column using only those is reported as "cp1258".  A single short word
    can be truly ambiguous (TCVN3 "Lũ" is cp1252 "Lò"); more values help.
    """
    if all(raw.isascii() for raw in samples) or _decodes_all(samples, "utf-8"):
        return "utf-8"
    candidates = [name for name in _TIE_ORDER if _decodes_all(samples, name)]
    words = _legacy_words(samples)
    return max(candidates, key=lambda name: (_score(words, name), -candidates.index(name)))


def to_unicode(samples: list[bytes]) -> tuple[list[str], str]:
    """Detect the encoding of ``samples`` and decode them all.

    Parameters
    ----------
    samples : list of bytes
        Raw values of one text column.

    Returns
    -------
    texts : list of str
        The decoded NFC values, in order.  Bytes the detected encoding
        cannot decode become U+FFFD.
    encoding : str
        The detected encoding, one of :data:`ENCODINGS`.
    """
    encoding = detect(samples)
    return [decode(raw, encoding, errors="replace") for raw in samples], encoding
