"""Real Prefect processes for the server tests: a server, workers, `make prefect`'s script.

Every process is started in its own process group (the script starts the server and the
worker in sessions of their own: `stop_tree` reaches them too) and stopped at teardown;
on a failure the assertion message carries the tail of their logs.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from prefect.client.orchestration import PrefectClient

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
STARTUP_TIMEOUT = 120  # the first start migrates the server's database: 7-23 s here

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_environment() -> dict[str, str]:
    """This process's environment without any Prefect or dondoc setting: the processes
    started here see only what the test gives them."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DONDOC_"))}


def tail(name: str, log: Path, lines: int = 60) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return f"--- {name} ({log}) ---\n" + "\n".join(text.splitlines()[-lines:])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 60) -> str:
        return tail(self.name, self.log, lines)

    def stop(self, first: signal.Signals = signal.SIGTERM) -> None:
        """Stop the process and what it started in its process group: `first` (SIGTERM;
        SIGINT for a Prefect worker, which stops itself on that alone), then SIGKILL for
        whatever is left after a grace period."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, first)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(15)
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(5)


def start(name: str, args: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(name, popen, log)


# -- process trees (Linux /proc) ------------------------------------------------------------

#: a process as /proc knows it: its pid and its start time (a pid alone may be reused)
Pid = tuple[int, int]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()  # after "pid (command)": field 3 on
    return fields[0], int(fields[1]), int(fields[19])


def descendants(pid: int) -> set[Pid]:
    """Every process below `pid`, whatever session it started for itself."""
    children: dict[int, list[Pid]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[1], []).append((int(entry.name), stat[2]))
    found: set[Pid] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child[0])
    return found


def alive(processes: set[Pid]) -> set[Pid]:
    """Those still running (a zombie has finished: only its exit status is left)."""
    return {
        (pid, started)
        for pid, started in processes
        if (stat := _stat(pid)) is not None and stat[0] != "Z" and stat[2] == started
    }


def kill(processes: set[Pid]) -> None:
    for pid, _ in alive(processes):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_all(processes: Iterable[tuple[Process, signal.Signals]]) -> set[Pid]:
    """Stop each process in the order given with its own first signal (SIGINT for a
    worker), then SIGKILL whatever of their trees outlived that: what a process started
    in a session of its own (a worker's flow runs) is out of reach of the group's SIGKILL.
    Returns what was still running 5 s after the last stop: the orphans the stops left."""
    processes = list(processes)
    trees: set[Pid] = set()
    for process, _ in processes:
        trees |= descendants(process.popen.pid)
    for process, first in processes:
        process.stop(first)
    deadline = time.monotonic() + 5  # the group's SIGKILL lands in a moment
    while (left := alive(trees)) and time.monotonic() < deadline:
        time.sleep(0.1)
    kill(left)
    return left


def stop_tree(process: Process, seen: Iterable[Pid] = ()) -> None:
    """Stop a process that starts others in sessions of their own (`make prefect`'s script):
    SIGTERM to it, and SIGKILL to whatever of its tree (and of `seen`, its tree earlier)
    outlives the grace period."""
    tree = descendants(process.popen.pid) | set(seen)
    process.stop()
    kill(tree)


# -- a server ---------------------------------------------------------------------------------


def offline_environment(home: Path, url: str) -> dict[str, str]:
    """What `make prefect` gives a Prefect process (STACK.md): its own home, the local
    server, no analytics."""
    return base_environment() | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "DO_NOT_TRACK": "1",
        "PWD": str(ROOT),  # prefect.yaml's pull step is `{{ $PWD }}`: deploy from the root
    }


@dataclass
class PrefectServer:
    """A running Prefect server at `url`, and the processes around it."""

    url: str
    env: dict[str, str]
    logs: Path
    processes: list[Process] = field(default_factory=list)
    #: logs written by something other than a process started here (the script's server)
    other_logs: dict[str, Path] = field(default_factory=dict)

    def report(self, *extra: object) -> str:
        """What to read when something went wrong: the logs of every process."""
        return "\n".join(
            [
                *(str(x) for x in extra),
                *(p.tail() for p in self.processes),
                *(tail(name, log) for name, log in self.other_logs.items()),
            ]
        )

    def prefect(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(
            [PREFECT, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(self.report(f"prefect {' '.join(args)}:", done.stdout, done.stderr))

    def client(self) -> PrefectClient:
        return PrefectClient(api=self.url)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False


def wait_for(
    server: PrefectServer,
    what: str,
    check: Callable[[], T | None],
    timeout: float,
    *watched: Process,
) -> T:
    """Poll `check` until it gives something; fail with the logs when a watched process
    stops first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.popen.poll() is not None for p in watched):
            pytest.fail(server.report(f"stopped while waiting for {what}"))
        if (found := check()) is not None:
            return found
        time.sleep(0.5)
    pytest.fail(server.report(f"no {what} in {timeout} s"))


def worker_command(pool: str, *options: str) -> list[str]:
    """`prefect worker start` on `pool`. SIGINT stops a worker, and a process started from
    a background job inherits it ignored: the worker gets its default back (as
    scripts/prefect-local.sh does). Stop it with `Process.stop(signal.SIGINT)`."""
    return ["env", "--default-signal=INT", PREFECT, "worker", "start", "--pool", pool, *options]


def wait_until_healthy(server: PrefectServer, process: Process) -> None:
    wait_for(server, "answer from the server", lambda: server.healthy() or None,
             STARTUP_TIMEOUT, process)  # fmt: skip


@contextlib.contextmanager
def deployed_server(home: Path, *deployments: str) -> Iterator[PrefectServer]:
    """`prefect server start` on a free port with its own PREFECT_HOME, the dondoc process
    pool, and `prefect deploy` of each of `deployments` from prefect.yaml; stopped after."""
    url = f"http://127.0.0.1:{free_port()}/api"
    env = offline_environment(home, url)
    server = PrefectServer(url, env, home)
    port = url.rsplit(":", 1)[1].removesuffix("/api")
    process = start(
        "server", [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", port], env, home
    )
    server.processes.append(process)
    try:
        wait_until_healthy(server, process)
        server.prefect("work-pool", "create", "dondoc", "--type", "process")
        for name in deployments:
            server.prefect("--no-prompt", "deploy", "--name", name)
        yield server
    finally:
        for p in reversed(server.processes):
            p.stop()
