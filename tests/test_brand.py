"""Brands: a folder restyles every document without touching the defaults."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from ladderpress.cache import CACHE_FILE
from ladderpress.cli import main
from tests.conftest import ROOT, copy_project, page_texts, render_png, shared_build, text

DEFAULT_PRIMARY = (0x1C, 0x2F, 0x4A)
BRANDS = {
    "acme": {"primary": (0x14, 0x53, 0x2D), "fonts": {"lp-brand-body"}},
    "harbor": {"primary": (0x0B, 0x4F, 0x6C), "fonts": {"lp-brand-body", "lp-brand-heading"}},
}


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The handbook and the PM one-pager (the one the tests read) built with each example brand."""

    def build(folder: Path) -> None:
        for name in BRANDS:
            brand = ["--project", str(ROOT), "--out", str(folder / name), "--brand", str(ROOT / "brands" / name)]
            assert main([*brand, "handbook"]) == 0
            assert main([*brand, "one-pagers", "--level", "pm"]) == 0

    folder = shared_build(tmp_path_factory, "branded", build)
    return {name: folder / name for name in BRANDS}


def colour_share(png: Path, colour: tuple[int, int, int], tolerance: int = 6) -> float:
    image = Image.open(png).convert("RGB")
    pixels = list(image.getdata()) if not hasattr(image, "get_flattened_data") else image.get_flattened_data()
    near = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour, strict=False)))
    return near / len(pixels)


def fonts_of(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {row.split()[0].split("+", 1)[-1] for row in listing.splitlines()[2:]}


@pytest.mark.parametrize("name", list(BRANDS))
def test_cover_is_in_the_brand_colour_not_the_default(branded: dict[str, Path], tmp_path: Path, name: str) -> None:
    png = render_png(branded[name] / "handbook.pdf", 1, 30, tmp_path / "cover")
    assert colour_share(png, BRANDS[name]["primary"]) > 0.05
    assert colour_share(png, DEFAULT_PRIMARY) == 0


@pytest.mark.parametrize("name", list(BRANDS))
def test_brand_fonts_are_the_embedded_fonts(branded: dict[str, Path], name: str) -> None:
    for pdf in (branded[name] / "handbook.pdf", branded[name] / "one-pagers" / "pm.pdf"):
        families = {font.split("-Bold")[0].split("-Semi")[0].split("-Italic")[0] for font in fonts_of(pdf)}
        assert BRANDS[name]["fonts"] <= families, families
        # the bundled Inter only stands in for glyphs the brand's fonts lack (such as arrows)
        assert families <= BRANDS[name]["fonts"] | {"lp-inter"}, families


@pytest.mark.parametrize("name", list(BRANDS))
def test_logo_name_and_footer_reach_the_pdf(branded: dict[str, Path], tmp_path: Path, name: str) -> None:
    reader = PdfReader(branded[name] / "one-pagers" / "pm.pdf")
    page = reader.pages[0]
    images = [x.get_object() for x in page["/Resources"].get("/XObject", {}).values()]
    assert not any(image.get("/Subtype") == "/Image" for image in images), "the SVG logo is drawn as vector artwork"
    png = render_png(branded[name] / "one-pagers" / "pm.pdf", 1, 60, tmp_path / "page")
    width, height = Image.open(png).size
    corner = Image.open(png).crop((int(width * 0.65), int(height * 0.07), width, int(height * 0.13)))
    corner.save(tmp_path / "corner.png")
    assert colour_share(tmp_path / "corner.png", BRANDS[name]["primary"], 30) > 0.01, "the logo is at the top right"
    brand_name = {"acme": "Acme Robotics", "harbor": "Blue Harbor Health"}[name]
    assert reader.metadata.author == brand_name
    content = page.extract_text()
    assert brand_name.upper() in content.upper()
    assert {"acme": "Confidential — internal use only", "harbor": "For employees"}[name] in content


@pytest.mark.parametrize("name", BRANDS)
def test_branded_documents_pass_preflight(branded: dict[str, Path], name: str) -> None:
    """The handbook and one-pager in each example brand: nothing preflight would mark (the build's records)."""
    documents = json.loads((branded[name] / CACHE_FILE).read_text())["documents"]
    assert {"handbook.pdf", "one-pagers/pm.pdf"} <= set(documents)
    assert {doc: entry["findings"] for doc, entry in documents.items() if entry["findings"]} == {}


def test_brand_paper_and_language_apply(branded: dict[str, Path]) -> None:
    harbor = PdfReader(branded["harbor"] / "one-pagers" / "pm.pdf")
    assert (round(float(harbor.pages[0].mediabox.width)), round(float(harbor.pages[0].mediabox.height))) == (612, 792)
    assert harbor.trailer["/Root"]["/Lang"] == "en-US"
    acme = PdfReader(branded["acme"] / "one-pagers" / "pm.pdf")
    assert round(float(acme.pages[0].mediabox.height)) == 842


def test_the_harbor_cover_override_changes_only_the_cover(branded: dict[str, Path]) -> None:
    harbor = PdfReader(branded["harbor"] / "handbook.pdf")
    acme = PdfReader(branded["acme"] / "handbook.pdf")
    assert "IC" in harbor.pages[0].extract_text() and "MANAGER" in harbor.pages[0].extract_text()  # the diagram
    assert "Chief Product Officer" in acme.pages[0].extract_text()  # the built-in cover's list of levels


def test_a_png_logo_is_embedded_as_an_image(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    brand = project / "brands" / "pngco"
    brand.mkdir(parents=True)
    Image.new("RGB", (120, 40), (200, 30, 30)).save(brand / "logo.png")
    (brand / "brand.yaml").write_text(
        'name: PNG Co\nlogo: logo.png\ncolours: {primary: "#7a1f1f", accent: "#1f5f7a"}\n', encoding="utf-8"
    )
    assert main(["--project", str(project), "--brand", str(brand), "one-pagers", "--level", "pm"]) == 0
    page = PdfReader(project / "out/one-pagers/pm.pdf").pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    assert images and images[0]["/Width"] == 120


def test_overriding_one_block_changes_that_block_only(built: Path, tmp_path: Path) -> None:
    """A brand with the default look and one override: every page but the last reads the same.

    Compared with the session's default IC-track handbook (``built``), built from the same project without
    a brand: the shortest book that ends with the colophon.
    """
    brand = tmp_path / "brands" / "plain"
    (brand / "templates" / "blocks").mkdir(parents=True)
    (brand / "brand.yaml").write_text(
        'name: Northwind Labs\ncolours: {primary: "#1c2f4a", accent: "#2b6cb0"}\nlanguage: en-GB\n', encoding="utf-8"
    )
    (brand / "templates" / "blocks" / "colophon.html").write_text(
        '<footer class="colophon"><p>Printed for the plain brand.</p></footer>\n', encoding="utf-8"
    )
    assert main(["--project", str(ROOT), "--out", str(tmp_path / "plain"), "--brand", str(brand), "ic-track"]) == 0
    default = page_texts(built / "ic-track.pdf")
    plain = page_texts(tmp_path / "plain/ic-track.pdf")
    assert len(default) == len(plain)
    for number, (a, b) in enumerate(zip(default[:-1], plain[:-1], strict=False), start=1):
        assert a == b, f"page {number} changed"
    assert "Printed for the plain brand." in plain[-1]
    assert "Printed for the plain brand." not in default[-1]


def test_a_recipe_may_name_its_brand(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    shutil.copytree(ROOT / "brands" / "acme", project / "brands" / "acme")
    (project / "guides" / "acme-pagers.yaml").write_text(
        "title: Acme one-pagers\ntemplate: one-pager.html\nper: level\nselect: {levels: [pm]}\n"
        "output: acme/{level}.pdf\nmax_pages: 1\nbrand: brands/acme\n",
        encoding="utf-8",
    )
    assert main(["--project", str(project), "acme-pagers", "one-pagers", "--level", "pm"]) == 0
    assert "lp-brand-body" in {f.split("-Bold")[0] for f in fonts_of(project / "out/acme/pm.pdf")}
    assert "lp-brand-body" not in {f.split("-Bold")[0] for f in fonts_of(project / "out/one-pagers/pm.pdf")}


def test_new_brand_scaffolds_a_brand_that_builds_as_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "p")
    assert main(["--project", str(project), "new-brand", "globex"]) == 0
    folder = project / "brands" / "globex"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "README.md",
        "brand.yaml",
        "logo.svg",
        "templates/blocks/colophon.html",
    ]
    assert "#" in (folder / "brand.yaml").read_text()  # commented
    # the shortest book that ends with the colophon the brand overrides
    assert main(["--project", str(project), "--brand", str(folder), "ic-track"]) == 0
    assert "Questions? Write to people-team@example.com" in text(project / "out/ic-track.pdf")
    assert main(["--project", str(project), "new-brand", "globex"]) == 2
    assert "already exists" in capsys.readouterr().err


BAD_BRANDS = [
    (
        "bad colour",
        'colours: {primary: "#1c2f4a", accent: "blue"}',
        ("brand.yaml:", "colours.accent", "'blue' is not a valid value", "six hex digits"),
    ),
    (
        "low contrast",
        'colours: {primary: "#ffd700", accent: "#2b6cb0"}',
        ("brand.yaml:", "colours.primary", "contrast of 1.", "darker shade"),
    ),
    (
        "missing logo",
        'logo: logo.svgg\ncolours: {primary: "#1c2f4a", accent: "#2b6cb0"}',
        ("brand.yaml:1:7", "logo:", "file 'logo.svgg' not found", "did you mean 'logo.svg'"),
    ),
    (
        "logo outside",
        'logo: ../../styles/fonts/LICENSE-Inter.txt\ncolours: {primary: "#1c2f4a", accent: "#2b6cb0"}',
        ("brand.yaml:1:7", "logo:", "is outside the brand folder", "copy the file into the brand folder"),
    ),
    (
        "absolute logo",
        'logo: /etc/passwd\ncolours: {primary: "#1c2f4a", accent: "#2b6cb0"}',
        ("brand.yaml:1:7", "logo:", "not a valid value", "relative to the brand folder"),
    ),
    (
        "missing font",
        'colours: {primary: "#1c2f4a", accent: "#2b6cb0"}\nfonts:\n  body: {family: X, regular: X.ttf}',
        ("brand.yaml:", "fonts.body.regular", "file 'X.ttf' not found"),
    ),
    (
        "unknown key",
        'colors: {primary: "#1c2f4a", accent: "#2b6cb0"}',
        ("brand.yaml:", "unknown field 'colors'", "did you mean 'colours'"),
    ),
    (
        "bad paper",
        'colours: {primary: "#1c2f4a", accent: "#2b6cb0"}\npaper: A5',
        ("brand.yaml:", "paper:", "'A5' is not allowed", "use one of"),
    ),
]


@pytest.mark.parametrize(("name", "body", "expect"), BAD_BRANDS, ids=[b[0] for b in BAD_BRANDS])
def test_bad_brand_files_get_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, body: str, expect: tuple[str, ...]
) -> None:
    project = copy_project(tmp_path / "p")
    brand = project / "brands" / "bad"
    brand.mkdir(parents=True)
    (brand / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (brand / "brand.yaml").write_text(f"{body}\nname: Bad Co\n", encoding="utf-8")
    assert main(["--project", str(project), "--brand", str(brand), "check"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = next((ln for ln in err.splitlines() if all(part.lower() in ln.lower() for part in expect)), None)
    assert line, f"no line holds {expect}:\n{err}"
    assert line.startswith("error: brands/bad/brand.yaml")


def test_a_missing_brand_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(ROOT), "--brand", str(ROOT / "brands" / "acmee"), "check"]) == 1
    err = capsys.readouterr().err
    assert "brands/acmee: brand folder not found" in err and "did you mean 'acme'" in err


@pytest.mark.parametrize("name", list(BRANDS))
def test_a_brand_names_its_company_everywhere(branded: dict[str, Path], name: str) -> None:
    """The content says {organisation}; with a brand, every page says the brand's company, never the ladder's."""
    brand_name = {"acme": "Acme Robotics", "harbor": "Blue Harbor Health"}[name]
    handbook = " ".join(text(branded[name] / "handbook.pdf").split())
    assert f"At {brand_name}, product managers work alongside" in handbook
    assert "Northwind" not in handbook
