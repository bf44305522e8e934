"""What became of one mail, recipient by recipient.

A mail goes to several people (To and Cc) in one SMTP transaction, and the server answers
each RCPT TO on its own: one address may be refused for good (550), another for now (451),
while the rest are taken. Each recipient's state is kept (`sent`, `pending`, `failed`), and
the next attempt goes to those still pending alone, with the same Message-ID: nobody gets
the mail twice, and nobody refused is taken for served.

Pure: the deliverer hands in what the server answered and stores what comes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SENT, PENDING, FAILED = "sent", "pending", "failed"

Recipients = dict[str, dict[str, str]]  # address (lower case) -> {"status", "reply"}


@dataclass(frozen=True)
class Answer:
    """The server's answer to one attempt: `taken` when it took the message for at least
    one recipient; else `permanent` says whether the whole attempt failed for good. `refused`:
    per address (lower case), whether its refusal at RCPT TO is permanent, and the reply."""

    taken: bool
    permanent: bool = False
    error: str = ""
    refused: Mapping[str, tuple[bool, str]] | None = None


@dataclass(frozen=True)
class Outcome:
    status: str  # the row's: sent (everyone has it), pending (someone to try again), failed
    attempts: int
    recipients: Recipients
    error: str  # what went wrong in this attempt ("" when nothing did)
    delivered: tuple[str, ...]  # addresses that got the mail in this attempt
    failed: tuple[str, ...]  # addresses that failed for good in this attempt


def addresses(to: str, cc: Iterable[str]) -> list[str]:
    """Everyone a mail is for, lower case, each once, To first."""
    out: list[str] = []
    for address in (to, *cc):
        folded = address.strip().lower()
        if folded and folded not in out:
            out.append(folded)
    return out


def envelope(to: str, cc: Iterable[str], recipients: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Who the next attempt goes to: everyone before the first attempt, then those still
    pending (a recipient served or failed for good is not written to again); when nobody
    is pending (a failed mail put back in line by hand), those who did not get it."""
    if not recipients:
        return addresses(to, cc)
    pending = [a for a, state in recipients.items() if state.get("status") == PENDING]
    return pending or [a for a, state in recipients.items() if state.get("status") != SENT]


def outcome(
    recipients: Mapping[str, Mapping[str, str]],
    sent_to: Sequence[str],
    answer: Answer,
    attempts: int,
    max_attempts: int,
) -> Outcome:
    """The mail's state after an attempt to `sent_to` (lower case) answered by `answer`,
    given the recipients' states before it and the attempts made before it.

    1. Each address of the attempt: refused at RCPT TO -> failed (5xx) or pending (4xx),
       with its reply; else taken -> sent; else the whole attempt's fate.
    2. An attempt that left anyone unserved counts as an attempt; when it was the last one
       allowed (`max_attempts`), whoever is still pending fails for good.
    3. The row is pending while anyone is, else failed when anyone failed, else sent.
    """
    states: Recipients = {a: dict(s) for a, s in recipients.items()}
    refused = answer.refused or {}
    delivered: list[str] = []
    problems: list[str] = []
    for address in sent_to:
        if address in refused:
            permanent, reply = refused[address]
            states[address] = {"status": FAILED if permanent else PENDING, "reply": reply}
            problems.append(reply)
        elif answer.taken:
            states[address] = {"status": SENT, "reply": "250"}
            delivered.append(address)
        else:
            status = FAILED if answer.permanent else PENDING
            states[address] = {"status": status, "reply": answer.error}
    if not answer.taken:
        problems = [answer.error] if answer.error else problems
    unserved = len(delivered) < len(sent_to)
    attempts += 1 if unserved else 0
    if attempts >= max_attempts:
        for state in states.values():
            if state["status"] == PENDING:
                state["status"] = FAILED
    failed = tuple(a for a in sent_to if states[a]["status"] == FAILED)
    statuses = {state["status"] for state in states.values()}
    status = PENDING if PENDING in statuses else FAILED if FAILED in statuses else SENT
    return Outcome(status, attempts, states, "; ".join(problems), tuple(delivered), failed)
