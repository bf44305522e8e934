"""Where the deliverer's messages are built: delivery's one speed-up, in one place.

Building a message (the email package: MIME parts, headers, then flattening) costs more
CPU than sending it. For a big batch on a machine with cores to spare, `Builders` builds
the messages in a few worker processes, a chunk of rows each, while this process sends
those already built; otherwise, and whenever no worker can be had or one dies, here.

Kept because `bench/delivery.py` shows it pays where a core is free (bench/RESULTS.md,
delivery): 2,000 messages on 2 cores, 246 msg/s against 154 built in one process; on a
machine whose cores were all busy, nothing. Left out: claiming the next batch before this
one is sent, so that the workers build it meanwhile (two batches claimed at once; each
batch now waits for its first chunk instead), and a cache of the standard library's header
classes (+4 % in the bench, within its noise).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncGenerator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from engine.mail.message import message_from_outbox
from engine.mail.sender import Outgoing, SendResult, prepare
from engine.settings import Settings
from engine.store.tables import OutboxRow
from engine.workers import start_method, start_pool, stop_pool

#: from this many rows in the first batch, messages are built in worker processes
BUILD_IN_PROCESSES_FROM = 200
CHUNK = 50  # rows per job for a worker process

Built = list[tuple[int, Outgoing | str]]  # each row's message, or why it cannot be built


class Builders:
    """Builds each batch's messages, in worker processes or here (see the module).

    `workers`: how many processes (0: none; None: decided by the size of the first batch
    and the number of cores). `close()` stops them; none outlives it.
    """

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._started = False

    async def messages(
        self, rows: Sequence[OutboxRow], unbuildable: list[SendResult]
    ) -> AsyncGenerator[tuple[int, Outgoing], None]:
        """Each row's message as soon as it is built, in the order of `rows`; a row whose
        message cannot be built goes to `unbuildable`, failed for good (trying again
        would build it the same way)."""
        if not self._started:  # the first batch decides
            self._started = True
            workers = _workers_for(len(rows)) if self.workers is None else self.workers
            if workers > 0:
                self._pool = start_pool(workers, preload=[__name__])  # None: build here
        for chunk, building in self._start(rows):
            built: Built | None = None
            if building is not None:
                try:
                    built = await building
                except BrokenProcessPool:  # build this chunk here
                    built = None
            for row_id, message in built or self._build_here(chunk):
                if isinstance(message, str):
                    unbuildable.append(SendResult(row_id, ok=False, permanent=True, error=message))
                else:
                    yield row_id, message
                if building is None:
                    await asyncio.sleep(0)  # let the sends of the messages before go on

    def close(self) -> None:
        if self._pool is not None:
            stop_pool(self._pool)
            self._pool = None

    def _start(
        self, rows: Sequence[OutboxRow]
    ) -> list[tuple[Sequence[OutboxRow], asyncio.Future[Built] | None]]:
        """The batch in chunks, each handed to a worker process; one chunk to build here
        when there is no pool, or no worker to be had now."""
        if self._pool is None:
            return [(rows, None)]
        loop = asyncio.get_running_loop()
        chunks: list[tuple[Sequence[OutboxRow], asyncio.Future[Built] | None]] = []
        try:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                data = [row.model_dump() for row in chunk]
                office, sender = self.settings.office_name, self.settings.mail_from
                chunks.append(
                    (chunk, loop.run_in_executor(self._pool, _build_chunk, data, office, sender))
                )
        except (OSError, RuntimeError):
            for _, building in chunks:
                if building is not None:
                    building.cancel()
            return [(rows, None)]
        return chunks

    def _build_here(self, rows: Sequence[OutboxRow]) -> Iterator[tuple[int, Outgoing | str]]:
        for row in rows:
            yield _id(row), build(row, self.settings.office_name, self.settings.mail_from)


def build(
    row: OutboxRow, office_name: str, mail_from: str, *, flat: bool = False
) -> Outgoing | str:
    """The row's message (flattened ahead when `flat`), or why it cannot be built."""
    try:
        message = message_from_outbox(row, office_name, mail_from)
        return prepare(message) if flat else message
    except (ValueError, TypeError, IndexError) as exc:
        return f"không tạo được thư / cannot build the message: {exc}"


def _build_chunk(rows: list[dict[str, Any]], office_name: str, mail_from: str) -> Built:
    """In a worker process: build and flatten each row's message (bytes travel back)."""
    built = (OutboxRow(**data) for data in rows)
    return [(_id(row), build(row, office_name, mail_from, flat=True)) for row in built]


def _workers_for(rows: int) -> int:
    """Worker processes for a first batch of `rows`: some for a big batch on several cores
    where worker processes start cheaply (forkserver: not on Windows), else none."""
    cores = os.cpu_count() or 1
    cheap = start_method() == "forkserver"
    return min(cores, 4) if cheap and cores > 1 and rows >= BUILD_IN_PROCESSES_FROM else 0


def _id(row: OutboxRow) -> int:
    assert row.id is not None
    return row.id
