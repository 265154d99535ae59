"""Incremental and parallel builds: only what changed is rebuilt, whatever the worker count."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from ladderpress.cli import main
from tests.conftest import copy_project

RECIPES = ["one-pagers", "level-guides"]


def built_lines(out: str) -> list[str]:
    return sorted(re.findall(r"(\S+\.pdf)\s", out))


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.pdf"))}


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    project = copy_project(tmp_path / "p")
    assert main(["--project", str(project), *RECIPES]) == 0
    capsys.readouterr()
    return project


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
    level.write_text(level.read_text(encoding="utf-8").replace("duties:\n", "duties:\n  - Chairs the product council\n"),
                     encoding="utf-8")
    code, rebuilt, _ = build(project, capsys)
    assert code == 0
    # the VP's own documents, and the Director's, whose "next step" describes the VP level
    assert rebuilt == ["levels/director.pdf", "levels/vp.pdf", "one-pagers/vp.pdf"]


def test_editing_a_stylesheet_rebuilds_everything_using_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = project / "styles/one-pager.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n.doc-footer { color: #333333; }\n", encoding="utf-8")
    _, rebuilt, _ = build(project, capsys)
    assert rebuilt == sorted(f"one-pagers/{p.stem}.pdf" for p in (project / "content/levels").glob("*.yaml"))
    font = project / "styles/fonts/Inter-Bold.otf"
    font.write_bytes(font.read_bytes() + b"\0")  # a changed font file reaches every document
    _, rebuilt, _ = build(project, capsys)
    assert len(rebuilt) == 16


def test_a_corrupt_cache_or_a_changed_pdf_never_leaves_a_wrong_pdf(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = digests(project / "out")
    (project / "out/.ladderpress-cache.json").write_text("{not json", encoding="utf-8")
    _, rebuilt, _ = build(project, capsys)
    assert len(rebuilt) == 16 and digests(project / "out") == good
    changed = project / "out/one-pagers/pm.pdf"
    changed.write_bytes(b"%PDF-1.7 damaged")  # not what was written: maybe the user's own edit, never replaced
    code = main(["--project", str(project), *RECIPES])
    assert code == 1 and changed.read_bytes() == b"%PDF-1.7 damaged"
    assert "pm.pdf was changed since ladderpress wrote it (or replaced by another file); move it away" \
        in capsys.readouterr().err
    changed.unlink()
    _, rebuilt, _ = build(project, capsys)
    assert rebuilt == ["one-pagers/pm.pdf"] and digests(project / "out") == good
    _, rebuilt, _ = build(project, capsys, "--force")
    assert len(rebuilt) == 16


def test_output_is_byte_identical_whatever_the_worker_count(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    for workers in ("1", "2"):
        assert main(["--project", str(project), "--out", str(tmp_path / workers), "-j", workers,
                     "one-pagers", "onboarding", "ic-track"]) == 0
    assert digests(tmp_path / "1") == digests(tmp_path / "2")
    assert len(digests(tmp_path / "1")) == 8 + 12 + 1


def test_an_image_added_after_a_warning_rebuilds_the_document(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = project / "templates/blocks/header.html"
    header.write_text(header.read_text(encoding="utf-8").replace(
        "<header class=\"level-head\">", "<header class=\"level-head\"><img src=\"badge.png\" alt=\"\">"),
        encoding="utf-8")
    main(["--project", str(project), *RECIPES])
    assert "badge.png' was not found" in capsys.readouterr().err
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 0, 0)).save(project / "templates/badge.png")
    _, rebuilt, _ = build(project, capsys)
    assert len(rebuilt) == 16  # every document that looked for the missing image
