#!/usr/bin/env python3
"""Benchmark: what preflight adds to printing, measured side by side in one run.

Lays out and writes the default handbook and one level guide (as a build does), and times the
three steps apart: layout, writing the PDF, and the preflight inspection of the laid-out pages.
Prints each step's median seconds over a few runs and the inspection's share of the whole.

    .venv/bin/python bench/preflight.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ladderpress.load import load_project  # noqa: E402
from ladderpress.pdf import Printer, expect_for  # noqa: E402
from ladderpress.plan import plan  # noqa: E402
from ladderpress.preflight import inspect  # noqa: E402
from ladderpress.render import Renderers  # noqa: E402
from ladderpress.request import BuildRequest  # noqa: E402

DOCUMENTS = ("handbook", "level-guides")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    project = load_project(ROOT)
    renderers = Renderers(project)
    jobs = plan(project, BuildRequest(project=ROOT, recipes=DOCUMENTS)).jobs[:2]
    base = next(folder for folder in project.template_dirs(None) if folder.is_dir())
    printer = Printer(base, project.allowed_roots, project.root)
    print(f"{'document':<24} {'pages':>5} {'layout s':>9} {'write s':>8} {'preflight s':>12} {'share':>7}")
    for job in jobs:
        html = renderers.for_job(job).source(job)
        sheets, _ = printer.sheets_for(list(job.stylesheets), project.style_dirs(job.brand), job.layout, job.brand)
        layout, write, check = [], [], []
        pages = 0
        for _ in range(runs):
            start = time.perf_counter()
            document, _, _ = printer.render(html, sheets)
            laid = time.perf_counter()
            written = printer.write(document)
            wrote = time.perf_counter()
            pages = len(document.pages)
            inspect(list(enumerate(document.pages, 1)), pages, expect_for(project, job), written.missing)
            checked = time.perf_counter()
            layout.append(laid - start)
            write.append(wrote - laid)
            check.append(checked - wrote)
        med = [statistics.median(values) for values in (layout, write, check)]
        share = med[2] / sum(med)
        print(f"{job.output.as_posix():<24} {pages:>5} {med[0]:>9.2f} {med[1]:>8.2f} {med[2]:>12.3f} {share:>7.1%}")


if __name__ == "__main__":
    main()
