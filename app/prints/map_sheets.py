"""Printed maps from the web and the command line: read the options, take the month's
village frame as the reader's role may see it, turn it into the plain data and words
``geo.printing`` draws, and audit every print.

Privacy holds on paper as on screen: the figures come from the map's own per-role view
(:func:`app.frame.view.view_for`; :func:`view_for` here is the one place a print asks for it);
"masked" prints (for use outside the police) carry the viewer's view; the tips layer is
the police's only.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from app import audit, store
from app.access import MASKED_ROLE, AsRole
from app.frame import caching, loading, view
from app.i18n import N_, month_label
from app.params import BadParameter, read_month
from app.prints.print_layers import layer_map
from geo import legends
from geo.printing import Paper, Sheet, SheetTexts, render_sheet
from geo.printing.paper import DPIS, FORMATS, ORIENTATIONS, SIZES_MM

EXTRA_LAYERS = ("venues", "tips")  # beside the map's thematic layers
TITLES = {
    "score": N_("MAP OF THE DRUG-FREE COMMUNE INDICATORS MET"),
    "change": N_("MAP OF THE CHANGE SINCE LAST MONTH"),
    "risk": N_("MAP OF THE RISK LEVEL OF THE VILLAGES"),
    "per_thousand": N_("MAP OF PEOPLE ON THE LISTS PER 1,000 RESIDENTS"),
    "venues": N_("MAP OF THE VENUES AND THEIR INSPECTIONS"),
    "tips": N_("MAP OF THE TIPS RECEIVED"),
    "indicator": N_("MAP OF INDICATOR {id}"),
}
BAD = {
    "layer": N_("“{value}” is not a layer that can be printed: choose one of {choices}."),
    "paper": N_("“{value}” is not a paper size: choose A4 or A3."),
    "orientation": N_("“{value}” is not an orientation: choose portrait or landscape."),
    "format": N_("“{value}” is not a file format: choose pdf or png."),
    "dpi": N_("“{value}” is not a resolution: choose 150 or 300 dpi."),
    "colour": N_("“{value}” is not a colour choice: choose colour or bw (black and white)."),
    "tips": N_("Only the police may print the tips layer, and never with counts masked."),
}
TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class PrintOptions:
    """What to print: a ``layer`` of ``month``, on which paper, in which format."""

    month: str
    layer: str = "score"
    paper: str = "A4"
    orientation: str = "landscape"
    colour: bool = True
    fmt: str = "pdf"
    dpi: int = 150
    masked: bool = False
    signature: bool = False

    @property
    def media_type(self) -> str:
        return "application/pdf" if self.fmt == "pdf" else "image/png"

    def filename(self, commune: str) -> str:
        return f"ban-do-{commune}-{self.layer}-{self.month}.{self.fmt}"


def read_options(month: str | None, *, layer: str | None = None, paper: str | None = None,
                 orientation: str | None = None, colour: str | None = None,
                 fmt: str | None = None, dpi: str | int | None = None,
                 masked: str | bool | None = None, signature: str | bool | None = None,
                 ) -> PrintOptions:
    """Print options from text (a query string, the command line); a bad one raises
    :class:`app.params.BadParameter` with a message naming it. The layer is checked
    against the month's layers by :func:`check_layer`."""
    month = read_month(month)
    if month is None:
        raise BadParameter(N_("“{month}” is not a month: choose one in the list, or write "
                              "it as YYYY-MM (for example 2025-10)."), month="")
    paper = (paper or "A4").upper()
    orientation = (orientation or "landscape").lower()
    fmt = (fmt or "pdf").lower()
    colour_text = (colour or "colour").lower()
    for key, value, allowed in (("paper", paper, SIZES_MM), ("orientation", orientation,
                                                              ORIENTATIONS),
                                ("format", fmt, FORMATS),
                                ("colour", colour_text, ("colour", "color", "bw"))):
        if value not in allowed:
            raise BadParameter(BAD[key], value=_shown(value))
    try:
        resolution = int(dpi or 150)
    except ValueError:
        resolution = -1
    if resolution not in DPIS:
        raise BadParameter(BAD["dpi"], value=_shown(str(dpi)))
    return PrintOptions(month, layer or "score", paper, orientation, colour_text != "bw", fmt,
                        resolution, _flag(masked), _flag(signature))


def _flag(value) -> bool:
    return value is True or str(value or "").lower() in TRUE


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def view_for(session: Session, settings, commune: str, month: str, role: str,
             locale: str, masked: bool = False) -> view.FrameView:
    """The per-role view a print renders: the map's (:func:`app.frame.view.view_for`).
    ``masked``: a print that leaves the police carries the viewer's view."""
    shown_as = AsRole(MASKED_ROLE if masked else role)
    return view.view_for(session, settings, commune, month, shown_as, locale)


@dataclass
class Month:
    """A month and the one before as the reader may see them, and the record tables the
    points are drawn from (tip boxes, venues; the tips only on the police's map)."""

    view: view.FrameView
    previous: view.FrameView
    tables: dict[str, pd.DataFrame]

    @property
    def villages(self) -> dict[str, dict]:
        """Village code -> its properties in the view."""
        return {f["properties"]["code"]: f["properties"]
                for f in self.view.features["features"]}

    @property
    def thematic(self):
        return self.view.thematic

    @property
    def masked(self) -> bool:
        """Whether counts of people are masked (the viewer's view)."""
        return not AsRole(self.view.role).can("see_exact_counts")


def load_month(session: Session, settings, code: str, month: str, role: str, locale: str,
               masked: bool = False) -> Month:
    shown = view_for(session, settings, code, month, role, locale, masked)
    before = view_for(session, settings, code, loading.previous_month(month), role,
                      locale, masked)
    return Month(shown, before, caching.frame(session, code, month).tables)


def check_layer(options: PrintOptions, month: Month, role: str) -> None:
    """The layer must be one of the month's (or venues, tips); tips only for the police,
    unmasked."""
    keys = [t.key for t in month.thematic] + list(EXTRA_LAYERS)
    if options.layer not in keys:
        raise BadParameter(BAD["layer"], value=_shown(options.layer),
                           choices=", ".join(keys))
    if options.layer == "tips" and (not AsRole(role).can("see_tips") or options.masked):
        raise BadParameter(BAD["tips"])


def sheet_texts(commune, month: str, title: str, subtitle: str, labels: dict[str, str],
                legend: legends.Legend, *, user: str, masked: bool, signature: bool,
                synthetic: bool, now: dt.datetime, _: Callable[[str], str],
                locale: str) -> SheetTexts:
    """The words of a sheet: issuer, title, place, legend, scale, notes."""
    unit = f"{commune.unit_type} {commune.name}"
    notes = [_("Data of month {month}, as at {day}").format(
                 month=month_label(month), day=_last_day(month).strftime("%d/%m/%Y")),
             _("Source: {source}").format(source=_("the drug-free commune records (xkmt)")
                                          + (_(", synthetic demo data") if synthetic else "")),
             _("Prepared by: {unit}").format(unit=_("Police of {unit}").format(
                 unit=f"{commune.unit_type.lower()} {commune.name}")),
             _("Printed: {when}").format(when=now.strftime("%d/%m/%Y %H:%M")),
             _("Printed by: {user}").format(user=user)]
    if masked:
        notes.append(_("Counts of people masked: for use outside the police."))
    place = ", ".join(p for p in (unit, commune.district and _("district {name}").format(
        name=commune.district), commune.province and _("province {name}").format(
        name=commune.province)) if p)
    return SheetTexts(
        issuer=[_("PEOPLE'S COMMITTEE OF {unit}").format(unit=unit).upper(),
                _("POLICE OF {unit}").format(unit=unit).upper()],
        title=f"{title} – {_('MONTH')} {month_label(month)}".upper(), place=place,
        legend_title=_("LEGEND"), legend_subtitle=subtitle, labels=labels,
        mark_labels={m.key: _(m.label) for m in legend.marks},
        point_labels={leg.key: (_(leg.title), {c.key: _(c.label) for c in leg.categories})
                      for leg in legends.POINT_LEGENDS.values()},
        scale=_("Scale {scale}"), north=_("N"), thousands="." if locale == "vi" else ",",
        key_header=[_("No."), _("Village"), _("Value")], notes=notes,
        internal=_("Internal document"),
        signature=(_("PREPARED BY"), _("APPROVED BY THE LEADERSHIP"),
                   _("(signature, full name)")) if signature else None)


def _last_day(month: str) -> dt.date:
    return (pd.Period(month, freq="M").end_time).date()


def now() -> dt.datetime:
    return dt.datetime.now(store.TZ)


def cli_user() -> str:
    """Who prints from the command line: the system account."""
    try:
        return getpass.getuser() + " (xkmt)"
    except OSError:  # no name for the uid (a container)
        return "xkmt"


def print_sheet(session: Session, settings, code: str,
                options: PrintOptions, *, role: str, user: str, _: Callable[[str], str],
                locale: str, log: sessionmaker[Session], address: str | None = None,
                ) -> Sheet:
    """One map sheet of ``options.layer`` as ``role`` may see it; audited (``log``: the
    sessions the audit event is committed with, on its own)."""
    commune = store.get_commune(session, code)
    month = load_month(session, settings, code, options.month, role, locale, options.masked)
    check_layer(options, month, role)
    villages = month.view.villages
    data, subtitle, labels = layer_map(month, options.layer, villages, _, locale,
                                       settings.tip_box_radius_m)
    layer = next((t for t in month.thematic if t.key == options.layer), None)
    title = _(TITLES["indicator"]).format(id=options.layer) if layer is not None and \
        options.layer not in TITLES else _(TITLES[options.layer])
    texts = sheet_texts(commune, options.month, title, subtitle, labels, data.legend,
                        user=user, masked=options.masked or month.masked,
                        signature=options.signature,
                        synthetic=bool(villages["synthetic"].any()), now=now(), _=_,
                        locale=locale)
    sheet = render_sheet(data, texts, Paper(options.paper, options.orientation,
                                            options.colour), options.fmt, options.dpi)
    record_print(log, "map", code, options.month, user=user, address=address,
                 detail={"layer": options.layer, "paper": options.paper,
                         "orientation": options.orientation, "format": options.fmt,
                         "colour": options.colour, "role": role,
                         "masked": options.masked or month.masked})
    return sheet


def record_print(log: sessionmaker[Session], kind: str, code: str, month: str, *, user: str,
                 address: str | None, detail: dict) -> None:
    """Every print in the audit log: what, of which month, for which view."""
    audit.record(log, "print", username=user, address=address, commune_code=code,
                 object_type=kind, object_id=month, detail=detail)
