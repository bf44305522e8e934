"""Which units the monthly review names as lagging, and in what order.

The book of 12/2025 by unit (figures at the cut-off):

| unit | on time | late | within deadline | overdue | on-time rate | named |
|---|---|---|---|---|---|---|
| TH | 0 | 1 | 0 | 3 | 0 %    | 1st: the most overdue |
| DN | 0 | 1 | 0 | 2 | 0 %    | 2nd: of the four with 2 overdue, the lowest rate |
| PL | 1 | 0 | 0 | 2 | 33,3 % | 3rd: as many overdue and the same rate as QT, first by code |
| QT | 1 | 0 | 1 | 2 | 33,3 % | 4th |
| KH | 2 | 0 | 0 | 2 | 50 %   | 5th |
| TC | 4 | 0 | 2 | 0 | 100 %  | not lagging: nothing overdue |
| VP | 0 | 0 | 1 | 0 | —      | not lagging |

The report names the first three.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from engine.domain.review import (
    Figures,
    Month,
    MonthlyReview,
    TrendPoint,
    UnitFigures,
    lagging_units,
)
from engine.report.document import ReportInput, summary

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DECEMBER = Month(2025, 12)

#: unit: (completed on time, completed late, in progress within deadline, overdue)
BOOK = {
    "TH": (0, 1, 0, 3),
    "DN": (0, 1, 0, 2),
    "PL": (1, 0, 0, 2),
    "QT": (1, 0, 1, 2),
    "KH": (2, 0, 0, 2),
    "TC": (4, 0, 2, 0),
    "VP": (0, 0, 1, 0),
}
RANKED = ["TH", "DN", "PL", "QT", "KH"]


def figures(on_time: int, late: int, within: int, overdue: int) -> Figures:
    return Figures(
        completed_on_time=on_time,
        completed_late=late,
        in_progress_within_deadline=within,
        in_progress_overdue=overdue,
    )


def december(book: dict[str, tuple[int, int, int, int]]) -> MonthlyReview:
    total = figures(*(sum(column) for column in zip(*book.values(), strict=True)))
    return MonthlyReview(
        month=DECEMBER,
        cutoff=datetime(2026, 1, 1, tzinfo=HANOI),
        total=total,
        units=tuple(UnitFigures(code, figures(*book[code])) for code in sorted(book)),
        trend=(TrendPoint(DECEMBER, total),),
        lines=(),
        overdue=(),
        due_next_month=(),
    )


def test_lagging_units_are_the_most_overdue_first_then_the_lowest_on_time_rate_then_by_code() -> (
    None
):
    assert [u.unit for u in lagging_units(december(BOOK))] == RANKED


def test_the_order_does_not_depend_on_the_order_units_come_in() -> None:
    review = december(BOOK)
    backwards = MonthlyReview(**{**review.__dict__, "units": review.units[::-1]})
    assert [u.unit for u in lagging_units(backwards)] == RANKED


def test_a_month_with_nothing_overdue_has_no_lagging_unit() -> None:
    assert lagging_units(december({"TC": (4, 0, 2, 0), "VP": (0, 0, 1, 0)})) == []


def test_the_report_names_the_first_three_lagging_units_in_that_order() -> None:
    data = ReportInput(
        review=december(BOOK),
        office="Văn phòng Chủ tịch nước",
        lang="vi",
        generated_at=datetime(2026, 1, 2, 8, 0, tzinfo=HANOI),
        unit_names={code: f"Vụ {code}" for code in BOOK},
    )
    assert "(tập trung ở: Vụ TH 3 nhiệm vụ, Vụ DN 2 nhiệm vụ, Vụ PL 2 nhiệm vụ)" in summary(data)
