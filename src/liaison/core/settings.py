"""Settings read from the environment or a `.env` file (prefix `LIAISON_`).

The secret key is never written into the repository: when it is not given, `liaison init`
generates one into the data folder and later starts read it from there.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_KEY_FILE = "secret.key"


def _available() -> tuple[str, ...]:
    """Every capability the code base ships (`liaison.capabilities.AVAILABLE`)."""
    from liaison.capabilities import AVAILABLE

    return AVAILABLE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIAISON_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("var"), description="Data folder: database, documents, keys.")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; defaults to SQLite in the data folder."
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Caches every process of this node shares (the given-name groups read from "
        "rigour's table); `cache` in the data folder by default. Only derived data: safe to delete.",
    )
    secret_key: str = Field(default="", description="Signs cookies and CSRF tokens.")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 20 * 1_048_576
    session_hours: int = 12
    session_idle_minutes: int = Field(default=30, ge=1, description="Idle page sessions are signed out.")
    signin_lock_after: int = 5
    signin_lock_minutes: int = 15
    signin_delay_seconds: float = 0.2
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "liaison@localhost"
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_username: str = Field(
        default="", description="Sign in to the SMTP server as this user (empty: none)."
    )
    smtp_password: str = Field(default="", description="The SMTP user's password.")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address users open Liaison at, for links in e-mails.",
    )
    notify_interval_seconds: float = Field(
        default=300.0, gt=0, description="How often `liaison worker` sweeps for reminders and sends e-mails."
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    # exchange between nodes
    exchange_max_body_bytes: int = Field(
        default=262_144,
        description="Largest encrypted message body sent or accepted; more goes as attachments.",
    )
    exchange_max_attachment_bytes: int = Field(
        default=100 * 1_048_576, description="Largest attachment sent or accepted (in 512 KiB chunks)."
    )
    exchange_freshness_hours: int = Field(
        default=168, description="Envelopes created longer ago than this are refused as stale (replays)."
    )
    exchange_batch: int = Field(default=500, description="Envelopes the delivery worker sends per HTTP call.")
    exchange_poll_seconds: float = Field(
        default=1.0, description="How often the delivery worker looks for new envelopes when idle."
    )
    exchange_worker: bool = Field(
        default=False, description="Run the delivery worker inside `liaison serve`."
    )
    exchange_inbox_unit: str = Field(
        default="international-cooperation", description="The owning unit of what partner nodes send."
    )
    screening_preload_names: bool = Field(
        default=True,
        description="Load the given-name tables (seconds) when the server starts, not at the first screen.",
    )
    screening_weights: Path | None = Field(
        default=None,
        description="This installation's screening weights, written by `liaison screening calibrate "
        "--apply` and loaded when the screening index is built (default: `screening_weights.json` in "
        "the data folder; without that file, the packaged weights).",
    )
    screening_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often a server process looks for subject changes on SQLite (PostgreSQL wakes it).",
    )
    screening_change_retention_hours: float = Field(
        default=24.0, gt=0, description="Subject changes older than this are pruned from the change log."
    )
    screening_persist_index: bool = Field(
        default=True,
        description="Keep the screening index in `screening-index.bin` in the data folder: saved after "
        "a build and at shutdown, loaded at start-up instead of building it again.",
    )
    workers: int = Field(default=1, ge=1, description="Server processes `liaison serve` starts.")
    # batch jobs
    start_worker: bool = Field(
        default=True, description="`liaison serve` starts one `liaison worker` process beside itself."
    )
    batch_chunk_rows: int = Field(default=2000, ge=1, description="Records a batch run commits at a time.")
    batch_poll_seconds: float = Field(default=1.0, gt=0, description="How often an idle worker looks.")
    batch_heartbeat_seconds: float = Field(default=5.0, gt=0, description="How often a worker says so.")
    batch_stale_seconds: float = Field(
        default=60.0, gt=0, description="A running run silent this long lost its worker."
    )
    batch_upload_retention_hours: float = Field(
        default=24.0, gt=0, description="Uploaded traveller lists are deleted after this long."
    )
    capabilities: Annotated[tuple[str, ...], NoDecode] = Field(
        default_factory=_available, description="The capabilities this node runs, in menu order."
    )

    @field_validator("capabilities", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """`LIAISON_CAPABILITIES=registry,subjects` as well as a list."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'liaison.db'}"

    @property
    def screening_weights_file(self) -> Path:
        return self.screening_weights or self.home / "screening_weights.json"

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.home / "cache"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"

    def resolved_secret_key(self, create: bool = False) -> str:
        """The configured key, else the one in the data folder (made there when `create`)."""
        if self.secret_key:
            return self.secret_key
        key_file = self.home / SECRET_KEY_FILE
        if key_file.exists():
            return key_file.read_text().strip()
        if not create:
            raise RuntimeError(
                f"No secret key: set LIAISON_SECRET_KEY or run `liaison init` to create {key_file}"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
