"""Service settings, read from the environment (the same names in every module).

Why the environment: the same image runs on a laptop, in compose and on Kubernetes; only the
environment differs. Production is strict on purpose: it refuses to start without API keys and
cannot turn on debug, so a forgotten variable fails loudly instead of opening the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared_model import default_model_dir

# Settings holding comma-separated lists: API_KEYS=k1,k2 and CORS_ORIGINS=https://a,https://b.
_LISTS = ("api_keys", "cors_origins")


class SettingsError(ValueError):
    """A setting that makes the service unsafe or impossible to start; one sentence."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    model_dir: Path = Field(default_factory=default_model_dir)
    app_env: Literal["development", "production"] = "development"
    api_keys: Annotated[tuple[str, ...], NoDecode] = ()
    api_keys_file: Path | None = None
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    debug: bool = False
    max_batch_rows: int = Field(default=1000, ge=1)
    # 1,000 rows of JSON penguins are about 200 kB; 1 MiB leaves room without inviting abuse.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Browser origins (scheme://host[:port]) whose pages may call the API. None by default: a
    # service called by other services needs no CORS at all.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    cors_allow_credentials: bool = False

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: dict[str, object]) -> dict[str, object]:
        for name in _LISTS:
            raw = data.get(name)
            if isinstance(raw, str):
                data[name] = tuple(item.strip() for item in raw.split(",") if item.strip())
        if data.get("api_keys_file") == "":
            data["api_keys_file"] = None  # API_KEYS_FILE= (empty) means unset, as in compose files
        level = data.get("log_level")
        if isinstance(level, str):
            data["log_level"] = level.lower()  # LOG_LEVEL=INFO and info mean the same
        return data

    @model_validator(mode="after")
    def _check_cors(self) -> Settings:
        # TODO (exercise 8): refuse CORS_ORIGINS=* together with CORS_ALLOW_CREDENTIALS=true:
        # raise SettingsError with one sentence saying why and what to set instead.
        return self

    @model_validator(mode="after")
    def _check_production(self) -> Settings:
        if self.app_env != "production":
            return self
        if self.debug:
            raise SettingsError(
                "DEBUG cannot be enabled when APP_ENV=production: debug pages leak stack "
                "traces to clients; unset DEBUG."
            )
        # TODO (exercise 8): without any accepted key, production must refuse to start:
        # raise SettingsError naming API_KEYS and API_KEYS_FILE.
        return self

    def accepted_keys(self) -> tuple[str, ...]:
        keys = list(self.api_keys)
        if self.api_keys_file is not None:
            # TODO (exercise 8): add the keys of API_KEYS_FILE, one per line (skip blank
            # lines); a file that cannot be read is a SettingsError naming the file.
            raise NotImplementedError("API_KEYS_FILE is not read yet (exercise 8)")
        return tuple(keys)

    @property
    def open_access(self) -> bool:
        """True when no key is configured: the development mode ``course serve`` announces."""
        return not self.accepted_keys()
