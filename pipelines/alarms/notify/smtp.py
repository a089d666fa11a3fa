"""E-mail over SMTP (STARTTLS and login when configured). Target: an address."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from pipelines.alarms.notify.channels import TIMEOUT_S, DeliveryError, Message


class EmailChannel:
    name = "email"

    def __init__(self, host: str, port: int, sender: str, user: str | None = None, password: str | None = None,
                 starttls: bool = True) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls = user, password, starttls

    def send(self, target: str, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, target, message.subject
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPNotSupportedError:
            # the next try meets the same server: a setting to fix, not a moment to wait for
            raise DeliveryError(f"SMTP {self.host}:{self.port} offers no STARTTLS; set IOC_ALARM_SMTP_STARTTLS=false "
                                "only for a local relay", transient=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {target} {_first(exc.recipients)}", transient=False) from None
        except smtplib.SMTPResponseException as exc:
            # 4xx: try later (greylisting, a full queue); 5xx: the server will say the same next time
            raise DeliveryError(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}",
                                transient=400 <= exc.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port} unreachable: {exc}", transient=True) from None


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _first(recipients: dict[str, tuple[int, bytes]]) -> str:
    return next((f"({code} {_text(msg)})" for code, msg in recipients.values()), "")
