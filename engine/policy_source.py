"""Read the reminder and escalation policy file; errors name the entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from engine.domain.leader_digest import CHOICES, OFF
from engine.domain.policy import (
    Audience,
    EscalationStep,
    ExtensionLimits,
    Policies,
    Policy,
    TaperStage,
)


class PolicyFileError(ValueError):
    pass


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise PolicyFileError(f"{where}: bad time {value!r} (expected HH:MM)") from None


def _days(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PolicyFileError(f"{where}: expected a whole number of working days, got {value!r}")
    return value


def _policy(base: Policy, data: Any, where: str) -> Policy:
    if not isinstance(data, dict):
        raise PolicyFileError(f"{where}: expected a mapping")
    known = {
        "remind_before",
        "remind_on_the_day",
        "overdue_every",
        "office_hours",
        "escalation",
        "overdue_taper",
        "stop_after_top_escalation",
        "leader_digest",
        "extensions",
        "deadline_off_day_to_next_working_day",
        "progress_report_every",
    }
    unknown = set(data) - known
    if unknown:
        raise PolicyFileError(f"{where}: unknown keys {sorted(unknown)}")
    policy = base
    if "remind_before" in data:
        offsets = data["remind_before"]
        if not isinstance(offsets, list):
            raise PolicyFileError(f"{where}.remind_before: expected a list")
        days = [_days(v, f"{where}.remind_before[{i}]") for i, v in enumerate(offsets)]
        policy = replace(policy, remind_before=tuple(sorted(set(days), reverse=True)))
    if "remind_on_the_day" in data:
        policy = replace(policy, remind_on_the_day=bool(data["remind_on_the_day"]))
    if "overdue_every" in data:
        every = _days(data["overdue_every"], f"{where}.overdue_every")
        if every < 1:
            raise PolicyFileError(f"{where}.overdue_every: must be at least 1")
        policy = replace(policy, overdue_every=every)
    if "office_hours" in data:
        hours = data["office_hours"] or {}
        start = _time(hours.get("start"), f"{where}.office_hours.start")
        end = _time(hours.get("end"), f"{where}.office_hours.end")
        if start >= end:
            raise PolicyFileError(f"{where}.office_hours: start must be before end")
        policy = replace(policy, office_start=start, office_end=end)
    if "escalation" in data:
        steps = []
        for i, step in enumerate(data["escalation"] or []):
            at = f"{where}.escalation[{i}]"
            try:
                audience = Audience(step["audience"])
                steps.append(
                    EscalationStep(
                        int(step["level"]), _days(step["after"], f"{at}.after"), audience
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise PolicyFileError(
                    f"{at}: needs level, after and audience (unit, parent, leader): {exc}"
                ) from None
        levels = [s.level for s in steps]
        if levels != sorted(set(levels)):
            raise PolicyFileError(f"{where}.escalation: levels must be distinct and in order")
        policy = replace(policy, escalation=tuple(steps))
    if "overdue_every" in data and "overdue_taper" not in data:
        policy = replace(policy, overdue_taper=())  # a plain step replaces an inherited taper
    if "overdue_taper" in data:
        policy = replace(policy, overdue_taper=_taper(data["overdue_taper"], where))
    if "stop_after_top_escalation" in data:
        policy = replace(policy, stop_after_top_escalation=bool(data["stop_after_top_escalation"]))
    if "leader_digest" in data:
        policy = replace(policy, leader_digest=_leader_digest(data["leader_digest"], where))
    if "extensions" in data:
        policy = replace(policy, extensions=_extensions(data["extensions"], where))
    if "deadline_off_day_to_next_working_day" in data:
        policy = replace(
            policy,
            deadline_off_day_to_next_working_day=bool(data["deadline_off_day_to_next_working_day"]),
        )
    if "progress_report_every" in data:
        every = data["progress_report_every"]
        if every is not None:
            every = _days(every, f"{where}.progress_report_every")
            if every < 1:
                raise PolicyFileError(f"{where}.progress_report_every: must be at least 1")
        policy = replace(policy, progress_report_every=every)
    return policy


def _taper(data: Any, where: str) -> tuple[TaperStage, ...]:
    """`[{every: 2, for: 10}, {every: 5}]`: each stage's step and span in working days;
    every stage but the last needs its span."""
    at = f"{where}.overdue_taper"
    if not isinstance(data, list) or not data:
        raise PolicyFileError(f"{at}: expected a list of stages ({{every: N, for: M}})")
    stages = []
    for i, stage in enumerate(data):
        if not isinstance(stage, dict) or "every" not in stage or set(stage) - {"every", "for"}:
            raise PolicyFileError(f"{at}[{i}]: expected {{every: N}} or {{every: N, for: M}}")
        every = _days(stage["every"], f"{at}[{i}].every")
        span = _days(stage["for"], f"{at}[{i}].for") if stage.get("for") is not None else None
        if every < 1 or (span is not None and span < 1):
            raise PolicyFileError(f"{at}[{i}]: every and for must be at least 1")
        if span is None and i < len(data) - 1:
            raise PolicyFileError(f"{at}[{i}]: only the last stage may go on without 'for'")
        stages.append(TaperStage(every, span))
    return tuple(stages)


def _leader_digest(value: Any, where: str) -> str:
    """`weekly` or `off` (YAML reads a bare `off` as false)."""
    choice = OFF if value is False else value
    if choice not in CHOICES:
        raise PolicyFileError(f"{where}.leader_digest: expected weekly or off, got {value!r}")
    return str(choice)


def _extensions(data: Any, where: str) -> ExtensionLimits:
    """`{max_count: 2, max_working_days: 30}`; either may be left out (no limit)."""
    at = f"{where}.extensions"
    if not isinstance(data, dict) or set(data) - {"max_count", "max_working_days"}:
        raise PolicyFileError(f"{at}: expected max_count and/or max_working_days")
    count, days = data.get("max_count"), data.get("max_working_days")
    return ExtensionLimits(
        max_count=None if count is None else _days(count, f"{at}.max_count"),
        max_working_days=None if days is None else _days(days, f"{at}.max_working_days"),
    )


def read_policies(path: Path) -> Policies:
    try:
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyFileError(f"{path.name}: cannot read the policy file: {exc}") from exc
    default = _policy(Policy(), tree.get("default", {}), f"{path.name}: default")
    by_priority = {
        name: _policy(default, data, f"{path.name}: priorities.{name}")
        for name, data in (tree.get("priorities") or {}).items()
    }
    return Policies(default=default, by_priority=by_priority)
