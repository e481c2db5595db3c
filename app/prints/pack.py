"""The meeting pack: one self-contained HTML file of the risk map for a commune and month
(the map with its villages coloured by one layer, the legends, every village's panel
data), for the screen in the meeting room. It opens from a USB stick (``file://``) with no
server and no internet.

It is the map page itself: ``templates/map.html`` rendered with ``pack`` set, its data the
same JSON block (``#map-config``) that ``app/static/map.js`` reads, and then every script,
style sheet and image it links inlined (Leaflet and its plugins from ``node_modules``, the
app's ``map.js`` and ``xkmt.css``), so changes to the page flow into the pack. No base
map tiles. A Content-Security-Policy in the file allows only its own scripts (by hash),
no connection and no image but ``data:``; :func:`check_self_contained` refuses a file
that still refers to anything outside itself.

Privacy: a pack is a print. One that leaves the police (made for a leader or a viewer,
the default) carries the masked view (:data:`MASKED`): no person code, counts of people
from 1 to the band limit shown "≤n", nothing computed from people (the
viewer's view, :func:`app.frame.view.view_for`). Only a pack the police make for themselves
carries their view.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy.orm import Session

from app import audit, mapview, store
from app.access import DEFAULT_PACK_ROLE, MASKED_ROLE, PACK_ROLES, AsRole, is_pack_role
from app.frame import loading, view
from app.i18n import N_, gettext_for, jinja_env
from app.routes.pages import _fills, _folium_map  # the map page's own drawing
from app.settings import Settings
from geo import legends

ROLES = PACK_ROLES
DEFAULT_ROLE = DEFAULT_PACK_ROLE
STATIC = Path(__file__).resolve().parents[1] / "static"

# the note written in a pack, by what it carries
POLICE_NOTE = N_("for the commune police only: holds person codes")
LEADER_NOTE = N_("for the leadership and the meeting: counts of people masked, "
                 "no person code")
MEETING_NOTE = N_("for the meeting: counts of people masked, no person code")


class PackError(Exception):
    """A pack that cannot be made: a message id and the values to format it with."""

    def __init__(self, message: str, **values: str):
        super().__init__(message)
        self.message, self.values = message, values


@dataclass(frozen=True)
class Pack:
    html: str
    role: str
    layer: str
    persons: int  # person codes in the file (0 outside the police's own packs)


def shown_as(role: str) -> AsRole:
    """The view a pack for ``role`` carries: the police's for the police, else masked
    (the viewer's)."""
    return AsRole(role if AsRole(role).can("see_person_codes") else MASKED_ROLE)


def role_note(role: str) -> str:
    """Whom a pack for ``role`` is for (a message id)."""
    made_for = AsRole(role)
    if made_for.can("see_person_codes"):
        return POLICE_NOTE
    return LEADER_NOTE if made_for.can("see_exact_counts") else MEETING_NOTE


def pack_view(session: Session, settings: Settings, code: str, month: str, role: str,
              locale: str, layer: str | None = None) -> dict:
    """The map page's per-role view for a pack: the context ``templates/map.html`` is
    rendered with, from :func:`app.frame.view.view_for` (the one place a pack obtains its
    data). ``layer``: the layer coloured first (the first one when None; PackError for
    one the month does not have)."""
    commune = store.get_commune(session, code)
    _ = gettext_for(locale)
    shown = view.view_for(session, settings, code, month, shown_as(role), locale)
    thematic = shown.thematic
    chosen = next((t for t in thematic if t.key == (layer or thematic[0].key)), None)
    if chosen is None:
        raise PackError(N_("“{layer}” is not a layer of the map: choose one of {layers}."),
                        layer=layer or "", layers=", ".join(t.key for t in thematic))
    figure, drawn = _folium_map(
        commune, shown.villages, settings.model_copy(update={"tiles": "none"}), _, locale,
        shown.synthetic, fills=_fills(chosen), overlays=shown.point_layers)
    legend_keys = dict.fromkeys(t.legend for t in thematic)
    config = {"month": month, "layer": chosen.key, "drawn": drawn,
              "layers": [{"key": t.key, "legend": t.legend, "title": t.title}
                         for t in thematic],
              "legends": {k: mapview.translate_legend(legends.LEGENDS[k], _)
                          for k in legend_keys},
              # no link to the app's pages: the file is opened away from the server
              "person_links": False, "commune": code, "edit_villages": False,
              "pack": True, "texts": mapview.page_texts(_), **shown.panel}
    return {
        "commune": commune, "villages": shown.villages, "synthetic": shown.synthetic,
        "map_head": figure.header.render(), "map_body": figure.html.render(),
        "map_script": figure.script.render(), "month": month, "months": [month],
        "previous_month": loading.previous_month(month),
        "next_month": mapview.next_month(month), "thematic": thematic, "chosen": chosen,
        "groups": {k: _(v) for k, v in mapview.GROUPS.items()}, "legends": config["legends"],
        "point_legends": mapview.point_legends(_, shown.person_codes),
        "map_config": config,
        "village_options": list(zip(shown.villages["code"], shown.villages["name"],
                                    strict=True)),
        "no_plan": shown.no_plan, "no_records": shown.no_records}


def build_pack(session: Session, settings: Settings, code: str, month: str, *,
               role: str = DEFAULT_ROLE, locale: str = "vi", layer: str | None = None,
               made_by: str) -> Pack:
    """The pack's HTML, every asset inlined, checked to need nothing outside itself."""
    if not is_pack_role(role):
        raise PackError(N_("“{role}” is not a role a pack is made for: choose one of "
                           "{roles}."), role=role, roles=", ".join(ROLES))
    context = pack_view(session, settings, code, month, role, locale, layer)
    _ = gettext_for(locale)
    note = {"made_at": dt.datetime.now(store.TZ).strftime("%d/%m/%Y %H:%M"),
            "made_by": made_by, "role": _(role_note(role))}
    html = jinja_env(locale).get_template("map.html").render(
        viewer=None, csrftoken="", csp_nonce="", request_path="", pack=note, **context)
    html = self_contained(html, settings)
    persons = len(audit.codes_in(context["map_config"],
                                 loading.person_codes(session, code)))
    return Pack(html, role, context["chosen"].key, persons)


# --- inlining ---------------------------------------------------------------------------

# style sheets the app makes rather than serves from a folder (app/routes/styles.py)
GENERATED = {"/legend.css": legends.stylesheet}
SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"[^>]*>\s*</script>')
STYLE_LINK = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"[^>]*/?>')
CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")
INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)
SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.MULTILINE)


def _asset(url: str, settings: Settings) -> Path:
    """The file behind an address the app serves (``/vendor/<package>/…``: the npm
    package's ``dist``; ``/static/…``: the app's own)."""
    parts = url.split("?")[0].split("/")
    if url.startswith("/vendor/") and len(parts) >= 4:
        path = settings.assets_dir / parts[2] / "dist" / "/".join(parts[3:])
    elif url.startswith("/static/"):
        path = STATIC / "/".join(parts[2:])
    else:
        raise PackError(N_("The map refers to {url}, which cannot be put in the pack."),
                        url=url)
    if ".." in parts or not path.is_file():
        raise PackError(N_("The map refers to {url}, which cannot be put in the pack."),
                        url=url)
    return path


def _script(match: re.Match, settings: Settings) -> str:
    text = SOURCE_MAP.sub("", _asset(match.group(1), settings).read_text("utf-8"))
    # "</script" inside would end the element; "<\/" means the same to JavaScript
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE) + \
        "</script>"


def _style(match: re.Match, settings: Settings) -> str:
    url = match.group(1)
    if url in GENERATED:
        path, text = None, GENERATED[url]()
    else:
        path = _asset(url, settings)
        text = SOURCE_MAP.sub("", path.read_text("utf-8"))

    def data_uri(found: re.Match) -> str:
        target = found.group(2)
        if target.startswith(("#", "data:")):
            return found.group(0)
        image = (path.parent / target).resolve() if path else None
        if image is None or not image.is_relative_to(path.parent.resolve()) \
                or not image.is_file():
            raise PackError(N_("The map refers to {url}, which cannot be put in the pack."),
                            url=target)
        kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return f'url("data:{kind};base64,{base64.b64encode(image.read_bytes()).decode()}")'

    text = CSS_URL.sub(data_uri, text)
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE) + \
        "</style>"


def self_contained(html: str, settings: Settings) -> str:
    """``html`` with every script and style sheet it links written inside it, and a
    Content-Security-Policy that lets its own scripts (by hash) run and nothing load."""
    html = SCRIPT_SRC.sub(lambda m: _script(m, settings), html)
    html = STYLE_LINK.sub(lambda m: _style(m, settings), html)
    hashes = []
    for attrs, body in INLINE_SCRIPT.findall(html):
        if 'type="application/json"' not in attrs:
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest())
            hashes.append(f"'sha256-{digest.decode()}'")
    policy = (f"default-src 'none'; script-src {' '.join(dict.fromkeys(hashes))}; "
              "style-src 'unsafe-inline'; img-src data:; font-src data:; "
              "connect-src 'none'; base-uri 'none'; form-action 'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    html = html.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n  {meta}', 1)
    check_self_contained(html)
    return html


# --- the check --------------------------------------------------------------------------

URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data",
                  "background", "manifest", "xlink:href"}
OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


class _Refs(HTMLParser):
    """Every reference a page's markup makes to something outside itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            value = (value or "").strip()
            if name not in URL_ATTRIBUTES or not value or value.startswith("#"):
                continue
            loads = tag in ("script", "link", "img", "iframe", "embed", "object", "source",
                            "video", "audio", "track", "input")
            if value.startswith("data:") and tag != "script":
                continue
            if loads or OUTSIDE.match(value):
                self.found.append(f"<{tag} {name}={value[:80]}>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            for _quote, target in CSS_URL.findall(data):
                if not target.startswith(("data:", "#")):
                    self.found.append(f"url({target[:80]})")
            if "@import" in data:
                self.found.append("@import")


def external_references(html: str) -> list[str]:
    """What ``html``'s markup and style sheets would load, or link to, outside the file:
    scripts, style sheets, images or frames by address, addresses with a scheme or
    ``//`` (``data:`` images and ``#`` anchors are inside the file)."""
    parser = _Refs()
    parser.feed(html)
    parser.close()
    return parser.found


def check_self_contained(html: str) -> None:
    found = external_references(html)
    if found:
        raise PackError(N_("The map refers to {url}, which cannot be put in the pack."),
                        url=found[0])
