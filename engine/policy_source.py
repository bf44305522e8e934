"""Read the reminder and escalation policy file; errors name the entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from engine.domain.policy import Audience, EscalationStep, Policies, Policy


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
    known = {"remind_before", "remind_on_the_day", "overdue_every", "office_hours", "escalation"}
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
    return policy


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
