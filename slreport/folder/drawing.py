"""Drawing a report folder's charts, in worker processes beside this one where there are cores.

matplotlib draws in Python, one chart at a time, ≈0.1 s per format of a chart: a folder of 30
charts (png files, and svg for report.html) is seconds of one core. The charts do not depend on
each other, so on Linux ``Drawing`` forks workers that draw while this process writes the JSON
and the tables, then draws beside them. Forked, a worker has the charts and matplotlib already;
only the bytes it drew come back (pickled, through a pipe).

- Work is shared as it goes: the chart numbers wait in a pipe and each process reads the next
  (a read of 4 bytes from a pipe is atomic), so a slow chart or a busy core delays no one else.
- Same bytes as drawing here: a worker runs the same code on the same charts, and the order of
  drawing does not change a chart (tests/test_reports_charts.py checks).
- Nothing is lost and nothing is left: a worker that fails (or is killed) draws nothing into the
  folder, and what it took is drawn here again, so an error is raised here, as without workers.
  A worker only draws: it never writes a file, runs none of this process's clean-up (it ends with
  ``os._exit``), dies on a stop signal (default action) and with this process (PR_SET_PDEATHSIG:
  it holds a copy of the folder's lock), and this process kills and reaps the workers on any
  error or stop signal.
- One process where forking is not safe or not worth it: not Linux, one usable core, a few
  charts (``MIN_CHARTS_PER_WORKER``), or ``SLREPORT_CHART_WORKERS=1``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from slreport.errors import UsageError
from slreport.interrupts import STOP_SIGNALS as _STOP_SIGNALS

if TYPE_CHECKING:
    from slreport.folder.figures import Chart

MAX_WORKERS = 4  # processes drawing, this one included
MIN_CHARTS_PER_WORKER = 4  # forking costs ≈10 ms; a chart ≈100 ms
WORKER_GRACE_S = 60.0  # once no chart is left to take, to send what a worker drew
WORKERS_ENV = "SLREPORT_CHART_WORKERS"  # a number of processes (1: draw here only)
_INDEX_BYTES = 4
_PR_SET_PDEATHSIG = 1

Job = tuple["Chart", Sequence[str]]  # a chart and the formats to draw it in


def workers(n_charts: int) -> int:
    """How many processes draw ``n_charts`` charts, this one included."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    limit = wanted_workers() or min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    return max(1, min(limit, n_charts // MIN_CHARTS_PER_WORKER))


def wanted_workers() -> int | None:
    """``SLREPORT_CHART_WORKERS``: how many processes draw (1: this one only); None when unset."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{WORKERS_ENV}={raw!r} is not a number of processes",
                         "set it to 1 (charts drawn in one process) or more, or unset it")
    return int(raw)


@contextlib.contextmanager
def drawing(jobs: list[Job]) -> Iterator[Drawing]:
    """Start drawing ``jobs`` in workers; the block does other work and calls ``finish`` for the
    charts. Leaving the block early (an error, a stop signal) stops the workers."""
    work = Drawing(jobs)
    work.start()
    try:
        yield work
        work.finish()
    finally:
        work.stop()


class Drawing:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.n = workers(len(jobs))
        self.tasks: int | None = None  # read end of the pipe of chart numbers
        self.children: dict[int, int] = {}  # pid → read end of its results pipe

    def start(self) -> None:
        if self.n <= 1:
            return
        read, write = os.pipe()
        numbers = b"".join(i.to_bytes(_INDEX_BYTES, "little") for i in range(len(self.jobs)))
        try:
            if not _fits(write, len(numbers)):  # a write would wait for a reader that never comes
                os.close(read)
                self.n = 1
                return
            os.write(write, numbers)
        finally:
            os.close(write)  # once the numbers are read, the next read says so (end of file)
        self.tasks = read
        for _ in range(self.n - 1):
            self._fork()

    def _fork(self) -> None:
        assert self.tasks is not None
        results, out = os.pipe()
        parent = os.getpid()
        # No stop signal between the fork and the worker's own handlers (it would run this
        # process's handler, and its clean-up, in the worker).
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            with warnings.catch_warnings():
                # Python ≥ 3.12 warns of any thread (pyarrow's idle pool): a worker uses none.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # the worker: draws, sends the bytes, never returns
                code = 1
                try:
                    os.close(results)
                    code = _worker(self.jobs, self.tasks, out, parent, blocked)
                finally:
                    os._exit(code)
            self.children[pid] = results  # known before a stop signal can raise here
            os.close(out)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def finish(self) -> None:
        """Every chart drawn: this process draws beside the workers until no chart is left,
        takes what they drew, and draws again what a failed worker did not send."""
        if self.tasks is not None:
            for index in _numbers(self.tasks):
                chart, fmts = self.jobs[index]
                chart.prepare(fmts)
            deadline = time.monotonic() + WORKER_GRACE_S
            for pid, fd in list(self.children.items()):
                data = _received(fd, pid, deadline)
                del self.children[pid]  # never killed once reaped (its number may be reused)
                os.close(fd)
                for index, formats in _drawn(data, pid).items():
                    self.jobs[index][0].keep(formats)
            os.close(self.tasks)
            self.tasks = None
        for chart, fmts in self.jobs:  # all of them without workers; else what a failed one took
            chart.prepare(fmts)

    def stop(self) -> None:
        """Kill and reap the workers still running (after an error or a stop signal)."""
        for pid, fd in self.children.items():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(ChildProcessError, InterruptedError):
                os.waitpid(pid, 0)
        self.children.clear()
        if self.tasks is not None:
            os.close(self.tasks)
            self.tasks = None


def _worker(jobs: list[Job], tasks: int, out: int, parent: int, blocked: Any) -> int:
    for signum in _STOP_SIGNALS:  # a stop signal ends a worker at once (an ignored one stays ignored)
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _die_with(parent)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    drawn = {}
    for index in _numbers(tasks):
        chart, fmts = jobs[index]
        drawn[index] = chart.prepare(fmts)
    data = pickle.dumps(drawn, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(out, "wb") as pipe:
        pipe.write(data)
    return 0


def _die_with(parent: int) -> None:
    """The kernel kills this worker when the process that forked it ends, however it ends."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before that was set
        os._exit(1)


def _numbers(tasks: int) -> Iterator[int]:
    """The next chart numbers from the shared pipe, until none is left."""
    while chunk := os.read(tasks, _INDEX_BYTES):
        yield int.from_bytes(chunk, "little")


def _received(fd: int, pid: int, deadline: float) -> bytes:
    """What the worker ``pid`` sends until it ends; it is killed if that is not by ``deadline``."""
    chunks: list[bytes] = []
    while select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
        if not (chunk := os.read(fd, 1 << 20)):
            return b"".join(chunks)
        chunks.append(chunk)
    os.kill(pid, signal.SIGKILL)  # stuck: the charts it took are drawn here instead
    return b""


def _drawn(data: bytes, pid: int) -> dict[int, dict[str, bytes]]:
    """The charts the ended worker ``pid`` drew (reaped here); none if it failed or was killed."""
    _, status = os.waitpid(pid, 0)
    if not data or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return {}
    try:
        drawn: dict[int, dict[str, bytes]] = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, ValueError):
        return {}
    return drawn


def _fits(pipe: int, size: int) -> bool:
    """Whether the pipe holds ``size`` bytes (64 KiB by default: 16 384 chart numbers), made
    larger if need be (up to /proc/sys/fs/pipe-max-size, 1 MiB by default)."""
    import fcntl

    get_size, set_size = getattr(fcntl, "F_GETPIPE_SZ", 1032), getattr(fcntl, "F_SETPIPE_SZ", 1031)
    try:
        if fcntl.fcntl(pipe, get_size) < size:
            fcntl.fcntl(pipe, set_size, size)
        return bool(fcntl.fcntl(pipe, get_size) >= size)
    except OSError:
        return False
