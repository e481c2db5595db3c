"""Translation catalog (gettext via Babel) and Jinja2 environments per language.

Message ids are English; ``app/locale/vi/LC_MESSAGES/*.po`` hold the Vietnamese (one file
per area of the app, merged). They are compiled in memory at start-up: no build step.
"""

from __future__ import annotations

import gettext as _gettext
import io
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

LOCALES = ("vi", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def catalog(locale: str) -> Catalog | None:
    """Every ``.po`` file of ``locale`` merged: ``messages.po`` plus one per area."""
    files = sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))
    if not files:
        return None
    merged = Catalog(locale=locale)
    for po in files:
        with po.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string:
                    merged[message.id] = message
    return merged


@lru_cache
def translations(locale: str) -> _gettext.NullTranslations:
    merged = catalog(locale)
    if merged is None:
        return _gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer)


def gettext_for(locale: str) -> Callable[[str], str]:
    """A gettext function for ``locale`` returning NFC text."""
    catalog = translations(locale)
    return lambda message: unicodedata.normalize("NFC", catalog.gettext(message))


def number(value: int | float | None, locale: str) -> str:
    """A number as people write it: 5.991 in Vietnamese, 5,991 in English."""
    if value is None or str(value) in ("<NA>", "nan", "NaN"):  # None, NaN, pandas NA
        return "—"
    return format_decimal(value, locale="vi_VN" if locale == "vi" else "en_US")


def month_label(month: str) -> str:
    """A month ("YYYY-MM" in URLs and files) as people write it: "10/2025"."""
    return f"{month[5:]}/{month[:4]}"


@lru_cache
def jinja_env(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(locale), newstyle=True)
    env.globals["locale"] = locale
    env.filters["number"] = lambda value: number(value, locale)
    env.filters["month"] = month_label
    return env
