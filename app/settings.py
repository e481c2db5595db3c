"""One settings object, read from ``XKMT_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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
    max_zip_entries: int = Field(
        default=200, description="Most files a zipped boundary file may hold."
    )
    max_unzipped_mb: int = Field(
        default=500, description="Most megabytes a zipped boundary file may unpack to."
    )
