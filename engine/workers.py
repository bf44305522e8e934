"""Worker processes: the one way dondoc starts a pool of them, and stops it.

Two services hand CPU-bound work to other processes: delivery builds a big batch's mail in
a few, the monthly review makes its PDF in one. Both start and stop their pool here, so
that how a worker starts, what it has loaded, what happens when none can be had and how
the pool ends are decided once. Whether a pool pays its way is the caller's to decide.

How the processes live and end (CPython 3.11):

- A worker is forked from the forkserver, a clean process that has imported the
  `preload` modules: not from a fork of the caller, with its threads and database
  connections. Where there is no forkserver (Windows), a worker is spawned: a new
  interpreter that imports what it needs itself.
- The forkserver is one per process, started with the first pool that needs it and
  shared by every later one. It, and multiprocessing's resource tracker started with it,
  stay for the caller's lifetime by design and exit when the caller does (the pipe they
  wait on closes). The preload is read when the forkserver starts: a later pool's
  preload is not loaded there, and its workers import what they need on first use
  (slower, the same result).
- The workers are children of the forkserver, not of the caller (which still lists them
  in `multiprocessing.active_children()`). `stop_pool` reaps them: once it returns, none
  of the pool's workers is left. A pool not stopped is reaped at the caller's normal
  exit, before the forkserver goes. A caller killed outright (SIGKILL), which Python's
  pools do not see, is noticed by each worker itself (`watch_caller`: within
  `WATCH_EVERY` seconds); once the workers are gone, the forkserver and the resource
  tracker end too.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

#: how often a worker looks whether the process that started its pool is still there
WATCH_EVERY = 0.5


def start_method() -> str:
    """How a worker starts here: "forkserver" (cheap) where the platform has it, else
    "spawn" (a new interpreter per worker)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def start_pool(workers: int, preload: Sequence[str] = ()) -> ProcessPoolExecutor | None:
    """A pool of up to `workers` worker processes, or None when none can be had: this
    process is a daemon (a daemon may have no children), `workers` is not a number of
    processes the platform takes, or the platform has no processes to give.

    The workers themselves start with the first jobs submitted; a submit can still fail
    (OSError, RuntimeError), and a worker can die (BrokenProcessPool): the caller then
    does the work itself. `preload`: the modules the forkserver imports when it starts.
    """
    if multiprocessing.current_process().daemon:
        return None
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(preload))
    try:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=watch_caller,
            initargs=(os.getpid(),),
        )
    except (OSError, ValueError):
        return None


def watch_caller(caller: int) -> None:
    """In a worker: end this process as soon as `caller`, the process that started the
    pool, is gone (killed outright: Python's pools do not see it, and their workers would
    wait on their queue for ever)."""

    def watch() -> None:
        while alive(caller):
            time.sleep(WATCH_EVERY)
        os._exit(0)

    threading.Thread(target=watch, name="dondoc-watch-caller", daemon=True).start()


def alive(pid: int) -> bool:
    """Whether process `pid` is running (a zombie, dead but not yet reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc here: the signal said it is there
        return True
    return state not in ("Z", "X")


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop `pool`: the jobs not yet handed to a worker are cancelled, those handed over
    are finished, and the workers are reaped: none of them outlives the call."""
    pool.shutdown(wait=True, cancel_futures=True)
