"""Build the working calendar from the `holidays` package, the shipped data file and
the office's own overrides (stored in the database), in that order of precedence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import holidays
import yaml

from engine.domain.calendar import WorkingCalendar, YearRules

DayKind = Literal["off", "work"]


@dataclass(frozen=True)
class DayRule:
    day: date
    kind: DayKind
    name: str
    source: str = ""


class CalendarFileError(ValueError):
    pass


class _TextDateLoader(yaml.SafeLoader):
    """Leaves dates as text, so a bad one is reported with its place, not by the parser."""


_TextDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_calendar_file(path: Path) -> list[DayRule]:
    """Read the yearly extra days off and make-up working days; errors name the entry."""
    try:
        tree = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDateLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarFileError(f"{path.name}: cannot read the calendar file: {exc}") from exc
    years = tree.get("years", {}) if isinstance(tree, dict) else None
    if not isinstance(years, dict):
        raise CalendarFileError(f"{path.name}: 'years' must map each year to its days")
    rules: list[DayRule] = []
    for year, parts in years.items():
        if not isinstance(year, int) or not isinstance(parts, dict | None):
            raise CalendarFileError(
                f"{path.name}: years.{year}: a year and its days_off / working_days"
            )
        kinds: tuple[tuple[str, DayKind], ...] = (("days_off", "off"), ("working_days", "work"))
        for key, kind in kinds:
            for index, entry in enumerate((parts or {}).get(key) or []):
                where = f"{path.name}: years.{year}.{key}[{index}]"
                raw = entry.get("date") if isinstance(entry, dict) else None
                try:
                    day = date.fromisoformat(str(raw))
                except ValueError:
                    raise CalendarFileError(f"{where}.date: bad or missing date {raw!r}") from None
                if day.year != year:
                    raise CalendarFileError(f"{where}.date: {day} is not in {year}")
                rules.append(
                    DayRule(day, kind, str(entry.get("name", "")), str(entry.get("source", "")))
                )
    return rules


def build_calendar(
    timezone: str,
    country: str,
    file_rules: Iterable[DayRule],
    office_rules: Iterable[DayRule] = (),
) -> WorkingCalendar:
    layered = [*file_rules, *office_rules]  # later wins

    def rules_for_year(year: int) -> YearRules:
        public = holidays.country_holidays(country, years=year, language="vi")
        days_off = {d: str(name) for d, name in public.items()}
        working = {d: "Làm bù" for d in getattr(public, "weekend_workdays", ()) if d.year == year}
        for rule in layered:
            if rule.day.year != year:
                continue
            if rule.kind == "off":
                working.pop(rule.day, None)
                days_off[rule.day] = rule.name or "Ngày nghỉ"
            else:
                days_off.pop(rule.day, None)
                working[rule.day] = rule.name or "Ngày làm bù"
        return YearRules(days_off=days_off, working_days=working)

    return WorkingCalendar(rules_for_year, timezone)
