"""What each record type holds, described once.

Forms, lists, Excel/CSV templates, import and export are all generated from these
descriptions. Labels are English message ids; the Vietnamese (the default, and the Excel
column headers) comes from the translation catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.i18n import N_
from app.models import (
    Baseline,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    Person,
    Pledge,
    PreventionModel,
    School,
    Tip,
    TipBox,
    Venue,
)
from app.models.base import Base
from geo import vocab
from geo.vocab import keyed_by

Kind = Literal["code", "text", "int", "float", "date", "bool", "choice", "village",
               "villages", "person", "venue", "school", "lat", "lon", "x", "y", "url", "year"]

CHOICES: dict[str, dict[str, str]] = {
    "category": keyed_by(vocab.PERSON_CATEGORIES, {
        "user": N_("illegal drug user under management"),
        "addict": N_("drug addict"),
        "post_rehab": N_("under post-rehab management"),
        "released": N_("released after a drug sentence"),
    }),
    "status": keyed_by(vocab.PERSON_STATUSES, {
        "rehab_home": N_("voluntary rehab at home or in the community"),
        "rehab_facility": N_("voluntary rehab at a facility"),
        "rehab_compulsory": N_("compulsory rehab centre"),
        "methadone": N_("methadone treatment"),
        "no_treatment": N_("not in treatment"),
        "prison": N_("in prison"),
        "moved_away": N_("moved away"),
        "deceased": N_("deceased"),
    }),
    "sex": {"M": N_("male"), "F": N_("female")},
    "test_result": {"negative": N_("negative"), "positive": N_("positive")},
    "school_level": keyed_by(vocab.SCHOOL_LEVELS, {
        "primary": N_("primary school"),
        "lower_secondary": N_("lower secondary school"),
        "upper_secondary": N_("upper secondary school"),
        "other": N_("other school"),
    }),
    "outreach_kind": keyed_by(vocab.OUTREACH_KINDS, {
        "broadcast": N_("loudspeaker broadcast"),
        "post": N_("Zalo/Facebook post"),
        "school_session": N_("school session"),
        "individual_visit": N_("individual visit"),
        "respected_person": N_("session by a respected person"),
        "meeting": N_("meeting"),
    }),
    "model_kind": {
        "prevention": N_("drug-prevention model"),
        "reintegration_3_1": N_("“3/1” reintegration model"),
        "other": N_("other model"),
    },
    "box_status": keyed_by(vocab.BOX_STATUSES, {"working": N_("working"), "broken": N_("broken"),
                                               "removed": N_("removed")}),
    "tip_channel": {
        "tip_box": N_("tip box"), "vneid": N_("VNeID"), "phone": N_("phone"),
        "in_person": N_("in person"), "other": N_("other channel"),
    },
    "tip_status": {
        "received": N_("received"), "verified": N_("verified"), "settled": N_("settled"),
        "unfounded": N_("unfounded"),
    },
    "venue_kind": keyed_by(vocab.VENUE_KINDS, {
        "karaoke": N_("karaoke"), "guesthouse": N_("guesthouse"), "hotel": N_("hotel"),
        "bar": N_("bar"), "internet_cafe": N_("internet café"), "massage": N_("massage"),
        "other": N_("other venue"),
    }),
    "inspection_result": {"ok": N_("no violation"), "violation": N_("violation found")},
    "incident_kind": keyed_by(vocab.INCIDENT_KINDS, {
        "violation": N_("drug-law violation"), "arrest": N_("arrest"),
        "cultivation": N_("drug-plant cultivation site"),
        "production": N_("drug production site"), "use_site": N_("drug-use site"),
        "fugitive": N_("wanted drug fugitive"),
    }),
}


STATUS_CATEGORIES = vocab.STATUS_CATEGORIES  # a status is required for these


@dataclass(frozen=True)
class Field:
    """One column of a record type.

    ``key`` is the model attribute, or for references the code of the record referred
    to (``person``, ``venue``, ``school``) and for points ``lat``/``lon``/``x``/``y``.
    A date is from 01/01/1900 to today, or for a planned date (``ahead_years`` > 0) to
    the end of the year that many years ahead. An ``int`` is a count and a ``float`` an
    amount: neither is ever negative. A ``screened`` field is text anyone may
    type anything into (a note, a person's code): what looks like a person's name, ID or
    phone number in it is refused (``app.records.personal``). Names of venues, schools
    and models are not screened: places are often named after people.
    """

    key: str
    label: str
    kind: Kind
    required: bool = False
    choices: str | None = None
    help: str | None = None
    default: object = None
    ahead_years: int = 0
    screened: bool = False  # free text refused if it holds a name, ID or phone number


@dataclass(frozen=True)
class RecordType:
    """A kind of record: its model, fields, and the fields that identify a row."""

    name: str
    label: str
    model: type[Base]
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    point: Literal["none", "optional", "required"] = "none"
    person_level: bool = False
    # A place that belongs on the map (a tip box, a venue): without its point it is
    # accepted with its village, counted there, listed as needing a location, not drawn.
    locate: bool = False

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


_POINT = (
    Field("lat", N_("Latitude"), "lat", help=N_("decimal degrees, e.g. 20.1234567")),
    Field("lon", N_("Longitude"), "lon", help=N_("decimal degrees, e.g. 105.5312345")),
    # The import takes X and Y in either order (app.records.service._place): say so.
    Field("x", N_("X (VN-2000)"), "x",
          help=N_("northing in metres, province's meridian, e.g. 2226000; X and Y may be "
                  "swapped: the larger number is taken as the northing")),
    Field("y", N_("Y (VN-2000)"), "y",
          help=N_("easting in metres, e.g. 555000; X and Y may be swapped: the larger "
                  "number is taken as the northing")),
)
_CODE = Field("code", N_("Code"), "code", required=True)
_PLACE_VILLAGE = Field("village", N_("Village"), "village",
                       help=N_("the village it is in; enough while its point is not known "
                               "(it is then listed as needing a location)"))

RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("persons", N_("People under management"), Person, (
        Field("code", N_("Person code"), "code", required=True, screened=True,
              help=N_("pseudonymous code; never a name or ID number")),
        Field("village", N_("Village"), "village", required=True),
        Field("category", N_("Category"), "choice", required=True, choices="category"),
        Field("status", N_("Treatment or whereabouts"), "choice", choices="status",
              help=N_("required for a drug addict and for a person under post-rehab "
                      "management")),
        Field("status_date", N_("Since"), "date", required=True,
              help=N_("date the village, category or status took effect")),
        Field("psychosis", N_("Psychosis signs"), "bool", default=False),
        Field("file_opened", N_("Management file opened"), "bool", default=False),
        Field("file_opened_date", N_("File opened on"), "date"),
        Field("management_start", N_("Management start"), "date"),
        Field("management_end", N_("Management end"), "date", ahead_years=5),
        Field("loan_date", N_("Loan support on"), "date"),
        Field("job_date", N_("Job support on"), "date"),
        Field("birth_year", N_("Year of birth"), "year"),
        Field("sex", N_("Sex"), "choice", choices="sex"),
    ), key=("code",), person_level=True),
    RecordType("drug_tests", N_("Drug tests"), DrugTest, (
        Field("person", N_("Person code"), "person", required=True),
        Field("date", N_("Test date"), "date", required=True),
        Field("result", N_("Result"), "choice", required=True, choices="test_result"),
    ), key=("person", "date"), person_level=True),
    RecordType("schools", N_("Schools"), School, (
        _CODE,
        Field("name", N_("School name"), "text", required=True),
        Field("level", N_("Level"), "choice", required=True, choices="school_level"),
        *_POINT,
    ), key=("code",), point="required"),
    RecordType("outreach", N_("Outreach"), OutreachEvent, (
        Field("kind", N_("Kind of outreach"), "choice", required=True,
              choices="outreach_kind"),
        Field("date", N_("Date"), "date", required=True),
        Field("count", N_("Times"), "int", default=1),
        Field("villages", N_("Villages reached"), "villages",
              help=N_("village names separated by “;”; empty for a broadcast means all")),
        Field("school", N_("School code"), "school"),
        Field("person", N_("Person visited (code)"), "person"),
        Field("link", N_("Link to the post"), "url"),
    ), key=("kind", "date", "villages", "school", "person")),
    RecordType("pledges", N_("Household pledges"), Pledge, (
        Field("village", N_("Village"), "village", required=True),
        Field("as_of", N_("As of"), "date", required=True),
        Field("households_signed", N_("Households signed"), "int", required=True),
    ), key=("village", "as_of")),
    RecordType("models", N_("Prevention models"), PreventionModel, (
        _CODE,
        Field("name", N_("Model name"), "text", required=True),
        Field("kind", N_("Kind of model"), "choice", required=True, choices="model_kind"),
        Field("established", N_("Established on"), "date", required=True),
    ), key=("code",)),
    RecordType("tip_boxes", N_("Tip boxes"), TipBox, (
        _CODE,
        _PLACE_VILLAGE,
        *_POINT,
        Field("installed", N_("Installed on"), "date", required=True),
        Field("status", N_("Box status"), "choice", required=True, choices="box_status"),
        Field("last_checked", N_("Last checked on"), "date",
              help=N_("the status holds from this day; before it the box counts as working")),
    ), key=("code",), point="optional", locate=True),
    RecordType("tips", N_("Crime tips"), Tip, (
        Field("code", N_("Tip number"), "code", required=True),
        Field("received", N_("Received on"), "date", required=True),
        Field("channel", N_("Channel"), "choice", required=True, choices="tip_channel"),
        Field("village", N_("Village"), "village",
              help=N_("the village the tip is about, or a point")),
        *_POINT,
        Field("status", N_("Tip status"), "choice", required=True, choices="tip_status"),
        Field("verified_date", N_("Verified on"), "date"),
        Field("settled_date", N_("Settled on"), "date"),
        Field("unfounded_date", N_("Found unfounded on"), "date"),
    ), key=("code",), point="optional"),
    RecordType("venues", N_("Risk venues"), Venue, (
        _CODE,
        Field("name", N_("Venue name"), "text", required=True),
        Field("kind", N_("Kind of venue"), "choice", required=True, choices="venue_kind"),
        _PLACE_VILLAGE,
        *_POINT,
        Field("licence", N_("Licence"), "text"),
        Field("active", N_("Active"), "bool", default=True),
    ), key=("code",), point="optional", locate=True),
    RecordType("inspections", N_("Venue inspections"), Inspection, (
        Field("venue", N_("Venue code"), "venue", required=True),
        Field("date", N_("Inspection date"), "date", required=True),
        Field("team", N_("Team"), "text", screened=True),
        Field("result", N_("Inspection result"), "choice", required=True,
              choices="inspection_result"),
        Field("drug_finding", N_("Drugs found"), "bool", default=False),
        Field("note", N_("Note"), "text", screened=True,
              help=N_("no names, ID or phone numbers of people")),
    ), key=("venue", "date")),
    RecordType("incidents", N_("Incidents"), Incident, (
        Field("code", N_("Case number"), "code", required=True),
        Field("kind", N_("Kind of incident"), "choice", required=True,
              choices="incident_kind"),
        Field("date", N_("Date"), "date", required=True),
        Field("village", N_("Village"), "village"),
        *_POINT,
        Field("persons", N_("People involved"), "int"),
        Field("plants", N_("Plants"), "int"),
        Field("area_m2", N_("Area (m²)"), "float"),
        Field("note", N_("Note"), "text", screened=True,
              help=N_("no names, ID or phone numbers of people")),
    ), key=("code",), point="optional"),
    RecordType("baselines", N_("Baseline at registration"), Baseline, (
        Field("village", N_("Village"), "village", required=True),
        Field("category", N_("Category"), "choice", required=True, choices="category"),
        Field("as_of", N_("As of"), "date", required=True),
        Field("count", N_("People"), "int", required=True),
    ), key=("village", "category", "as_of")),
)

BY_NAME = {rt.name: rt for rt in RECORD_TYPES}

# Column headers that would hold identifying data: a file with one is refused.
FORBIDDEN_HEADERS = (
    "ho ten", "ho va ten", "ten", "ten doi tuong", "name", "full name", "cmnd", "cccd",
    "can cuoc", "so dinh danh", "dinh danh", "id number", "so cmnd", "so cccd", "dia chi",
    "noi o", "noi cu tru", "address", "so dien thoai", "dien thoai", "sdt", "phone",
    "ngay sinh", "date of birth", "nguoi to giac", "nguoi bao tin", "informant",
)
