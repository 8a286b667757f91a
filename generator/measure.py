"""Measurement helpers for the bench (``bench``): timing a step in this process, running a
command in a child process with its CPU time and peak memory, describing the machine, and
timing an edit under ``mkdocs serve``.

Input: a step or a command. Output: seconds (wall clock and CPU), memory in MB, and the
command's output. Nothing here knows what a digest is; ``bench`` decides what to measure.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from .sitedir import write_file


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = 0.0
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        pass
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "ram_gb": round(ram, 1),
            "python": platform.python_version(), "system": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}

def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the subprocesses it waited for)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(step, *args):
    gc.collect()
    wall, cpu = time.perf_counter(), _cpu()
    result = step(*args)
    return result, time.perf_counter() - wall, _cpu() - cpu

def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux)."""
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    pids += _tree(int(child))
    except OSError:
        pass
    return pids


def _pss_mb(pid: int) -> float:
    """The proportional set size of ``pid``: its own pages, and its share of pages it shares."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(command: list[str], cwd: Path, sample: bool = False) -> dict:
    """Run ``command`` to its end: its wall time and output; an error if it fails. With
    ``sample``, also the peak of the memory that the processes it starts hold together (Linux:
    their proportional set sizes, summed, ten times a second)."""
    wall = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0.0
    if sample and Path("/proc/self/smaps_rollup").exists():
        out_parts: list[bytes] = []
        err_parts: list[bytes] = []
        readers = [threading.Thread(target=lambda s, a: a.append(s.read()), args=(stream, parts))
                   for stream, parts in ((child.stdout, out_parts), (child.stderr, err_parts))]
        for reader in readers:
            reader.start()
        while child.poll() is None:
            # The first process is the probe that started the command (see ``measured``).
            peak = max(peak, sum(_pss_mb(p) for p in _tree(child.pid)[1:]))
            time.sleep(0.1)
        for reader in readers:
            reader.join()
        out, err = b"".join(out_parts), b"".join(err_parts)
    else:
        out, err = child.communicate()
    wall = time.perf_counter() - wall
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[3:]) or command}: exit {child.returncode}\n"
                           f"{err.decode(errors='replace')[-3000:]}")
    return {"seconds": wall, "stdout": out, "stderr": err, "total_memory_mb": peak or None}


def measured(command: list[str], cwd: Path) -> dict:
    """``run``, with the command's CPU time and peak memory. A fresh Python starts the command
    and reports its RUSAGE_CHILDREN: in this process that figure would mix every child's peak."""
    probe = [sys.executable, "-c", _PROBE, *command]
    result = run(probe, cwd, sample=True)
    last = result["stderr"].decode(errors="replace").strip().splitlines()[-1]
    cpu, maxrss_kb = last.removeprefix("parallax-bench-probe ").split()
    result.update(cpu_seconds=float(cpu), peak_memory_mb=int(maxrss_kb) / 1024)
    return result


_PROBE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("parallax-bench-probe", r.ru_utime + r.ru_stime, r.ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def _peak(result: dict) -> float:
    """The peak memory of a measured command: all its processes together where that could be
    sampled, else its largest process."""
    return round(result["total_memory_mb"] or result["peak_memory_mb"], 1)

def progress(message: str) -> None:
    """Say which step is running, on one line of stderr, when stderr is a terminal."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\033[Kparallax bench: {message}")
        sys.stderr.flush()

def _interruptible() -> None:
    # A bench started in the background ignores Ctrl-C, and its children would inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serve_edit(project: Path, items: list[str], dirty: bool = True,
               timeout: float = 300.0) -> dict:
    """Seconds from saving an edit to a record until ``mkdocs serve`` serves the change
    (``--dirty``, as ``make serve`` runs it, unless ``dirty`` is false): one edit to each of
    ``items`` in turn, in one server, and their median (one edit's time moves with where the
    watcher's half-second poll falls, and with the machine's speed of the moment)."""
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}/items/"
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command + (["--dirty", "--no-strict"] if dirty else []), cwd=project,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=_interruptible)

    def page(item: str) -> str:
        try:
            with urllib.request.urlopen(f"{base}{item}/", timeout=10) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, OSError):
            return ""

    def wait_for(item: str, found, what: str) -> float:
        start = time.perf_counter()
        while not found(page(item)):
            if server.poll() is not None or time.perf_counter() - start > timeout:
                raise RuntimeError(f"mkdocs serve: {what} did not happen in {timeout:.0f} s")
            time.sleep(0.05)
        return time.perf_counter() - start

    try:
        first = wait_for(items[0], lambda html: items[0] in html, "the first build")
        edits = []
        for item in items:
            time.sleep(1.0)  # let the watcher settle after the last build
            record = project / "content" / "items" / f"{item}.yaml"
            marker = f"Edited for the bench {time.time_ns()}"
            text = record.read_text(encoding="utf-8")
            write_file(record, text.replace("neutral_title: ", f"neutral_title: {marker!r} #", 1)
                       if "neutral_title: " in text else text)
            edits.append(wait_for(item, lambda html, marker=marker: marker in html,
                                  "the rebuild after an edit"))
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: MkDocs shuts its plugins down cleanly
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {"first_build_seconds": round(first, 2),
            "edit_seconds": round(statistics.median(edits), 2),
            "edits_seconds": [round(t, 2) for t in edits]}

