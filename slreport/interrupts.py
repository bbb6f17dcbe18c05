"""SIGTERM, SIGINT and SIGHUP stop a run cleanly, wherever it is, and are never lost.

A scheduler's SIGTERM (cron's ``timeout``, systemd), Ctrl-C or a closed terminal must unwind the
run like an error, so that every ``finally`` removes what it made (the scratch folder, a
partial report folder, a temporary rejects file), and must end the process with 128 + the
signal's number. Raising from the signal handler alone is not enough: Python swallows an
exception raised while a ``__del__`` or weakref callback runs (it only prints "Exception
ignored in …"), and DuckDB turns it into ``RuntimeError('Query interrupted')``. So the handler
also records the signal, and

- ``handled()`` turns any exception that ends a block after a signal into the signal's own;
- a swallowed one is raised again 10 ms later, from a SIGALRM timer (``sys.unraisablehook``);
- ``check()`` raises it at the points of no return (before a report is renamed into place),
  so a run that was told to stop never publishes, even if every raise above were lost.

Only the first signal raises: a second Ctrl-C or SIGTERM while the first unwinds is recorded and
does not interrupt the clean-up. Signals ignored when the process started (``nohup`` ignores
SIGHUP) stay ignored.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
REDELIVER_AFTER_S = 0.01


class Terminated(SystemExit):
    """The run was stopped by SIGTERM or SIGHUP; the process exits with 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


class _State:
    signum: int | None = None  # the first stop signal received
    redeliver = False  # the raise of that signal was swallowed: the timer raises it once more
    depth = 0  # nesting of handled() blocks
    previous: dict[int, Any] = {}
    hook: Any = None  # the unraisable hook handled() replaced


_state = _State()


def received() -> int | None:
    """The stop signal this process received inside ``handled()``, if any."""
    return _state.signum


def stop_exception(signum: int) -> BaseException:
    """What a stop signal raises: KeyboardInterrupt for SIGINT (as Python does), else Terminated."""
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def check() -> None:
    """Raise the stop signal's exception if one was received (a point of no return follows)."""
    if _state.signum is not None:
        raise stop_exception(_state.signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Stop signals raise inside this block (re-entrant; a no-op outside the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _state.depth == 0:
        _install()
    _state.depth += 1
    try:
        yield
    except Exception as exc:
        if _state.signum is not None:  # DuckDB's "Query interrupted" and the like: say what happened
            raise stop_exception(_state.signum) from exc
        raise
    finally:
        _state.depth -= 1
        if _state.depth == 0:
            _uninstall()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold stop signals back (a few renames that must happen together), then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, (*STOP_SIGNALS, signal.SIGALRM))  # and the redelivery
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _install() -> None:
    _state.signum, _state.redeliver = None, False
    _state.previous = {signal.SIGALRM: signal.signal(signal.SIGALRM, _redeliver)}
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue
        _state.previous[signum] = current
        signal.signal(signum, _handler)
    _state.hook, sys.unraisablehook = sys.unraisablehook, _unraisable


def _uninstall() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    for signum, previous in _state.previous.items():
        signal.signal(signum, previous)
    sys.unraisablehook = _state.hook


def _handler(signum: int, frame: Any) -> None:
    if _state.signum is None:
        _state.signum = signum
        raise stop_exception(signum)


def _redeliver(signum: int, frame: Any) -> None:
    if _state.redeliver and _state.signum is not None:
        _state.redeliver = False
        raise stop_exception(_state.signum)


def _unraisable(args: Any) -> None:
    """A stop raised inside a finaliser was swallowed: raise it again shortly, from a timer, once
    the finaliser (and this hook: an exception raised in it would be swallowed too) is done."""
    if _state.signum is not None and isinstance(args.exc_value, Terminated | KeyboardInterrupt):
        _state.redeliver = True
        signal.setitimer(signal.ITIMER_REAL, REDELIVER_AFTER_S)
        return
    _state.hook(args)
