"""Nothing a viewer can read, on any page or API, alone or combined, gives back a count
of people from 1 to 2 (issue 9, point 2).

The adversary signs in as a viewer and reads everything a viewer may open: every GET
route of the route table, every month with records, every map layer; HTML parsed, JSON
walked. It gathers the figures of each village and of the commune, and works counts of
people out of them as a reader would: a ratio times the residents, a percentage times
its base, the difference of two figures, a total less the other parts, the commune less
the other villages, the per-1,000 band, and which lists the statuses say hold somebody.

Each way of working a figure out is then checked against the truth (the police's
figures) over every village and month: a way that is never wrong is one a reader can
trust, and a count from 1 to 2 that the trusted ways pin down is a leak. Run on the full
demo and on a commune built here with 1 or 2 people in every list of every village.
The same adversary reads the offline packs a leader or a viewer takes away (issue 11).
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI

from app import imports, store
from app.db import make_engine, session_factory
from app.frame import loading
from app.main import create_app
from app.routes.auth import MIN_PASSWORD
from app.settings import Settings
from geo import legends
from geo.engine.criteria import METRICS
from geo.engine.plans import shipped_plans
from geo.webmap import PALETTE
from tests.app.test_access import app_routes, rules_of
from tests.app.test_pack import _codes_in, _config, _pack, _person_codes
from tests.conftest import FormClient, make_user, map_data, settings_for, sign_in
from tests.factories import save_records

pytestmark = pytest.mark.heavy  # tens of seconds: started first

CODE = "15178"
SMALL = (1.0, 2.0)
INF = math.inf
TRUSTED = 5  # a way of working a figure out is trusted once right in this many places
# (and right about different values: a figure that happens to equal a count is no way)
Interval = tuple[float, float]

# --- what counts people (the test's own list, not the application's) -------------------

PEOPLE_COUNTS = {"people", "addicts", "users", "post_rehab", "released", "psychosis",
                 "tests", "positive_tests", "individual_visits", "incidents"}
LISTS = ("addicts", "users", "post_rehab", "released")
PERSON_INCIDENTS = {"violation", "arrest", "fugitive"}


def people_indicators() -> dict[str, str]:
    """Indicator id -> unit, for the indicators of the shipped plans about people: the
    people on the lists (geo.engine.criteria_people), visits to them, and incidents of
    violations, arrests and fugitives."""
    found = {}
    for plan in shipped_plans():
        for ind in plan.indicators:
            metric = METRICS[ind.metric]
            about_people = (
                metric.fn.__module__ == "geo.engine.criteria_people"
                or ind.metric == "managed_visited_pct"
                or (ind.metric == "outreach_events"
                    and ind.param.get("kind") == "individual_visit")
                or (ind.metric == "incidents"
                    and set(ind.param.get("kinds", ())) & PERSON_INCIDENTS))
            if about_people:
                found[ind.id] = metric.unit
    return found


def is_count_of_people(path: str, indicators: dict[str, str]) -> bool:
    parts = path.split(".")
    if parts[0] == "counts":
        return parts[1] in PEOPLE_COUNTS
    if parts[0] == "risk_evidence":
        return parts[1] in ("people", "arrested")
    if parts[0] == "indicators" and parts[1] in indicators:
        return parts[2] == "evidence" or (parts[2] == "value"
                                          and indicators[parts[1]] == "count")
    return False


# --- reading figures ------------------------------------------------------------------

def vi_number(text: str) -> float | None:
    """A number as the pages write it in Vietnamese: "1.234", "12,5"."""
    if not re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", text):
        return None
    return float(text.replace(".", "").replace(",", "."))


def text_interval(text: str) -> Interval | None:
    """"7", "≤2", "3–6", "50%" as the interval of values it allows."""
    text = text.strip().removesuffix("%").strip()
    if found := re.fullmatch(r"≤\s*(\d+)", text):
        return 1.0, float(found[1])
    if found := re.fullmatch(r"(\d+)\s*–\s*(\d+)", text):
        return float(found[1]), float(found[2])
    number = vi_number(text)
    return None if number is None else (number, number)


def interval(value) -> Interval | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value), float(value)
    if isinstance(value, list):  # codes: how many
        return float(len(value)), float(len(value))
    if isinstance(value, str):
        return text_interval(value)
    return None


WEEK = re.compile(r"\d{4}-W\d{2}")


def flatten(value, prefix: str, out: dict[str, Interval]) -> None:
    """Every figure under ``value`` by its path ("counts.people", "indicators.P02.value",
    "indicators.P02.evidence.visited"…); several readings of one path are intersected.
    The weeks of a month are named by their order, the same in every month."""
    if isinstance(value, dict):
        for n, (key, item) in enumerate(value.items()):
            key = f"week {n + 1}" if WEEK.fullmatch(str(key)) else key
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
        return
    found = interval(value)
    if found is not None:
        out[prefix] = meet(out[prefix], found) if prefix in out else found


def meet(a: Interval, b: Interval) -> Interval:
    return max(a[0], b[0]), min(a[1], b[1])


def plus(a: Interval, b: Interval) -> Interval:
    return a[0] + b[0], a[1] + b[1]


def minus(a: Interval, b: Interval) -> Interval:
    return a[0] - b[1], a[1] - b[0]


def times(a: Interval, k: float) -> Interval:
    low, high = a[0] * k, a[1] * k
    return min(low, high), max(low, high)


@dataclass
class Reading:
    """What one reader read: per (world, month, unit) the figures, the statuses of the
    indicators and the village's per-1,000 category; per village its residents."""

    figures: dict[tuple, dict[str, Interval]] = field(
        default_factory=lambda: defaultdict(dict))
    statuses: dict[tuple, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    bands: dict[tuple, str] = field(default_factory=dict)
    base: dict[tuple, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))

    def feature(self, key: tuple, props: dict) -> None:
        """A village as the GeoJSON and the map's panel data carry it."""
        skip = {"code", "name", "month", "categories", "previous"}
        flatten({k: v for k, v in props.items() if k not in skip}, "", self.figures[key])
        for ident, figures in (props.get("indicators") or {}).items():
            self.statuses[key][ident] = figures.get("status")

    def summary(self, world: str, month: str, data: dict) -> None:
        """The commune's summary (the compliance API)."""
        key = (world, month, "commune")
        for ind in data["indicators"]:
            flatten({k: ind.get(k) for k in ("value", "evidence")},
                    f"indicators.{ind['id']}", self.figures[key])
            self.statuses[key][ind["id"]] = ind.get("status")
        flatten({k: data.get(k) for k in ("counts", "risk_evidence", "score",
                                          "score_evidence")}, "", self.figures[key])
        for code, village in data["villages"].items():
            for name, status in village.items():
                if name.endswith("_status"):
                    self.statuses[(world, month, code)][name[:-7]] = status
            flatten({"score": village.get("score")}, "", self.figures[(world, month, code)])


# --- the viewer's pages and APIs --------------------------------------------------------

def viewer_get_routes() -> set[str]:
    return {route.path for route in app_routes() if "GET" in route.methods
            and any(rule.public or "viewer" in rule.roles for rule in rules_of(route))}


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def _map_config(client, month: str | None, layer: str | None = None) -> dict:
    query = "&".join(f"{k}={v}" for k, v in (("month", month), ("layer", layer)) if v)
    soup = _soup(client.get(f"/communes/{CODE}/map?{query}"))
    return map_data(client, soup)  # the page's block and the figures its script fetches


def _same_data(one: dict, other: dict) -> bool:
    """The same figures on two layers (the chosen layer and its drawing differ)."""
    drawn = {"layer": None, "drawn": None}
    return {**one, **drawn} == {**other, **drawn}


def read_drawing(config: dict, reading: Reading, world: str) -> None:
    """The drawn map shows nothing more: each village filled with a neutral colour (the
    script colours it by the category of the chosen layer, read from the figures), its
    tooltip its name, households and residents."""
    assert any(t["key"] == config["layer"] for t in config["layers"])
    for feature in config["drawn"]["villages"]["features"]["features"]:
        props = feature["properties"]
        assert props["fill"] in PALETTE  # by the village's place in the list, no figure
        assert config["layer"] in config["villages"][props["code"]]["categories"]
        shown = [text_interval(text) for _label, text in props["tooltip"][1:]]
        for name, value in zip(("households", "population"), shown, strict=True):
            base = reading.base[(world, props["code"])].get(name)
            assert (value is None and base is None) or value == (base, base), name


def read_map(client, reading: Reading, world: str, months: list[str], *,
             every_layer: set[str]) -> None:
    """The map of every month, on every layer in the months of ``every_layer`` (the
    page's data, every layer's category of every village included, is the same whatever
    the layer chosen: checked there, so other months are read on the first layer)."""
    for month in months:
        config = _map_config(client, month)
        keys = [layer["key"] for layer in config["layers"]]
        for layer in keys if month in every_layer else []:
            other = _map_config(client, month, layer)
            assert other["layer"] == layer
            assert _same_data(other, config), (month, layer)
            read_drawing(other, reading, world)
        read_drawing(config, reading, world)
        for code, props in config["villages"].items():
            reading.feature((world, month, code), props)
            reading.bands[(world, month, code)] = props["categories"]["per_thousand"]
    latest = _map_config(client, None)  # no month: the latest month, nothing more
    assert _same_data(latest, _map_config(client, latest["month"]))
    assert client.get("/map", follow_redirects=False).headers["location"] == \
        f"/communes/{CODE}/map"
    assert client.get("/").url.path == f"/communes/{CODE}/map"


def read_dashboard(client, reading: Reading, world: str, months: list[str]) -> None:
    for month in months:
        soup = _soup(client.get(f"/communes/{CODE}/dashboard?month={month}"))
        figures = reading.figures[(world, month, "commune")]
        for row in soup.select("tr[id^=indicator-], tr[id^=national-]"):
            ident = row["id"].split("-", 1)[1]
            cell = row.select_one("td.value")
            if cell is not None:
                flatten({"value": cell.get_text()}, f"indicators.{ident}", figures)
            for status in ("met", "not_met", "no_data", "not_applicable"):
                tally = row.select_one(f"td.num.{status}")
                if tally is not None:
                    flatten({status: tally.get_text()}, f"tally.{ident}", figures)
        flatten({"score_pct": soup.select_one("#score .figure").get_text()}, "", figures)
    latest = _soup(client.get(f"/communes/{CODE}/dashboard")).select_one("main").get_text()
    explicit = _soup(client.get(f"/communes/{CODE}/dashboard?month={months[-1]}"))
    assert latest == explicit.select_one("main").get_text()


def read_api(client, reading: Reading, world: str, months: list[str]) -> None:
    for month in months:
        data = client.get(f"/api/communes/{CODE}/villages.geojson?month={month}").json()
        for feature in data["features"]:
            props = feature["properties"]
            reading.feature((world, month, props["code"]), props)
        reading.summary(world, month, client.get(
            f"/api/communes/{CODE}/compliance?month={month}").json())
    plain = client.get(f"/api/communes/{CODE}/villages.geojson").json()
    for feature in plain["features"]:
        props = feature["properties"]
        for name in ("households", "population"):
            if props[name] is not None:
                reading.base[(world, props["code"])][name] = float(props[name])
    today = client.get(f"/api/communes/{CODE}/compliance").json()  # this month
    reading.summary(world, today["month"], today)


def read_villages(client, reading: Reading, world: str, months: list[str]) -> None:
    soup = _soup(client.get(f"/communes/{CODE}/villages"))
    for row in soup.select("tr[id^=village-]"):
        code = row["id"].removeprefix("village-")
        cells = [text_interval(td.get_text()) for td in row.select("td.num")]
        for name, cell in zip(("households", "population"), cells, strict=True):
            if cell is not None:
                assert reading.base[(world, code)].get(name, cell[0]) == cell[0]


def read_account(client, reading: Reading, world: str, months: list[str]) -> None:
    for url in ("/account/password", "/login"):  # forms: no figure but the rule's
        text = _soup(client.get(url)).select_one("main").get_text()
        assert set(re.findall(r"\d+", text)) <= {str(MIN_PASSWORD)}, url


def read_style(client, reading, world: str, months: list[str]) -> None:
    """The generated colours (/legend.css): the same bytes for every commune and month."""
    sheet = client.get("/legend.css")
    assert sheet.status_code == 200 and sheet.text == legends.stylesheet()


def read_prints(client, reading: Reading, world: str, months: list[str]) -> None:
    """The printed map and the atlas of the last month: the atlas's people per village
    join what the adversary knows; the sheet of people per 1,000 writes no rate."""
    import io

    from pypdf import PdfReader

    month = months[-1]
    names = {f["properties"]["name"]: f["properties"]["code"] for f in client.get(
        f"/api/communes/{CODE}/villages.geojson?month={month}").json()["features"]}
    sheet = client.get(f"/communes/{CODE}/print?month={month}&layer=per_thousand")
    assert sheet.status_code == 200
    assert "‰" not in PdfReader(io.BytesIO(sheet.content)).pages[0].extract_text()
    atlas = client.get(f"/communes/{CODE}/atlas?month={month}")
    assert atlas.status_code == 200
    for page in PdfReader(io.BytesIO(atlas.content)).pages:
        lines = page.extract_text().splitlines()
        code = next((names[line.strip()] for line in lines[:3] if line.strip() in names),
                    None)
        people = [line.split(":", 1)[1] for line in lines
                  if line.startswith("Người trong danh sách:")]
        if code is not None and people:
            flatten({"counts": {"people": people[0].strip()}}, "",
                    reading.figures[(world, month, code)])


READERS: dict[str, Callable] = {
    "/": read_map, "/map": read_map, "/communes/{code}/map": read_map,
    "/communes/{code}/map.json": read_map,  # the map's figures, which its script fetches
    "/communes/{code}/dashboard": read_dashboard,
    "/api/communes/{code}/villages.geojson": read_api,
    "/api/communes/{code}/compliance": read_api,
    "/communes/{code}/villages": read_villages,
    "/account/password": read_account, "/login": read_account, "/legend.css": read_style,
    "/communes/{code}/print": read_prints, "/communes/{code}/atlas": read_prints,
}


def read_everything(client, world: str, months: list[str], every_layer: set[str],
                    reading: Reading) -> None:
    """Every reader once, the API first (the villages' residents, checked on the
    villages page and the drawn map)."""
    for reader in sorted(set(READERS.values()), key=lambda r: r is not read_api):
        if reader is read_map:
            read_map(client, reading, world, months, every_layer=every_layer)
        else:
            reader(client, reading, world, months)


def truth(client, world: str, months: list[str], indicators: dict[str, str],
          ) -> dict[tuple, dict[str, float]]:
    """The counts of people as the police see them, by the same paths."""
    found: Reading = Reading()
    for month in [*months, loading.current_month()]:
        data = client.get(f"/api/communes/{CODE}/villages.geojson?month={month}").json()
        for feature in data["features"]:
            found.feature((world, month, feature["properties"]["code"]),
                          feature["properties"])
        found.summary(world, month, client.get(
            f"/api/communes/{CODE}/compliance?month={month}").json())
    return {key: {p: v[0] for p, v in figures.items() if is_count_of_people(p, indicators)}
            for key, figures in found.figures.items()}


# --- working figures out --------------------------------------------------------------

def _group(path: str) -> str:
    parts = path.split(".")
    if parts[0] in ("indicators", "tally"):
        return ".".join(parts[:2])
    return parts[0] if parts[0] in ("counts", "risk_evidence", "score_evidence") else ""


def ratios_and_pairs(figures: dict[str, Interval], base: dict[str, float],
                     ) -> dict[str, Interval]:
    """A figure as read; a ratio times the residents or households; within one
    indicator's figures (or the counts, or the hotspot evidence) a percentage times a
    base, a base from a percentage, the difference of two, a total less two parts."""
    out = {f"= {p}": v for p, v in figures.items()}
    exact = {p: v[0] for p, v in figures.items() if v[0] == v[1] and math.isfinite(v[0])}
    for name, size in base.items():
        for path, value in exact.items():
            for per in (1, 100, 1000):
                out[f"{path} × {name} / {per}"] = times((value, value), size / per)
    groups: dict[str, list[str]] = defaultdict(list)
    for path in figures:
        groups[_group(path)].append(path)
    for group, paths in groups.items():
        if not group:
            continue
        for a, b in itertools.permutations(paths, 2):
            out[f"{a} − {b}"] = minus(figures[a], figures[b])
            if b in exact:
                out[f"{a} × {b} / 100"] = times(figures[a], exact[b] / 100)
                if exact[b]:
                    out[f"{a} × 100 / {b}"] = times(figures[a], 100 / exact[b])
        if len(paths) <= 10:
            for a, b, c in itertools.permutations(paths, 3):
                if b < c:
                    out[f"{a} − {b} − {c}"] = minus(minus(figures[a], figures[b]),
                                                    figures[c])
    return out


def commune_less_others(figures: dict[str, dict[str, Interval]],
                        ) -> dict[str, dict[str, Interval]]:
    """Per village: the commune's figure less the same figure of every other village."""
    commune, villages = figures.get("commune", {}), [c for c in figures if c != "commune"]
    out: dict[str, dict[str, Interval]] = defaultdict(dict)
    for path, total in commune.items():
        if not all(path in figures[v] for v in villages):
            continue
        for village in villages:
            rest = (0.0, 0.0)
            for other in villages:
                if other != village:
                    rest = plus(rest, figures[other][path])
            out[village][f"commune − other villages: {path}"] = minus(total, rest)
    return out


BANDS = {"0-2": (0, 2), "2-5": (2, 5), "5-10": (5, 10), "10+": (10, INF)}


def per_thousand(category: str | None, residents: float | None) -> Interval | None:
    """People on the lists from the per-1,000 category and the residents."""
    if category == "zero":
        return 0.0, 0.0
    if category == "few":
        return 1.0, INF
    if category not in BANDS or not residents:
        return None
    low, high = BANDS[category]
    return (max(1.0, math.ceil(low * residents / 1000 - 1e-9)),
            math.ceil(high * residents / 1000 - 1e-9) - 1 if math.isfinite(high) else INF)


# which lists an indicator's status says hold somebody ("not applicable": nobody)
PRESENCE = {"addicts": ("P13", "P14"), "users": ("P16",), "psychosis": ("P17",)}


def from_statuses(statuses: dict[str, str], figures: dict[str, Interval],
                  band: Interval | None) -> dict[str, Interval]:
    """The lists the statuses say are empty or not, the people on them at least one per
    list known to hold somebody, and each list as the people less the other lists."""
    known: dict[str, Interval] = {}
    for name, ids in PRESENCE.items():
        seen = [statuses[i] for i in ids if statuses.get(i)]
        if seen:
            known[name] = (0.0, 0.0) if all(s == "not_applicable" for s in seen) else (1, INF)
    if statuses.get("P20") not in (None, "not_applicable"):
        known["post_rehab"] = (1.0, INF)
    if statuses.get("P21") == "not_applicable":
        known["post_rehab"] = known["released"] = (0.0, 0.0)
    out = {f"status: {name}": value for name, value in known.items()}
    lists = {name: meet(figures.get(f"counts.{name}", (0, INF)), known.get(name, (0, INF)))
             for name in LISTS}
    least = sum(lists[n][0] for n in ("addicts", "users"))
    supported = 1.0 if statuses.get("P21") not in (None, "not_applicable") else 0.0
    least += max(lists["post_rehab"][0] + lists["released"][0], supported)
    out["statuses: lists holding somebody"] = (least, INF)
    people = figures.get("counts.people", (0.0, INF))
    if band is not None:
        people = meet(people, band)
    for name in LISTS:
        rest = (0.0, 0.0)
        for other in LISTS:
            if other != name:
                rest = plus(rest, lists[other])
        out[f"people less the other lists: {name}"] = minus(people, rest)
    total = (0.0, 0.0)
    for name in LISTS:
        total = plus(total, lists[name])
    out["sum of the lists"] = total
    return out


def work_out(reading: Reading) -> dict[tuple, dict[str, Interval]]:
    """Every way of working figures out, per (world, month, unit)."""
    by_month: dict[tuple, dict[str, dict[str, Interval]]] = defaultdict(dict)
    for (world, month, unit), figures in reading.figures.items():
        by_month[(world, month)][unit] = figures
    out: dict[tuple, dict[str, Interval]] = {}
    for (world, month), units in by_month.items():
        crossed = commune_less_others(units)
        for unit, figures in units.items():
            base = reading.base.get((world, unit), {})
            key = (world, month, unit)
            band = per_thousand(reading.bands.get(key), base.get("population"))
            found = ratios_and_pairs(figures, base) | crossed.get(unit, {})
            if band is not None:
                found["per-1,000 band"] = band
            if unit != "commune":
                found |= from_statuses(reading.statuses.get(key, {}), figures, band)
            out[key] = found
    return out


def leaks(worked: dict[tuple, dict[str, Interval]], true: dict[tuple, dict[str, float]],
          ) -> list[str]:
    """The counts of 1 or 2 that the trusted ways of working out pin down."""
    keys = sorted(k for k in worked if true.get(k))
    ways = sorted({w for k in keys for w in worked[k]})
    column = {w: j for j, w in enumerate(ways)}
    low = np.full((len(keys), len(ways)), np.nan)
    high = np.full((len(keys), len(ways)), np.nan)
    for i, key in enumerate(keys):
        for way, (a, b) in worked[key].items():
            low[i, column[way]], high[i, column[way]] = a, b
    with np.errstate(invalid="ignore"):
        broken = np.isnan(low) | np.isnan(high)
        low, high = np.ceil(low - 0.01), np.floor(high + 0.01)  # counts are whole
    low[broken], high[broken] = np.nan, np.nan
    given = ~np.isnan(low)
    targets = sorted({t for k in keys for t in true[k]})
    found = []
    for target in targets:
        value = np.array([true[k].get(target, np.nan) for k in keys])
        both = given & ~np.isnan(value)[:, None]
        with np.errstate(invalid="ignore"):
            inside = (low <= value[:, None]) & (value[:, None] <= high)
        seen = np.where(both, value[:, None], np.nan)
        varied = np.nanmax(seen, axis=0, initial=-np.inf) > np.nanmin(seen, axis=0,
                                                                        initial=np.inf)
        trusted = ~(both & ~inside).any(axis=0) & (both.sum(axis=0) >= TRUSTED) & varied
        use = given & trusted
        least = np.where(use, low, -np.inf).max(axis=1)
        most = np.where(use, high, np.inf).min(axis=1)
        for i in np.flatnonzero(np.isin(value, SMALL) & (least == most)):
            how = [ways[j] for j in np.flatnonzero(use[i] & ((low[i] == value[i])
                                                            | (high[i] == value[i])))]
            found.append(f"{keys[i]} {target} = {value[i]:g} from {how[:4]}")
    return found


# --- the worlds -------------------------------------------------------------------------

def _world(tmp_path, settings, name: str, template: Path, build: Callable | None) -> tuple:
    """A database of its own: a copy of ``template``, then ``build(sessions, settings)``."""
    shutil.copy(template, tmp_path / f"{name}.db")
    settings = settings.model_copy(update={
        "database_url": f"sqlite:///{tmp_path / f'{name}.db'}"})
    sessions = session_factory(make_engine(settings.database_url))
    if build is not None:
        build(sessions, settings)
    with sessions() as session:
        months = loading.record_months(session, CODE, store.today())
    return sessions, settings, months


def how_many(village: int, lists: int) -> int:
    """1 or 2 people in each list of each village, in every combination."""
    return 1 + (village >> lists & 1)


def _ones_and_twos(sessions, settings) -> None:
    """The demo's villages with 1 or 2 people in every list, 1 or 2 with psychosis
    signs, tests, visits, people arrested, supported and not, tested and not."""
    imports.load_demo(sessions, settings, records=False)
    persons, tests, outreach, incidents, baselines = [], [], [], [], []
    for v in range(10):
        village = f"T{v + 1:02d}"
        for n, category in enumerate(("addict", "user", "post_rehab", "released")):
            for k in range(how_many(v, n)):
                code = f"X-{village}-{category}-{k}"
                persons.append({
                    "code": code, "village": village, "category": category,
                    "status": "no_treatment", "status_date": "01/09/2025",
                    "psychosis": "có" if category == "user" else "không",
                    "file_opened": "có", "file_opened_date": "02/09/2025",
                    "management_start": "01/03/2025" if n >= 2 else "01/09/2025",
                    "loan_date": "01/06/2025" if n >= 2 and k == 0 else ""})
                if category in ("addict", "user") or k == 0:
                    tests.append({"person": code, "result": "negative",
                                  "date": "15/10/2025" if n == 0 else "15/09/2025"})
                if category == "addict" or (category == "user" and k == 0):
                    outreach.append({"kind": "individual_visit", "date": "05/10/2025",
                                     "person": code})
            baselines.append({"village": village, "category": category,
                              "as_of": "01/01/2025", "count": str(how_many(v, n))})
        incidents.append({"code": f"BT-{village}", "kind": "arrest", "date": "10/09/2025",
                          "village": village, "persons": str(1 + v % 2)})
        outreach.append({"kind": "broadcast", "date": "06/10/2025", "villages": village,
                         "count": str(1 + v % 3)})
    for name, rows in (("persons", persons), ("drug_tests", tests),
                       ("outreach", outreach), ("incidents", incidents),
                       ("baselines", baselines)):
        assert save_records(sessions, name, rows) == [], name


# --- the tests --------------------------------------------------------------------------

def test_the_adversary_reads_every_get_route_a_viewer_may_open():
    assert viewer_get_routes() == set(READERS)


def test_the_adversary_works_back_what_a_ratio_a_pair_or_a_total_gives_away():
    """The adversary itself: on figures that do give counts away, it finds them."""
    reading = Reading()
    for v, (people, ratio) in enumerate(((1, 0.25), (2, 0.5), (7, 1.75)) * 3):
        key, unit = ("w", "2025-10", f"T{v:02d}"), f"T{v:02d}"
        reading.base[("w", unit)] = {"population": 400.0}
        flatten({"counts": {"people": "≤2" if people <= 2 else people},
                 "risk_evidence": {"ratios": {"people_pct": ratio}},
                 "indicators": {"P02": {"evidence": {"persons": people + 5,
                                                     "visited": 5}}}},
                "", reading.figures[key])
    true = {("w", "2025-10", f"T{v:02d}"): {"counts.people": float(p),
                                              "indicators.P02.evidence.unvisited": float(p)}
            for v, p in enumerate((1, 2, 7) * 3)}
    found = leaks(work_out(reading), true)
    assert len(found) == 12, found  # 6 villages with 1 or 2, two ways each
    assert any("risk_evidence.ratios.people_pct × population / 100" in f for f in found)
    assert any("indicators.P02.evidence.persons − indicators.P02.evidence.visited" in f
               for f in found)


@dataclass
class World:
    """One commune of the adversary's, served by one app (its frames computed once for
    every reader of the module), with the police's figures: the truth."""

    name: str
    app: FastAPI
    settings: Settings
    months: list[str]
    viewer: FormClient
    true: dict[tuple, dict[str, float]]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory, full_database, migrated_database) -> Iterator[list[World]]:
    """The whole demo, and a commune built here with 1 or 2 people in every list."""
    folder = tmp_path_factory.mktemp("privacy")
    base = settings_for(folder / "unused.db")  # _world gives each its own database
    indicators = people_indicators()
    found, clients = [], []
    for name, template, build in (("demo", full_database, None),
                                  ("ones_and_twos", migrated_database, _ones_and_twos)):
        sessions, settings, months = _world(folder, base, name, template, build)
        assert len(months) >= 2
        app = create_app(settings)
        for role in ("viewer", "police"):
            make_user(sessions, role, role)
        viewer, police = (sign_in(FormClient(app).__enter__(), role)
                          for role in ("viewer", "police"))
        clients += [viewer, police]
        found.append(World(name, app, settings, months, viewer,
                           truth(police, name, months, indicators)))
    yield found
    for client in clients:
        client.__exit__(None, None, None)


def _truth(worlds: list[World]) -> dict[tuple, dict[str, float]]:
    return {key: figures for world in worlds for key, figures in world.true.items()}


def test_no_count_of_one_or_two_people_can_be_worked_out_by_a_viewer(worlds):
    reading = Reading()
    for world in worlds:
        read_everything(world.viewer, world.name, world.months, {"2025-10"}, reading)
    true = _truth(worlds)
    small = sum(v in SMALL for figures in true.values() for v in figures.values())
    assert small > 500  # plenty of counts of 1 and 2 to protect
    assert leaks(work_out(reading), true) == []


# --- the offline pack (app.prints.pack) -------------------------------------------------

PACK_ROLES = ("leader", "viewer", "police")


def _read_packs(sessions, settings, months, world: str, role: str, reading: Reading) -> str:
    """Every month's pack for ``role``, read as the adversary reads the map: every figure
    of every village; the whole text of the files returned."""
    texts = []
    for month in months:
        html = _pack(sessions, settings, role, month).html
        config = _config(html)
        for code, props in config["villages"].items():
            reading.feature((world, month, code), props)
            reading.bands[(world, month, code)] = props["categories"]["per_thousand"]
            for name in ("households", "population"):
                if props[name] is not None:
                    reading.base[(world, code)][name] = float(props[name])
        texts.append(html)
    return "\n".join(texts)


def test_a_pack_that_leaves_the_police_holds_no_person_code_and_no_small_count(worlds):
    """A leader's and a viewer's pack of every month: not one person code, and no count
    of 1 or 2 people that the adversary above can work out, on the demo and on the
    commune of ones and twos. The police's own pack holds both: the test can fail."""
    readings = {role: Reading() for role in PACK_ROLES}
    texts: dict[str, list[str]] = {role: [] for role in PACK_ROLES}
    codes = set()
    for world in worlds:
        # the packs read through the app's engine: each month's frame, computed once for
        # the police's figures, serves every role's pack too (app.frame.caching)
        sessions = world.app.state.sessions
        codes |= _person_codes(sessions)
        for role in PACK_ROLES:
            texts[role].append(_read_packs(sessions, world.settings, world.months,
                                           world.name, role, readings[role]))
    assert len(codes) > 50
    true = _truth(worlds)
    for role in PACK_ROLES:
        found = leaks(work_out(readings[role]), true)
        shown = _codes_in("\n".join(texts[role]), codes)
        if role == "police":
            assert found and len(shown) > 20
        else:
            assert found == [] and shown == set(), role
