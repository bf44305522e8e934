"""Build the RFC 5322 message for one outbox row (separate from sending it)."""

from __future__ import annotations

import base64
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from engine.mail.headers import AddressListHeader, TextHeader
from engine.store.tables import OutboxRow


def _address(name: str, email: str) -> Address:
    user, _, domain = email.partition("@")
    return Address(display_name=name, username=user, domain=domain)


def message_from_outbox(row: OutboxRow, sender_name: str, sender_email: str) -> EmailMessage:
    """multipart/alternative text + HTML, with the deadline's .ics attached when there is one,
    and the row's own attachments (a report's PDF and Excel annex) after it.

    The Message-ID is the row's own, so a retried send is recognisably the same mail.
    Subject, From, To and Cc fold themselves (headers.py): the standard library's folding
    loses spaces in long non-ASCII headers.
    """
    message = EmailMessage()
    message["Subject"] = TextHeader("Subject", row.subject)
    message["From"] = AddressListHeader("From", _address(sender_name, sender_email))
    message["To"] = AddressListHeader("To", _address(row.to_name, row.to_email))
    if row.cc:
        message["Cc"] = AddressListHeader("Cc", [_address(*parseaddr(c)) for c in row.cc])
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message.set_content(row.body_text, subtype="plain", charset="utf-8")
    message.add_alternative(row.body_html, subtype="html", charset="utf-8")
    if row.ics:
        message.add_attachment(
            row.ics.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="thoi-han.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    for attachment in row.attachments:
        maintype, _, subtype = attachment["content_type"].partition("/")
        message.add_attachment(
            base64.b64decode(attachment["data"]),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment["filename"],
        )
    # last: set_content drops every Content-* header, and each multipart step moves them
    # into the part it wraps
    message["Content-Language"] = row.language
    return message
