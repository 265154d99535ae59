"""Shared fixtures: the default project built once per test session, read back with pypdf."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = ("content", "guides", "templates", "styles", "examples")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-references",
        action="store_true",
        help="rewrite the reference PNGs in tests/reference/ from the current output",
    )
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/errors.txt from the current error messages"
    )


@pytest.fixture(scope="session")
def update_references(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-references"))


XDIST = "PYTEST_XDIST_WORKER" in os.environ
"""Run by pytest-xdist (``-n 2``): each worker process sets up the session's fixtures for itself."""


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder ``name`` that ``build`` fills, made once per test run.

    Under pytest-xdist the first worker to ask builds it, holding a lock in the folder the workers of
    this run share, and the others wait for it and read the same folder; without xdist it is built here.
    """
    if not XDIST:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent  # this run's, shared by its workers
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                build(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


REBUILT_RECIPES = ("one-pagers",)
"""Eight documents that the workers share out (every recipe built again is a slow test in test_print)."""


def build_default(out: Path) -> None:
    assert main(["--project", str(ROOT), "--out", str(out), "-j", "2"]) == 0


def rebuild_default(out: Path) -> None:
    assert main(["--project", str(ROOT), "--out", str(out), "-j", "1", *REBUILT_RECIPES]) == 0


def build_and_rebuild_default(folder: Path) -> None:
    build_default(folder / "built")
    rebuild_default(folder / "rebuilt")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every recipe of the default project, built once with two workers into a temporary output folder.

    Shared by every test that only reads the default output: never write into it. A test that
    changes the project or the output builds its own, and only the recipes (or levels) it needs.
    """
    if XDIST:  # `rebuilt` is made with it, to be made in the same process
        return shared_build(tmp_path_factory, "default", build_and_rebuild_default) / "built"
    return shared_build(tmp_path_factory, "built", build_default)


@pytest.fixture(scope="session")
def rebuilt(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``REBUILT_RECIPES`` built a second time in the process that made ``built``, with one worker.

    Compared byte for byte with ``built``: the same input gives the same PDFs in one process
    and whatever the worker count.
    """
    if XDIST:
        return built.parent / "rebuilt"
    return shared_build(tmp_path_factory, "rebuilt", rebuild_default)


def copy_project(dest: Path, content: Path | None = None) -> Path:
    """A copy of the default project (optionally with other content) that a test may change."""
    for part in PROJECT_PARTS:
        source = content if part == "content" and content is not None else ROOT / part
        shutil.copytree(source, dest / part)
    return dest


def outline(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(title, 1-based page, depth) for every bookmark, in order."""
    entries: list[tuple[str, int, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((item.title, reader.get_destination_page_number(item) + 1, depth))

    walk(reader.outline, 0)
    return entries


_PAGE_TEXTS: dict[str, tuple[str, ...]] = {}


def page_texts(path: Path) -> tuple[str, ...]:
    """The text of every page of ``path``, extracted once per distinct content (pypdf is slow at it)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PAGE_TEXTS:
        _PAGE_TEXTS[digest] = tuple(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return _PAGE_TEXTS[digest]


def text(path: Path) -> str:
    return "\n".join(page_texts(path))


def render_png(pdf: Path, page: int, dpi: int, dest: Path) -> Path:
    """Page ``page`` (1-based) of ``pdf`` as a PNG, through poppler's pdftoppm."""
    stem = dest.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    return stem.with_suffix(".png")


LEVEL_LOOKUPS = (
    "next_levels",
    "previous_levels",
    "faq_for",
    "onboarding_for",
    "equivalents",
    "at_top",
    "band_of",
    "family_of",
    "reports_to",
    "moves_from",
    "groups_for",
    "scales_used",
    "specialisations_for",
)
"""The template look-ups that take one level (see ladderpress/lookups.py)."""

TEMPLATE_GLOBALS = frozenset(
    {
        "range",
        "namespace",
        "diagram",
        "level_by_id",
        "track_by_id",
        "shared_levels",
        "expectation",
        "changes",
        "bands_compared",
        *LEVEL_LOOKUPS,
    }
)
"""Every name templates have besides the content: a new one must be added here on purpose."""
