"""One typed settings object. Precedence: CLI flag > ``IOC_*`` environment variable > default."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ioc.errors import ConfigError

log = logging.getLogger(__name__)

DB_SCHEMES = ("postgresql", "postgres")
MQTT_SCHEMES = ("mqtt", "mqtts")


class Settings(BaseSettings):
    """Every setting of every IOC process. Environment variables are ``IOC_`` + the field name in capitals."""

    model_config = SettingsConfigDict(env_prefix="IOC_", extra="ignore", frozen=True)

    database_url: str | None = Field(None, description="libpq URL, several hosts allowed (host1:5432,host2:5432 "
                                     "with target_session_attrs=read-write); unset: the private local stack's")
    database_read_url: str | None = Field(None, description="libpq URL the dashboards and read API read from (a "
                                          "standby: target_session_attrs=prefer-standby); unset: the database_url, "
                                          "or the local HA pair's standby")
    replica_lag_s: int = Field(30, ge=1, description="seconds a read replica may trail before pages say so")
    mqtt_url: str | None = Field(None, description="mqtt://user:password@host:port (mqtts:// TLS); unset: local stack")
    http_host: str = Field("127.0.0.1", description="address the dashboard and API listen on")
    http_port: int = Field(8050, ge=1, le=65535, description="port the dashboard and API listen on")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="zone for display and day buckets (UTC inside)")
    lang: Literal["vi", "en"] = Field("vi", description="default language of the UI")
    state_dir: Path = Field(Path(".ioc"), description="local stack data, spool and generated files")
    tiles_url: str | None = Field(None, description="XYZ tile URL for a basemap; unset: offline maps")
    redis_url: str | None = Field(None, description="redis://[:password@]host:6379/0 shared by several dashboard "
                                  "servers for the wall's cache; unset: a cache inside each server process")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="log level")
    raw_retention_days: int = Field(30, ge=1, description="days of raw telemetry kept")
    ingest_max_age_days: int | None = Field(None, ge=1, description="readings dated further back than this are "
                                            "dead-lettered (old_ts); unset: raw_retention_days. Raise it to backfill")
    rollup_retention_days: int = Field(730, ge=1, description="days of 1-hour and daily rollups kept")
    stale_ingest_s: int = Field(120, ge=5, description="seconds without a stored message before walls show stale")
    # security (docs/security.md)
    cookie_secure: bool | None = Field(None, description="Secure flag on session cookies; unset: on, except when "
                                       "the dashboard listens on a loopback address (plain-HTTP demos)")
    session_idle_minutes: int = Field(480, ge=5, description="a user's session ends after this long unused")
    session_max_hours: int = Field(24, ge=1, description="a user's session ends this long after login")
    login_max_failures_user: int = Field(5, ge=1, description="failed logins per user name within the window")
    login_max_failures_ip: int = Field(30, ge=1, description="failed logins per client address within the window")
    login_window_minutes: int = Field(15, ge=1, description="the window of the login rate limits")
    proxy_hops: int = Field(0, ge=0, le=5, description="reverse proxies in front of the dashboard whose "
                            "X-Forwarded-For/-Proto/-Host headers are trusted (1 behind the compose nginx)")
    mqtt_ingester_password: SecretStr | None = Field(None, description="the broker's ingester account for "
                                                     "`ioc devices credentials --out` (docker compose)")
    mqtt_gateway_password: SecretStr | None = Field(None, description="the broker's gateway account (simulators, "
                                                    "gateways of many devices) for `ioc devices credentials --out`")
    # retention per data class (ioc.security.retention); raw telemetry is raw_retention_days
    dead_letter_retention_days: int = Field(90, ge=1, description="days of rejected MQTT messages kept")
    camera_event_retention_days: int = Field(90, ge=1, description="days of camera events and snapshot URLs kept")
    report_contact_retention_days: int = Field(365, ge=1, description="days a reporter's contact is kept after "
                                               "the report is closed or last active, unless the reporter "
                                               "consented (Law 91/2025/QH15)")
    alarm_retention_days: int = Field(730, ge=1, description="days a closed alarm is kept, with its history and "
                                      "events (the operators' audit trail)")
    alarm_delivery_retention_days: int = Field(90, ge=1, description="days alarm notifications are kept: their "
                                               "targets are staff e-mail addresses and phone numbers")
    footage_contact_retention_days: int = Field(365, ge=1, description="days a footage recipient's contact (phone, "
                                                "e-mail) is kept after the delivery; the register itself is kept")
    briefing_recipient_retention_days: int = Field(365, ge=1, description="days the briefing archive keeps the "
                                                   "e-mail addresses a briefing was mailed to; then only their count")
    social_mention_retention_days: int = Field(365, ge=1, description="days a social listening mention (post URL, "
                                               "topic, sentiment, reach, summary) is kept after it was published")
    social_high_reach: int = Field(5000, ge=1, description="people reached from which a negative, local social "
                                   "mention offers a one-click field report")
    access_log_retention_days: int = Field(730, ge=1, description="days of the personal-data access log and the "
                                           "security audit log kept")
    # street lighting (docs/lighting.md): what a kWh of public lighting costs, for cost per night
    lighting_tariff_vnd_kwh: float = Field(2333.0, gt=0, description="VND per kWh of public lighting, before VAT "
                                           "(EVN retail tariff for public lighting below 6 kV, Decision "
                                           "1279/QĐ-BCT of 2025); set your contract's price")
    # alarm notifications (docs/alarms.md): secrets and endpoints here, never in data/alarms/routes.yaml
    alarm_routes: Path | None = Field(None, description="alarm routing file; unset: data/alarms/routes.yaml")
    alarm_smtp_host: str | None = Field(None, description="SMTP server for alarm e-mail; unset: e-mail off")
    alarm_smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port")
    alarm_smtp_user: str | None = Field(None, description="SMTP login; unset: no login")
    alarm_smtp_password: SecretStr | None = Field(None, description="SMTP password")
    alarm_smtp_from: str = Field("ioc@localhost", description="From address of alarm e-mail")
    alarm_smtp_starttls: bool = Field(True, description="STARTTLS before login (off only for a local relay)")
    alarm_webhook_key: SecretStr | None = Field(None, description="HMAC-SHA256 key signing alarm webhooks")
    alarm_telegram_token: SecretStr | None = Field(None, description="Telegram bot token; unset: Telegram off")
    alarm_telegram_url: str = Field("https://api.telegram.org", description="Telegram Bot API base URL")
    alarm_zalo_token: SecretStr | None = Field(None, description="Zalo OA access token; unset: Zalo off")
    alarm_zalo_oa_url: str = Field("https://openapi.zalo.me", description="Zalo OA API base URL")
    alarm_zalo_zns_url: str = Field("https://business.openapi.zalo.me", description="Zalo ZNS API base URL")
    alarm_zalo_zns_template: str | None = Field(None, description="approved ZNS template id for alarms")

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _check_db_url(cls, value: str | None) -> str | None:
        return _check_url(value, DB_SCHEMES, "postgresql://user:password@host:5432/dbname")

    @field_validator("mqtt_url")
    @classmethod
    def _check_mqtt_url(cls, value: str | None) -> str | None:
        return _check_url(value, MQTT_SCHEMES, "mqtt://user:password@host:1883")

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        return _check_url(value, ("redis", "rediss"), "redis://:password@host:6379/0")

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Asia/Ho_Chi_Minh)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def masked(self) -> dict[str, Any]:
        """The settings as a dict with every password replaced by ``***``, safe to log."""
        out = self.model_dump()
        for key in ("database_url", "database_read_url", "mqtt_url", "tiles_url", "redis_url"):
            out[key] = mask_url(out[key])
        out["state_dir"] = str(out["state_dir"])
        return out


def _check_url(value: str | None, schemes: tuple[str, ...], example: str) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    # libpq takes several hosts (host1:5432,host2:5432): each is checked as if it were the URL's only one
    hosts = parts.netloc.rpartition("@")[2].split(",") if parts.scheme in DB_SCHEMES else [parts.netloc]
    for host in hosts:
        one = urlsplit(urlunsplit(parts._replace(netloc=host)))
        try:
            port = one.port
        except ValueError as exc:
            raise ValueError(f"the port of {mask_url(value)!r} is not a number 1-65535 (example: {example})") from exc
        if parts.scheme not in schemes or not one.hostname:
            raise ValueError(f"{mask_url(value)!r} is not a {schemes[0]} URL (example: {example})")
        if port == 0:
            raise ValueError(f"the port of {mask_url(value)!r} is not a number 1-65535 (example: {example})")
    return value


def mask_url(url: str | None) -> str | None:
    """``scheme://user:***@host:port/…``: the URL with its password hidden (every host of a multi-host URL kept)."""
    if not url:
        return url
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    netloc = f"{userinfo.partition(':')[0]}:***@{hosts}"
    return urlunsplit(parts._replace(netloc=netloc))


def load(**overrides: Any) -> Settings:
    """Settings from CLI overrides (None means "not given"), then the environment, then defaults."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"IOC_{field.upper()}: {msg}") from None


def log_settings(settings: Settings) -> None:
    log.info("settings: %s", " ".join(f"{k}={v}" for k, v in settings.masked().items()))
