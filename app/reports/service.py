"""Make one report: read what is asked (kind, period, format), gather the months' figures
(:func:`app.reports.view.month_view`), write the content, render .docx or .xlsx, and audit
it. The web page and the command line both call :func:`make`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app import audit, store
from app.access import AsRole
from app.frame import caching, loading
from app.i18n import N_, gettext_for
from app.params import BadParameter, read_month
from app.reports import monthly, periodic, word, workbook
from app.reports.content import Letterhead, Report, recipients
from app.reports.view import month_view
from app.settings import Settings
from geo.engine.periods import add_months
from geo.engine.plans import shipped_plans

KINDS = ("monthly", "semiannual", "final", "selfassessment")
FORMATS = ("docx", "xlsx")
MAX_MONTHS = 24
UNKNOWN_KIND = N_("“{kind}” is not a report: choose monthly, semiannual, final or "
                  "selfassessment.")
UNKNOWN_FORMAT = N_("“{format}” is not a report format: choose .docx or .xlsx.")
NO_MONTH = N_("Give the report's month (YYYY-MM).")
BAD_PERIOD = N_("The period from {start} to {end} is not one: the first month must come "
                "before the last, at most {n} months apart.")
BAD_YEAR = N_("“{year}” is not an evaluation year: give a year from 2000 to {last}.")
NAMES = {"monthly": "bao_cao_thang", "semiannual": "so_ket_6_thang", "final": "tong_ket",
         "selfassessment": "tu_danh_gia"}


@dataclass
class Asked:
    """A report asked for, read and checked."""

    kind: str
    months: list[str]
    year: int | None = None
    fmt: str = "docx"

    @property
    def period(self) -> str:
        if self.year is not None:
            return str(self.year)
        return self.months[0] if len(self.months) == 1 else \
            f"{self.months[0]}..{self.months[-1]}"


def _month_range(start: str, end: str) -> list[str]:
    months, current = [], start
    while current <= end and len(months) <= MAX_MONTHS:
        months.append(current)
        year, number = map(int, current.split("-"))
        current = f"{year + number // 12:04d}-{number % 12 + 1:02d}"
    return months


def _plan_months(code: str, kind: str) -> tuple[str, str] | None:
    """The default period: six months before the six-month review is due; the plan's
    whole term for the final report."""
    for plan in shipped_plans():
        if not plan.applies_to(code) or not plan.reporting.reports:
            continue
        if kind == "final":
            return f"{plan.valid_from:%Y-%m}", f"{plan.valid_to:%Y-%m}"
        for report in plan.reporting.reports:
            if report.id == "R-6M":
                last = add_months(report.due.replace(day=1), -1)
                return f"{add_months(last, -5):%Y-%m}", f"{last:%Y-%m}"
    return None


def read(kind: str, fmt: str, code: str, *, month: str | None = None,
         start: str | None = None, end: str | None = None, year: str | None = None,
         latest: str | None = None, today: dt.date | None = None) -> Asked:
    """Check what is asked; :class:`BadParameter` (a translated message) when it cannot be
    made. ``latest``: the default month (the latest with records)."""
    if kind not in KINDS:
        raise BadParameter(UNKNOWN_KIND, kind=kind[:40])
    if fmt not in FORMATS:
        raise BadParameter(UNKNOWN_FORMAT, format=fmt[:20])
    if kind == "monthly":
        chosen = read_month(month, today) or latest
        if chosen is None:
            raise BadParameter(NO_MONTH)
        return Asked(kind, [chosen], fmt=fmt)
    if kind == "selfassessment":
        return _year(year, latest, today, fmt)
    default = _plan_months(code, kind) or ((latest,) * 2 if latest else (None, None))
    first, last = read_month(start, today) or default[0], read_month(end, today) or default[1]
    if first is None or last is None:
        raise BadParameter(NO_MONTH)
    months = _month_range(first, last)
    if first > last or len(months) > MAX_MONTHS:
        raise BadParameter(BAD_PERIOD, start=first, end=last, n=str(MAX_MONTHS))
    return Asked(kind, months, fmt=fmt)


def _year(text: str | None, latest: str | None, today: dt.date | None, fmt: str) -> Asked:
    """The evaluation year 15/12/(y-1)–14/12/y, seen at the end of its last whole month
    (November y), with the months December (y-1) to November y."""
    last_year = (today or store.today()).year + 1
    if text:
        if not (text.isascii() and text.isdigit()) or not 2000 <= int(text) <= last_year:
            raise BadParameter(BAD_YEAR, year=text[:10], last=str(last_year))
        year = int(text)
    elif latest:
        year = int(latest[:4]) + (latest[5:] == "12")
    else:
        raise BadParameter(NO_MONTH)
    return Asked("selfassessment", _month_range(f"{year - 1}-12", f"{year}-11"), year, fmt)


def _letterhead(settings: Settings, commune, kind: str, asked: Asked, day: dt.date,
                _) -> Letterhead:
    name = f"{commune.unit_type} {commune.name}"
    return Letterhead(
        governing_body=settings.report_governing_body or f"UBND {name}",
        issuing_body=settings.report_issuing_body or f"CÔNG AN {name}",
        number=settings.report_number_suffix, place=settings.report_place or commune.name,
        date=day, document_type=_("REPORT"), subject=_subject(asked, _),
        recipients=recipients(settings, day), signer_title=settings.report_signer_title,
        signer_name=settings.report_signer_name, signer_deputy=settings.report_signer_deputy,
        archive=settings.report_archive)


def _month_words(month: str) -> str:
    return f"{int(month[5:])}/{month[:4]}"


def _subject(asked: Asked, _) -> str:
    if asked.kind == "monthly":
        return _("Results of the plan to build a “drug-free commune” in {month}").format(
            month=_month_words(asked.months[0]))
    if asked.kind == "selfassessment":
        return _("Self-assessment of the “drug-free” criteria of Decision 28/2025/QĐ-TTg, "
                 "evaluation year {year}").format(year=asked.year)
    text = (_("Six-month review of the plan to build a “drug-free commune”, {start} to "
              "{end}") if asked.kind == "semiannual" else
            _("Final report on the plan to build a “drug-free commune”, {start} to {end}"))
    return text.format(start=_month_words(asked.months[0]), end=_month_words(asked.months[-1]))


def build(session: Session, settings: Settings, code: str, asked: Asked, role: str,
          locale: str, day: dt.date) -> Report:
    """The report's content, from the months' figures as ``role`` may see them."""
    _ = gettext_for(locale)
    commune = store.get_commune(session, code)
    head = _letterhead(settings, commune, asked.kind, asked, day, _)
    report = Report(asked.kind, asked.period, head)

    def view(month: str):
        return month_view(session, settings, code, month, role, locale)

    views = [view(m) for m in asked.months]
    report.paragraph(_opening(views[-1], asked, _, locale))
    if asked.kind == "monthly":
        codes = loading.person_codes(session, code) \
            if AsRole(role).can("see_person_codes") else set()
        previous = view(loading.previous_month(asked.months[0]))
        monthly.body(session, report, views[0], previous, _, locale, codes)
    elif asked.kind == "selfassessment":
        periodic.assessment_body(report, views[-1], views, asked.year, _, locale)
    else:
        periodic.review_body(report, views, _, locale)
    return report


def _opening(view, asked: Asked, _, locale: str) -> str:
    titles = [p.title_vi if locale == "vi" else p.title_en for p in shipped_plans()
              if p.id in view.plans]
    return _("Carrying out {plans}, the commune police report as follows:").format(
        plans="; ".join(titles) or _("the plans in force"))


def make(sessions: sessionmaker[Session] | None, session: Session, settings: Settings,
         code: str, asked: Asked, *, role: str, locale: str, actor: str,
         address: str | None = None, day: dt.date | None = None,
         now: dt.datetime | None = None) -> tuple[bytes, str]:
    """The file's bytes and name; one audit event ("export", object "report")."""
    now = now or dt.datetime.now(store.TZ)
    day = day or now.date()
    if asked.fmt == "docx":
        # a Word file says nothing of who asked nor when but the day: made once per data
        # version and day for a role and language (a meeting's readers download the same)
        key = ("report.docx", code, caching.data_version(session, code), asked.kind,
               tuple(asked.months), asked.year, role, locale, day)
        content = caching.caches(session).answers.get(key, lambda: word.document_bytes(
            build(session, settings, code, asked, role, locale, day), locale))
    else:
        report = build(session, settings, code, asked, role, locale, day)
        commune = store.get_commune(session, code)
        content = workbook.workbook_bytes(
            report, report.tables("xlsx"), gettext_for(locale),
            commune=f"{commune.unit_type} {commune.name}", actor=actor, now=now)
    name = f"{NAMES[asked.kind]}_{asked.period.replace('..', '_')}_{code}.{asked.fmt}"
    audit.record(sessions if sessions is not None else session, "export", username=actor,
                 address=address, commune_code=code, object_type="report",
                 object_id=asked.kind, detail={"file": name, "period": asked.period,
                                               "role": role, "format": asked.fmt})
    return content, name
