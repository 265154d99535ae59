#!/usr/bin/env python3
"""Benchmark: the authoring loop on the default project, measured side by side in one run.

Prints wall time and peak memory for: a cold full build, a build where nothing changed,
a build after editing one level's text, and a cold build with one worker against two;
then, in watch mode, the time from saving a level to its one-pager being rewritten, against
the time the whole rebuild that save causes takes.

    .venv/bin/python bench/build.py
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("content", "guides", "templates", "styles", "examples", "brands")

# Runs in a fresh interpreter: its own time and memory, workers included, imports included.
CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from ladderpress.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start,
                  "peak_kb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)}))
"""


def build(project: Path, *args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, "--project", str(project), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        sys.exit(f"build failed:\n{result.stderr[-2000:]}")
    return report


def save_to_pdf(project: Path) -> tuple[float, float, float]:
    """Seconds from saving a level to the first PDF, to that level's one-pager, and to the end of the rebuild."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ladderpress", "watch", "--project", str(project), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    try:
        while "watching" not in lines.get(timeout=300)[1]:
            pass
        level = project / "content/levels/pm.yaml"
        level.write_text(
            level.read_text(encoding="utf-8").replace("duties:\n", "duties:\n  - Writes the memo\n"), encoding="utf-8"
        )
        saved = time.perf_counter()
        first = one_pager = None
        while True:
            at, line = lines.get(timeout=300)
            if ".pdf " in line and first is None:
                first = at
            if "one-pagers/pm.pdf" in line:
                one_pager = at
            if line.startswith("built "):
                assert first is not None and one_pager is not None, "the save rebuilt no one-pager"
                return first - saved, one_pager - saved, at - saved
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ladderpress-bench-") as folder:
        project = Path(folder) / "project"
        for part in PARTS:
            shutil.copytree(ROOT / part, project / part)
        rows = []
        cold = build(project, "-j", "2")
        rows.append(("cold full build (-j2)", cold))
        rows.append(("no-op build", build(project, "-j", "2")))
        level = project / "content/levels/senior-pm.yaml"
        edited = level.read_text(encoding="utf-8").replace("duties:\n", "duties:\n  - Runs quarterly reviews\n")
        level.write_text(edited, encoding="utf-8")
        rows.append(("one level edited", build(project, "-j", "2")))
        j1 = build(project, "-j", "1", "--force", "--out", str(Path(folder) / "j1"))
        j2 = build(project, "-j", "2", "--force", "--out", str(Path(folder) / "j2"))
        rows += [("cold build -j1", j1), ("cold build -j2", j2)]
        print(f"default project, {os.cpu_count()} cores")
        print(f"{'build':<24} {'wall s':>8} {'peak MB':>8} {'vs cold':>8}")
        for name, report in rows:
            print(
                f"{name:<24} {report['seconds']:>8.2f} {report['peak_kb'] / 1024:>8.0f} "
                f"{report['seconds'] / cold['seconds']:>8.0%}"
            )
        print(f"no-op / cold: {rows[1][1]['seconds'] / cold['seconds']:.1%} (target: under 10%)")
        print(f"-j1 / -j2: {j1['seconds'] / j2['seconds']:.2f}x faster with two workers (target: at least 1.6x)")
        first, one_pager, rebuilt = save_to_pdf(project)
        print(
            f"watch, after saving content/levels/pm.yaml: first PDF {first:.2f} s, its one-pager {one_pager:.2f} s, "
            f"whole rebuild {rebuilt:.2f} s ({one_pager / rebuilt:.0%} of it; target: the one-pager about 1 s)"
        )


if __name__ == "__main__":
    main()
