"""Mailing a briefing: the HTML as the message body (with a plain-text part) and the PDF attached.

It goes through the same SMTP settings as alarm e-mail (``IOC_ALARM_SMTP_*``: the one mail relay an IOC has; the demo
points them at its own mailbox) and classifies failures the same way (transient or not)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from ioc.config import Settings
from ioc.errors import IocError
from pipelines.alarms.notify.channels import TIMEOUT_S


class MailError(IocError):
    """The briefing could not be mailed."""


def message(sender: str, to: list[str], subject: str, text: str, html: str, pdf: bytes,
            filename: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, ", ".join(to), subject
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return mail


def send(settings: Settings, mail: EmailMessage) -> None:
    host = settings.alarm_smtp_host
    if not host:
        raise MailError("no mail server: set IOC_ALARM_SMTP_HOST (the briefing uses the alarm e-mail settings)")
    try:
        with smtplib.SMTP(host, settings.alarm_smtp_port, timeout=TIMEOUT_S) as smtp:
            if settings.alarm_smtp_starttls:
                smtp.starttls()
            if settings.alarm_smtp_user:
                password = settings.alarm_smtp_password.get_secret_value() if settings.alarm_smtp_password else ""
                smtp.login(settings.alarm_smtp_user, password)
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"SMTP {host}:{settings.alarm_smtp_port}: {exc}") from None
