"""Settings from POPBOT_* environment variables, read when the factory is called."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POPBOT_", extra="ignore")

    telegram_token: SecretStr | None = None
    """The bot's token from @BotFather."""
    telegram_api_url: str | None = None
    """Base URL of a self-hosted Bot API server, e.g. http://127.0.0.1:8081."""
    telegram_bot_username: str | None = None
    """The bot's @username, for coaches' join links (https://t.me/<username>?start=<code>)."""
    data_dir: Path = Path("data")
    """Where the database, voice notes and the image cache live."""
    images_dir: Path | None = None
    """A folder with the organisation's own pictures and their manifest.yaml."""
    flows_dir: Path | None = None
    """A folder with the organisation's own flow files: each adds a method, or replaces the
    shipped one with the same id (e.g. its own vier_op_een_rij.yaml)."""
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    web_public_url: str | None = None
    """The address participants use, for personal links (default http://{host}:{port})."""
    web_secret: SecretStr | None = None
    """Signs the web cookies and links; made once and kept in the data folder when unset."""
    web_secure_cookies: bool = False
    """Send cookies over HTTPS only: switch on behind an HTTPS proxy."""

    @field_validator("telegram_api_url", "web_public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("telegram_token")
    @classmethod
    def _blank_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        token = value.get_secret_value().strip() if value is not None else ""
        return SecretStr(token) if token else None

    @property
    def web_url(self) -> str:
        return self.web_public_url or f"http://{self.web_host}:{self.web_port}"


def load_settings() -> Settings:
    """Read the settings from the environment now (never at import time)."""
    return Settings()
