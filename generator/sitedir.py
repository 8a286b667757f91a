"""Writing safely: every file the tool writes, and every folder it replaces.

- ``write_file``: one file, created exclusively under an unpredictable name in its own folder
  (never through a link planted there), synced, then renamed into place; every file the tool
  writes goes through it.
- ``guard_output``: the one rule every command that writes a folder obeys before it writes.
- ``replace_dir``: a folder built afresh beside the old one and swapped in whole, so that an
  interrupted run leaves the previous good output in place; pages never land outside it; what
  killed runs left behind is swept (``sweep``).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath

# The file this tool leaves in every folder it makes: only such a folder (or an empty one, or
# a site an older version built) may be replaced by the next run.
MARKER = ".parallax-output"
MARKER_TEXT = "This folder was written by Parallax and is replaced whole by the next run.\n"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)


def umask() -> int:
    """The process's umask (read without changing it where the system tells it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def create_exclusive(path: Path, mode: int = 0o666) -> int:
    """A file descriptor for a new file at ``path``: fails if anything, even a dangling link,
    is there already (O_CREAT|O_EXCL|O_NOFOLLOW); permissions from ``mode`` and the umask."""
    return os.open(path, _CREATE, mode)


def write_file(path: Path, data, replace: bool = True, sync: bool = True) -> bool:
    """Write ``data`` to ``path``, whole or not at all.

    The data goes to a new file of an unpredictable name in ``path``'s folder, created
    exclusively without following links, then (synced) is renamed over ``path``; with
    ``replace`` false it is linked into place instead, so an existing file (or link) is never
    replaced, and False is returned. A link planted at either name can redirect nothing.
    ``data`` is text, bytes, or an iterable of texts (written piece by piece)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    tmp = None
    try:
        if not replace and _lexists(path.name, folder):
            return False
        for _ in range(100):
            name = f".{path.name[:80]}.{secrets.token_hex(8)}.tmp"
            try:
                fd = os.open(name, _CREATE, 0o666, dir_fd=folder)
            except FileExistsError:
                continue
            tmp = name
            break
        else:
            raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))
        with open(fd, "wb") as fh:
            _put(fh, data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
            tmp = None
            return True
        try:
            os.link(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: replace, after one more look
            if _lexists(path.name, folder):
                return False
            os.replace(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
            tmp = None
        return True
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=folder)
        os.close(folder)


def _put(fh, data) -> None:
    if isinstance(data, (str, bytes)):
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    else:
        for piece in data:
            fh.write(piece.encode("utf-8"))


def copy_file(source: Path, target: Path, sync: bool = False) -> None:
    """Copy a file's bytes to ``target`` with ``write_file`` (``shutil.copytree``'s
    ``copy_function`` too)."""
    write_file(Path(target), Path(source).read_bytes(), sync=sync)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a folder; every file created exclusively, as ``write_file`` does."""
    shutil.copytree(source, target, copy_function=copy_file, dirs_exist_ok=True)


def _lexists(name: str, folder: int) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
        return True
    except FileNotFoundError:
        return False


def safe_target(out: Path, rel: str) -> Path:
    """``out/rel``, refusing any path that would leave ``out``."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    target = out.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return target


def unsafe_output(out: Path, sources: dict[str, Path]) -> str | None:
    """Why ``out`` may not be replaced whole because of ``sources``, or None: it may not be,
    hold, or lie inside any of them (``--site-dir content`` would destroy the records)."""
    target = Path(out).resolve()
    for name, folder in sources.items():
        folder = Path(folder).resolve()
        if target == folder or folder.is_relative_to(target) or target.is_relative_to(folder):
            return (f"refusing to write {out}: it would replace or overwrite the {name} "
                    f"({folder}); write the output to a folder of its own")
    return None


def looks_like_site(folder: Path) -> bool:
    """A site an older version built (before the marker): MkDocs' own files at its top, and
    nothing that belongs to a project."""
    names = {p.name for p in folder.iterdir()}
    return {"index.html", "sitemap.xml", "search"} <= names and not names & {
        ".git", "mkdocs.yml", "pyproject.toml", "content", "seeds", "docs", "setup.py"}


def protected(project_root: Path) -> dict[str, Path]:
    """The folders no output may be, hold or lie inside, by name."""
    root = Path(project_root).resolve()
    return {"content folder": root / "content", "seeds folder": root / "seeds",
            "docs folder": root / "docs", "history (.git)": root / ".git",
            "installed package": Path(__file__).resolve().parent,
            "virtual environment": Path(sys.prefix)}


def holds_only_schemas(folder: Path) -> bool:
    """A schema folder an older version wrote (before the marker): JSON Schema files only."""
    return all(p.is_file() and p.name.endswith(".schema.json") for p in folder.iterdir())


def guard_output(out: Path, project_root: Path, sources: dict[str, Path] | None = None,
                 legacy=None) -> str | None:
    """Why the folder ``out`` may not be written by a command, or None when it may.

    The one rule for every command that writes a folder (build, render, export, schema, bench,
    new): the caller passes the folder it is about to create or replace and the project root
    (the folder that holds ``content/``), and on a reason refuses to run (the CLI: the reason,
    exit 2). Refused:

    - the project root, and any folder that holds it;
    - any folder that is, holds or lies inside ``content/``, ``seeds/``, ``docs/`` or ``.git``
      of the project (and ``sources``, named folders the caller adds, such as the configured
      docs folder), the installed ``generator`` package, or the virtual environment;
    - anything that is not a folder, and any non-empty folder without this tool's ``MARKER``
      (``legacy``, a predicate, may accept a folder an older version wrote, such as
      ``looks_like_site``).

    A missing or empty folder, or one holding the marker, may be written; the writer then puts
    the marker in it (``replace_dir`` does; a command that fills a folder itself writes
    ``MARKER_TEXT`` to ``out / MARKER`` with ``write_file``). A command without a
    ``--content`` (``schema``, ``bench``, ``new``) passes the current folder as the project
    root. Example, in the CLI::

        if why := guard_output(out, project_root):
            raise click.UsageError(f"--out: {why}")   # exit 2
    """
    root = Path(project_root).resolve()
    target = Path(out).resolve()
    if target == root or root.is_relative_to(target):
        return (f"refusing to write {out}: it is or holds the project folder ({root}); "
                "write the output to a folder of its own")
    if why := unsafe_output(out, {**protected(root), **(sources or {})}):
        return why
    if os.path.lexists(target) and not target.is_dir():
        return f"refusing to write {out}: it is a file, not a folder"
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file() \
            and not (legacy is not None and legacy(target)):
        return (f"refusing to write {out}: the folder is not empty and Parallax did not make "
                f"it (it has no {MARKER} file); choose a new folder or empty this one")
    return None


def make_private_dir(prefix: str, parent: Path | None = None) -> Path:
    """A new folder of an unpredictable name that says which process made it
    (``prefix``-PID-random), so that a later run can sweep it once that process is gone."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def sweep(parent: Path, prefix: str, older_than: float = 3600.0) -> None:
    """Remove the debris of interrupted runs in ``parent``: folders named ``prefix``-PID-...
    whose process is gone (or, for names without a process number, older than an hour), owned
    by this user. A folder of a run still going is left alone."""
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid != os.getuid() or not entry.is_dir(follow_symlinks=False):
            continue
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and pid.isascii():
            if int(pid) == os.getpid() or _alive(int(pid)):
                continue
        elif time.time() - info.st_mtime < older_than:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def open_to_readers(folder: Path) -> None:
    """Give a folder made private (mkdtemp: 0700) the permissions the umask allows, as any
    folder made with mkdir has, so that a web server running as another user can read it."""
    os.chmod(folder, 0o777 & ~umask())


@contextlib.contextmanager
def replace_dir(final: Path):
    """Yield a fresh temporary folder beside ``final``; on success it replaces ``final``.

    The new folder gets the ``MARKER`` and the umask's permissions. The swap is one atomic
    rename where the system has one (Linux), so a run killed at any moment leaves either the
    previous output or the new one, never a mix and never none; what such a run left beside
    ``final`` is swept by the next one. Callers check ``guard_output`` first."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    sweep(final.parent, f".{final.name}-new-")
    sweep(final.parent, f".{final.name}-old-")
    tmp = make_private_dir(f".{final.name}-new-", final.parent)
    try:
        open_to_readers(tmp)
        write_file(tmp / MARKER, MARKER_TEXT, sync=False)
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not (final.exists() or final.is_symlink()):
        os.replace(tmp, final)
    elif _exchange(tmp, final):
        _remove(tmp)  # it now holds the previous output
    else:
        old = make_private_dir(f".{final.name}-old-", final.parent)
        os.replace(final, old)  # onto the empty folder just made: nothing else is there
        os.replace(tmp, final)
        _remove(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (renameat2 with RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def write_pages(pages, out: Path) -> None:
    """Write rendered pages under ``out``, replacing it whole."""
    write_files({page.path: page.text for page in pages}, out)


def write_files(files: dict[str, str], out: Path) -> None:
    """Write ``{relative path: text}`` under ``out``, replacing it whole (each file created
    exclusively in the fresh folder; one sync of the folder's files at the end would be the
    system's, so none is forced per file)."""
    with replace_dir(out) as tmp:
        for rel, text in files.items():
            target = safe_target(tmp, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, text, sync=False)
