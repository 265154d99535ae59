"""An imported spreadsheet builds at once with every recipe, and what it prints passes preflight (issue 16).

The issue's promise is a printed handbook in minutes, without typing YAML: so the project that
`ladderpress import --into` makes is built whole, every recipe, and held to the same preflight
as the default content (no sparse pages, no stranded rows, nothing cut off).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from tests.conftest import ROOT

SHEETS = ROOT / "tests/fixtures/spreadsheets"


@pytest.mark.slow
@pytest.mark.parametrize("sheet", ["grouped.xlsx", "grouped.csv"])
def test_an_imported_spreadsheet_builds_every_recipe_and_passes_preflight(
    tmp_path: Path, sheet: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "ours"
    assert main(["import", str(SHEETS / sheet), "--into", str(project), "-q"]) == 0
    capsys.readouterr()
    assert main(["preflight", "--strict", "--project", str(project), "-j", "2"]) == 0
    said = capsys.readouterr()
    assert "preflight: nothing found in" in said.out + said.err
    handbook = PdfReader(project / "out/handbook.pdf")
    text = " ".join(page.extract_text() for page in handbook.pages)
    assert "Senior" in text and "Competencies" in text and "Questions people ask" in text
    packets = sorted((project / "out/onboarding").glob("*.pdf"))
    assert packets and all("/StructTreeRoot" in PdfReader(packet).root_object for packet in packets)
