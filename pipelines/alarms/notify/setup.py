"""Channels from settings: a channel whose secret is not set is simply absent (its deliveries fail, visibly)."""

from __future__ import annotations

from ioc.config import Settings
from pipelines.alarms.notify.channels import Channel
from pipelines.alarms.notify.smtp import EmailChannel
from pipelines.alarms.notify.telegram import TelegramChannel
from pipelines.alarms.notify.webhook import WebhookChannel
from pipelines.alarms.notify.zalo import ZaloChannel


def channels(s: Settings) -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    if s.alarm_smtp_host:
        password = s.alarm_smtp_password.get_secret_value() if s.alarm_smtp_password else None
        out["email"] = EmailChannel(s.alarm_smtp_host, s.alarm_smtp_port, s.alarm_smtp_from, s.alarm_smtp_user,
                                    password, s.alarm_smtp_starttls)
    if s.alarm_webhook_key:
        out["webhook"] = WebhookChannel(s.alarm_webhook_key.get_secret_value())
    if s.alarm_telegram_token:
        out["telegram"] = TelegramChannel(s.alarm_telegram_token.get_secret_value(), s.alarm_telegram_url)
    if s.alarm_zalo_token:
        out["zalo"] = ZaloChannel(s.alarm_zalo_token.get_secret_value(), s.alarm_zalo_oa_url, s.alarm_zalo_zns_url,
                                  s.alarm_zalo_zns_template)
    return out
