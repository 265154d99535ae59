#!/usr/bin/env python3
"""Benchmark: onboarding packets for a 200-person roster, assembled vs printed whole.

Builds the same fictional roster both ways, in one run, on the same machine state:
  - assembled: each level's shared pages laid out once, personal pages per person;
  - whole:     every packet laid out in full, one by one (the reference path the tests
               compare the fast one with; driven from here, through the library).
Both use the same number of worker processes (-j, default: all cores). The assembled
build runs before and after the whole one and the ratio uses their mean: a run of a
dozen seconds is at the mercy of a busy moment on a shared machine, one of two minutes
much less. Prints wall time, the ratio, peak memory per process, and the size of one
packet both ways; then builds twice as many people the assembled way to show that memory
does not grow with the roster.

    .venv/bin/python bench/onboarding.py [--people 200] [-j 2] [--scripts 0.25]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ["apm", "pm", "pm", "pm", "senior-pm", "senior-pm", "principal-pm", "group-pm", "director", "vp", "cpo"]
FIRST = ["Ada", "Bo", "Cem", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lia", "Max", "Noa", "Oli"]
LAST = ["Berg", "Chen", "Diaz", "Eze", "Fox", "Gray", "Holm", "Ito", "Jain", "Kerr", "Lund", "Moss", "Nagy", "Park"]
SCRIPTS = [
    "李小龙",
    "山田太郎",
    "김민준",
    "محمد علي",
    "דוד כהן",
    "अनिल कुमार",
    "สมชาย ใจดี",
    "Νίκος Παπαδόπουλος",
    "Иван Петров",
]
"""Names in nine scripts: with ``--scripts``, that share of the roster is named in them (each packet then
gets fonts of its own, written alone)."""

# Runs inside a fresh interpreter, so that each path's memory is measured on its own.
CHILD = """
import json, resource, sys, time
from ladderpress.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
print(json.dumps({"code": code, "seconds": seconds,
                  "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def roster(path: Path, people: int, scripts: float = 0.0) -> Path:
    """A fictional roster, the same for a given size; ``scripts`` of it named in other scripts than Latin."""
    rng = random.Random(people)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "level", "team", "manager", "buddy", "start_date"])
        for i in range(people):
            writer.writerow(
                [
                    f"{rng.choice(SCRIPTS if rng.random() < scripts else FIRST)} {rng.choice(LAST)} {i:03d}",
                    rng.choice(LEVELS),
                    f"Team {rng.choice(LAST)}",
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    f"2027-03-{1 + i % 28:02d}",
                ]
            )
    return path


# The whole path: the same plan, each packet laid out whole in a pool of as many worker processes.
CHILD_WHOLE = """
import json, multiprocessing, resource, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
start = time.perf_counter()
from ladderpress.cli import configure_logging
from ladderpress.pipeline import engine_for, open_project, planned
from ladderpress.produce import Producer
from ladderpress.request import BuildRequest
project, out, roster, workers = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
configure_logging()
request = BuildRequest(project=project, out=out, roster=roster, recipes=("onboarding",), workers=workers)
opened = open_project(request)
jobs = planned(opened, request, {}).jobs
producer = None

def start_worker():
    global producer
    producer = Producer(opened.project, opened.renderers, engine_for(opened, request))

def whole(i):
    job = jobs[i]
    data = producer.packets.print_whole(opened.renderers.for_job(job), job).data
    (out / job.output).parent.mkdir(parents=True, exist_ok=True)
    (out / job.output).write_bytes(data)

with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=start_worker) as pool:
    list(pool.map(whole, range(len(jobs))))
print(json.dumps({"code": 0, "seconds": time.perf_counter() - start,
                  "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def build(roster_path: Path, out: Path, workers: int, whole: bool) -> dict[str, float]:
    if whole:
        command = [CHILD_WHOLE, str(ROOT), str(out), str(roster_path), str(workers)]
    else:
        command = [
            CHILD,
            "--project",
            str(ROOT),
            "--out",
            str(out),
            "--roster",
            str(roster_path),
            "-j",
            str(workers),
            "onboarding",
        ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", *command], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        sys.exit(f"build failed:\n{result.stderr[-2000:]}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scripts", type=float, default=0.0, help="share of names in other scripts (0 to 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ladderpress-bench-") as folder:
        tmp = Path(folder)
        big = roster(tmp / f"roster-{args.people}.csv", args.people, args.scripts)
        started = time.perf_counter()
        fast = build(big, tmp / "assembled", args.jobs, whole=False)
        slow = build(big, tmp / "whole", args.jobs, whole=True)
        again = build(big, tmp / "assembled-again", args.jobs, whole=False)
        large = build(
            roster(tmp / f"roster-{2 * args.people}.csv", 2 * args.people, args.scripts),
            tmp / "assembled-large",
            args.jobs,
            whole=False,
        )
        sample = sorted((tmp / "assembled" / "onboarding").glob("*.pdf"))[0].name
        size_fast = (tmp / "assembled" / "onboarding" / sample).stat().st_size
        size_slow = (tmp / "whole" / "onboarding" / sample).stat().st_size
        rows = [
            ("assembled", args.people, fast),
            ("whole", args.people, slow),
            ("assembled", args.people, again),
            ("assembled", 2 * args.people, large),
        ]
        assembled = (fast["seconds"] + again["seconds"]) / 2
        tagged = all(
            "/StructTreeRoot" in PdfReader(path).root_object
            for path in (tmp / "assembled" / "onboarding").glob("*.pdf")
        )
        print(
            f"onboarding packets, {args.jobs} worker process(es), {args.scripts:.0%} of names in other scripts, "
            f"every assembled packet tagged: {'yes' if tagged else 'NO'}; ladderpress at {ROOT}"
        )
        print(f"{'path':<10} {'people':>6} {'wall s':>8} {'per packet ms':>14} {'parent MB':>10} {'worker MB':>10}")
        for name, people, report in rows:
            print(
                f"{name:<10} {people:>6} {report['seconds']:>8.1f} {1000 * report['seconds'] / people:>14.0f} "
                f"{report['parent_kb'] / 1024:>10.0f} {report['worker_kb'] / 1024:>10.0f}"
            )
        print(
            f"ratio whole / assembled at {args.people} people: {slow['seconds'] / assembled:.1f}x "
            f"(assembled: mean of {fast['seconds']:.1f} s and {again['seconds']:.1f} s; target: at least 8x)"
        )
        print(
            f"one packet ({sample}): assembled {size_fast / 1024:.0f} KB, whole {size_slow / 1024:.0f} KB, "
            f"ratio {size_fast / size_slow:.2f} (limit: 1.25)"
        )
        grew = max(large["worker_kb"], large["parent_kb"]) / max(
            fast["worker_kb"], fast["parent_kb"], again["worker_kb"], again["parent_kb"]
        )
        print(f"peak memory, assembled, {2 * args.people} vs {args.people} people: {grew:.2f}x")
        print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
