"""Onboarding packets from a roster: correct for each person, assembled from shared parts."""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from ladderpress.cli import main
from ladderpress.load import load_project
from ladderpress.lookups import UnknownId
from ladderpress.pipeline import engine_for, open_project, planned
from ladderpress.plan import PacketJob, plan
from ladderpress.produce import Producer
from ladderpress.render import Renderers
from ladderpress.request import BuildRequest
from ladderpress.roster import person_slug
from tests.conftest import ROOT, outline, page_texts

LEVEL_TITLES = {
    "apm": "Associate Product Manager",
    "pm": "Product Manager",
    "senior-pm": "Senior Product Manager",
    "director": "Director of Product",
    "principal-pm": "Staff / Principal Product Manager",
}
COLUMNS = ["name", "level", "team", "manager", "buddy", "start_date", "track", "preferred_name", "language"]


def write_roster(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def structure(reader: PdfReader) -> list[str]:
    """The kinds of a tagged PDF's structure elements, depth first (what a screen reader walks)."""
    found: list[str] = []

    def walk(element: Any) -> None:
        element = element.get_object()
        found.append(str(element["/S"])[1:])
        for kid in element.get("/K", []):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type") != "/OBJR":
                walk(kid)

    walk(reader.root_object["/StructTreeRoot"]["/K"][0])
    return found


def person(i: int, level: str, **extra: str) -> dict[str, str]:
    return {
        "name": f"Person Number{i}",
        "level": level,
        "team": f"Team{i}",
        "manager": f"Manager{i}",
        "buddy": f"Buddy{i}",
        "start_date": f"2027-03-{1 + i % 28:02d}",
        **extra,
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty people across four levels, built the fast way with both cores."""
    folder = tmp_path_factory.mktemp("batch")
    levels = ["apm", "pm", "senior-pm", "director"]
    roster = write_roster(folder / "roster.csv", [person(i, levels[i % 4]) for i in range(20)])
    assert (
        main(["--project", str(ROOT), "--out", str(folder / "out"), "--roster", str(roster), "-j", "2", "onboarding"])
        == 0
    )
    return folder / "out" / "onboarding"


def test_twenty_people_get_twenty_correct_packets(batch: Path) -> None:
    packets = sorted(batch.glob("*.pdf"))
    assert len(packets) == 20
    for i in range(20):
        reader = PdfReader(batch / f"person-number{i}.pdf")
        pages = [page.extract_text() for page in reader.pages]
        total = len(pages)
        text = " ".join(" ".join(pages).split())
        assert f"Person Number{i}" in text
        assert LEVEL_TITLES[["apm", "pm", "senior-pm", "director"][i % 4]] in text
        assert f"Manager{i}" in text and f"Buddy{i}" in text and f"Team{i}" in text
        for number in range(2, total + 1):  # continuous page numbers; the welcome page has none
            assert f"{number} / {total}" in pages[number - 1], (i, number)
        titles = [title for title, _, _ in outline(reader)]
        assert titles[:2] == ["In this packet", LEVEL_TITLES[["apm", "pm", "senior-pm", "director"][i % 4]]]
        assert reader.metadata.title == f"Person Number{i} — Welcome to Northwind Labs"


def test_contents_page_numbers_match_where_sections_start(batch: Path) -> None:
    reader = PdfReader(batch / "person-number5.pdf")
    starts = {title: page for title, page, _ in outline(reader)}
    toc = reader.pages[starts["In this packet"] - 1].extract_text()
    listed = {m[1]: int(m[2]) for m in re.finditer(r"^(.+?) (\d+)$", toc, re.M)}
    assert listed["What your next level looks like"] == starts["What your next level looks like"]
    assert listed["Your first 90 days"] == starts["Your first 90 days"]
    assert listed["Your level: Product Manager"] == starts["Product Manager"]
    links = [a.get_object() for a in reader.pages[starts["In this packet"] - 1].get("/Annots", [])]
    assert links and all(reader.named_destinations.get(str(a["/Dest"])) is not None for a in links)


def test_people_at_the_same_level_share_identical_pages(batch: Path) -> None:
    first, second = PdfReader(batch / "person-number1.pdf"), PdfReader(batch / "person-number5.pdf")
    assert len(first.pages) == len(second.pages)
    personal = 1  # the welcome page
    assert first.pages[0].extract_text() != second.pages[0].extract_text()
    for a, b in zip(first.pages[personal:], second.pages[personal:], strict=True):
        assert a.extract_text() == b.extract_text()


def print_whole(request: BuildRequest, out: Path) -> None:
    """Every packet of the request laid out whole, one by one: the reference the fast path must match."""
    opened = open_project(request)
    producer = Producer(opened.project, opened.renderers, engine_for(opened, request))
    for job in planned(opened, request, {}).jobs:
        assert isinstance(job, PacketJob)
        printed = producer.packets.print_whole(opened.renderers.for_job(job), job)
        (out / job.output).parent.mkdir(parents=True, exist_ok=True)
        (out / job.output).write_bytes(printed.data)


@pytest.mark.parametrize(
    "printing", [[], pytest.param(["--duplex"], marks=pytest.mark.slow)], ids=["one-sided", "duplex"]
)
def test_assembled_packet_is_text_identical_to_one_printed_whole(tmp_path: Path, printing: list[str]) -> None:
    roster = write_roster(
        tmp_path / "r.csv",
        [person(1, "pm"), person(2, "pm", track="ic"), person(3, "principal-pm", preferred_name="Tre")],
    )
    assert (
        main(
            [
                "--project",
                str(ROOT),
                "--out",
                str(tmp_path / "fast"),
                "--roster",
                str(roster),
                "-j",
                "1",
                *printing,
                "onboarding",
            ]
        )
        == 0
    )
    print_whole(
        BuildRequest(project=ROOT, recipes=("onboarding",), roster=roster, duplex="--duplex" in printing),
        tmp_path / "whole",
    )
    for name in ("person-number1", "person-number2", "person-number3"):
        fast = PdfReader(tmp_path / "fast/onboarding" / f"{name}.pdf")
        whole = PdfReader(tmp_path / "whole/onboarding" / f"{name}.pdf")
        assert [p.extract_text() for p in fast.pages] == [p.extract_text() for p in whole.pages]
        assert outline(fast) == outline(whole)
        assert fast.metadata.title == whole.metadata.title
        assert structure(fast) == structure(whole)
        size_fast = (tmp_path / "fast/onboarding" / f"{name}.pdf").stat().st_size
        size_whole = (tmp_path / "whole/onboarding" / f"{name}.pdf").stat().st_size
        assert size_fast <= 1.25 * size_whole
    assert "Welcome, Tre" in PdfReader(tmp_path / "fast/onboarding/person-number3.pdf").pages[0].extract_text()


def test_bad_rows_are_reported_and_good_rows_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        person(1, "pm"),
        person(2, "senoir-pm"),
        {**person(3, "pm"), "name": ""},
        person(4, "apm", start_date="2027-13-45"),
        person(1, "apm"),
        person(6, "pm", track="managr"),
        person(7, "director"),
    ]
    roster = write_roster(tmp_path / "r.csv", rows)
    code = main(
        ["--project", str(ROOT), "--out", str(tmp_path / "out"), "--roster", str(roster), "-j", "1", "onboarding"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "r.csv:3: level: unknown level 'senoir-pm' (fix: did you mean 'senior-pm'?)" in err
    assert re.search(r"r\.csv:4: name: this field is required", err)
    assert "r.csv:5: start_date: '2027-13-45' is not a date (fix: write dates as YYYY-MM-DD" in err
    assert "r.csv:6: name: 'Person Number1' is already on row 2 (fix: remove the duplicate row)" in err
    assert "r.csv:7: track: level 'pm' is not on track 'managr' (fix: did you mean 'manager'?)" in err
    assert "5 of 7 documents failed" in err and "Traceback" not in err
    built = sorted(p.name for p in (tmp_path / "out/onboarding").glob("*.pdf"))
    assert built == ["person-number1.pdf", "person-number7.pdf"]


def test_names_make_safe_file_names_inside_the_output_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {**person(1, "pm"), "name": "../../etc/x"},
        {**person(2, "pm"), "name": "Zoë / Ørsted\\\\Ünal"},
        {**person(3, "pm"), "name": "李 小龙"},
        {**person(4, "pm"), "name": "/etc/passwd"},
    ]
    roster = write_roster(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    assert main(["--project", str(ROOT), "--out", str(out), "--roster", str(roster), "-j", "1", "onboarding"]) == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert files == [
        "onboarding/etc-passwd.pdf",
        "onboarding/etc-x.pdf",
        "onboarding/li-xiao-long.pdf",
        "onboarding/zoe-orsted-unal.pdf",
    ]
    assert not (tmp_path / "etc").exists()
    assert "Zoë / Ørsted" in PdfReader(out / "onboarding/zoe-orsted-unal.pdf").pages[0].extract_text()
    assert "李 小龙" in PdfReader(out / "onboarding/li-xiao-long.pdf").pages[0].extract_text()
    assert "no font has" not in capsys.readouterr().err
    assert person_slug("...") == "person" and person_slug("A" * 200) == "a" * 60


def test_a_character_no_font_has_is_reported_for_that_packet_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person(1, "pm"), {**person(2, "pm"), "name": "Ada \U000f0000 Berg"}]  # private use: no font has it
    roster = write_roster(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    assert main(["--project", str(ROOT), "--out", str(out), "--roster", str(roster), "-j", "1", "onboarding"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "no font has" in line]
    assert len(warnings) == 1 and "onboarding/ada-berg.pdf" in warnings[0] and "U+F0000" in warnings[0]
    # printed apart: the other packet's fonts and text are untouched by it
    assert "Person Number1" in PdfReader(out / "onboarding/person-number1.pdf").pages[0].extract_text()


GLOBAL = {  # the fixture's names: each one's file name, and the font that must print it (None: the brand's own)
    "李小龙": ("li-xiao-long", "Noto-Sans-CJK"),
    "山田 花子": ("shan-tian-hua-zi", "Noto-Sans-CJK"),
    "김민준": ("gimminjun", "Noto-Sans-CJK"),
    "فاطمة الزهراء": ("ftm-lzhr", "Noto-Sans-Arabic"),
    "נועה כהן": ("nv-h-khn", "Noto-Sans-Hebrew"),
    "अर्जुन शर्मा": ("arjun-shrmaa", "Noto-Sans-Devanagari"),
    "สมชาย ใจดี": ("smchaay-aicchdii", "Noto-Sans-Thai"),
    "Γιώργος Παπαδόπουλος": ("giorgos-papadopoulos", None),
    "Иван Петров": ("ivan-petrov", None),
    "Nguyễn Văn An": ("nguyen-van-an", None),
    "Søren Ørsted": ("soren-orsted", None),
}
GLOBAL_ROSTER = ROOT / "tests/fixtures/rosters/global.csv"


@pytest.fixture(scope="module")
def global_wave(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hiring wave with names in ten scripts, exported as an Excel workbook, built the fast way."""
    folder = tmp_path_factory.mktemp("global")
    with GLOBAL_ROSTER.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    book = openpyxl.Workbook()
    for record in records:
        book.active.append(record)
    book.save(folder / "hires.xlsx")
    out = folder / "out"
    assert main(["--project", str(ROOT), "--out", str(out), "--roster", str(folder / "hires.xlsx"), "onboarding"]) == 0
    return out / "onboarding"


def fonts(pdf: Path) -> list[str]:
    """The fonts pdffonts lists, without their subset tags."""
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].partition("+")[2] for line in listing.splitlines()[2:]]


def test_every_name_prints_in_its_own_script_and_is_filed_by_its_transliteration(global_wave: Path) -> None:
    assert sorted(path.name for path in global_wave.glob("*.pdf")) == sorted(
        f"{slug}.pdf" for slug, _ in GLOBAL.values()
    )
    for name, (slug, font) in GLOBAL.items():
        pdf = global_wave / f"{slug}.pdf"
        welcome = PdfReader(pdf).pages[0].extract_text()
        read = welcome.replace(" ", "")  # pypdf spaces out Devanagari's marks
        if font == "Noto-Sans-Devanagari":
            # a glyph maps back to one string in a PDF (ToUnicode), and a conjunct's glyph takes the first
            # cluster it was drawn for: "शर्मा" reads back as "शर्जु" after "अर्जुन" (it is printed right)
            assert name.split()[0] in read, name
        else:
            assert name.replace(" ", "") in read, name
        used = fonts(pdf)
        if font is not None:
            assert any(found.startswith(font) for found in used), (name, used)


def test_no_packet_carries_another_persons_glyphs_or_details(global_wave: Path) -> None:
    for name, (slug, _) in GLOBAL.items():
        pdf = global_wave / f"{slug}.pdf"
        others = {font for other, (_, font) in GLOBAL.items() if font and other != name and font != GLOBAL[name][1]}
        assert not [found for found in fonts(pdf) if any(found.startswith(font) for font in others)], name
        if GLOBAL[name][1] is None:  # the brand's font prints it: no one else's script reached its fonts
            assert all(found.startswith("lp-inter") for found in fonts(pdf)), (name, fonts(pdf))
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert not [other for other in GLOBAL if other != name and other in text], name


def test_the_delivery_list_names_every_packet_with_its_hash_and_address(global_wave: Path) -> None:
    with (global_wave / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with GLOBAL_ROSTER.open(encoding="utf-8", newline="") as handle:
        emails = {row["name"]: row["email"] for row in csv.DictReader(handle)}
    assert [row["person"] for row in rows] == list(GLOBAL)
    for row in rows:
        pdf = global_wave / row["file"]
        assert row["file"] == f"{GLOBAL[row['person']][0]}.pdf" and row["email"] == emails[row["person"]]
        assert row["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert int(row["pages"]) == len(PdfReader(pdf).pages)


def test_every_packet_is_tagged_with_the_structure_of_one_printed_whole(global_wave: Path) -> None:
    for slug, _ in GLOBAL.values():
        reader = PdfReader(global_wave / f"{slug}.pdf")
        assert reader.root_object["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in reader.root_object, slug
        kinds = structure(reader)
        assert kinds[0] == "Document" and {"H1", "H2", "P", "L", "LI", "Link"} <= set(kinds), (slug, set(kinds))


def test_a_serif_brand_sets_a_name_it_lacks_in_a_serif_face(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["--project", str(ROOT), "--out", str(out), "--roster", str(GLOBAL_ROSTER), "-j", "1", "-q"]
    assert main([*args, "--brand", str(ROOT / "brands/harbor"), "--person", "김민준", "onboarding"]) == 0
    used = fonts(out / "onboarding/gimminjun.pdf")
    # the greeting, in harbor's slab-serif heading, takes a serif Hangul; the text beside it a sans one
    assert any(font.startswith("Noto-Serif-CJK") for font in used) and any(
        font.startswith("Noto-Sans-CJK") for font in used
    ), used


def test_packets_of_a_pdf_ua_build_are_tagged_each_with_their_own_metadata(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", [person(1, "pm"), person(2, "pm")])
    out = tmp_path / "out"
    args = ["--project", str(ROOT), "--out", str(out), "--roster", str(roster), "-j", "1"]
    assert main([*args, "--pdf-variant", "pdf/ua-1", "onboarding"]) == 0
    for i, other in ((1, 2), (2, 1)):
        reader = PdfReader(out / f"onboarding/person-number{i}.pdf")
        assert reader.metadata.title == f"Person Number{i} — Welcome to Northwind Labs"
        xmp = reader.xmp_metadata
        assert xmp is not None and f"Person Number{i}" in str(xmp.dc_title)
        assert f"Number{other}" not in xmp.rdf_root.toxml() and "pdfuaid" in xmp.rdf_root.toxml()
        assert "/StructTreeRoot" in reader.root_object
        assert f"Person Number{other}" not in " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Иван Петров", "ivan-petrov"), ("李小龙", "li-xiao-long"), ("Søren Ørsted", "soren-orsted"),
     ("Łukasz Żółw", "lukasz-zolw"), ("Γιώργος Παπαδόπουλος", "giorgos-papadopoulos"), ("Léa Dubois", "lea-dubois"),
     ("😀", "person")],
)  # fmt: skip
def test_a_name_in_any_script_is_transliterated_into_its_file_name(name: str, slug: str) -> None:
    assert person_slug(name) == slug


def test_extra_columns_warn_once_and_yaml_rosters_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**person(1, "pm"), "salary": "secret", "notes": "x"}, {**person(2, "apm"), "salary": "1", "notes": ""}]
    roster = write_roster(tmp_path / "r.csv", rows, [*COLUMNS, "salary", "notes"])
    assert (
        main(["--project", str(ROOT), "--out", str(tmp_path / "a"), "--roster", str(roster), "-j", "1", "onboarding"])
        == 0
    )
    captured = capsys.readouterr()
    assert captured.err.count("ignoring column(s) salary, notes") == 1
    assert "secret" not in captured.err + captured.out
    (tmp_path / "r.yaml").write_text(
        "- {name: Yara Lind, level: vp, team: Core, manager: Ann, buddy: Bo, start_date: 2027-04-01}\n",
        encoding="utf-8",
    )
    assert (
        main(
            [
                "--project",
                str(ROOT),
                "--out",
                str(tmp_path / "b"),
                "--roster",
                str(tmp_path / "r.yaml"),
                "-j",
                "1",
                "onboarding",
            ]
        )
        == 0
    )
    assert "Yara Lind" in PdfReader(tmp_path / "b/onboarding/yara-lind.pdf").pages[0].extract_text()


def test_logs_name_only_the_file_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = write_roster(tmp_path / "r.csv", [person(1, "pm")])
    assert (
        main(["--project", str(ROOT), "--out", str(tmp_path / "o"), "--roster", str(roster), "-j", "1", "onboarding"])
        == 0
    )
    captured = capsys.readouterr()
    logged = captured.out + captured.err
    assert "person-number1.pdf" in logged
    for private in ("Manager1", "Buddy1", "Team1", "2027-03-02"):
        assert private not in logged


def test_names_that_make_the_same_file_name_get_their_own_files(tmp_path: Path) -> None:
    rows = [
        {**person(1, "pm"), "name": "Ann Lee 2"},
        {**person(2, "pm"), "name": "Ann Lee"},
        {**person(3, "pm"), "name": "Ann-Lee"},
    ]
    roster = write_roster(tmp_path / "r.csv", rows)
    assert (
        main(["--project", str(ROOT), "--out", str(tmp_path / "o"), "--roster", str(roster), "-j", "1", "onboarding"])
        == 0
    )
    names = {p.name: PdfReader(p).pages[0].extract_text() for p in (tmp_path / "o/onboarding").glob("*.pdf")}
    assert len(names) == 3
    for row in rows:
        assert sum(row["name"] in text for text in names.values()) >= 1


# --------------------------------------------------------------------------- what each level's packet says


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packets of the example roster (examples/new-hires.csv, every level but the CPO), built by the recipe."""
    out = tmp_path_factory.mktemp("examples")
    assert main(["--project", str(ROOT), "--out", str(out), "-j", "2", "-q", "onboarding"]) == 0
    return out / "onboarding"


def roster_levels() -> dict[str, str]:
    """Each example packet's file stem → the person's level."""
    with (ROOT / "examples/new-hires.csv").open(encoding="utf-8") as handle:
        return {person_slug(row["name"]): row["level"] for row in csv.DictReader(handle)}


def squash(text: str) -> str:
    """Text with everything but letters and digits taken out, so that line breaks, hyphenation and the
    spacing of extracted text do not hide a sentence."""
    return re.sub(r"\W+", "", text).lower()


def packet_text(path: Path) -> str:
    return squash(" ".join(page_texts(path)))


def test_each_packet_has_its_levels_checklist_and_no_other(examples: Path) -> None:
    ladder = load_project(ROOT).ladder
    assert ladder.onboarding is not None
    checklists = {
        lv.id: [item for m in ladder.onboarding.for_level(lv.id, lv.band).checklist for item in m.items]
        for lv in ladder.levels
    }
    assert checklists["vp"] != checklists["apm"] != checklists["principal-pm"] != checklists["group-pm"]
    levels = roster_levels()
    assert sorted(p.stem for p in examples.glob("*.pdf")) == sorted(levels)
    for stem, level_id in levels.items():
        text = packet_text(examples / f"{stem}.pdf")
        own = checklists[level_id]
        assert all(squash(item) in text for item in own), stem
        others = {item for items in checklists.values() for item in items} - set(own)
        assert not [item for item in others if squash(item) in text], stem


def test_the_vp_gets_the_leadership_checklist_not_the_apms(examples: Path) -> None:
    text = packet_text(examples / "julia-nowak.pdf")  # the VP of the example roster
    assert squash("Hold a one-to-one with each leader who reports to you") in text
    assert squash("Present the goals and strategy you propose for the organisation you lead") in text
    assert squash("Sit in on at least three customer calls or research sessions") not in text  # the APM's
    assert squash("Nobody expects a plan from you on day one") in text  # the leaders' welcome letter


def test_no_packet_holds_a_question_only_candidates_ask(examples: Path) -> None:
    faq = load_project(ROOT).ladder.faq
    candidates = [e.question for e in faq if e.audience == ["candidates"]]
    assert "Do I need a computer science degree to become a product manager?" in candidates
    for packet in examples.glob("*.pdf"):
        text = packet_text(packet)
        assert squash("Questions people ask") in text, packet.name  # every packet still has its questions
        assert not [q for q in candidates if squash(q) in text], packet.name


def test_promotion_signals_are_printed_once_and_referred_to(examples: Path) -> None:
    ladder = load_project(ROOT).ladder
    checked = 0
    for stem, level_id in roster_levels().items():
        signals = ladder.level(level_id).promotion_signals
        pages = page_texts(examples / f"{stem}.pdf")
        text = squash(" ".join(pages))
        for signal in signals:
            assert text.count(squash(signal)) == 1, (stem, signal)
            checked += 1
        if signals:
            listed = next(n for n, page in enumerate(pages, 1) if "Signals that you are ready" in page)
            assert squash(f"listed with your next level, on page {listed}") in text, stem
    assert checked >= 30


def test_no_page_but_the_last_holds_only_a_few_lines(examples: Path) -> None:
    """A page carrying over one table row, or a heading alone, would hold only a few lines of text."""
    for packet in examples.glob("*.pdf"):
        pages = page_texts(packet)
        for number, page in enumerate(pages[1:-1], 2):
            assert len(page.splitlines()) >= 10, (packet.name, number, page)


def test_a_level_guide_for_the_top_asks_no_candidates_question(tmp_path: Path) -> None:
    guide = ["level-guides", "--level", "cpo"]
    assert main(["--project", str(ROOT), "--out", str(tmp_path), "-q", "-j", "1", *guide]) == 0
    text = squash(" ".join(page_texts(tmp_path / "levels/cpo.pdf")))
    assert squash("How is a product leader's performance judged?") in text
    for question in ("How can I move into product from engineering or UX?", "Do I need a computer science degree"):
        assert squash(question) not in text


def test_faq_for_refuses_an_unknown_audience() -> None:
    project = load_project(ROOT)
    job = next(job for job in plan(project, BuildRequest(recipes=("onboarding",))).jobs)
    renderer = Renderers(project).for_job(job)
    faq_for = renderer.env.globals["faq_for"]
    level = renderer.views(project.ladder.level("pm"))
    with pytest.raises(UnknownId, match="'new-hire', which is not an audience") as exc:
        faq_for(level, "new-hire")
    assert exc.value.hint == "did you mean 'new-hires'?"
