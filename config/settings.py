"""The one settings object of duban (environment prefix ``DUBAN_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent


class ReminderPolicy(BaseModel):
    """When departments are told about due items; a plan may override any field."""

    before_working_days: list[int] = Field(default_factory=lambda: [30, 7, 1])
    on_due_day: bool = True
    overdue_every_working_days: int = 5
    escalate_after_working_days: int = 10
    support_lead_time_working_days: int = 5
    send_hour: int = 9


class ImportLimits(BaseModel):
    """Bounds an import keeps to, checked before a file is read in full (hostile or runaway files).

    Defaults leave ample room for a real plan (a province's: a few thousand rows; 10,000 rows import in seconds)."""

    max_bytes: int = 20 * 1024 * 1024  # the file as given (.docx, .xlsx, .csv, text)
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # all members of a .docx/.xlsx, from the zip directory
    max_compression_ratio: int = 200  # one member's uncompressed / compressed size (a zip bomb's signature)
    max_rows: int = 50_000  # table rows (all sheets, tables or CSV lines together)
    max_cells: int = 1_000_000  # table cells
    max_paragraphs: int = 100_000  # .docx paragraphs (in and out of tables), text lines
    max_seconds: float = 120.0  # reading and checking, before anything is stored


class Schedules(BaseModel):
    """Cron schedules (in ``timezone``) of the flows ``duban serve`` and ``duban deploy`` register.

    Each flow decides itself whether today is a working day, so these are plain crons.
    ``reminders`` unset means ``0 <reminders.send_hour> * * *``.
    """

    reminders: str | None = None
    status: str = "30 9 * * *"
    evaluations: str = "0 8 15 1 *"


class Settings(BaseSettings):
    """Everything an office may configure, from the environment or a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="DUBAN_", env_file=".env", extra="ignore",
                                      env_nested_delimiter="__")

    database_url: str = "sqlite:///duban.db"
    timezone: str = "Asia/Shanghai"
    data_dir: Path = Path("duban-data")
    secret_key: str | None = None
    portal_base_url: str = "http://127.0.0.1:8000"
    portal_host: str = "127.0.0.1"
    portal_port: int = 8000
    # uvicorn restarts a worker that does not answer its supervisor's ping in time (its default, 5 s, kills
    # healthy workers on a loaded machine while they import or start)
    portal_worker_healthcheck_seconds: int = 60
    year_column_due: str = Field(default="12-31", description="MM-DD a bare year column falls due")
    reminders: ReminderPolicy = Field(default_factory=ReminderPolicy)
    prefect_startup_seconds: int = Field(default=120, ge=1, description="how long to wait for Prefect's "
                                         "temporary local server to start (Prefect's own default is 20 s)")
    schedules: Schedules = Field(default_factory=Schedules)
    work_pool: str = Field(default="duban", description="the Prefect work pool `duban deploy` deploys to")
    work_pool_concurrency: int | None = Field(default=None, ge=0, description="most flow runs the pool runs at "
                                              "once (unset: leave the pool's limit as it is)")
    notify_retries: int = 3
    notify_backoff_seconds: float = 0.5
    notify_concurrency: int = 32
    round_frequency: str = "quarterly"
    round_deadline_working_days: int = 5
    round_chase_every_working_days: int = 3
    link_valid_days: int = 60
    upload_max_bytes: int = 10 * 1024 * 1024
    import_limits: ImportLimits = Field(default_factory=ImportLimits, validation_alias="duban_import")
    scoring_file: Path = CONFIG_DIR / "scoring.yaml"
    # The Word template of review reports (office-editable; built from config/make_report_template.py when the
    # default is missing) and the office named in its 红头 and 落款 (default: the plan's issuing office).
    report_template: Path = CONFIG_DIR / "report_template.docx"
    report_office: str | None = None
    digest_template: Path = CONFIG_DIR / "templates" / "digest.md.j2"
    escalation_template: Path = CONFIG_DIR / "templates" / "escalation.md.j2"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings; tests call ``get_settings.cache_clear()``."""
    return Settings()
