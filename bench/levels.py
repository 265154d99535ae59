#!/usr/bin/env python3
"""Benchmark: ``check`` on ladders of many levels, measured side by side in one run.

The default project is copied and levels are added until it has 58, 208 and 500 (the most
a ladder may have, ``MAX_LEVELS``); each is checked in a fresh interpreter, imports
included, and both its wall time and its CPU time are shown. ``check`` renders every
document's HTML, diagrams included, so it grows with the number of documents times the
levels each one draws or lists.

    .venv/bin/python bench/levels.py            # 58, 208 and 500 levels
    .venv/bin/python bench/levels.py 480 500    # other sizes

The generator, :func:`add_levels`, is also used by ``tests/test_scale.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("content", "guides", "templates", "styles", "examples")
SIZES = (58, 208, 500)
TRACKS = ("ic", "manager")
"""The default ladder's tracks; generated levels alternate between them."""
FIRST_RANK = 8
"""Above the default ladder's top rank (the CPO's 7), so no generated level clashes with it."""

LEVEL = """\
id: {id}
code: G{k}
title: Generated Level {k}
short_title: Gen {k}
band: {band}
tracks: [{track}]
scope: Level {k}, generated to measure how the build copes with a long ladder.
description: |
  A generated level on the {track} track, at rank {rank}.

  It exists to measure how the build scales; its text is deliberately plain.
duties:
  - Doing the work of level {k}
  - Helping the people at the level below
experience: Some years, mostly in product roles
years: [{start}, {end}]
time_at_level: 2–3 years
reports_to: Someone at a higher level
leads_to: [{leads_to}]
promotion_signals:
  - Ready for the next generated level
"""


def level_id(k: int) -> str:
    return f"gen-{k:03d}"


def add_levels(project: Path, total: int) -> list[str]:
    """Add generated level files to ``project`` until ``content/levels/`` holds ``total``; return their ids.

    Generated level ``k`` sits in band ``FIRST_RANK + k // 2`` (appended to the ``bands:`` list
    that ends ``content/ladder.yaml``) on one track, alternately IC and manager, so each band
    has two equivalent levels side by side; it leads to the next level of its track: the
    ladder stays valid (one level per rank and track, ``leads_to`` pointing up).
    """
    folder = project / "content" / "levels"
    count = total - len(list(folder.glob("*.yaml")))
    if count < 0:
        raise ValueError(f"{folder} already holds more than {total} levels")
    ids = [level_id(k) for k in range(count)]
    ranks = sorted({FIRST_RANK + k // 2 for k in range(count)})
    with (project / "content" / "ladder.yaml").open("a", encoding="utf-8") as ladder:
        ladder.writelines(f"  - {{id: gen-band-{r}, name: Band {r}, rank: {r}}}\n" for r in ranks)
    for k, lid in enumerate(ids):
        start = min(k // 2 % 40, 58)
        (folder / f"{lid}.yaml").write_text(
            LEVEL.format(
                id=lid,
                k=k,
                rank=FIRST_RANK + k // 2,
                band=f"gen-band-{FIRST_RANK + k // 2}",
                track=TRACKS[k % 2],
                start=start,
                end=start + 2,
                leads_to=level_id(k + 2) if k + 2 < count else "",
            ),
            encoding="utf-8",
        )
    return ids


def make_project(dest: Path, total: int) -> Path:
    """A copy of the default project with ``total`` levels."""
    for part in PARTS:
        shutil.copytree(ROOT / part, dest / part)
    add_levels(dest, total)
    return dest


# Runs in a fresh interpreter: its own time, imports included.
CHILD = """
import json, sys, time
start, cpu = time.perf_counter(), time.process_time()
from ladderpress.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}))
"""


def check(project: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, "--project", str(project), "check"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        sys.exit(f"check failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return report


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or list(SIZES)
    with tempfile.TemporaryDirectory(prefix="ladderpress-levels-") as folder:
        rows = [(size, check(make_project(Path(folder) / f"p{size}", size))) for size in sizes]
    print(
        f"python build.py check, default project with generated levels, {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f}: CPU s is the steadier figure on a busy machine)"
    )
    print(f"{'levels':>6} {'wall s':>8} {'CPU s':>8} {'ms/level':>9}")
    for size, report in rows:
        print(f"{size:>6} {report['seconds']:>8.2f} {report['cpu']:>8.2f} {report['seconds'] / size * 1000:>9.1f}")


if __name__ == "__main__":
    main()
