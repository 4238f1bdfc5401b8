"""Settings from the environment and `.env`; built once in the entry point and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting has an offline default over seeds/, except the token (only `run` needs it)."""

    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    corpus_dir: Path = Field(Path("seeds"), description="Folder of documents (see Formats).")
    data_dir: Path = Field(Path("data"), description="Index cache and SQLite state.")
    discord_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "BRIEFBOT_DISCORD_TOKEN"),
        description="Bot token; only `briefbot run` needs it.",
    )
    database_url: SecretStr | None = Field(
        None, description="postgresql://… to share state between processes; unset: SQLite."
    )
    shard_count: int | None = Field(
        None, ge=1, description="Shards of the whole bot; unset: Discord's recommendation."
    )
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        None, description="This process's shards, e.g. 0,1 (needs shard_count); unset: all."
    )
    guild_id: int | None = Field(None, description="Sync commands to this server only (dev).")
    templates_dir: Path | None = Field(None, description="Folder of templates that override ours.")
    k1: float = Field(1.5, gt=0, description="BM25 term-frequency saturation.")
    b: float = Field(0.75, ge=0, le=1, description="BM25 length normalization.")
    max_file_bytes: int = Field(10 * 1024 * 1024, gt=0, description="Larger files are skipped.")
    max_upload_bytes: int = Field(
        8 * 1024 * 1024, gt=0, description="Largest file /corpus add takes (and max_file_bytes)."
    )
    briefing_grace_minutes: int = Field(
        180, ge=0, description="How late a missed briefing may still be posted."
    )
    reload_interval_minutes: int = Field(
        10, ge=0, description="How often the bot checks the corpus for changes (0: never)."
    )
    scheduler_interval_seconds: float = Field(
        30.0, gt=0, description="How often due briefings are checked."
    )
    question_burst: int = Field(
        3, ge=0, description="Questions a user may ask at once; more wait their turn (0: no limit)."
    )
    question_window_seconds: float = Field(
        10.0, gt=0, description="Seconds in which a user's burst refills."
    )
    server_burst: int = Field(
        100, ge=0, description="Questions a server may ask at once (0: no limit)."
    )
    server_window_seconds: float = Field(
        20.0, gt=0, description="Seconds in which a server's burst refills."
    )
    max_queue_seconds: float = Field(
        60.0, ge=0, description="Longest wait a question is queued for; past it, when to ask again."
    )
    feeds_interval_minutes: int = Field(
        30, ge=0, description="How often each feed is polled by the bot (0: only `feeds fetch`)."
    )
    feeds_timeout_seconds: float = Field(20.0, gt=0, description="Limit on one feed request.")
    feeds_max_bytes: int = Field(
        5 * 1024 * 1024, gt=0, description="Largest feed or article page read."
    )
    feeds_max_redirects: int = Field(5, ge=0, description="Redirects followed per request.")
    feeds_host_interval_seconds: float = Field(
        2.0, ge=0, description="Least time between two requests to one host."
    )
    feeds_max_backoff_minutes: int = Field(
        24 * 60, gt=0, description="Longest wait before retrying a failing feed."
    )
    feeds_allow_private: bool = Field(
        False, description="Allow feeds on private, loopback and link-local addresses (tests)."
    )
    feeds_rebuild_minutes: float = Field(
        10.0, ge=0, description="Least time between two index rebuilds for new feed articles."
    )
    index_wait_seconds: float = Field(
        0.0,
        ge=0,
        description="How long start-up waits for the index before connecting (0: connect at"
        " once and answer 'building the index…' until it is ready).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Least severe log level shown."
    )
    log_format: Literal["text", "json"] = Field("text", description="Log lines as text or JSON.")

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """BRIEFBOT_SHARD_IDS=0,2 rather than JSON."""
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value
