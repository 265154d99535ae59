#!/usr/bin/env python3
"""Fuzz the input boundary in-process: damaged content, recipes, brand.yaml and rosters must fail cleanly.

Copies the default project to a temporary folder, then, many times over, damages one file
(bytes, YAML syntax, anchors, aliases, merge keys, tags, CSV quoting; now and then the file
becomes a symlink out, a symlink loop, a FIFO or a folder), reads it with the loader that
owns it (``load_ladder``, ``load_recipes``, ``load_brand``, ``read_roster``; every
``--cli-every``-th case runs ``build.py check`` in full) and restores it. Problems reported
as located lines are the expected outcome; any exception, a problem that is not one line,
or a case that runs longer than ``--timeout`` seconds is a failure, printed with its input.
No network; the standard library's random with a fixed seed, so a run can be repeated.

    .venv/bin/python bench/fuzz.py                    # 5,000 mutations, seed 1
    .venv/bin/python bench/fuzz.py --count 20000 --seed 7
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import inspect
import io
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ladderpress.cli import main as cli_main  # noqa: E402
from ladderpress.errors import Problem  # noqa: E402
from ladderpress.load import load_brand, load_ladder, load_project, load_recipes  # noqa: E402
from ladderpress.model import Ladder  # noqa: E402
from ladderpress.roster import read_roster  # noqa: E402

PARTS = ("content", "guides", "templates", "styles", "examples", "brands")

YAML_TOKENS = [
    ":",
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    '"',
    "'",
    "#",
    "|",
    ">",
    "? ",
    "\n",
    "\t",
    "  ",
    "\r",
    "\\",
    "&a ",
    "&b ",
    "*a",
    "*b",
    "*nope",
    "&a [*a]",
    "&a {<<: *a}",
    "<<: *a\n",
    "<<: *b\n",
    "<<: 5\n",
    "<<: [1, 2]\n",
    "<<: [*a, *b]\n",
    "<<: {x: 1}\n",
    "<<",
    "=",
    "~",
    "null",
    "yes",
    "no",
    "0x1F",
    "1e999",
    "2025-02-30",
    "12:30:00",
    ".nan",
    "-.inf",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!str ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!pairs ",
    "!!seq ",
    "!!map ",
    "!!merge ",
    "!!python/object:os.system ",
    "!!python/object/apply:os.system ",
    "!!python/name:os.system ",
    "!foo ",
    "! ",
    "!<tag:yaml.org,2002:str> ",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "---\n",
    "...\n",
    "\x00",
    "\x07",
    "\x1b",
    "\ufeff",
    "\u2028",
    "\x85",
    "\ud7ff",
    "\U0001f600",
    "é",
    "{{ 1 }}",
    "{level}",
]
CSV_TOKENS = [
    ",",
    '"',
    '""',
    "\n",
    "\r\n",
    "\r",
    "\x00",
    "\ufeff",
    ";",
    "\t",
    "=1+1",
    "\u2028",
    "\x85",
    "2027-02-30",
    "pm",
    "vp",
    "nope",
    "ic",
    "manager",
    "Ada Lovelace",
    "x" * 5000,
    "é",
]
WEIGHTS = {"content": 40, "recipe": 20, "brand": 15, "roster-csv": 12, "roster-yaml": 13}
"""Share of cases per kind of file: every kind gets many, however few files it has."""
HOSTILE = ["dev-zero", "etc-passwd", "loop", "dangling", "fifo", "folder", "empty", "huge"]


@dataclass(frozen=True)
class Target:
    kind: str
    """content, recipe, brand or roster: which loader reads the file."""
    path: Path


@dataclass
class Failure:
    target: Target
    case: int
    what: str
    data: bytes | str


class Hung(BaseException):
    """A case ran longer than the time allowed (BaseException: no ``except Exception`` may swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- mutations


def mutate_text(rng: random.Random, text: str, tokens: list[str]) -> str:
    """One random edit of ``text``: a token inserted or put in place of a span, or lines moved."""
    if not text:
        return rng.choice(tokens)
    at = rng.randrange(len(text) + 1)
    span = rng.randint(1, 12)
    action = rng.randrange(9)
    if action <= 2:
        return text[:at] + rng.choice(tokens) + text[at:]
    if action == 3:
        return text[:at] + rng.choice(tokens) + text[at + span :]
    if action == 4:
        return text[:at] + text[at + span :]
    if action == 5:
        return text[:at] + text[at : at + span * 8] * rng.randint(2, 5) + text[at:]
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if action == 6:
        lines[i], lines[j] = lines[j], lines[i]
    elif action == 7:
        lines[i] = " " * rng.choice([1, 2, 3, 4, 8]) + lines[i] if rng.random() < 0.6 else lines[i].lstrip()
    else:
        lines.insert(i, lines[j])
    return "\n".join(lines)


def yaml_feature(rng: random.Random, text: str) -> str:
    """An anchor on one value and aliases to it elsewhere, or a merge key, as a YAML author writes them."""
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")]
    if not keyed:
        return text
    i = rng.choice(keyed)
    key, _, value = lines[i].partition(": ")
    lines[i] = f"{key}: &a {value}"
    for _ in range(rng.randint(1, 4)):
        j = rng.choice(keyed)
        other_key, _, _ = lines[j].partition(": ")
        if rng.random() < 0.7:
            lines[j] = f"{other_key}: *a"
        else:
            indent = other_key[: len(other_key) - len(other_key.lstrip(" -"))].replace("-", " ")
            lines.insert(j, f"{indent}<<: {rng.choice(['*a', '[*a]', '5', '[*a, {x: 1}]', '{x: *a}'])}")
    return "\n".join(lines)


def mutate(rng: random.Random, original: bytes, kind: str) -> bytes:
    """1 to 4 edits of the file's text, now and then of its raw bytes."""
    tokens = CSV_TOKENS if kind == "roster-csv" else YAML_TOKENS
    text = original.decode("utf-8")
    for _ in range(rng.randint(1, 4)):
        if kind != "roster-csv" and rng.random() < 0.2:
            text = yaml_feature(rng, text)
        else:
            text = mutate_text(rng, text, tokens)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:  # bytes that are not UTF-8
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes([rng.choice([0x80, 0xC0, 0xFE, 0xFF, 0xED])]) + data[at:]
    return data


def make_hostile(rng: random.Random, path: Path, root: Path) -> str:
    """Put something that is not an ordinary file where ``path`` was; returns what, for the report."""
    kind = rng.choice(HOSTILE)
    path.unlink()
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "etc-passwd":
        path.symlink_to("/etc/passwd")
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "dangling":
        path.symlink_to("no-such-file.yaml")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
        (path / "inside.yaml").write_text("x: 1\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"# " + b"x" * 2_100_000 + b"\n")
    return kind


def restore(path: Path, original: bytes) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.is_symlink() or path.exists():
        path.unlink()
    path.write_bytes(original)


# --------------------------------------------------------------------------- the loaders


def loaders(root: Path, ladder: Ladder) -> dict[str, Callable[[Path], list[Problem]]]:
    """For each kind of file, a call that reads it the way a build does and returns its problems."""
    takes_roots = "roots" in inspect.signature(read_roster).parameters

    def roster(path: Path) -> list[Problem]:
        args = (path, root, ladder, (root,)) if takes_roots else (path, root, ladder)
        result = read_roster(*args)
        return list(result.problems)

    return {
        "content": lambda path: load_ladder(root / "content", root)[1],
        "recipe": lambda path: load_recipes(root / "guides", root)[2],
        "brand": lambda path: load_brand(path.parent, root)[1],
        "roster-csv": roster,
        "roster-yaml": roster,
    }


def targets(root: Path) -> list[Target]:
    found = [Target("content", p) for p in sorted((root / "content").rglob("*.yaml"))]
    found += [Target("recipe", p) for p in sorted((root / "guides").glob("*.yaml"))]
    found += [Target("brand", p) for p in sorted((root / "brands").glob("*/brand.yaml"))]
    found += [
        Target("roster-csv", root / "examples/new-hires.csv"),
        Target("roster-yaml", root / "examples/new-hires.yaml"),
    ]
    return found


def yaml_roster(csv_path: Path) -> str:
    """The sample CSV roster as YAML, so YAML rosters are fuzzed from a valid start."""
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    out = []
    for row in rows:
        values = {k: v for k, v in row.items() if v}
        out.append("- " + "\n  ".join(f"{k}: {v!r}" if k != "start_date" else f"{k}: {v}" for k, v in values.items()))
    return "\n".join(out) + "\n"


def well_formed(problems: list[Problem]) -> str | None:
    """Why the problems are not clean one-line reports, or None."""
    for problem in problems:
        if not isinstance(problem, Problem):
            return f"not a Problem: {problem!r}"
        text = str(problem)
        if "\n" in text or not problem.file or not problem.message or "Traceback" in text:
            return f"badly formed problem: {text!r}"
    return None


def run_cli(root: Path) -> str | None:
    """``build.py check`` in-process: exit 0 or 1 and no traceback, or what went wrong."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(["--project", str(root), "check"])
    if code not in (0, 1) or "Traceback" in err.getvalue():
        return f"check exited {code}:\n{err.getvalue()[-2000:]}"
    return None


# --------------------------------------------------------------------------- the run


FIRST_EDITION = ROOT / "tests" / "fixtures" / "first-edition"
"""The default project in the content model's first edition: ``--first-edition`` fuzzes its in-memory upgrade."""


def fuzz(
    count: int, seed: int, cli_every: int, timeout: float, hostile_rate: float, show: int, first_edition: bool = False
) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="ladderpress-fuzz-") as folder:
        root = Path(folder) / "project"
        for part in PARTS:
            source = FIRST_EDITION if first_edition and (FIRST_EDITION / part).is_dir() else ROOT
            shutil.copytree(source / part, root / part)
        (root / "examples/new-hires.yaml").write_text(yaml_roster(root / "examples/new-hires.csv"), encoding="utf-8")
        ladder = load_project(root).ladder
        read = loaders(root, ladder)
        files = targets(root)
        by_kind = {kind: [target for target in files if target.kind == kind] for kind in WEIGHTS}
        originals = {target.path: target.path.read_bytes() for target in files}
        for target in files:  # the pristine project reads clean
            assert not read[target.kind](target.path), target
        failures: list[Failure] = []
        tally: Counter[str] = Counter()
        slowest = (0.0, "")
        started = time.perf_counter()
        for case in range(1, count + 1):
            kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            target = rng.choice(by_kind[kind])
            original = originals[target.path]
            data: bytes | str
            if rng.random() < hostile_rate:
                data = make_hostile(rng, target.path, root)
            else:
                data = mutate(rng, original, target.kind)
                target.path.write_bytes(data)
            tally[target.kind] += 1
            begun = time.perf_counter()
            what = None
            try:
                with time_limit(timeout):
                    what = well_formed(read[target.kind](target.path))
                    if cli_every and case % cli_every == 0:
                        what = what or run_cli(root)
            except Hung:
                what = f"ran longer than {timeout:g} s"
            except Exception:  # noqa: BLE001 -- the point of the fuzzer: any exception is a failure to report
                what = traceback.format_exc(limit=-6)
            took = time.perf_counter() - begun
            if took > slowest[0]:
                slowest = (took, f"{target.path.relative_to(root)} (case {case})")
            if what:
                failures.append(Failure(target, case, what, data))
            restore(target.path, original)
        elapsed = time.perf_counter() - started
    for failure in failures[:show]:
        print(f"--- case {failure.case}: {failure.target.kind} {failure.target.path.name}\n{failure.what.rstrip()}")
        print(f"input: {failure.data[:600]!r}")
    print(f"by file kind: {', '.join(f'{kind} {n}' for kind, n in sorted(tally.items()))}")
    print(f"slowest case: {slowest[0]:.2f} s, {slowest[1]}")
    print(f"seed {seed}: {count} mutations in {elapsed:.1f} s, {len(failures)} failures")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="mutations to try (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--cli-every",
        type=int,
        default=100,
        help="also run the whole 'check' command every N-th case (0: never; default 100)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a case may take (default 10)")
    parser.add_argument(
        "--hostile",
        type=float,
        default=0.03,
        help="share of cases that swap the file for a link, FIFO or folder (default 0.03)",
    )
    parser.add_argument("--show", type=int, default=20, help="failures to print in full (default 20)")
    parser.add_argument(
        "--first-edition",
        action="store_true",
        help="damage a first-edition project (tests/fixtures/first-edition), read through the in-memory upgrade",
    )
    args = parser.parse_args()
    sys.exit(fuzz(args.count, args.seed, args.cli_every, args.timeout, args.hostile, args.show, args.first_edition))


if __name__ == "__main__":
    main()
