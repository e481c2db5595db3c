"""One settings object, read from ``XKMT_*`` environment variables."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting of the app. Each field is documented; a guard test checks it."""

    model_config = SettingsConfigDict(env_prefix="XKMT_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'var' / 'xkmt.db'}",
        description="SQLAlchemy database URL (SQLite by default, PostgreSQL for scale).",
    )
    tiles: str = Field(
        default="OpenStreetMap",
        description="Base map tiles: a folium tile name or URL template, or 'none' "
        "for a plain background (offline).",
    )
    tiles_attribution: str = Field(
        default="",
        description="Attribution for a custom tile URL template.",
    )
    default_commune: str = Field(
        default="15178", description="Statistics-office code of the commune shown at '/'."
    )
    default_locale: str = Field(default="vi", description="Language of pages: 'vi' or 'en'.")
    assets_dir: Path = Field(
        default=ROOT / "node_modules",
        description="Folder holding the npm-installed front-end assets the app serves.",
    )
    boundaries_dir: Path = Field(
        default=ROOT / "boundaries", description="Folder of the shipped demo boundary files."
    )
    host: str = Field(default="127.0.0.1", description="Address `xkmt serve` listens on.")
    port: int = Field(default=8000, description="Port `xkmt serve` listens on.")
    secret_key: str = Field(
        default="", description="Key signing session cookies and CSRF tokens; empty: a "
        "random key is created once in var/secret_key (never commit one).")
    session_hours: int = Field(default=8, description="Hours a sign-in stays valid.")
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure: set to true when served over HTTPS.")
    password_hash_cost: Literal["strong", "test"] = Field(
        default="strong", description="Cost of new password hashes (Argon2id): 'strong', "
        "RFC 9106's low-memory profile (3 passes over 64 MiB, 4 lanes); 'test', the cheapest, "
        "only for the test suite, never in use.")
    login_max_failures: int = Field(
        default=5, description="Failed sign-ins of one account before it is locked for a while.")
    login_max_failures_per_address: int = Field(
        default=20, description="Failed sign-ins from one address before it is locked for a while.")
    login_lockout_minutes: int = Field(
        default=15, description="Minutes an account or address stays locked after failures.")
    login_concurrency: int = Field(
        default=2, ge=1, description="Most sign-ins whose password is checked at once (each "
        "Argon2 check takes 64 MiB and a database connection); more wait their turn.")
    login_wait_seconds: float = Field(
        default=5, gt=0, description="Seconds a sign-in waits for its turn before it is asked "
        "to try again (HTTP 429).")
    trusted_proxies: str = Field(
        default="", description="Addresses or networks (comma-separated, e.g. "
        "'127.0.0.1,10.0.0.0/8') of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed; empty: none, the connecting address counts.")
    tip_box_radius_m: int = Field(
        default=500, description="Radius in metres of the coverage circle drawn round each "
        "tip box on the map.")
    small_count_threshold: int = Field(
        default=2, description="Small counts of people: viewers see a village's count from 1 to "
                               "this, at least to 5, as “≤N” (app.privacy.band_limit).")
    retention_months: int = Field(
        default=60, description="Months after management ended before a person is anonymised.")
    max_zip_entries: int = Field(
        default=200, description="Most files a zipped boundary file may hold."
    )
    max_unzipped_mb: int = Field(
        default=500,
        description="Most megabytes a zipped boundary file or an .xlsx workbook may unpack to.",
    )
    max_upload_mb: int = Field(
        default=20, description="Most megabytes of a record file (.xlsx, .csv) imported, on "
        "the web or with xkmt import."
    )
    max_import_rows: int = Field(
        default=50_000, description="Most rows of records one imported file (.xlsx, .csv) may "
        "hold; a larger file is refused as soon as its reading passes the limit.")
    max_import_problems: int = Field(
        default=200, description="Most problems of a refused import that are listed; the "
        "rest are counted (“… and N more problems”).")

    patrol_stations: dict[str, tuple[float, float]] = Field(
        default={"15178": (20.1309, 105.5341)}, description="Where patrols start: each "
        "commune's police station as latitude and longitude, by commune code, as JSON (e.g. "
        "'{\"15178\": [20.1309, 105.5341]}'; the demo's point is assumed). A commune not "
        "listed starts from a point inside it, and the patrol page and sheet say so.")
    patrol_radius_m: float = Field(
        default=300, gt=0, description="Radius in metres round a venue within which tips and "
        "incidents of the last 90 days count towards its patrol score.")
    patrol_finding_factor: float = Field(
        default=0.5, gt=0, le=1, description="After an inspection that found a violation or "
        "drugs, the venue's inspection interval is multiplied by this (0.5: due twice as soon).")
    patrol_solver_seconds: float = Field(
        default=2.0, gt=0, description="Seconds OR-Tools may search a patrol route of more "
        "than 12 stops (up to 12 the order is computed exactly).")
    patrol_weight_overdue_week: float = Field(
        default=1.0, ge=0, description="Patrol score: points per week (or part) a venue is "
        "overdue for inspection, counting at most 26 weeks.")
    patrol_weight_never_inspected: float = Field(
        default=4.0, ge=0, description="Patrol score: points for a venue never inspected.")
    patrol_weight_drug_finding: float = Field(
        default=5.0, ge=0, description="Patrol score: points per inspection that found drugs "
        "at the venue in the last 12 months.")
    patrol_weight_violation: float = Field(
        default=2.0, ge=0, description="Patrol score: points per inspection with a violation "
        "at the venue in the last 12 months.")
    patrol_weight_tip: float = Field(
        default=1.0, ge=0, description="Patrol score: points per tip received within the "
        "radius of the venue in the last 90 days.")
    patrol_weight_incident: float = Field(
        default=2.0, ge=0, description="Patrol score: points per incident within the radius "
        "of the venue in the last 90 days.")
    patrol_weight_risk: float = Field(
        default=1.0, ge=0, description="Patrol score: points per hotspot level of the venue's "
        "village (level III: 1, II: 2, I: 3).")
    report_governing_body: str = Field(
        default="", description="Reports: the governing body at the top left, e.g. "
        "'UBND XÃ CẨM TÂN'; empty: 'UBND' and the commune's name.")
    report_issuing_body: str = Field(
        default="", description="Reports: the issuing body under it, e.g. 'CÔNG AN XÃ CẨM "
        "TÂN'; empty: 'CÔNG AN' and the commune's name.")
    report_number_suffix: str = Field(
        default="BC-CAX", description="Reports: the number's suffix, 'Số: …/BC-CAX'.")
    report_place: str = Field(
        default="", description="Reports: the place before the date; empty: the commune's "
        "name.")
    report_signer_title: str = Field(
        default="TRƯỞNG CÔNG AN XÃ", description="Reports: the signer's title.")
    report_signer_deputy: str = Field(
        default="", description="Reports: the line above the title when a deputy signs "
        "for the head, e.g. 'KT. TRƯỞNG CÔNG AN XÃ' (empty: none).")
    report_signer_name: str = Field(
        default="", description="Reports: the signer's name (empty: left for the pen).")
    report_recipients_before_abolition: str = Field(
        default="Công an huyện Cẩm Thủy (để báo cáo);Đảng ủy, UBND xã (để báo cáo)",
        description="Reports dated before XKMT_DISTRICTS_ABOLISHED_ON: recipients under "
        "'Nơi nhận', separated by ';' (the plan's district police first).")
    report_recipients: str = Field(
        default="Công an tỉnh Thanh Hóa (để báo cáo);Đảng ủy, UBND xã (để báo cáo)",
        description="Reports dated on or after XKMT_DISTRICTS_ABOLISHED_ON: recipients "
        "under 'Nơi nhận', separated by ';' (no district any more: set the level above).")
    report_archive: str = Field(
        default="VT, CAX", description="Reports: the last recipient line, '- Lưu: VT, CAX.'")
    districts_abolished_on: dt.date = Field(
        default=dt.date(2025, 7, 1), description="The day the district level ended "
        "(ISO date): reports dated from then go to XKMT_REPORT_RECIPIENTS.")
    report_banner_days: int = Field(
        default=5, ge=0, description="Days before a report is due that the dashboard starts "
        "showing a reminder (until the report is marked sent).")

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for item in proxy_list(value):
            try:
                ipaddress.ip_network(item)
            except ValueError:
                raise ValueError(
                    f"XKMT_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
        return value


def proxy_list(value: str) -> list[str]:
    """The items of a comma-separated list of addresses, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]
