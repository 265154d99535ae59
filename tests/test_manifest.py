"""The delivery list beside the packets (onboarding/manifest.csv): true to the files, safe to open in a
spreadsheet, kept whole by partial builds."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import shutil
from pathlib import Path, PurePosixPath

import pytest
from pypdf import PdfReader

from ladderpress import pipeline
from ladderpress.cli import main
from ladderpress.delivery import COLUMNS, list_path, neutralised
from ladderpress.events import Written
from ladderpress.model import Recipe
from ladderpress.plan import PacketJob
from ladderpress.produce import Outcome, Producer, Task
from ladderpress.request import BuildRequest
from ladderpress.write import CACHE, OutputFolder
from tests.conftest import ROOT, copy_project, shared_build

HYPERLINK = '=HYPERLINK("http://evil","x")'
CMD = "+cmd|' /C calc'!A0"
PEOPLE = [
    {"name": "Léa Dubois", "email": "lea.dubois@example.com", "manager": "Priya Raman", "team": "Search"},
    {"name": HYPERLINK, "email": "=x@evil.example", "manager": CMD, "team": "Growth"},
    {"name": 'Zoë "Zo" Lee, Jr.', "email": "", "manager": "Ann-Marie O'Neil", "team": "Data"},
]
"""Three people at one level (one run of shared pages: a cheap build): an ordinary name, one an HR export could
use to attack whoever opens the list in a spreadsheet, and one with a comma, quotes and an accent."""
FILES = ["lea-dubois.pdf", "hyperlink-http-evil-x.pdf", "zoe-zo-lee-jr.pdf"]


def write_roster(path: Path, changes: dict[str, dict[str, str]] | None = None) -> Path:
    """The roster of PEOPLE, with ``changes`` (by name) applied."""
    columns = ["name", "level", "team", "manager", "buddy", "start_date", "email"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for person in PEOPLE:
            row = {"level": "pm", "buddy": "Mia Novak", "start_date": "2027-03-01", **person}
            writer.writerow({**row, **(changes or {}).get(person["name"], {})})
    return path


def build(out: Path, roster: Path, *more: str) -> int:
    return main(["--project", str(ROOT), "--out", str(out), "--roster", str(roster), "-j", "1", *more, "onboarding"])


def build_packets(folder: Path) -> None:
    assert build(folder / "out", write_roster(folder / "roster.csv"), "-q") == 0


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of one build of PEOPLE's packets: never written to (tests change a copy)."""
    return shared_build(tmp_path_factory, "delivered", build_packets) / "out"


@pytest.fixture
def out(delivered: Path, tmp_path: Path) -> Path:
    """A copy of ``delivered`` for a test to build into again (its records come along)."""
    return Path(shutil.copytree(delivered, tmp_path / "out", symlinks=True))


def listed(out: Path) -> list[list[str]]:
    """The list's rows under its header, read as a program would (UTF-8 with its mark, CRLF lines)."""
    data = (out / "onboarding/manifest.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert tuple(header) == COLUMNS == ("person", "email", "manager", "file", "pages", "sha256")
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_true_to_disk(out: Path, rows: list[list[str]]) -> None:
    """Each row's file is there, with the pages pypdf counts and the hash of its bytes."""
    for *_, file, pages, digest in rows:
        path = out / "onboarding" / file
        assert path.is_file(), file
        assert int(pages) == len(PdfReader(path).pages), file
        assert digest == sha256(path), file


def test_the_list_names_every_packet_with_its_pages_and_hash(delivered: Path) -> None:
    rows = listed(delivered)
    assert [row[:4] for row in rows] == [
        ["Léa Dubois", "lea.dubois@example.com", "Priya Raman", "lea-dubois.pdf"],
        ["'" + HYPERLINK, "'=x@evil.example", "'" + CMD, "hyperlink-http-evil-x.pdf"],
        ['Zoë "Zo" Lee, Jr.', "", "Ann-Marie O'Neil", "zoe-zo-lee-jr.pdf"],
    ]
    assert_true_to_disk(delivered, rows)
    assert all(int(row[4]) > 1 for row in rows)
    assert sorted(p.name for p in (delivered / "onboarding").iterdir()) == sorted([*FILES, "manifest.csv"])
    # recorded as a file the build owns, like the packets: never replaced unless it is what was written
    folder = OutputFolder(delivered)
    assert folder.holds(PurePosixPath("onboarding/manifest.csv"), (delivered / "onboarding/manifest.csv").read_bytes())


@pytest.mark.parametrize(
    "value",
    [HYPERLINK, CMD, "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "  =1+1", "\uff1dHYPERLINK()", "=x@evil.example"],
)
def test_a_value_that_could_start_a_formula_is_prefixed_with_a_quote(value: str) -> None:
    assert neutralised(value) == "'" + value


@pytest.mark.parametrize("value", ["Léa Dubois", "Ann-Marie O'Neil", "a=b", "李小龙", "", "'quoted", "x@example.com"])
def test_any_other_value_is_left_as_it_is(value: str) -> None:
    assert neutralised(value) == value


def test_an_unchanged_build_leaves_the_list_byte_for_byte(out: Path, tmp_path: Path) -> None:
    before = (out / "onboarding/manifest.csv").stat()
    data = (out / "onboarding/manifest.csv").read_bytes()
    assert build(out, write_roster(tmp_path / "roster.csv"), "-q") == 0
    assert (out / "onboarding/manifest.csv").read_bytes() == data
    assert (out / "onboarding/manifest.csv").stat().st_mtime_ns == before.st_mtime_ns  # not even written again


def test_a_new_email_updates_the_list_without_printing_a_packet(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packets = {name: sha256(out / "onboarding" / name) for name in FILES}
    roster = write_roster(tmp_path / "roster.csv", {"Léa Dubois": {"email": "lea@new.example"}})
    assert build(out, roster) == 0
    said = capsys.readouterr().out
    assert "nothing to do: 3 documents up to date" in said  # packets do not show the address
    assert f"delivery list: {out}/onboarding/manifest.csv (3 packets)" in said
    assert listed(out)[0][1] == "lea@new.example"
    assert {name: sha256(out / "onboarding" / name) for name in FILES} == packets


def test_a_partial_build_keeps_every_row_true(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = listed(out)
    # Léa's packet changes (her team is on her welcome page): rebuilt alone, the others keep their rows
    roster = write_roster(tmp_path / "roster.csv", {"Léa Dubois": {"team": "Payments"}})
    assert build(out, roster, "--person", "Léa Dubois") == 0
    said = capsys.readouterr().out
    assert "onboarding/lea-dubois.pdf" in said and "built 1 document in" in said
    assert f"delivery list: {out}/onboarding/manifest.csv (3 packets)" in said
    rows = listed(out)
    assert [row[:5] for row in rows] == [row[:5] for row in before]
    assert rows[0][5] != before[0][5] and rows[1:] == before[1:]
    assert_true_to_disk(out, rows)

    # Zoë's packet is now out of date and a build for Léa alone does not print it: it is not listed
    # (the old one would be stale), and the summary says why; a full build brings her back
    roster = write_roster(
        tmp_path / "roster.csv", {"Léa Dubois": {"team": "Payments"}, PEOPLE[2]["name"]: {"team": "Ads"}}
    )
    assert build(out, roster, "--person", "Léa Dubois") == 0
    said = capsys.readouterr().out
    assert "nothing to do: 1 document up to date" in said
    assert (
        f"delivery list: {out}/onboarding/manifest.csv lists 2 of 3 people (1 not built yet or out of date: "
        "a build without --person or --level prints them)"
    ) in said
    assert listed(out) == rows[:2]
    assert (out / "onboarding/zoe-zo-lee-jr.pdf").exists()  # her old packet is still there, unlisted
    assert build(out, roster, "-q") == 0
    rows = listed(out)
    assert [row[0] for row in rows] == [row[0] for row in before]
    assert rows[:2] == listed(out)[:2] and rows[2][5] != before[2][5]
    assert_true_to_disk(out, rows)


def test_a_bad_row_takes_its_person_off_the_list(out: Path, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", {PEOPLE[2]["name"]: {"level": "senoir-pm"}})
    assert build(out, roster, "-q") == 1
    assert (out / "onboarding/zoe-zo-lee-jr.pdf").exists()
    assert [row[3] for row in listed(out)] == FILES[:2]


def test_a_packet_that_fails_leaves_its_old_file_unlisted(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = sha256(out / "onboarding/lea-dubois.pdf")
    produce = Producer.produce

    def failing_lea(self: Producer, task: Task) -> list[Outcome]:
        outcomes = produce(self, task)
        lea = {i for i, job, _ in task if isinstance(job, PacketJob) and job.person.person.name == "Léa Dubois"}
        return [Outcome(o.index, error="the engine broke (a test)") if o.index in lea else o for o in outcomes]

    monkeypatch.setattr(Producer, "produce", failing_lea)  # forked workers inherit it
    roster = write_roster(tmp_path / "roster.csv", {"Léa Dubois": {"team": "Payments"}})
    assert build(out, roster) == 1
    captured = capsys.readouterr()
    assert "the engine broke (a test)" in captured.err
    assert f"delivery list: {out}/onboarding/manifest.csv lists 2 of 3 people (1 failed)" in captured.out
    assert sha256(out / "onboarding/lea-dubois.pdf") == old  # the earlier copy, left as it was: not listed
    rows = listed(out)
    assert [row[3] for row in rows] == FILES[1:]
    assert_true_to_disk(out, rows)


def test_an_interrupted_build_leaves_a_true_list_and_true_records(out: Path, tmp_path: Path) -> None:
    before = listed(out)
    roster = write_roster(tmp_path / "r.csv", {person["name"]: {"team": "Renamed"} for person in PEOPLE})
    events = pipeline.run(BuildRequest(project=ROOT, recipes=("onboarding",), roster=roster, out=out, workers=1))
    for event in events:
        if isinstance(event, Written):
            break
    with pytest.raises(KeyboardInterrupt):
        events.throw(KeyboardInterrupt())  # Ctrl+C once the first packet is written
    # the packet written is listed with its new hash; the others, out of date now, are not
    interrupted = listed(out)
    assert 1 <= len(interrupted) < len(before)
    assert_true_to_disk(out, interrupted)
    folder = OutputFolder(out)
    for path in (out / "onboarding").iterdir():  # every file there is one the records know, as it is
        assert folder.holds(PurePosixPath("onboarding", path.name), path.read_bytes()), path.name
    assert build(out, roster, "-q") == 0
    rows = listed(out)
    assert [row[:5] for row in rows] == [row[:5] for row in before]
    assert all(new[5] != old[5] for new, old in zip(rows, before, strict=True))  # every packet printed anew
    assert_true_to_disk(out, rows)


def test_a_users_own_file_where_the_list_goes_is_never_replaced(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (out / "onboarding/manifest.csv").write_text("my own notes\n", encoding="utf-8")
    assert build(out, write_roster(tmp_path / "roster.csv"), "-q") == 1
    assert f"{out}/onboarding/manifest.csv: the delivery list was not written: " in capsys.readouterr().err
    assert (out / "onboarding/manifest.csv").read_text(encoding="utf-8") == "my own notes\n"


def test_records_without_page_counts_are_counted_once_from_the_pdfs(out: Path, tmp_path: Path) -> None:
    """Build records made before they held page counts still give the right list, and gain the counts."""
    record = json.loads((out / CACHE).read_text(encoding="utf-8"))
    for entry in record["documents"].values():
        entry.pop("pages")
    (out / CACHE).write_text(json.dumps(record), encoding="utf-8")
    data = (out / "onboarding/manifest.csv").read_bytes()
    assert build(out, write_roster(tmp_path / "roster.csv"), "-q") == 0
    assert (out / "onboarding/manifest.csv").read_bytes() == data
    record = json.loads((out / CACHE).read_text(encoding="utf-8"))
    assert all(isinstance(entry["pages"], int) for entry in record["documents"].values())


def test_a_partial_build_lists_only_the_recipes_it_prints_packets_of_with_their_whole_roster(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv")

    def lists(**narrowed: tuple[str, ...]) -> list[tuple[str, str, list[str]]]:
        request = BuildRequest(project=ROOT, roster=roster, **narrowed)
        opened = pipeline.open_project(request)
        result = pipeline.planned(opened, request, {})
        return [
            (d.recipe_name, str(d.output), [job.output.name for job in d.packets])
            for d in pipeline.delivery_lists(opened, request, result, {})
        ]

    everyone = [("onboarding", "onboarding/manifest.csv", FILES)]
    assert lists() == lists(recipes=("onboarding",)) == everyone
    assert lists(people=("Léa Dubois",)) == lists(levels=("pm",)) == everyone
    assert lists(levels=("apm",)) == []  # one-pagers only: nobody on this roster is an APM
    assert lists(recipes=("handbook",)) == []


@pytest.mark.parametrize(
    ("pattern", "where"),
    [
        ("onboarding/{person}.pdf", "onboarding/manifest.csv"),
        ("onboarding/{level}/{person}.pdf", "onboarding/manifest.csv"),
        ("packets/{recipe}/{level}-{person}.pdf", "packets/onboarding/manifest.csv"),
        ("{person}.pdf", "manifest.csv"),
    ],
)
def test_the_list_goes_where_the_pattern_puts_packets(pattern: str, where: str) -> None:
    recipe = Recipe(title="Welcome", template="onboarding.html", per="person", output=pattern)
    assert list_path("onboarding", recipe) == PurePosixPath(where)


def test_two_recipes_putting_packets_in_one_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    recipe = (project / "guides/onboarding.yaml").read_text(encoding="utf-8")
    (project / "guides/onboarding-fr.yaml").write_text(
        recipe.replace("output: onboarding/{person}.pdf", "output: onboarding/fr-{person}.pdf"), encoding="utf-8"
    )
    assert main(["list", "--project", str(project), "onboarding"]) == 1  # either one, even built alone
    assert (
        "guides/onboarding.yaml: output: writes its delivery list onboarding/manifest.csv, which recipe(s) "
        "'onboarding-fr' also write: each would replace the other's (fix: give each recipe that makes packets "
        "a folder of its own, like output: '{recipe}/{person}.pdf')"
    ) in capsys.readouterr().err
    assert main(["list", "--project", str(project), "onboarding-fr"]) == 1
    assert main(["list", "--project", str(project), "handbook"]) == 0  # a build without them is not held up
    (project / "guides/onboarding-fr.yaml").write_text(
        recipe.replace("output: onboarding/{person}.pdf", "output: packets/{recipe}/{person}.pdf"), encoding="utf-8"
    )
    assert main(["list", "--project", str(project)]) == 0
