"""Print-grade output: standards, fonts, paper, reproducibility, the diagram, and the look."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from ladderpress.cli import main
from tests.conftest import REBUILT_RECIPES, ROOT, copy_project, outline, page_texts, render_png, shared_build, text
from tests.test_frameworks import build_fixture

REFERENCES = Path(__file__).resolve().parent / "reference"
PRIMARY = (0x1C, 0x2F, 0x4A)
MM = 72 / 25.4


def all_pdfs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pdf"))


def test_qpdf_finds_every_output_clean(built: Path) -> None:
    for pdf in all_pdfs(built):
        result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert result.returncode == 0, f"{pdf}: {result.stdout}{result.stderr}"
        assert "No syntax or stream encoding errors found" in result.stdout


def test_every_font_is_embedded_and_subset(built: Path) -> None:
    for pdf in all_pdfs(built):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows, pdf
        for row in rows:
            columns = row.split()
            emb, sub = columns[-5], columns[-4]
            assert (emb, sub) == ("yes", "yes"), f"{pdf}: {row}"
            assert "lp-inter" in columns[0], f"{pdf}: {row}"  # only the bundled fonts, never a system one


def test_default_output_is_tagged_with_language_and_metadata(built: Path) -> None:
    reader = PdfReader(built / "handbook.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    meta = reader.metadata
    assert meta.author == "Northwind Labs"
    assert "Senior PM" in meta["/Keywords"] and "career ladder" in meta["/Keywords"]
    assert meta.subject


def test_toc_and_cross_references_are_live_links(built: Path) -> None:
    reader = PdfReader(built / "handbook.pdf")
    toc_links = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    assert len([a for a in toc_links if a["/Subtype"] == "/Link"]) >= 15
    starts = {title: page for title, page, _ in outline(reader)}
    # its pages, to the one where the next level opens (chapters flow on from one another)
    chapter = range(starts["Product Manager"] - 1, starts["Senior Product Manager"])
    pm_text = " ".join(page_texts(built / "handbook.pdf")[i] for i in chapter)
    assert f"see Senior PM, p. {starts['Senior Product Manager']}" in " ".join(pm_text.split())
    assert any(a.get_object()["/Subtype"] == "/Link" for i in chapter for a in reader.pages[i].get("/Annots", []))


@pytest.fixture(scope="module")
def pdf_ua(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-pagers the PDF/UA tests read, built once as PDF/UA-1."""
    out = tmp_path_factory.mktemp("ua")
    assert (
        main(
            [
                "--project",
                str(ROOT),
                "--out",
                str(out),
                "--pdf-variant",
                "pdf/ua-1",
                "one-pagers",
                "--level",
                "pm",
                "--level",
                "senior-pm",
            ]
        )
        == 0
    )
    return out


def test_pdf_ua_and_pdf_a_variants(pdf_ua: Path, tmp_path: Path) -> None:
    ua = PdfReader(pdf_ua / "one-pagers/pm.pdf")
    root = ua.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and re.search(r"pdfuaid:part[^0-9]{1,3}1", xmp)
    structure = str(root["/StructTreeRoot"].get_object())
    assert "/K" in structure

    assert (
        main(
            [
                "--project",
                str(ROOT),
                "--out",
                str(tmp_path / "pdfa"),
                "--pdf-variant",
                "pdf/a-3b",
                "one-pagers",
                "--level",
                "pm",
            ]
        )
        == 0
    )
    archived = PdfReader(tmp_path / "pdfa/one-pagers/pm.pdf").trailer["/Root"]
    xmp = archived["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]{1,3}3", xmp) and re.search(r"pdfaid:conformance[^A-Z]{1,3}B", xmp)
    assert "/OutputIntents" in archived


def test_paper_and_bleed_set_the_page_size(tmp_path: Path) -> None:
    assert (
        main(
            [
                "--project",
                str(ROOT),
                "--out",
                str(tmp_path),
                "--paper",
                "Letter",
                "--bleed",
                "3mm",
                "--crop-marks",
                "one-pagers",
                "--level",
                "vp",
            ]
        )
        == 0
    )
    page = PdfReader(tmp_path / "one-pagers/vp.pdf").pages[0]
    assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (
        round(612 + 6 * MM, 1),
        round(792 + 6 * MM, 1),
    )
    assert (round(float(page.trimbox.width)), round(float(page.trimbox.height))) == (612, 792)


def test_crop_marks_need_a_bleed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--project", str(ROOT), "--out", str(tmp_path), "--crop-marks", "one-pagers"]) == 2
    assert "--crop-marks needs a bleed" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # refused before anything was read or written


def test_duplex_opens_chapters_on_right_hand_pages(tmp_path: Path) -> None:
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "--duplex", "ic-track"]) == 0
    reader = PdfReader(tmp_path / "ic-track.pdf")
    for title, page, _ in outline(reader):
        assert page % 2 == 1, f"{title} starts on page {page}, a left-hand page"


def test_creation_date_comes_from_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "one-pagers", "--level", "pm"]) == 0
    meta = PdfReader(tmp_path / "one-pagers/pm.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20260101")


def test_two_builds_are_byte_identical_in_one_process_and_across_processes(
    tmp_path: Path, built: Path, rebuilt: Path
) -> None:
    digest = {p.relative_to(built): hashlib.sha256(p.read_bytes()).hexdigest() for p in all_pdfs(built)}
    # `rebuilt` is a second build, in this process, of the one-pagers (of every document: the slow test below)
    assert REBUILT_RECIPES == ("one-pagers",)
    again = all_pdfs(rebuilt)
    assert len(again) == 8
    for path in again:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest[path.relative_to(rebuilt)], path
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(ROOT), "--out", str(tmp_path / "proc"), "one-pagers"],
        check=True,
        env=env,
        capture_output=True,
    )
    for path in all_pdfs(tmp_path / "proc"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest[path.relative_to(tmp_path / "proc")], path


@pytest.mark.slow
def test_every_document_is_byte_identical_when_built_again(tmp_path: Path, built: Path) -> None:
    """Every recipe built a second time in this process (with one worker, ``built`` has two): the same bytes."""
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "-j", "1"]) == 0
    digest = {p.relative_to(built): hashlib.sha256(p.read_bytes()).hexdigest() for p in all_pdfs(built)}
    again = {p.relative_to(tmp_path): hashlib.sha256(p.read_bytes()).hexdigest() for p in all_pdfs(tmp_path)}
    assert again == digest
    assert len(again) == 3 + 8 + 8 + 12  # the handbooks, level guides, one-pagers and packets


def test_one_pager_diagram_is_vector_and_marks_the_right_level(built: Path, tmp_path: Path) -> None:
    centres = {}
    for level_id in ("apm", "pm", "senior-pm", "principal-pm", "group-pm", "director", "vp", "cpo"):
        pdf = built / "one-pagers" / f"{level_id}.pdf"
        page = PdfReader(pdf).pages[0]
        xobjects = page["/Resources"].get("/XObject", {})
        assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values()), "raster image found"
        assert "You are here" in page_texts(pdf)[0]
        centres[level_id] = highlighted_box(render_png(pdf, 1, 50, tmp_path / level_id))
    # rank runs upward: a more senior level's marked box is higher on the page (smaller y)
    order = ["apm", "pm", "senior-pm", "principal-pm", "director", "vp", "cpo"]
    ys = [centres[level_id][1] for level_id in order]
    assert ys == sorted(ys, reverse=True), centres
    # equivalent levels sit on one row, the IC track to the left of the manager track
    assert abs(centres["principal-pm"][1] - centres["group-pm"][1]) < 2
    assert centres["principal-pm"][0] < centres["group-pm"][0]


def highlighted_box(png: Path) -> tuple[float, float]:
    """Centre of the filled primary-colour box in the diagram column, relative to the legend.

    The diagram sits lower on pages whose title wraps, so y is measured from the legend's
    "You are here" swatch, which is drawn at a fixed place below the ladder.
    """
    image = Image.open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()
    box, swatch = [], []
    for y in range(int(height * 0.2), int(height * 0.8)):
        row = [x for x in range(int(width * 0.5), width) if _near(pixels[x, y], PRIMARY)]
        # filled shapes are unbroken runs; text in the primary colour is many short ones
        runs = [run for run in _runs(row) if len(run) >= 3]
        box += [(x, y) for run in runs if len(run) > 20 for x in run]  # wider than the swatch: the box
        if len(runs) == 1 and 4 <= len(runs[0]) <= 14:  # alone on its row: the legend's swatch
            swatch.append(y)
    assert box and swatch, f"no highlighted box or legend in {png}"
    legend_y = max(swatch)
    return sum(p[0] for p in box) / len(box), sum(p[1] for p in box) / len(box) - legend_y


def _runs(xs: list[int]) -> list[list[int]]:
    """Consecutive x positions, grouped."""
    runs: list[list[int]] = []
    for x in xs:
        if runs and x == runs[-1][-1] + 1:
            runs[-1].append(x)
        else:
            runs.append([x])
    return runs


def _near(colour: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=False))


def test_long_content_is_fitted_before_it_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    level = project / "content/levels/pm.yaml"
    extra = "".join(f"  - An additional responsibility, number {i}, described briefly\n" for i in range(7))
    level.write_text(level.read_text(encoding="utf-8").replace("duties:\n", "duties:\n" + extra), encoding="utf-8")
    assert main(["--project", str(project), "one-pagers", "--level", "pm"]) == 0
    reader = PdfReader(project / "out/one-pagers/pm.pdf")
    assert len(reader.pages) == 1
    assert "number 6" in text(project / "out/one-pagers/pm.pdf")


REFERENCE_DOCUMENTS: dict[str, tuple[str, ...]] = {
    # every kind of document, for the default ladder and for a published framework of another shape
    "default": (
        "handbook.pdf",
        "ic-track.pdf",
        "levels/senior-pm.pdf",
        "one-pagers/senior-pm.pdf",
        "onboarding/amara-okafor.pdf",
    ),
    "snowflake": ("handbook.pdf", "manager-track.pdf", "levels/staff-engineer.pdf", "one-pagers/engineer-2.pdf"),
}
REFERENCE_DPI = 40


def reference_folder(ladder: str, document: str) -> Path:
    """tests/reference/LADDER/DOCUMENT (its path with / as --), one PNG per page."""
    return REFERENCES / ladder / document.removesuffix(".pdf").replace("/", "--")


def test_every_reference_folder_is_compared() -> None:
    folders = {p.relative_to(REFERENCES).as_posix() for p in REFERENCES.glob("*/*") if p.is_dir()}
    wanted = {reference_folder(ladder, doc).relative_to(REFERENCES).as_posix() for ladder, docs in
              REFERENCE_DOCUMENTS.items() for doc in docs}  # fmt: skip
    assert folders == wanted
    assert not list(REFERENCES.glob("*.png"))  # no page outside a document's folder


def compare_with_reference(pdf: Path, folder: Path, scratch: Path, update: bool) -> None:
    """Every page of ``pdf`` against its reference PNG: the same number of pages, each alike.

    ``pytest --update-references`` rewrites the folder from the current output; look at the new
    PNGs before committing them.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(REFERENCE_DPI), str(pdf), str(scratch / "p")], check=True)
    pages = sorted(scratch.glob("p-*.png"), key=lambda png: int(png.stem.split("-")[-1]))
    if update or not folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for number, png in enumerate(pages, 1):  # grey, as compared: a third of the size
            Image.open(png).convert("L").save(folder / f"p{number:02d}.png", optimize=True)
        if not update:
            pytest.fail(f"no reference for {pdf.name}; wrote {folder}, look at it and commit it")
    references = sorted(folder.glob("p*.png"))
    assert len(pages) == len(references), f"{folder.name}: {len(references)} pages -> {len(pages)}"
    for number, (png, reference) in enumerate(zip(pages, references, strict=True), 1):
        got, want = Image.open(png).convert("L"), Image.open(reference).convert("L")
        assert got.size == want.size, f"{folder.name} p. {number}: page size changed {want.size} -> {got.size}"
        diff = ImageChops.difference(got, want)
        mean = ImageStat.Stat(diff).mean[0]
        changed = sum(diff.histogram()[65:]) / (got.size[0] * got.size[1])
        assert mean < 1.5 and changed < 0.005, (
            f"{folder.name} p. {number}: mean difference {mean:.2f}, {changed:.2%} of pixels changed"
        )


@pytest.mark.parametrize("document", REFERENCE_DOCUMENTS["default"])
def test_default_pages_look_like_their_reference(
    built: Path, tmp_path: Path, update_references: bool, document: str
) -> None:
    """A layout regression shows up as a page that differs from its committed reference PNG."""
    compare_with_reference(built / document, reference_folder("default", document), tmp_path, update_references)


@pytest.mark.slow
@pytest.mark.parametrize("document", REFERENCE_DOCUMENTS["snowflake"])
def test_framework_pages_look_like_their_reference(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, update_references: bool, document: str
) -> None:
    out = shared_build(tmp_path_factory, "framework-snowflake", lambda out: build_fixture("snowflake", out))
    compare_with_reference(out / document, reference_folder("snowflake", document), tmp_path, update_references)


def _struct_elements(node, found: list) -> list:
    """Every structure element below ``node`` (a dictionary or array of the structure tree)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            _struct_elements(node["/K"], found)
    elif isinstance(node, list):
        for child in node:
            _struct_elements(child, found)
    return found


def test_pdf_ua_gives_the_diagram_a_text_alternative(pdf_ua: Path) -> None:
    root = PdfReader(pdf_ua / "one-pagers/senior-pm.pdf").trailer["/Root"]
    elements = _struct_elements(root["/StructTreeRoot"], [])
    kinds = {str(e["/S"]) for e in elements}
    assert {"/H1", "/L", "/LI", "/Figure"} <= kinds
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert any("You are here: Senior PM (L3)" in str(f.get("/Alt", "")) for f in figures)


@pytest.mark.slow
def test_a_long_ladder_repeats_the_comparison_header_and_still_draws(tmp_path: Path) -> None:
    """Twenty levels: the comparison table breaks across pages with its header row repeated.

    Slow (a handbook of twenty levels, 7 s): a scale case, as the 500-level check in test_scale is.
    """
    project = copy_project(tmp_path / "p")
    levels = project / "content/levels"
    cpo = levels / "cpo.yaml"
    cpo.write_text(cpo.read_text(encoding="utf-8").replace("leads_to: []", "leads_to: [x8]"), encoding="utf-8")
    with (project / "content/ladder.yaml").open("a", encoding="utf-8") as ladder:  # its bands: list ends the file
        ladder.writelines(f"  - {{id: band-{i}, name: Band {i}, rank: {i}}}\n" for i in range(8, 20))
    for i in range(8, 20):
        (levels / f"x{i}.yaml").write_text(
            f"id: x{i}\ncode: X{i}\ntitle: Extra Level {i}\nshort_title: X {i}\nband: band-{i}\ntracks: [manager]\n"
            f"scope: A made-up level that makes the ladder longer than any real one.\n"
            f"description: Only here to test page breaks.\nduties: [Exists]\nexperience: Many years\n"
            f"years: [{i * 2}, {i * 2 + 2}]\ntime_at_level: Some time\nreports_to: Someone\n"
            + (f"leads_to: [x{i + 1}]\n" if i < 19 else ""),
            encoding="utf-8",
        )
    # the handbook whole, and of the twenty one-pagers the one of the top level
    assert main(["--project", str(project), "handbook"]) == 0
    assert main(["--project", str(project), "one-pagers", "--level", "x19"]) == 0
    reader = PdfReader(project / "out/handbook.pdf")
    starts = [page for title, page, _ in outline(reader)]
    titles = [title for title, _, _ in outline(reader)]
    first = starts[titles.index("Levels compared")]
    end = starts[titles.index("Levels compared") + 1]
    # chapters flow: the next one may open on the table's last page
    texts = [" ".join(reader.pages[number - 1].extract_text().split()) for number in range(first, end + 1)]
    # the chapter opens with the bands compared; the level-by-level table follows, its header on every page
    with_header = [i for i, text in enumerate(texts) if "Typical experience" in text]
    table = texts[with_header[0] : with_header[-1] + 1]
    assert len(table) >= 2, "twenty levels should need more than one page"
    assert all("Typical experience" in text for text in table)
    assert len(PdfReader(project / "out/one-pagers/x19.pdf").pages) == 1
