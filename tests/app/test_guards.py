"""Guards: settings documented, templates extend base, the catalog is complete."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from app.i18n import TEMPLATES, catalog
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"XKMT_{name.upper()}" in readme, name


def test_every_page_template_extends_base():
    for path in TEMPLATES.glob("*.html"):
        if path.name != "base.html" and not path.name.startswith("_"):
            assert '{% extends "base.html" %}' in path.read_text(encoding="utf-8"), path.name


def _extracted_ids() -> set[str]:
    ids = set()
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map=options, keywords={"_": None, "N_": None}):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_message_has_a_vietnamese_translation():
    translated = {m.id: m.string for m in catalog("vi") if m.id and not m.fuzzy}
    ids = _extracted_ids()
    assert len(ids) > 40
    missing = sorted(i for i in ids if not translated.get(i))
    assert missing == []
    for msgid in ids:  # placeholders survive translation
        assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", translated[msgid]))


def test_geo_never_imports_app():
    for path in (ROOT / "geo").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from app" not in text and "import app" not in text, path.name
