"""Worker processes: none outlives the service that started it, nor its parent's exit.

What stays by design: multiprocessing's forkserver and resource tracker, one each per
process, started with the first pool and shared by every later one, until their parent
exits (see `engine.workers`). The workers are the forkserver's children: a worker left
behind shows up below it.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from engine.services import mail_builders
from engine.services.delivery import deliver
from engine.services.mail_builders import BUILD_IN_PROCESSES_FROM
from engine.services.review import _DocumentWorkers
from engine.workers import start_method, start_pool
from tests.conftest import make_app
from tests.prefect_processes import ROOT, Pid, alive, descendants
from tests.smtp_server import SmtpServer
from tests.test_delivery import NOW, insert, outbox_row, with_mail

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table in /proc (Linux)"
)

#: how multiprocessing's own helpers are started (the workers forked from the forkserver
#: keep its command line)
HELPERS = (
    b"from multiprocessing.forkserver import",
    b"from multiprocessing.resource_tracker import",
)


def _helper(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return any(mark in command for mark in HELPERS)


def left_behind(parent: int, before: set[Pid]) -> set[Pid]:
    """The processes running below `parent` that were not `before`, but for the helpers
    that stay by design; whatever runs below those (a worker) is not spared."""
    now = alive(descendants(parent))
    helpers = {p for p in now if _helper(p[0])}
    below_helpers = alive(set().union(*(descendants(pid) for pid, _ in helpers)))
    return ((now - helpers) | below_helpers) - before


def _children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def test_a_delivery_built_in_worker_processes_leaves_none_of_them_running(
    sqlite_url: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = with_mail(make_app(sqlite_url), smtp_server)
    insert(app, *(outbox_row(n) for n in range(1, BUILD_IN_PROCESSES_FROM + 1)))
    pools: list[ProcessPoolExecutor] = []  # kept: its end must be deliver's, not the collector's
    workers: list[int] = []

    def pool_noting_a_worker(count: int, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
        pool = start_pool(count, preload)
        assert pool is not None
        pools.append(pool)
        workers.append(pool.submit(os.getpid).result())
        return pool

    monkeypatch.setattr(mail_builders, "start_pool", pool_noting_a_worker)
    me, before, children_before = os.getpid(), alive(descendants(os.getpid())), _children()
    try:
        # a first batch this big is built in worker processes wherever it pays; two of
        # them here whatever the number of cores
        assert deliver(app, now=NOW, build_workers=2).sent == BUILD_IN_PROCESSES_FROM
    finally:
        app.engine.dispose()

    [worker] = workers
    assert worker not in {pid for pid, _ in alive(descendants(me))}
    assert _children() <= children_before
    assert left_behind(me, before) == set()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the PDF is made in-process")
def test_the_reviews_pdf_worker_is_gone_once_closed() -> None:
    me, before, children_before = os.getpid(), alive(descendants(os.getpid())), _children()
    worker = _DocumentWorkers()
    try:
        assert worker.pool is not None
        pdf = worker.pdf("<p>Báo cáo tháng 12/2025</p>")()
    finally:
        worker.close()

    assert pdf.startswith(b"%PDF")
    assert _children() <= children_before
    assert left_behind(me, before) == set()


#: a process that starts a pool, uses it, says the pids of itself and its workers, and
#: exits normally once told to, without stopping the pool
NOT_STOPPED = """
import os, sys
from engine.workers import start_pool
pool = start_pool(2, preload=["engine.workers"])
futures = [pool.submit(os.getpid) for _ in range(2)]
print(os.getpid(), *{f.result() for f in futures}, flush=True)
sys.stdin.read()
"""


def test_no_process_outlives_its_parents_normal_exit_not_even_a_pool_left_running() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", NOT_STOPPED],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:  # on the way out, its stdin closes: it exits
        assert parent.stdin is not None
        assert parent.stdout is not None
        pid, *workers = (int(n) for n in parent.stdout.readline().split())
        family = alive(descendants(pid))  # the workers, the forkserver, the resource tracker
        assert set(workers) <= {p for p, _ in family}
        parent.stdin.close()
        assert parent.wait(timeout=60) == 0

    deadline = time.monotonic() + 10  # the helpers see their pipe close, and exit
    while alive(family) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(family) == set()


def _pool_in_a_daemon(out: Any) -> None:
    out.put(start_pool(2) is None)


def test_a_daemon_process_is_given_no_pool_since_it_may_have_no_children() -> None:
    context = multiprocessing.get_context(start_method())
    out = context.Queue()
    daemon = context.Process(target=_pool_in_a_daemon, args=(out,), daemon=True)
    daemon.start()
    try:
        assert out.get(timeout=60) is True
    finally:
        daemon.join(timeout=60)
    assert daemon.exitcode == 0


def test_a_pool_of_no_workers_is_none() -> None:
    assert start_pool(0) is None
