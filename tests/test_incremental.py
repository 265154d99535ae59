"""Incremental and parallel builds: only what changed is rebuilt, whatever the worker count."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from ladderpress.cli import main
from tests.conftest import REBUILT_RECIPES, copy_project

RECIPES = ["one-pagers", "level-guides"]


def built_lines(out: str) -> list[str]:
    return sorted(re.findall(r"(\S+\.pdf)\s", out))


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.pdf"))
    }


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the default project with ``RECIPES`` built into its out/ once for the module, and a
    pristine copy of that to restore it from: (the project, the pristine copy)."""
    folder = tmp_path_factory.mktemp("incremental")
    project = copy_project(folder / "p")
    assert main(["--project", str(project), *RECIPES]) == 0
    return project, Path(shutil.copytree(project, folder / "pristine", symlinks=True))


@pytest.fixture
def project(built_project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> Path:
    """The module's project as it was right after its ``RECIPES`` were built, restored for each test.

    Restored in place, not copied elsewhere: the build record names the files read by their
    absolute paths, and a project moved to another folder is rebuilt whole.
    """
    project, pristine = built_project
    shutil.rmtree(project)
    shutil.copytree(pristine, project, symlinks=True)
    capsys.readouterr()
    return project


ONE_LEVEL = pytest.param(("--level", "pm"), id="one-level")
EVERY_DOCUMENT = pytest.param((), id="every-document", marks=pytest.mark.slow)
"""What a test rebuilds: the documents of one level (2 of the 16), or, in the slow run, all of them."""


def levels_built(project: Path, only: tuple[str, ...]) -> list[str]:
    return ["pm"] if only else sorted(p.stem for p in (project / "content/levels").glob("*.yaml"))


def build(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str], str]:
    code = main(["--project", str(project), *RECIPES, *extra])
    out = capsys.readouterr().out
    return code, [Path(p).relative_to(project / "out").as_posix() for p in built_lines(out)], out


def test_a_build_with_nothing_changed_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.stat().st_mtime_ns for p in (project / "out").rglob("*.pdf")}
    code, rebuilt, out = build(project, capsys)
    assert code == 0 and rebuilt == []
    assert "nothing to do: 16 documents up to date" in out
    assert {p: p.stat().st_mtime_ns for p in (project / "out").rglob("*.pdf")} == before


def test_editing_one_level_rebuilds_only_what_shows_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = project / "content/levels/vp.yaml"
    duties = level.read_text(encoding="utf-8").replace("duties:\n", "duties:\n  - Chairs the product council\n")
    level.write_text(duties, encoding="utf-8")
    code, rebuilt, _ = build(project, capsys)
    assert code == 0
    # the VP's own documents, and the Director's, whose "next step" describes the VP level
    assert rebuilt == ["levels/director.pdf", "levels/vp.pdf", "one-pagers/vp.pdf"]


@pytest.mark.parametrize("only", [ONE_LEVEL, EVERY_DOCUMENT])
def test_editing_a_stylesheet_rebuilds_everything_using_it(
    project: Path, capsys: pytest.CaptureFixture[str], only: tuple[str, ...]
) -> None:
    levels = levels_built(project, only)
    sheet = project / "styles/one-pager.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n.doc-footer { color: #333333; }\n", encoding="utf-8")
    _, rebuilt, _ = build(project, capsys, *only)
    assert rebuilt == sorted(f"one-pagers/{level}.pdf" for level in levels)
    font = project / "styles/fonts/Inter-Bold.otf"
    font.write_bytes(font.read_bytes() + b"\0")  # a changed font file reaches every document
    _, rebuilt, _ = build(project, capsys, *only)
    assert len(rebuilt) == 2 * len(levels)  # 16 when every document is built


@pytest.mark.parametrize("only", [ONE_LEVEL, EVERY_DOCUMENT])
def test_a_corrupt_cache_or_a_changed_pdf_never_leaves_a_wrong_pdf(
    project: Path, capsys: pytest.CaptureFixture[str], only: tuple[str, ...]
) -> None:
    levels = levels_built(project, only)
    good = digests(project / "out")
    (project / "out/.ladderpress-cache.json").write_text("{not json", encoding="utf-8")
    _, rebuilt, _ = build(project, capsys, *only)
    assert len(rebuilt) == 2 * len(levels) and digests(project / "out") == good
    changed = project / "out/one-pagers/pm.pdf"
    changed.write_bytes(b"%PDF-1.7 damaged")  # not what was written: maybe the user's own edit, never replaced
    code = main(["--project", str(project), *RECIPES, *only])
    assert code == 1 and changed.read_bytes() == b"%PDF-1.7 damaged"
    assert (
        "pm.pdf was changed since ladderpress wrote it (or replaced by another file); move it away"
        in capsys.readouterr().err
    )
    changed.unlink()
    _, rebuilt, _ = build(project, capsys, *only)
    assert rebuilt == ["one-pagers/pm.pdf"] and digests(project / "out") == good
    _, rebuilt, _ = build(project, capsys, *only, "--force")
    assert len(rebuilt) == 2 * len(levels)  # 16 when every document is built


def test_output_is_byte_identical_whatever_the_worker_count(built: Path, rebuilt: Path) -> None:
    """``built`` was printed with two workers, ``rebuilt`` with one (see conftest): the one-pagers.

    Every document, packets too, is compared in the slow run, by
    test_print.py::test_every_document_is_byte_identical_when_built_again.
    """
    assert REBUILT_RECIPES == ("one-pagers",)
    one = digests(rebuilt)
    two = digests(built)
    assert one == {name: two.get(name) for name in one}
    assert len(one) == 8


@pytest.mark.parametrize("only", [ONE_LEVEL, EVERY_DOCUMENT])
def test_an_image_added_after_a_warning_rebuilds_the_document(
    project: Path, capsys: pytest.CaptureFixture[str], only: tuple[str, ...]
) -> None:
    levels = levels_built(project, only)
    header = project / "templates/blocks/header.html"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            '<header class="level-head">', '<header class="level-head"><img src="badge.png" alt="">'
        ),
        encoding="utf-8",
    )
    main(["--project", str(project), *RECIPES, *only])
    assert "badge.png' was not found" in capsys.readouterr().err
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 0, 0)).save(project / "templates/badge.png")
    _, rebuilt, _ = build(project, capsys, *only)
    assert len(rebuilt) == 2 * len(levels)  # every document that looked for the missing image (16 in all)
