"""Shared test helpers and fixtures, in one module: the fixture project and small corpora built in
tmp_path, child processes bounded in time and memory, work counted rather than timed, HTML
parsed as a browser parses it, and Chromium with a served site."""

from __future__ import annotations

import cProfile
import contextlib
import functools
import hashlib
import http.server
import os
import pstats
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import html5lib
import pytest

from generator import yamlio
from generator.check import run_checks
from generator.load import load_content

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"
DATA = ROOT / "tests" / "data"  # real-world inputs from public test suites (see its README)
GOOD_ITEM = "council-bulldozes-the-bike-lane-plan"
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# --- the fixture project ---------------------------------------------------------------------

class Corpus:
    """A copy of the fixture project (seeds/ and content/) that a test may change."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"

    def item_path(self, item_id: str = GOOD_ITEM) -> Path:
        return self.content / "items" / f"{item_id}.yaml"

    def read(self, name: str):
        path = self.content / name if "/" in name or name.endswith(".yaml") else self.item_path(name)
        return yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data

    def write(self, name: str, data) -> Path:
        path = self.content / name if name.endswith(".yaml") else self.item_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yamlio.dump(data), encoding="utf-8")
        return path

    def edit_item(self, change, item_id: str = GOOD_ITEM) -> Path:
        data = self.read(item_id)
        change(data)
        return self.write(item_id, data)

    def problems(self):
        digest, problems = load_content(self.content, self.root)
        return run_checks(digest, problems)

    def codes(self, severity: str | None = None) -> set[str]:
        return {p.code for p in self.problems() if severity is None or p.severity == severity}


def config_text() -> str:
    """The repository's mkdocs.yml for a test digest: its site name is the bundled digest's
    title, which no other digest's site may carry, so a neutral one stands in."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.sub(r"(?m)^site_name: .*$", "site_name: Parallax digest", text, count=1)


def site_config(project: Path) -> Path:
    """Copy mkdocs.yml and docs/ into ``project`` (which may exist); return its mkdocs.yml."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(config_text(), encoding="utf-8")
    shutil.copytree(ROOT / "docs", project / "docs")
    return project / "mkdocs.yml"


def fixture_project(project: Path) -> Path:
    """Copy the fixture corpus, mkdocs.yml and docs/ into ``project``; return its mkdocs.yml."""
    shutil.copytree(CORPUS, project)
    return site_config(project)


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (by its path from ``root``) and the SHA-256 of its bytes: two
    trees are byte-identical when these are equal, and a difference names the files."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path) -> Corpus:
    shutil.copytree(CORPUS, tmp_path / "project")
    return Corpus(tmp_path / "project")


# --- child processes -------------------------------------------------------------------------

PARALLAX = [sys.executable, "-c", "from generator.cli import main; main()"]
CHILD_ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
MEMORY = 1_500_000_000  # bytes of address space for a child process


def limits(memory: int, cpu: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    return apply


WALL_CLOCK = 4  # a machine shared with other work stretches wall-clock time, not CPU time


def run_bounded(args: list[str], cwd: Path | None = None, timeout: float = 30,
                memory: int = MEMORY, env: dict | None = None,
                **kwargs) -> subprocess.CompletedProcess:
    """Run a command with limits on memory and on CPU time (``timeout`` seconds), and a
    wall-clock limit ``WALL_CLOCK`` times as long for a child that blocks without working.

    Reaching either fails the test: nothing a record or a seed says may make us hang."""
    try:
        result = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                                timeout=timeout * WALL_CLOCK, env={**CHILD_ENV, **(env or {})},
                                preexec_fn=limits(memory, int(timeout)), **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(map(str, args))[:200]} did not finish in {timeout * WALL_CLOCK} s")
    if result.returncode == -signal.SIGXCPU or result.returncode == -signal.SIGKILL:
        pytest.fail(f"{' '.join(map(str, args))[:200]} used more than {timeout} s of CPU time")
    return result


# --- work, counted not timed -----------------------------------------------------------------

def count_work(run):
    """``(run(), work)``: work is the calls ``run`` makes (Python and built-in, as cProfile counts
    them) and the lines it runs in the generator's own modules, where a loop that calls nothing
    would otherwise go uncounted. Unlike a duration it does not depend on the machine's load:
    compare it at two input sizes to tell linear work from quadratic. What one call of a
    regular expression does inside is not counted."""
    ours = str(Path(yamlio.__file__).parent)
    lines = 0

    def line(frame, event, arg):
        nonlocal lines
        lines += event == "line"
        return line

    def call(frame, event, arg):
        return line if frame.f_code.co_filename.startswith(ours) else None

    profile = cProfile.Profile()
    previous = sys.gettrace()
    sys.settrace(call)
    try:
        result = profile.runcall(run)
    finally:
        sys.settrace(previous)
    return result, pstats.Stats(profile).total_calls + lines


# --- HTML, as a browser parses it ------------------------------------------------------------

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "cite",
             "background", "srcset"}


def parse(markup: str):
    """``markup`` parsed as a browser parses it (an ElementTree element)."""
    return html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)


def active_parts(markup, allow_scripts: tuple = ()) -> list[str]:
    """Everything in ``markup`` (text, or a tree from ``parse``) that could run: script
    elements, on* handlers, dangerous URLs."""
    doc = parse(markup) if isinstance(markup, str) else markup
    found = []
    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        local = tag.rsplit("}", 1)[-1].lower()
        if local == "script":
            kind = (el.get("type") or "").lower()
            src = el.get("src") or ""
            if kind == "application/ld+json" or any(src.endswith(a) for a in allow_scripts):
                continue
            found.append(f"<script {kind or src}>")
        if local in ("iframe", "object", "embed", "base", "meta", "frame", "link", "style"):
            found.append(f"<{local}>")
        for name, value in el.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                found.append(f"{local}[{attr}]")
            if attr in URL_ATTRS:
                v = "".join(ch for ch in value.strip().lower() if ch.isprintable() and not ch.isspace())
                if ":" in v.split("/")[0] and not v.startswith(("http:", "https:", "mailto:")):
                    found.append(f"{local}[{attr}={value[:40]}]")
            if attr == "style" and ("expression" in value.lower() or "url(" in value.lower()):
                found.append(f"{local}[style]")
    return found


def content_of(page: str) -> str:
    """The main content of a built page: what the generator put there, without the theme.

    The content holds articles of its own (perspectives), so its end is the ``</article>`` that
    balances the opening one, not the first one. A print page of the teacher kit, outside the
    theme, has its content in ``<main>``."""
    if '<article class="md-content__inner' not in page and "<main>" in page:
        return page[page.index("<main>"):page.index("</main>") + len("</main>")]
    start = page.index('<article class="md-content__inner')
    depth = 0
    for m in re.finditer(r"<(/?)article\b", page[start:], re.I):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return page[start:page.index(">", start + m.end()) + 1]
    raise ValueError("the page's main article is not closed")


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_EMBEDDINGS, _ISOLATES = "\u202a\u202b\u202d\u202e", "\u2066\u2067\u2068"


def unbalanced(text: str) -> str | None:
    """What is wrong with the bidi controls of one text node, or None: a text must close what
    it opens, and close nothing it did not open."""
    stack: list[bool] = []  # True for an isolate
    for char in BIDI.findall(text):
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char in _ISOLATES)
        elif char == "\u202c":
            if not stack or stack[-1]:
                return "a PDF that closes nothing"
            stack.pop()
        else:
            if True not in stack:
                return "a PDI that closes nothing"
            while not stack.pop():
                pass
    return f"{len(stack)} left open" if stack else None


# --- the browser and the served site ---------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path, handler: type = QuietHandler):
    """``folder`` over HTTP on 127.0.0.1, for as long as the block runs; yields its base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def _unavailable(why: str):
    """No browser: a local run skips; CI, where the browser suite is a quality bar, fails."""
    if CI:
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never `playwright install`), one per session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: make install-test")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        _unavailable("Debian's chromium is missing: make browser (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
