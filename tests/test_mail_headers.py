"""Subject, From and To reach the reader exactly as meant, whatever their length (issue 10).

Each mail is built as dondoc builds it (Notifier.outbox_row renders the outbox row, then
message_from_outbox and prepare), flattened to the bytes sent, and read back twice:
by Python's parser (policy.default) and as a mail reader does by RFC 2047 (each
encoded-word decoded on its own, whitespace between two encoded-words dropped). Python
3.11's folding put the space between two words in such a gap: "công bố và" arrived as
"công bốvà" (python/cpython#92081).
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import pickle
import quopri
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from engine.domain.recipients import Answer, outcome
from engine.mail.context import DueItem, Recipient, TaskView
from engine.mail.headers import AddressListHeader, TextHeader
from engine.mail.message import message_from_outbox
from engine.mail.sender import PreparedMessage, SmtpSender, flatten, prepare
from engine.notify import Notifier
from engine.services import imports
from engine.services.delivery import _failure_notice, deliver
from engine.services.sweep import sweep
from engine.settings import Settings
from engine.store.tables import OutboxRow
from tests.builders import directive, directives_file, pending_mail, task, unit, units_file
from tests.conftest import make_app
from tests.smtp_server import HOST, RecordingHandler, SmtpServer, free_port
from tests.test_mail_templates import before, due, escalated, fields_for, overdue
from tests.test_mail_templates import task as task_view

NOW = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)  # Monday 09:00 in Ha Noi
OFFICE = "Văn phòng Chủ tịch nước"
MAIL_FROM = "dondoc@vpctn.gov.vn"
COORDINATOR = "theodoi@vpctn.gov.vn"
TITLE = (
    "Tổ chức công bố và tuyên truyền Quyết định đặc xá năm 2025 của Chủ tịch nước "
    "nhân dịp kỷ niệm 80 năm Cách mạng tháng Tám và Quốc khánh 2/9"
)
OTHER = "Rà soát, sửa đổi, bổ sung Quy chế làm việc của Văn phòng Chủ tịch nước"
HEAD_NAME = "Tôn Nữ Thị Hoàng Oanh"
LONG_NAME = "Tôn Nữ Thị Hoàng Oanh, Phó Vụ trưởng phụ trách Vụ Pháp luật và Cải cách hành chính"
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


# --- reading the bytes back ---------------------------------------------------------------


def read_like_a_mail_reader(value: str) -> str:
    """An unfolded header value as RFC 2047 6.2 has readers show it: every encoded-word
    decoded on its own (strictly: it must hold whole characters), the whitespace between
    two encoded-words dropped, all else as it is."""
    out: list[str] = []
    end = 0
    for match in ENCODED_WORD.finditer(value):
        gap = value[end : match.start()]
        if not (end and gap.strip(" \t") == ""):  # not only whitespace after an encoded-word
            out.append(gap)
        out.append(decode_word(match))
        end = match.end()
    out.append(value[end:])
    return "".join(out)


def decode_word(match: re.Match[str]) -> str:
    charset, encoding, text = match.groups()
    if encoding in "bB":
        data = base64.b64decode(text, validate=True)
    else:
        data = quopri.decodestring(text.encode("ascii"), header=True)
    return data.decode(charset)


@dataclass(frozen=True)
class Field:
    name: str
    lines: list[str]  # as written, folded

    @property
    def value(self) -> str:
        """Unfolded (RFC 5322 2.2.3: each CRLF before whitespace removed), after "Name: "."""
        return "".join(self.lines)[len(self.name) + 1 :].lstrip(" ")


def top_fields(data: bytes) -> dict[str, Field]:
    """The message's own header fields (not its parts'), by lower-case name."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    fields: list[Field] = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t"):
            fields[-1].lines.append(line)
        else:
            fields.append(Field(line.partition(":")[0], [line]))
    return {f.name.lower(): f for f in fields}


def assert_within_line_limits(data: bytes) -> None:
    for field in top_fields(data).values():
        for line in field.lines:
            assert len(line) <= 78, line
            assert len(line.encode("utf-8")) <= 998, line
            words = [w.group() for w in ENCODED_WORD.finditer(line)]
            assert all(len(w) <= 75 for w in words), line  # RFC 2047 2, as is the next
            assert not words or len(line) <= 76, line


def assert_mailbox_reads_back(parsed: EmailMessage, field: Field, name: str, address: str) -> None:
    (got,) = parsed[field.name].addresses
    assert as_utf8(got.addr_spec) == address
    assert read_like_a_mail_reader(field.value) == (f"{name} <{address}>" if name else address)
    # Python 3.11's parser keeps the whitespace between two encoded-words of a display
    # name as a space (python/cpython#128110), where mail readers drop it
    words = [decode_word(w) for w in ENCODED_WORD.finditer(field.value)]
    python_3_11 = " ".join(words) if len(words) > 1 else name
    assert as_utf8(got.display_name) in {name, python_3_11}


def as_utf8(text: str) -> str:
    """The text of a raw UTF-8 (SMTPUTF8) address header, which message_from_bytes leaves
    as escaped bytes in the parts of an Address."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8")


def assert_reads_back(
    data: bytes,
    *,
    subject: str,
    to: tuple[str, str],
    sender: tuple[str, str] = (OFFICE, MAIL_FROM),
    cc: list[str] | tuple[str, ...] = (),
    language: str | None = None,
    limits: bool = True,
) -> EmailMessage:
    """Every header dondoc writes reads back as meant, within the line limits."""
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    fields = top_fields(data)
    assert str(parsed["Subject"]) == subject
    assert read_like_a_mail_reader(fields["subject"].value) == subject
    assert_mailbox_reads_back(parsed, fields["from"], *sender)
    assert_mailbox_reads_back(parsed, fields["to"], *to)
    if cc:
        assert [a.addr_spec for a in parsed["Cc"].addresses] == list(cc)
    else:
        assert "cc" not in fields
    if language is not None:
        assert str(parsed["Content-Language"]) == language
    if limits:
        assert_within_line_limits(data)
    return parsed


# --- building mail as dondoc does ---------------------------------------------------------


def settings(lang: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url="sqlite://",
        office_name=OFFICE,
        mail_from=MAIL_FROM,
        coordinator_email=COORDINATOR,
        lang=lang,
    )


def notifier(lang: str) -> Notifier:
    return Notifier(settings(lang))


def head(lang: str, name: str = HEAD_NAME) -> Recipient:
    return Recipient(
        name=name,
        title="Vụ trưởng",
        email="oanh.tnth@vpctn.gov.vn",
        unit_name="Vụ Pháp luật",
        language=lang,
    )


def items(*due_items: DueItem) -> dict[str, Any]:
    return {"items": list(due_items)}


def t(title: str = TITLE, **extra: Any) -> TaskView:
    return task_view(title, **extra)


OTHER_TASK = t(OTHER, id=2, lead_unit_name="Vụ Tổng hợp")

#: every kind of mail, and each form of the kinds whose subject changes with the context
MAILS: dict[str, tuple[str, dict[str, Any]]] = {
    "assignment": ("assignment", {"task": t()}),
    "assignment, recurring": ("assignment", {"task": t(deadline=None, recurrence="monthly")}),
    "reminder, due soon": ("reminder_digest", items(before(t()), before(OTHER_TASK, 5))),
    "reminder, due today": ("reminder_digest", items(due(t()))),
    "reminder, both": ("reminder_digest", items(before(t()), due(OTHER_TASK))),
    "overdue": ("overdue", items(overdue(t()))),
    "overdue and due soon": ("overdue", items(overdue(t()), overdue(OTHER_TASK), before(t(id=3)))),
    **{
        f"escalation, level {level}": (
            "escalation",
            items(escalated(t(), level), escalated(OTHER_TASK, level))
            | {"level": level, "undelivered": []},
        )
        for level in range(4)
    },
    "escalation, one unit": (
        "escalation",
        items(escalated(t(), 3)) | {"level": 3, "undelivered": []},
    ),
    "leader's weekly digest": (
        "leader_digest",
        items(escalated(t(), 3), escalated(OTHER_TASK, 3)) | {"as_of": date(2026, 1, 19)},
    ),
    "extension granted": ("extension_decision", fields_for("extension_decision", TITLE)),
    "extension refused": (
        "extension_decision",
        fields_for("extension_decision", TITLE) | {"approved": False, "new_deadline": None},
    ),
    "completion accepted": ("completion_accepted", fields_for("completion_accepted", TITLE)),
    "completion returned": ("completion_returned", fields_for("completion_returned", TITLE)),
    "monthly review": ("monthly_report", fields_for("monthly_report", TITLE)),
}
CC = [COORDINATOR, "pl.phovutruong@vpctn.gov.vn", "tonghop@vpctn.gov.vn"]


def outbox_row(
    lang: str, kind: str, context: dict[str, Any], to: Recipient, key: str = "1"
) -> OutboxRow:
    """The row the sweep, a decision or the monthly review puts in the outbox."""
    values = notifier(lang).outbox_row(
        key=f"{kind}:{key}:{lang}", kind=kind, to=to, cc=CC, context=context, now=NOW
    )
    if kind == "monthly_report":
        pdf = base64.b64encode(b"%PDF-1.7\n").decode("ascii")
        files = [{"filename": "bao-cao-thang-2025-12.pdf", "content_type": "application/pdf"}]
        values["attachments"] = [f | {"data": pdf} for f in files]
    return OutboxRow(**values)


def sent_bytes(row: OutboxRow, office: str = OFFICE) -> bytes:
    """What the deliverer sends for this row."""
    return prepare(message_from_outbox(row, office, MAIL_FROM)).data


# --- every mail, both languages -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("mail", list(MAILS))
@pytest.mark.parametrize("name", [HEAD_NAME, LONG_NAME])
def test_every_mail_reads_back_with_the_subject_and_names_it_was_given(
    mail: str, lang: str, name: str
) -> None:
    kind, context = MAILS[mail]
    row = outbox_row(lang, kind, context, head(lang, name))
    expected = sorted(set(CC) - {row.to_email})

    for data in (sent_bytes(row), flatten(message_from_outbox(row, OFFICE, MAIL_FROM), utf8=True)):
        assert_reads_back(
            data,
            subject=row.subject,
            to=(name, row.to_email),
            cc=expected,
            language=lang,
        )


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("mail", ["assignment", "extension granted", "monthly review"])
def test_a_long_subject_is_cut_between_encoded_words_after_a_space_they_carry(
    mail: str, lang: str
) -> None:
    row = outbox_row(lang, *MAILS[mail], head(lang))
    subject = top_fields(sent_bytes(row))["subject"]

    decoded = [decode_word(w) for w in ENCODED_WORD.finditer(subject.value)]
    assert len(decoded) >= 2, subject.lines  # where the standard library lost spaces
    assert "".join(decoded) == row.subject
    assert all(d.endswith(" ") for d in decoded[:-1])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_delivery_failed_notice_reads_back(lang: str) -> None:
    kind, context = MAILS["assignment"]
    failed = outbox_row(lang, kind, context, head(lang))
    failed.id = 7
    refused = "550 5.1.1 <oanh.tnth@vpctn.gov.vn>: Recipient address rejected"
    out = outcome({}, [failed.to_email], Answer(taken=False, permanent=True, error=refused), 4, 6)
    values = _failure_notice(notifier(lang), failed, out, NOW)
    assert values is not None
    notice = OutboxRow(**values)

    assert_reads_back(
        sent_bytes(notice), subject=notice.subject, to=("", COORDINATOR), language=lang
    )
    assert failed.subject in notice.body_text


def test_a_long_office_name_reads_back_in_from() -> None:
    office = "Văn phòng Chủ tịch nước Cộng hòa xã hội chủ nghĩa Việt Nam — Ban Thư ký"
    kind, context = MAILS["assignment"]
    row = outbox_row("vi", kind, context, head("vi"))

    assert_reads_back(
        sent_bytes(row, office),
        subject=row.subject,
        sender=(office, MAIL_FROM),
        to=(HEAD_NAME, row.to_email),
        cc=sorted(CC),
    )


# --- edge inputs ------------------------------------------------------------------------------


def row(subject: str, to_name: str = HEAD_NAME, to_email: str = "oanh@vpctn.gov.vn") -> OutboxRow:
    return pending_mail(
        NOW,
        key="edge",
        to_name=to_name,
        to_email=to_email,
        subject=subject,
        body_text="Kính gửi: Đồng chí Vụ trưởng\n",
        body_html="<p>Kính gửi: Đồng chí Vụ trưởng</p>",
        message_id="<edge@vpctn.gov.vn>",
    )


EDGES = {
    "300 characters": ("Chỉ đạo " + "Tổ chức công bố và tuyên truyền Quyết định đặc xá " * 6)[:300],
    "one word of 120 letters": "Tiếp" + "ưởngđặcxá" * 13 + "hết",
    "one ASCII word of 120": "X" * 120,
    "an ASCII word of 120 among others": f"Report {'y' * 120} due soon",
    "ASCII only, long": "Review the implementation of the directive on the pardon decision "
    "of 2025 and report to the Office before the end of the year, with the annexes",
    "emoji": "🎉 Chúc mừng hoàn thành 🇻🇳 nhiệm vụ 👍🏽 đúng hạn " * 3,
    "literal encoded-word": "Về =?utf-8?q?abc?= và =?utf-8?b?eHl6?= trong tiêu đề",
    "spaces kept": "  Hai  khoảng trắng\tvà tab  ",
    "short ASCII": "Report",
    "punctuation": '[Giao nhiệm vụ] "Báo cáo", (dự thảo); <số 45/TB-VPCTN> — 15/12/2025?',
    "combining marks": "Tổ chức".replace("ổ", "o\u0302\u0309") + " công bố" * 12,
}


@pytest.mark.parametrize("case", list(EDGES))
@pytest.mark.parametrize("utf8", [False, True])
def test_an_unusual_subject_reads_back_exactly(case: str, utf8: bool) -> None:
    subject = EDGES[case]
    message = message_from_outbox(row(subject), OFFICE, MAIL_FROM)

    assert_reads_back(
        flatten(message, utf8=utf8), subject=subject, to=(HEAD_NAME, "oanh@vpctn.gov.vn")
    )


def test_a_long_ascii_subject_is_folded_at_its_spaces_not_encoded() -> None:
    subject = EDGES["ASCII only, long"]
    field = top_fields(sent_bytes(row(subject)))["subject"]

    assert len(field.lines) == 2
    assert "=?" not in "".join(field.lines)
    assert field.value == subject


NAMES = [
    'Long, Nguyễn Đức "Ba"',
    'Smith, John "Jack" Jr.',
    "O'Brien",
    "Nguyễn Đức Long",
    "Long",
    "",
    "Bộ trưởng, Chủ nhiệm Văn phòng Chủ tịch nước kiêm Trưởng Ban Thi đua — Khen thưởng",
    "A" * 90,
    "Trần 🌸 Hoa",
    "=?utf-8?q?not_encoded?=",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("utf8", [False, True])
def test_a_display_name_reads_back_and_the_address_stays_usable(name: str, utf8: bool) -> None:
    message = message_from_outbox(row("Nhắc việc", to_name=name), name or OFFICE, MAIL_FROM)
    prepared = prepare(message)

    assert prepared.sender == MAIL_FROM  # aiosmtplib reads the envelope from the headers
    assert prepared.recipients == ("oanh@vpctn.gov.vn",)
    assert_reads_back(
        flatten(message, utf8=utf8),
        subject="Nhắc việc",
        sender=(name or OFFICE, MAIL_FROM),
        to=(name, "oanh@vpctn.gov.vn"),
    )


def test_a_long_copy_list_is_folded_between_addresses() -> None:
    copies = [f"vu.truong.{n}@vpctn.gov.vn" for n in range(12)]
    edge = row(TITLE)
    edge.cc = copies
    data = flatten(message_from_outbox(edge, OFFICE, MAIL_FROM))

    assert len(top_fields(data)["cc"].lines) > 1
    assert_reads_back(data, subject=TITLE, to=(HEAD_NAME, "oanh@vpctn.gov.vn"), cc=copies)


def test_an_address_header_reads_as_a_valid_address_string() -> None:
    header = AddressListHeader("To", Address('Long, "Ba"', "oanh", "vpctn.gov.vn"))

    assert str(header) == '"Long, \\"Ba\\"" <oanh@vpctn.gov.vn>'
    assert getaddresses([str(header)]) == [('Long, "Ba"', "oanh@vpctn.gov.vn")]


def test_a_subject_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="may not contain linefeed or carriage return"):
        message_from_outbox(row("Báo cáo\r\nBcc: ai-do@example.com"), OFFICE, MAIL_FROM)


def test_a_non_ascii_address_is_sent_as_smtputf8_with_the_names_intact() -> None:
    message = message_from_outbox(row(TITLE, to_email="oanh@bộ.vn"), OFFICE, MAIL_FROM)
    prepared = prepare(message)

    assert prepared.utf8
    assert_reads_back(prepared.data, subject=TITLE, to=(HEAD_NAME, "oanh@bộ.vn"))
    with pytest.raises(ValueError, match="SMTPUTF8"):
        flatten(message)  # cannot be written as ASCII


def test_a_message_pickled_to_a_worker_flattens_to_the_same_bytes() -> None:
    message = message_from_outbox(row(TITLE, LONG_NAME), OFFICE, MAIL_FROM)
    message.set_boundary("fixed")
    again = pickle.loads(pickle.dumps(message))

    assert isinstance(again["Subject"], TextHeader)
    assert flatten(again) == flatten(message)
    assert pickle.loads(pickle.dumps(prepare(message))) == prepare(message)


def test_the_7bit_path_sends_the_header_lines_as_first_written() -> None:
    long_address = (
        "phong.tong.hop.va.hanh.chinh.quan.tri.tai.lieu.luu.tru@van-phong.chu-tich.gov.vn"
    )
    message = message_from_outbox(row(TITLE, LONG_NAME, long_address), OFFICE, MAIL_FROM)
    data = flatten(message)
    read = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(read, EmailMessage)

    again = flatten(read, cte_type="7bit")  # what _transmit sends a server without 8BITMIME

    assert again.split(b"\r\n\r\n")[0] == data.split(b"\r\n\r\n")[0]
    assert_reads_back(again, subject=TITLE, to=(LONG_NAME, long_address), limits=False)


# --- through a real SMTP server ---------------------------------------------------------------


async def each(
    messages: Iterable[tuple[int, PreparedMessage]],
) -> AsyncIterator[tuple[int, PreparedMessage]]:
    for item in messages:
        yield item


def send(server_port: int, *messages: PreparedMessage) -> None:
    sender = SmtpSender(HOST, server_port, timeout=10)

    async def run() -> None:
        results = [r async for rs in sender.send_stream(each(enumerate(messages, 1))) for r in rs]
        await sender.aclose()
        assert all(r.ok for r in results), results

    asyncio.run(run())


def test_the_subject_received_by_a_real_smtp_server_is_the_one_sent(
    smtp_server: SmtpServer,
) -> None:
    rows = [
        outbox_row(lang, *MAILS[mail], head(lang, LONG_NAME), key=mail)
        for mail in MAILS
        for lang in ("vi", "en")
    ]
    send(smtp_server.port, *(prepare(message_from_outbox(r, OFFICE, MAIL_FROM)) for r in rows))

    received = {r.message_id: r.message for r in smtp_server.received}
    assert len(received) == len(rows)
    for sent in rows:
        message = received[sent.message_id]
        assert str(message["Subject"]) == sent.subject
        assert message["From"].addresses[0].display_name == OFFICE
        (to,) = message["To"].addresses
        assert (to.display_name.split(), to.addr_spec) == (LONG_NAME.split(), sent.to_email)


@pytest.fixture
def smtputf8_server() -> Iterator[tuple[int, RecordingHandler]]:
    """aiosmtpd on 127.0.0.1 offering SMTPUTF8."""
    handler, port = RecordingHandler(), free_port()
    controller = Controller(
        handler, hostname=HOST, port=port, server_hostname="smtp.test", enable_SMTPUTF8=True
    )
    controller.start()
    yield port, handler
    controller.stop()


def test_a_smtputf8_mail_received_by_a_real_server_reads_back(
    smtputf8_server: tuple[int, RecordingHandler],
) -> None:
    port, handler = smtputf8_server
    prepared = prepare(message_from_outbox(row(TITLE, to_email="oanh@bộ.vn"), OFFICE, MAIL_FROM))
    send(port, prepared)

    (got,) = handler.received
    assert str(got.message["Subject"]) == TITLE
    assert as_utf8(got.message["To"].addresses[0].display_name) == HEAD_NAME


def test_a_long_title_swept_and_delivered_arrives_with_its_spaces(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    issued = datetime(2025, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    app = make_app(sqlite_url, issued, smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    try:
        head_th = unit("TH", parent="VP")
        head_th["head"]["name"] = LONG_NAME
        with app.session() as session:
            imports.import_units(session, units_file(tmp_path, unit("VP"), head_th), issued)
            path = directives_file(tmp_path, directive("45/TB-VPCTN", task(TITLE)))
            imports.import_directives(session, path, app.calendar, issued, "cv")
        sweep(app, issued)
        assert deliver(app, now=issued).sent == 1
    finally:
        app.engine.dispose()

    (mail,) = smtp_server.received
    assert str(mail.message["Subject"]) == f"[Giao nhiệm vụ] {TITLE} — thời hạn 15/12/2025"
    assert mail.message["To"].addresses[0].display_name.split() == LONG_NAME.split()
