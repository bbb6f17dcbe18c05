"""Where slreport writes: output paths that never destroy, private and atomic files, locks,
renames that cannot leave a half state, and the clean-up of what a killed run left behind.

Every hidden temporary name carries the pid of the process that made it
(``.rejects-PID-….csv``, ``.DIR.partial-PID-…``, ``.DIR.old-PID-…``, ``slreport-PID-…``), so a
later run can tell a leftover of a killed run (its process is gone) from the work of a live one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from slreport.errors import UsageError

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SCRATCH_PREFIX = "slreport-"


# --- single output files ----------------------------------------------------------------------

def check_output_file(path: str | Path, inputs: Iterable[str | Path], option: str) -> None:
    """Refuse an output file that would replace an input, a folder, a device, FIFO or socket, or
    that is a symbolic link (whose target a rename would not replace, and a write would)."""
    target = Path(path)
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{option} {target} is a symbolic link", "give the path of a regular file, not a link")
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{option} {target} is a folder", "give a file name, e.g. rejects.csv")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{option} {target} is not a regular file (a device, FIFO or socket)",
                         "give the path of a regular file")
    for source in inputs:
        if _same_or_inside(target, Path(source)):
            raise UsageError(f"{option} {target} would replace the input {source}",
                             "write it to another file")


def _same_or_inside(target: Path, source: Path) -> bool:
    """Whether writing ``target`` would replace ``source`` or write into the folder ``source``."""
    if not source.exists():
        return False
    if target.exists() and os.path.samefile(target, source):
        return True
    resolved, real = target.parent.resolve() / target.name, source.resolve()
    return resolved == real or (source.is_dir() and resolved.is_relative_to(real))


def write_private(path: Path, data: bytes | str) -> None:
    """Create ``path`` (it must not exist) readable by its owner only, whatever the umask."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), PRIVATE_FILE)
        out.write(raw)


def write_atomic(path: Path, data: str, mode: int) -> None:
    """Replace ``path`` as a whole: a temporary file beside it, renamed over it when complete."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def umask_mode(mode: int = 0o666) -> int:
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


# --- renames that cannot leave a half state --------------------------------------------------

AT_FDCWD = -100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``, failing with FileExistsError if ``dst`` appeared meanwhile."""
    if not _renameat2(src, dst, RENAME_NOREPLACE):  # no renameat2: the caller's lock is the guard
        if dst.exists() or dst.is_symlink():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
        os.rename(src, dst)


def exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    return _renameat2(a, b, RENAME_EXCHANGE)


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    function = _libc_renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(src), None, str(dst))


_RENAMEAT2: list[Callable[..., Any] | None] = []


def _libc_renameat2() -> Callable[..., Any] | None:
    if not _RENAMEAT2:
        try:
            _RENAMEAT2.append(getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None))
        except (OSError, AttributeError):
            _RENAMEAT2.append(None)
    return _RENAMEAT2[0]


# --- locks -----------------------------------------------------------------------------------

@contextlib.contextmanager
def exclusive_lock(target: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside ``target`` (flock) for a whole check → write → publish; a second
    run on the same target is refused at once, not queued. The lock file is removed when done."""
    import fcntl

    lock = target.parent / f".{target.name}.lock"
    for _ in range(5):
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UsageError(f"another slreport is writing {target}",
                             "wait for it to finish, or choose another --out") from None
        if _still_named(fd, lock):  # not a lock file the previous holder removed just now
            break
        os.close(fd)
    else:
        raise UsageError(f"cannot lock {lock}", "remove it if no slreport is running")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()  # while still held: a run that opened it before now sees a stale inode
        os.close(fd)


def _still_named(fd: int, lock: Path) -> bool:
    try:
        here = lock.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


# --- leftovers of killed runs ----------------------------------------------------------------

def pid_in_name(name: str, prefix: str) -> int | None:
    """The pid a temporary name starts with after ``prefix`` (``PREFIXpid-…``), if any."""
    text, dash, _ = name.removeprefix(prefix).partition("-")
    return int(text) if name.startswith(prefix) and dash and text.isdigit() else None


def abandoned(folder: Path, prefix: str) -> list[Path]:
    """Entries of ``folder`` named ``PREFIXpid-…`` whose process no longer exists, oldest name first."""
    try:
        entries = sorted(folder.glob(f"{glob_escape(prefix)}*"))
    except OSError:
        return []
    dead = []
    for entry in entries:
        pid = pid_in_name(entry.name, prefix)
        if pid is not None and pid != os.getpid() and not alive(pid):
            dead.append(entry)
    return dead


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


# --- the scratch folder of a run -------------------------------------------------------------

@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A private temporary folder for DuckDB's spill files and copies of stdin/.bz2 inputs,
    removed on every way out; the scratch folders of killed runs are removed first."""
    base = Path(tempfile.gettempdir())
    for leftover in abandoned(base, SCRATCH_PREFIX):
        if leftover.is_dir() and not leftover.is_symlink() and leftover.stat().st_uid == os.getuid():
            shutil.rmtree(leftover, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
