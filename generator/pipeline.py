"""The generator stage beside MkDocs: load, check and render in forked child processes.

Input: the content folder. Output, over two pipes:

- the renderer (a child process) loads the content and sends the plan (every page's path,
  every record file the site copies); it then writes each page into a private temporary folder
  and says how many are ready;
- the checker (forked from the renderer once the content is loaded, so it shares the digest
  without copying it up front) runs every check and sends the problems: the verdict.

MkDocs, in the parent process, starts on the first page as soon as it is written, while the
renderer writes the rest and the checker checks. Nothing is written into the site before the
verdict: MkDocs writes only after it has read every page, and the plugin waits for the verdict
at that point (``on_env``); a refusing verdict also stops the build at the next page it reads.
The digest lives only in the children, which exit once their work is done.

This is an optimisation of ``site.ParallaxPlugin``'s in-process path, which gives the same site
(a test compares them); ``PARALLAX_JOBS=1`` or a platform without ``fork`` keeps the generator
in-process.
"""

from __future__ import annotations

import atexit
import os
import pickle
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

REFUSED = "Parallax checks failed; fix the problems above (`parallax check` lists them)"


def available() -> bool:
    """Whether the generator may run in forked children here."""
    return hasattr(os, "fork") and os.environ.get("PARALLAX_JOBS", "") != "1"


@dataclass
class Plan:
    pages: list[str] = field(default_factory=list)  # written into the folder, in this order
    copies: list[tuple[str, str]] = field(default_factory=list)  # (site path, source file)


class GeneratorFailed(PluginError):
    """The generator's child process failed; MkDocs reports it without a traceback."""


class Stream:
    """The parent's side: the plan, how many pages are ready, and the checks' verdict (each
    pipe read by a thread of its own)."""

    def __init__(self, pid: int, pages, verdict, folder: Path, strict: bool):
        self.pid, self.folder, self.strict = pid, folder, strict
        self.ready = 0
        self.finished = False  # the renderer has exited
        self.error = ""
        self.plan: Plan | None = None
        self.problems: list | None = None
        self.verdict_error = ""
        self.refused = False
        self.on_verdict = None  # called with the problems when they arrive
        self.cond = threading.Condition()
        self.threads = [threading.Thread(target=self._read_pages, args=(pages,), daemon=True,
                                         name="parallax-pages"),
                        threading.Thread(target=self._read_verdict, args=(verdict,),
                                         daemon=True, name="parallax-verdict")]

    def start(self) -> Plan:
        """Wait for the renderer's plan; raises GeneratorFailed if it failed first."""
        for thread in self.threads:
            thread.start()
        with self.cond:
            while self.plan is None and not self.finished:
                self.cond.wait()
        if self.plan is None:
            raise GeneratorFailed(self.error or "the generator stopped before it planned the site")
        return self.plan

    def _read_pages(self, pipe) -> None:
        error = ""
        try:
            while True:
                try:
                    kind, value = pickle.load(pipe)
                except EOFError:
                    break
                with self.cond:
                    if kind == "plan":
                        self.plan = value
                    elif kind == "ready":
                        self.ready = value
                    elif kind == "error":
                        error = value
                    self.cond.notify_all()
        except Exception as exc:  # a broken stream: report it as the renderer's failure
            error = error or f"the generator's stream broke ({exc})"
        finally:
            pipe.close()
            _, status = os.waitpid(self.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            with self.cond:
                self.error = error or (f"the generator exited with status {code}" if code else "")
                self.finished = True
                self.cond.notify_all()

    def _read_verdict(self, pipe) -> None:
        from .problems import has_errors

        problems, error = None, ""
        try:
            kind, value = pickle.load(pipe)
            if kind == "verdict":
                problems = value
            else:
                error = value
        except EOFError:
            error = "the checks stopped before they gave a verdict"
        except Exception as exc:
            error = f"the checks' stream broke ({exc})"
        finally:
            pipe.close()
        if problems is not None and self.on_verdict is not None:
            try:
                self.on_verdict(problems)
            except Exception as exc:  # showing must not hide the verdict
                error = f"the problems could not be shown ({exc})"
        with self.cond:
            self.problems = problems
            self.verdict_error = error
            self.refused = bool(error) or has_errors(problems or [], strict=self.strict)
            self.cond.notify_all()

    def wait(self, index: int) -> None:
        """Block until page ``index`` of the plan has been written; stop the build as soon as
        the checks have refused the content."""
        if self.ready > index and not self.refused:
            return
        with self.cond:
            while self.ready <= index and not self.finished and not self.refused:
                self.cond.wait()
            if self.refused:
                raise GeneratorFailed(self.verdict_error or REFUSED)
            if self.ready <= index:
                raise GeneratorFailed(self.error or "the generator stopped before this page")

    def verdict(self) -> list:
        """Wait for the checks; their problems, or GeneratorFailed if they refuse the content."""
        with self.cond:
            while self.problems is None and not self.verdict_error:
                self.cond.wait()
        if self.refused:
            raise GeneratorFailed(self.verdict_error or REFUSED)
        return self.problems

    def source(self, path: str) -> Path:
        return _source(self.folder, path)

    def release_pages(self) -> None:
        """MkDocs has read every page: remove them in the background while it writes the site."""
        pages = self.folder / "pages"
        thread = threading.Thread(target=shutil.rmtree, args=(pages,), kwargs={"ignore_errors": True},
                                  daemon=True, name="parallax-release")
        thread.start()
        self.threads.append(thread)

    def close(self) -> None:
        """Stop the renderer if it still runs, wait for it, and remove the folder."""
        if not self.finished:
            try:
                os.kill(self.pid, 15)
            except ProcessLookupError:
                pass
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def _waiting(prop: property) -> property:
    """``prop`` of ``File``, read only once the renderer has written the file."""
    def get(self):
        self.stream.wait(self.index)
        return prop.fget(self)
    return property(get, prop.fset, doc=prop.__doc__)


class PendingFile(File):
    """A generated page whose text the renderer is still writing: every read waits for it."""

    stream: Stream
    index: int

    content_bytes = _waiting(File.content_bytes)
    content_string = _waiting(File.content_string)

    def copy_file(self, dirty: bool = False) -> None:
        self.stream.wait(self.index)
        super().copy_file(dirty)

    def is_modified(self) -> bool:
        self.stream.wait(self.index)
        return super().is_modified()


def start(content: Path, project_root: Path, edit_url: str, strict: bool, checks=None,
          site_url: str = "") -> Stream:
    """Fork the generator; return the parent's stream (``start()`` it for the plan). ``checks``
    is the function that checks a digest (``check.run_checks`` unless given); ``site_url`` is
    MkDocs' (the handouts print full addresses with it)."""
    if checks is None:
        from .check import run_checks as checks
    folder = Path(tempfile.mkdtemp(prefix="parallax-pages-"))
    pages_r, pages_w = os.pipe()
    verdict_r, verdict_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the renderer: never returns
        os.close(pages_r)
        os.close(verdict_r)
        _run(pages_w, lambda out: _generate(content, project_root, edit_url, folder, out,
                                            verdict_w, checks, site_url))
    os.close(pages_w)
    os.close(verdict_w)
    # However MkDocs ends (Ctrl-C skips its error hooks), the folder does not outlive this process.
    atexit.register(shutil.rmtree, folder, True)
    return Stream(pid, os.fdopen(pages_r, "rb"), os.fdopen(verdict_r, "rb"), folder, strict)


def _run(fd: int, work) -> None:
    """Run ``work(out)`` in a child process, report a failure on ``out``, and exit."""
    code = 1
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                work(out)
                code = 0
            except BaseException as exc:
                pickle.dump(("error", f"the generator failed: {type(exc).__name__}: {exc}\n"
                             + traceback.format_exc(limit=8)), out)
                out.flush()
    finally:
        os._exit(code)


def _send(out, message) -> None:
    pickle.dump(message, out)
    out.flush()


def _generate(content: Path, project_root: Path, edit_url: str, folder: Path, out,
              verdict_fd: int, checks, site_url: str = "") -> None:
    """The renderer: load, send the plan, start the checker, then write every page."""
    import gc

    from .export import iter_json
    from .load import load_content
    from .render import data_file_names, data_files, plan_site, record_files

    gc.disable()  # loading makes no cycles, and each collection would walk the growing digest
    digest, problems = load_content(content, project_root, jobs=2)
    gc.freeze()  # the digest stays to the end: later collections need not walk it
    gc.enable()  # rendering does make cycles (templates), which must not pile up
    plan = plan_site(digest, edit_url, site_url)
    names = data_file_names()
    _send(out, ("plan", Plan([p for p, _ in plan] + names, record_files(digest))))
    checker = os.fork()
    if checker == 0:  # the checker: never returns
        _run(verdict_fd, lambda v: _send(v, ("verdict", checks(digest, problems))))
    os.close(verdict_fd)
    last, done = time.monotonic(), 0
    for path, render in plan:
        _write(_source(folder, path), render())
        done += 1
        if time.monotonic() - last > 0.005:
            _send(out, ("ready", done))
            last = time.monotonic()
    for name, text in data_files(digest, with_json=False).items():  # announced together, below
        _write(_source(folder, name), text)
    with open(_source(folder, "data/digest.json"), "w", encoding="utf-8", newline="") as fh:
        fh.writelines(iter_json(digest))
    _send(out, ("ready", done + len(names)))
    os.waitpid(checker, 0)


def _source(folder: Path, path: str) -> Path:
    """Where the renderer writes ``path``: pages and other files in folders of their own (the
    pages are removed as soon as MkDocs has read them all)."""
    return folder / ("pages" if path.endswith(".md") else "files") / path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
