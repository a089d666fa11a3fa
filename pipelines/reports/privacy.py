"""The reporter's contact for a role, pure: an admin sees it whole, everyone else a masked form.

Masking keeps enough to recognise a caller who phones back ("the number ending 67") and nothing that identifies
them: the first three digits of a phone (the network prefix) and its last two, a name's initials, an e-mail's first
letter and top-level domain. Public outputs (wall screens, Open311, exports) never read the contact at all.
"""

from __future__ import annotations

import re
import unicodedata

from pipelines.reports.model import Contact

ROLES = ("admin", "staff", "viewer")
FULL_ACCESS = frozenset({"admin"})
_DIGIT = re.compile(r"\d")


def sees_full_contact(role: str) -> bool:
    return role in FULL_ACCESS


def mask_phone(phone: str) -> str:
    digits = _DIGIT.findall(phone)
    if len(digits) <= 5:
        return "*" * len(digits)
    return "".join(digits[:3]) + "*" * (len(digits) - 5) + "".join(digits[-2:])


def mask_name(name: str) -> str:
    """``Nguyễn Văn An`` → ``N. V. A.``: initials only."""
    return " ".join(unicodedata.normalize("NFC", w)[0] + "." for w in name.split())


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@***" + (f".{tld}" if tld else "")


def mask_contact(contact: Contact | None, role: str) -> Contact | None:
    """``contact`` as ``role`` may see it: whole for admins, masked for every other role."""
    if contact is None or sees_full_contact(role):
        return contact
    return Contact(name=mask_name(contact.name) if contact.name else None,
                   phone=mask_phone(contact.phone) if contact.phone else None,
                   email=mask_email(contact.email) if contact.email else None)
