"""Tests for geo.readers.vnencodings: legacy Vietnamese encodings (TCVN3, VNI, cp1258...)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from geo.readers import vnencodings
from geo.readers.vnencodings import ENCODINGS, decode, detect, encode, to_unicode

# The 67 lowercase Vietnamese letters outside ASCII, written out by hand:
# each vowel untoned (if it has a diacritic), then huyền, sắc, hỏi, ngã, nặng.
LOWER = (
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị"
    "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ" "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ"
)  # fmt: skip
UPPER = LOWER.upper()
TCVN3_UPPER = "ĂÂĐÊÔƠƯ"  # the only uppercase letters TCVN3 has

# TCVN3 byte of each letter of LOWER, from the published TCVN 5712 VN3 table.
TCVN3_LOWER_BYTES = bytes.fromhex(
    "b5 b8 b6 b7 b9  a8 bb be bc bd c6  a9 c7 ca c8 c9 cb  ae"
    "cc d0 ce cf d1  aa d2 d5 d3 d4 d6  d7 dd d8 dc de"
    "df e3 e1 e2 e4  ab e5 e8 e6 e7 e9  ac ea ed eb ec ee"
    "ef f3 f1 f2 f4  ad f5 f8 f6 f7 f9  fa fd fb fc fe"
)
TCVN3_UPPER_BYTES = bytes.fromhex("a1 a2 a7 a3 a4 a5 a6")

# VNI-Windows spelling (as cp1252 text) of each letter of LOWER and UPPER.
VNI_LOWER = (
    "aø aù aû aõ aï  aê aè aé aú aü aë  aâ aà aá aå aã aä  ñ"
    " eø eù eû eõ eï  eâ eà eá eå eã eä  ì í æ ó ò"
    " oø où oû oõ oï  oâ oà oá oå oã oä  ô ôø ôù ôû ôõ ôï"
    " uø uù uû uõ uï  ö öø öù öû öõ öï  yø yù yû yõ î"
).split()
VNI_UPPER = (
    "AØ AÙ AÛ AÕ AÏ  AÊ AÈ AÉ AÚ AÜ AË  AÂ AÀ AÁ AÅ AÃ AÄ  Ñ"
    " EØ EÙ EÛ EÕ EÏ  EÂ EÀ EÁ EÅ EÃ EÄ  Ì Í Æ Ó Ò"
    " OØ OÙ OÛ OÕ OÏ  OÂ OÀ OÁ OÅ OÃ OÄ  Ô ÔØ ÔÙ ÔÛ ÔÕ ÔÏ"
    " UØ UÙ UÛ UÕ UÏ  Ö ÖØ ÖÙ ÖÛ ÖÕ ÖÏ  YØ YÙ YÛ YÕ Î"
).split()

# Hand-written legacy bytes of realistic names.
TCVN3_KNOWN = [
    (b"Th\xabn \xa7\xe5ng T\xa9m", "Thôn Đồng Tâm"),
    (b"L\xb5ng Chi\xd2ng", "Làng Chiềng"),
    (b"X\xe3m M\xad\xeang Kh\xeai", "Xóm Mường Khời"),
    (b"Th\xabn Ph\xf3c Do", "Thôn Phúc Do"),
    (b"C\xc8m T\xa9n", "Cẩm Tân"),
    (b"Th\xabn Li\xaan H\xadng", "Thôn Liên Hưng"),
    (b"Khu ph\xe8 Ng\xe4c Tr\xb9o", "Khu phố Ngọc Trạo"),
    (b"Th\xabn Quy\xd5t Th\xbeng", "Thôn Quyết Thắng"),
    (b"\xa7\xbek L\xbek", "Đắk Lắk"),
    (b"M\xfc L\xe9c", "Mỹ Lộc"),
    (b"S\xacn Th\xf1y", "Sơn Thủy"),
]
VNI_KNOWN = [
    (b"Tho\xe2n \xd1o\xe0ng Ta\xe2m", "Thôn Đồng Tâm"),
    (b"La\xf8ng Chie\xe0ng", "Làng Chiềng"),
    (b"Xo\xf9m M\xf6\xf4\xf8ng Kh\xf4\xf8i", "Xóm Mường Khời"),
    (b"Tho\xe2n Phu\xf9c Do", "Thôn Phúc Do"),
    (b"Ca\xe5m Ta\xe2n", "Cẩm Tân"),
    (b"Tho\xe2n Lie\xe2n H\xf6ng", "Thôn Liên Hưng"),
    (b"Khu pho\xe1 Ngo\xefc Tra\xefo", "Khu phố Ngọc Trạo"),
    (b"Tho\xe2n Quye\xe1t Tha\xe9ng", "Thôn Quyết Thắng"),
    (b"B\xecnh \xd1\xf2nh", "Bình Định"),
    (b"T\xe6nh Ngh\xf3a My\xf5 K\xee", "Tỉnh Nghĩa Mỹ Kỵ"),
    (b"\xd1O\xc0NG TA\xc2M", "ĐỒNG TÂM"),
    (b"A\xc1P BA\xc9C \xd6\xd4\xd9C", "ẤP BẮC ƯỚC"),
]
CP1258_KNOWN = [
    (b"Th\xf4n \xd0\xf4\xccng T\xe2m", "Thôn Đồng Tâm"),
    (b"C\xe2\xd2m T\xe2n", "Cẩm Tân"),
    (b"Xo\xecm M\xfd\xf5\xccng Kh\xf5\xcci", "Xóm Mường Khời"),
    (b"Khu ph\xf4\xec Ngo\xf2c Tra\xf2o", "Khu phố Ngọc Trạo"),
    (b"Th\xf4n Quy\xea\xect Th\xe3\xecng", "Thôn Quyết Thắng"),
    (b"\xd0\xe3\xeck L\xe3\xeck", "Đắk Lắk"),
]
# cp1258 also has some precomposed letters; decoding must accept both forms.
CP1258_PRECOMPOSED = [(b"X\xf3m Ch\xe0i", "Xóm Chài"), (b"Th\xf4n Ph\xfac Do", "Thôn Phúc Do")]
CP1252_KNOWN = [
    (b"X\xf3m B\xecnh H\xf2a", "Xóm Bình Hòa"),
    (b"Ng\xe3 Ba", "Ngã Ba"),
    (b"Th\xf4n T\xe2n L\xe2m", "Thôn Tân Lâm"),
    (b"X\xf3m Ch\xe0i", "Xóm Chài"),
    (b"L\xfd V\xf5", "Lý Võ"),
]

NAMES = [
    "Thôn Đồng Tâm",
    "Làng Chiềng",
    "Xóm Mường Khời",
    "Thôn Phúc Do",
    "Cẩm Tân",
    "Thôn Liên Hưng",
    "Khu phố Ngọc Trạo",
    "Thôn Quyết Thắng",
]
# Names cp1252 can hold; ì, ò, ã tell them apart from cp1258.
CP1252_NAMES = ["Xóm Bình Hòa", "Thôn Tân Hòa", "Ngã Ba", "Xóm Chài", "Thôn Bình Minh"]
SHORT_WORDS = [
    "Chiềng", "Mường", "Đồng", "Thắng", "Ngọc", "Trạo", "Khời", "Cẩm", "Quyết",
    "Hưng", "Phúc", "Sơn", "Thủy", "Lợi", "Giếng", "Nậm",
]  # fmt: skip


def test_letter_lists_are_complete() -> None:
    assert len(LOWER) == len(set(LOWER)) == 67
    assert len(set(LOWER + UPPER)) == 134
    assert all(unicodedata.is_normalized("NFC", c) for c in LOWER + UPPER)
    assert len(TCVN3_LOWER_BYTES) == len(VNI_LOWER) == len(VNI_UPPER) == 67


# --------------------------------------------------------------------------
# TCVN3
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("letter", "byte"), list(zip(LOWER, TCVN3_LOWER_BYTES, strict=True)))
def test_tcvn3_lowercase_table(letter: str, byte: int) -> None:
    assert encode(letter, "tcvn3") == bytes([byte])
    assert decode(bytes([byte]), "tcvn3") == letter


@pytest.mark.parametrize(("letter", "byte"), list(zip(TCVN3_UPPER, TCVN3_UPPER_BYTES, strict=True)))
def test_tcvn3_uppercase_table(letter: str, byte: int) -> None:
    assert encode(letter, "tcvn3") == bytes([byte])
    assert decode(bytes([byte]), "tcvn3") == letter


def test_tcvn3_every_letter_has_exactly_one_byte() -> None:
    letters = LOWER + TCVN3_UPPER
    codes = [encode(c, "tcvn3") for c in letters]
    assert all(len(code) == 1 and code[0] >= 0xA1 for code in codes)
    assert len(set(codes)) == len(letters) == 74  # no byte used twice
    decoded = {decode(bytes([b]), "tcvn3") for b in range(0x80, 0x100)}
    assert set(letters) <= decoded


def test_tcvn3_uppercase_toned_letters_decode_as_lowercase() -> None:
    # ".VnTimeH" text: the font draws capitals, the bytes are lowercase codes.
    assert decode(b"\xca", "tcvn3") == "ấ"
    assert decode(b"TH\xabN \xa7\xe5NG T\xa9M", "tcvn3") == "THôN ĐồNG TâM"


@pytest.mark.parametrize(("raw", "text"), TCVN3_KNOWN)
def test_tcvn3_known_words(raw: bytes, text: str) -> None:
    assert decode(raw, "tcvn3") == text
    assert encode(text, "tcvn3") == raw


def test_tcvn3_round_trip_of_all_letters() -> None:
    text = " ".join(f"x{c}y" for c in LOWER + TCVN3_UPPER) + " ASCII 0-9!"
    assert decode(encode(text, "tcvn3"), "tcvn3") == text


# --------------------------------------------------------------------------
# VNI-Windows
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letter", "spelling"), list(zip(LOWER + UPPER, VNI_LOWER + VNI_UPPER, strict=True))
)
def test_vni_table(letter: str, spelling: str) -> None:
    raw = spelling.encode("cp1252")
    assert encode(letter, "vni") == raw
    assert decode(raw, "vni") == letter


@pytest.mark.parametrize(("raw", "text"), VNI_KNOWN)
def test_vni_known_words(raw: bytes, text: str) -> None:
    assert decode(raw, "vni") == text
    assert encode(text, "vni") == raw


def test_vni_round_trip_of_all_letters() -> None:
    text = " ".join(f"x{c}y" for c in LOWER + UPPER) + " " + LOWER + UPPER
    assert decode(encode(text, "vni"), "vni") == text


def test_vni_round_trip_of_random_letter_sequences() -> None:
    # Adjacent letters must not merge: "o" + "ơ" is "oô", not "ô" = "oâ".
    alphabet = LOWER + UPPER + "aeiouyAEIOUYdđbcgq "
    rng = random.Random(5712)
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert decode(encode(text, "vni"), "vni") == text


# --------------------------------------------------------------------------
# cp1258, cp1252, UTF-8
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "text"), CP1258_KNOWN)
def test_cp1258_known_words(raw: bytes, text: str) -> None:
    assert decode(raw, "cp1258") == text
    assert encode(text, "cp1258") == raw


@pytest.mark.parametrize(("raw", "text"), CP1258_PRECOMPOSED)
def test_cp1258_precomposed_letters(raw: bytes, text: str) -> None:
    assert decode(raw, "cp1258") == text


@pytest.mark.parametrize(("raw", "text"), CP1252_KNOWN)
def test_cp1252_known_words(raw: bytes, text: str) -> None:
    assert decode(raw, "cp1252") == text
    assert encode(text, "cp1252") == raw


@pytest.mark.parametrize("encoding", ["cp1258", "utf-8"])
def test_round_trip_of_all_letters(encoding: str) -> None:
    text = " ".join(LOWER + UPPER)
    assert decode(encode(text, encoding), encoding) == text


def test_output_is_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Thôn Đồng Tâm").encode("utf-8")
    assert decode(nfd, "utf-8") == "Thôn Đồng Tâm"
    cp1258 = decode(b"Th\xf4n \xd0\xf4\xccng", "cp1258")
    assert cp1258 == "Thôn Đồng" and len(cp1258) == 9
    for name in ENCODINGS:
        for raw in (b"Tho\xe2n \xd1o\xe0ng", b"Th\xabn \xa7\xe5ng", b"Xo\xecm Ngo\xf2c"):
            assert unicodedata.is_normalized("NFC", decode(raw, name, errors="replace"))


def test_aliases_and_unknown_encoding() -> None:
    assert decode(b"C\xc8m", "TCVN3") == decode(b"C\xc8m", "abc") == "Cẩm"
    assert decode(b"Ca\xe5m", "VNI-Windows") == "Cẩm"
    assert decode(b"C\xe2\xd2m", "windows-1258") == "Cẩm"
    with pytest.raises(ValueError, match="unknown encoding"):
        decode(b"x", "viscii")
    with pytest.raises(ValueError, match="unknown encoding"):
        encode("x", "koi8-r")


def test_strict_and_lenient_decoding() -> None:
    with pytest.raises(UnicodeDecodeError):
        decode(b"\x81", "cp1252")
    assert decode(b"\x81", "cp1252", errors="replace") == "\ufffd"
    assert decode(b"\x81", "tcvn3") == "\x81"  # legacy decoders never fail


# --------------------------------------------------------------------------
# Errors of encode
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "char"),
    [
        ("Ấp Bắc", "tcvn3", "Ấ"),  # TCVN3 has no uppercase toned letters
        ("Thôn Ỷ La", "tcvn3", "Ỷ"),
        ("Thôn €", "tcvn3", "€"),
        ("Thôn €", "vni", "€"),  # cp1252 has €, VNI text does not
        ("Khu ø", "vni", "ø"),  # a VNI diacritic byte, not a letter
        ("Thôn Đồng", "cp1252", "Đ"),
        ("Làng 村", "cp1258", "村"),
    ],
)
def test_encode_rejects_unrepresentable_characters(text: str, encoding: str, char: str) -> None:
    with pytest.raises(ValueError, match=f"{char!r}"):
        encode(text, encoding)


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258", "utf-8"])
def test_detect_realistic_names(encoding: str) -> None:
    samples = [encode(name, encoding) for name in NAMES]
    assert detect(samples) == encoding
    assert to_unicode(samples) == (NAMES, encoding)


def test_detect_cp1252_names() -> None:
    samples = [encode(name, "cp1252") for name in CP1252_NAMES]
    assert detect(samples) == "cp1252"
    assert to_unicode(samples) == (CP1252_NAMES, "cp1252")


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [(raw, "tcvn3") for raw, _ in TCVN3_KNOWN]
    + [(raw, "vni") for raw, _ in VNI_KNOWN]
    + [(raw, "cp1258") for raw, _ in CP1258_KNOWN[:3] + CP1258_PRECOMPOSED]
    + [(raw, "cp1252") for raw, _ in CP1252_KNOWN[:2]],
)
def test_detect_column_with_one_value(raw: bytes, encoding: str) -> None:
    assert detect([raw]) == encoding


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
@pytest.mark.parametrize("word", SHORT_WORDS)
def test_detect_single_word(word: str, encoding: str) -> None:
    texts, found = to_unicode([encode(word, encoding)])
    assert (texts, found) == ([word], encoding)


def test_detect_uppercase_names() -> None:
    upper = [name.upper() for name in NAMES]
    assert detect([encode(name, "vni") for name in upper]) == "vni"
    assert detect([encode(name, "cp1258") for name in upper]) == "cp1258"
    # TCVN3 capitals typed with the .VnTimeH font use lowercase codes.
    assert detect([b"TH\xabN \xa7\xe5NG T\xa9M", b"L\xb5NG CHI\xd2NG"]) == "tcvn3"


def test_detect_ascii_and_utf8() -> None:
    assert detect([b"Thon 1", b"Thon 2"]) == "utf-8"
    assert detect([]) == "utf-8"
    nfd = unicodedata.normalize("NFD", "Xóm Mường Khời").encode("utf-8")
    assert to_unicode([nfd, b"Thon 3"]) == (["Xóm Mường Khời", "Thon 3"], "utf-8")


def test_detect_ignores_ascii_values_and_words() -> None:
    samples = [b"Thon 1", b"Thon 2", b"To 3", b"Th\xabn \xa7\xe5ng T\xa9m"]
    assert to_unicode(samples) == (["Thon 1", "Thon 2", "To 3", "Thôn Đồng Tâm"], "tcvn3")


def test_detect_skips_codecs_that_cannot_decode_the_column() -> None:
    # 0x8A is Š in cp1252 but undefined in cp1258, so cp1258 is no candidate.
    assert detect([b"Ng\xe3 Ba", b"\x8a"]) == "cp1252"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Thôn", 1.5),  # valid and frequent in place names
        ("Khuỷu", 1.0),  # valid
        ("Th«n", -1.0),  # TCVN3 read as cp1252: '«' is no letter
        ("Möôøng", -1.0),  # VNI read as cp1252: 'ö', 'ø'
        ("Taâm", 0.0),  # VNI read as cp1252: letters, but "aâ" is no vowel cluster
        ("Thàch", 0.0),  # huyền before final "ch"
        ("Hóà", 0.0),  # two tone marks
        ("Xaù", 0.0),  # tone on the glide of "au"
        ("Ngă", 0.0),  # "ă" needs a final consonant
        ("Cỉ", 0.0),  # "c" is never written before "i"
    ],
)
def test_word_score(word: str, expected: float) -> None:
    assert vnencodings._word_score(word) == expected
