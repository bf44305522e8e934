"""Render one mail (subject, plain text, HTML) from templates/mail/<lang>/<kind>/.

One Jinja environment for every mail: HTML autoescaped, undefined names fail loudly,
and each kind is given exactly the context `KINDS` promises, no more and no less.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine import i18n, presenters, templating
from engine.mail.context import KINDS, NO_LINKS
from engine.templating import environment

TEMPLATES = templating.TEMPLATES / "mail"
LANGUAGES = ("vi", "en")
PARTS = ("subject.txt", "body.txt", "body.html")


def _long_date(day: date, lang: str) -> str:
    """'ngày 15 tháng 12 năm 2025' (vi) or '15 December 2025' (en): `{{ d|long_date("vi") }}`."""
    if lang not in LANGUAGES:
        raise ValueError(f"long_date: unknown language {lang!r}")
    return i18n.long_date(day, lang)


def _recurrence(rule: str, lang: str) -> str:
    """'Hằng tháng' / 'Monthly' for a recurrence rule: `{{ rule|recurrence("vi") }}`."""
    return i18n.pick(i18n.RECURRENCE[rule], lang)


def _lower_first(text: str) -> str:
    """'báo cáo Lãnh đạo Văn phòng …' from 'Báo cáo Lãnh đạo Văn phòng …', inside a
    sentence (`lower` would write 'lãnh đạo văn phòng')."""
    return text[:1].lower() + text[1:]


ENV = environment(
    "mail",
    filters={"long_date": _long_date, "recurrence": _recurrence, "lower_first": _lower_first},
)
# the task's texts come from the one presenter every front end uses
ENV.globals.update(
    due_text=presenters.due_text,
    deadline_prose=presenters.deadline_prose,
    escalation_text=presenters.escalation_text,
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def one_line(text: str) -> str:
    """Collapse all whitespace, newlines included: a subject must not smuggle in a header."""
    return " ".join(text.split())


def render(kind: str, lang: str, **context: object) -> Rendered:
    """The subject, text and HTML of one mail of `kind` in `lang` ("vi" or "en")."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}; known: {', '.join(KINDS)}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown mail language {lang!r}; known: {', '.join(LANGUAGES)}")
    context.setdefault("links", NO_LINKS)  # every kind may carry signed links
    expected = {"office", "recipient", "links", *KINDS[kind]}
    missing = sorted(expected - context.keys())
    unexpected = sorted(context.keys() - expected)
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected {', '.join(unexpected)}")
        raise ValueError(f"mail {kind!r}: {'; '.join(problems)}")
    subject, text, html = (
        ENV.get_template(f"{lang}/{kind}/{part}").render(context, lang=lang) for part in PARTS
    )
    subject = one_line(subject)
    if not subject:
        raise ValueError(f"mail {kind!r} ({lang}) rendered an empty subject")
    return Rendered(subject=subject, text=text.strip() + "\n", html=html)
