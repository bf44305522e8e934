"""A prepared book for the coordinator's view: what an office holds on one morning, used
by the overview and feed tests and by the real-server test of the coordinator's day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engine.domain.lifecycle import Status
from engine.services import imports, tasks
from engine.services.deps import Deps
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import make_app

ISSUED = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # Monday 03/11/2025, 09:00 in Ha Noi
MORNING = datetime(2025, 12, 17, 2, 0, tzinfo=UTC)  # Wednesday 17/12/2025, 09:00 in Ha Noi
REFERENCE = "45/TB-VPCTN"


def attention_book(url: str, tmp_path: Path) -> Deps:
    """45/TB-VPCTN, issued 03/11/2025, as it stands on 17/12/2025 09:00 (MORNING):
    1 (TH) due 21/11: 18 working days overdue; 2 (PL) due 12/12: 3 overdue;
    3 (DN) due 19/12: due in 2 working days; 4 (TH) due 31/12, result submitted on 10/12;
    5 (PL) due 15/12, completed on 12/12. The app's clock is at ISSUED."""
    app = make_app(url, ISSUED)
    path = directives_file(
        tmp_path,
        directive(
            REFERENCE,
            task("Rà soát văn bản quy phạm", number="1", deadline="2025-11-21"),
            task("2. Tổng hợp báo cáo", number="2", lead_unit="PL", deadline="2025-12-12"),
            task("Chuẩn bị hội nghị", number="3", lead_unit="DN", deadline="2025-12-19"),
            task("Dự thảo Chương trình", number="4", deadline="2025-12-31", owner="Lê Hà"),
            task("Tổng kết năm", number="5", lead_unit="PL"),
            issued_on="2025-11-03",
            title="Thông báo kết luận của Chủ tịch nước",
        ),
    )
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), ISSUED)
        imports.import_directives(session, path, app.calendar, ISSUED, "cv")
        submitted = datetime(2025, 12, 10, 3, tzinfo=UTC)
        tasks.change_status(session, 4, Status.SUBMITTED, at=submitted, actor="TH", note="")
        done = datetime(2025, 12, 12, 3, tzinfo=UTC)
        tasks.change_status(session, 5, Status.SUBMITTED, at=done, actor="PL", note="")
        tasks.change_status(session, 5, Status.COMPLETED, at=done, actor="cv", note="")
    return app
