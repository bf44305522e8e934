"""The read models the front ends show: the units, the directives with their counts, the
facts of the tasks a sweep named, the directives it touched, and the outbox's mail sent,
failed and waiting, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import NoResultFound

from engine.services import imports
from engine.services.deps import Deps
from engine.store import reads
from engine.store.tables import NoticeRow, OutboxRow
from tests.builders import (
    STANDARD_UNITS,
    directive,
    directives_file,
    pending_mail,
    task,
    unit,
    units_file,
)

AT = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)  # 09:00 in Ha Noi


def load(app: Deps, tmp_path: Path, *directives: dict[str, Any]) -> None:
    """The standard units (and a unit AA, given last), then `directives`, allowing drafts."""
    units = units_file(tmp_path, *STANDARD_UNITS, unit("AA"))
    path = directives_file(tmp_path, *directives)
    with app.session() as session:
        imports.import_units(session, units, AT)
        imports.import_directives(session, path, app.calendar, AT, "cv", strict=False)


def two_directives(app: Deps, tmp_path: Path) -> None:
    """45/TB-VPCTN (26/11/2025): two tasks, one a draft without a deadline; 12/TB-VPCTN
    (20/11/2025): one task with a monthly recurrence."""
    load(
        app,
        tmp_path,
        directive(
            "45/TB-VPCTN",
            task("Tổng kết năm", number="1"),
            task("Chương trình công tác", number="2", deadline=None),
        ),
        directive(
            "12/TB-VPCTN",
            task("Báo cáo tháng", number="1", deadline="2025-12-31", recurrence="monthly"),
            issued_on="2025-11-20",
        ),
    )


def mail(key: str, **fields: Any) -> OutboxRow:
    values: dict[str, Any] = {
        "key": key,
        "to_email": f"{key}@example.vn",
        "subject": f"Thư {key}",
        "body_text": "",
        "body_html": "",
        "message_id": f"<{key}@dondoc>",
    }
    return pending_mail(AT, **(values | fields))


def add(app: Deps, *rows: OutboxRow | NoticeRow) -> list[int]:
    with app.session() as session:
        session.add_all(rows)
        session.commit()
        return [r.id for r in rows if r.id is not None]


def test_the_units_directory_is_listed_by_code(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path, directive())
    with app.session() as session:
        assert [u.code for u in reads.units(session)] == ["AA", "DN", "PL", "TH", "VP"]


def test_directives_come_oldest_first_with_their_tasks_and_drafts_counted(
    app: Deps, tmp_path: Path
) -> None:
    two_directives(app, tmp_path)
    with app.session() as session:
        listed = reads.directives(session)
    assert [(d.reference, d.issued_on, d.tasks, d.drafts) for d in listed] == [
        ("12/TB-VPCTN", date(2025, 11, 20), 1, 0),
        ("45/TB-VPCTN", date(2025, 11, 26), 2, 1),
    ]


def test_a_directive_is_found_by_its_reference_and_an_unknown_one_is_refused(
    app: Deps, tmp_path: Path
) -> None:
    two_directives(app, tmp_path)
    with app.session() as session:
        assert reads.directive(session, "45/TB-VPCTN").issued_on == date(2025, 11, 26)
        with pytest.raises(NoResultFound):
            reads.directive(session, "99/TB-VPCTN")


def test_each_task_is_found_by_its_directive_and_number(app: Deps, tmp_path: Path) -> None:
    two_directives(app, tmp_path)
    with app.session() as session:
        ids = reads.task_ids(session)
        assert sorted(ids) == [("12/TB-VPCTN", "1"), ("45/TB-VPCTN", "1"), ("45/TB-VPCTN", "2")]
        assert reads.reference_of(session, ids[("12/TB-VPCTN", "1")]) == "12/TB-VPCTN"


def test_the_facts_of_the_tasks_a_sweep_named_carry_their_directive(
    app: Deps, tmp_path: Path
) -> None:
    two_directives(app, tmp_path)
    with app.session() as session:
        ids = reads.task_ids(session)
        monthly = ids[("12/TB-VPCTN", "1")]
        facts = reads.task_facts(session, [monthly, monthly])
        assert reads.task_facts(session, []) == {}
    assert facts == {
        monthly: reads.TaskFacts(
            monthly, "12/TB-VPCTN", "1", "Báo cáo tháng", "TH", date(2025, 12, 31), "monthly"
        )
    }


def test_the_directives_touched_are_those_of_the_tasks_and_of_the_mails_notices(
    app: Deps, tmp_path: Path
) -> None:
    two_directives(app, tmp_path)
    with app.session() as session:
        ids = reads.task_ids(session)
    [noticed] = add(app, mail("nhac-viec"))
    add(
        app,
        NoticeRow(
            task_id=ids[("45/TB-VPCTN", "1")],
            kind="reminder",
            key_day=date(2025, 12, 15),
            outbox_id=noticed,
            created_at=AT,
        ),
    )
    with app.session() as session:
        assert reads.references_touched(session, [], [noticed]) == ["45/TB-VPCTN"]
        both = [ids[("12/TB-VPCTN", "1")], ids[("45/TB-VPCTN", "2")]]
        assert reads.references_touched(session, both, [noticed]) == [
            "12/TB-VPCTN",
            "45/TB-VPCTN",
        ]
        assert reads.references_touched(session, [], []) == []


def test_the_outbox_reads_say_what_was_sent_what_failed_and_what_waits(app: Deps) -> None:
    later = AT + timedelta(hours=1)
    sent_before, sent_within, failed_1, failed_2, waiting, fresh = add(
        app,
        mail("a", status="sent", attempts=1, sent_at=AT - timedelta(days=1)),
        mail("b", status="sent", attempts=1, sent_at=AT),
        mail("c", status="failed", attempts=5, last_error="550 no such user"),
        mail("d", status="failed", attempts=5, last_error="550 no such user"),
        mail("e", attempts=2, next_attempt_at=later, last_error="421 try later"),
        mail("f"),
    )
    retried_sooner = add(app, mail("g", attempts=1, next_attempt_at=AT))[0]
    with app.session() as session:
        assert [r.id for r in reads.mail_sent(session)] == [sent_before, sent_within]
        assert [r.id for r in reads.mail_sent(session, AT, later)] == [sent_within]
        assert [r.id for r in reads.mail_failed(session)] == [failed_2, failed_1]
        assert [r.id for r in reads.mail_to_retry(session)] == [retried_sooner, waiting]
        assert [r.id for r in reads.outbox_rows(session, "pending", limit=2)] == [
            retried_sooner,
            fresh,
        ]
