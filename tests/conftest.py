"""Shared fixtures: the default project built once per test session, read back with pypdf."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = ("content", "guides", "templates", "styles", "examples")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-references", action="store_true",
                     help="rewrite the reference PNGs in tests/reference/ from the current output")
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/errors.txt from the current error messages")


@pytest.fixture(scope="session")
def update_references(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-references"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every recipe of the default project, built once with two workers into a temporary output folder.

    Shared by every test that only reads the default output: never write into it. A test that
    changes the project or the output builds its own, and only the recipes (or levels) it needs.
    """
    out = tmp_path_factory.mktemp("out")
    assert main(["--project", str(ROOT), "--out", str(out), "-j", "2"]) == 0
    return out


REBUILT_RECIPES = ("one-pagers", "onboarding", "ic-track")
"""Some of each kind of document: per level, per person (packets) and a handbook (of one track)."""


@pytest.fixture(scope="session")
def rebuilt(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``REBUILT_RECIPES`` built a second time in this process, with one worker, after ``built``.

    Compared byte for byte with ``built``: the same input gives the same PDFs in one process
    and whatever the worker count.
    """
    out = tmp_path_factory.mktemp("rebuilt")
    assert main(["--project", str(ROOT), "--out", str(out), "-j", "1", *REBUILT_RECIPES]) == 0
    return out


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
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png")
