"""The instant a command or a flow run acts at, from what a person gave: nothing (now),
an instant, or a day. `dondoc --as-of/--at` and the flows' `as_of`/`at` fields read it
the same way."""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from engine.intake.schema import parse_date


def read_instant(text: str) -> datetime:
    """An instant from text: ISO 8601 (2026-01-21T09:00, a zone optional), or a day
    (21/01/2026 or 2026-01-21) meaning its last instant, so that all of that day counts.
    Without a zone the result is naive: `act_at` reads it in the office's zone.
    Raises ValueError."""
    text = text.strip()
    if "T" in text or " " in text:
        return datetime.fromisoformat(text)
    day = parse_date(text)
    if day is None:
        raise ValueError("no date or time given")
    return datetime.combine(day, time.max)


def act_at(given: str | datetime | None, zone: tzinfo, now: datetime) -> datetime:
    """The instant to act at: `now` when nothing is given, else the given instant (text
    as `read_instant` reads it), in the office's `zone` when it has none of its own.
    Raises ValueError on text that is no instant."""
    if given is None or given == "":
        return now
    at = read_instant(given) if isinstance(given, str) else given
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)
