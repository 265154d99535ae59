"""Brands, templates and content are untrusted: every escape tried here is closed.

Each test builds from a hostile brand, template or content file and asserts on the real
output: no byte from outside reaches any PDF (text, streams, attachments, read with pypdf
and ``pdfdetach -list``), no file is written outside ``out/``, and the message is exact.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import subprocess
import zlib
from pathlib import Path

import pytest
from markupsafe import Markup
from pypdf import PdfReader

from ladderpress.cli import main
from ladderpress.load import load_project
from ladderpress.plan import PacketJob, plan
from ladderpress.render import Renderers
from ladderpress.request import BuildRequest
from ladderpress.view import View, fields_of, walk
from tests.conftest import LEVEL_LOOKUPS, ROOT, TEMPLATE_GLOBALS, copy_project

PLAIN = (type(None), bool, int, float, str, datetime.date, tuple, View)
SECRET = "TOP-SECRET-4f1c"
"""Written into files outside the project: it must never reach a PDF."""

PROBE = (
    "title: Probe\ntemplate: one-pager.html\nselect: {levels: [pm]}\nper: level\n"
    "output: 'probe/{level}.pdf'\nmax_pages: 1\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a small recipe (one PDF) and a brand folder copied from acme, to be made hostile."""
    project = copy_project(tmp_path / "p")
    (project / "guides/probe.yaml").write_text(PROBE, encoding="utf-8")
    shutil.copytree(ROOT / "brands/acme", project / "brands/evil")
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    return project


def blocks(project: Path) -> Path:
    folder = project / "brands/evil/templates/blocks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build(project: Path, *extra: str) -> int:
    return main(["--project", str(project), "--brand", str(project / "brands/evil"), "-j", "1", "probe", *extra])


def everything_in(pdf: Path) -> bytes:
    """A PDF's bytes with every stream inflated, so that no compressed leak is missed."""
    data = pdf.read_bytes()
    out = [data]
    start = 0
    while (start := data.find(b"stream", start)) != -1:
        begin = data.find(b"\n", start) + 1
        end = data.find(b"endstream", begin)
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(data[begin:end]))
        start = end if end != -1 else len(data)
    return b"".join(out)


def assert_clean(pdf: Path, secret: str = SECRET) -> None:
    """Nothing of ``secret`` in the text, the streams or the attachments of ``pdf``."""
    reader = PdfReader(pdf)
    assert secret not in "".join(page.extract_text() for page in reader.pages)
    assert secret.encode() not in everything_in(pdf)
    assert reader.attachments == {}
    listed = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert listed.startswith("0 embedded files"), listed


# --------------------------------------------------------------------------- 1. the context is plain data


def contexts(project_root: Path, brand: Path | None) -> list[tuple[str, dict[str, object]]]:
    """The context of every template kind: each document and level job, and a packet whole and personal."""
    project = load_project(project_root, brand)
    renderers = Renderers(project, datetime.date(2027, 1, 1))
    jobs = plan(project, BuildRequest(roster=project_root / "examples/new-hires.csv")).jobs
    found: list[tuple[str, dict[str, object]]] = []
    for job in jobs:
        renderer = renderers.for_job(job)
        found.append((str(job.output), renderer.context(job)))
        if isinstance(job, PacketJob):
            found.append((f"{job.output} (personal)", renderer.context(job, part="personal")))
    return found


@pytest.mark.parametrize("brand", [None, "brands/acme", "brands/harbor"])
def test_every_template_context_holds_only_plain_data(brand: str | None) -> None:
    kinds = set()
    for where, context in contexts(ROOT, ROOT / brand if brand else None):
        kinds.add(where.split("/")[0])
        for name, value in context.items():
            for path, item in walk(value, name):
                assert isinstance(item, (PLAIN, Markup)) or type(item).__name__ == "mappingproxy", (
                    f"{where}: {path} is a {type(item).__name__}"
                )
                assert not isinstance(item, os.PathLike), f"{where}: {path} is a path"
    assert {"handbook.pdf", "one-pagers", "levels", "onboarding"} <= kinds


def test_views_are_frozen_and_globals_are_only_those_registered() -> None:
    project = load_project(ROOT)
    renderer = Renderers(project).for_job(plan(project, BuildRequest(recipes=("one-pagers",))).jobs[0])
    level = renderer.views(project.ladder.levels[0])
    with pytest.raises(AttributeError):
        level.title = "changed"  # type: ignore[misc]
    assert "title" in fields_of(level)
    assert set(renderer.env.globals) == TEMPLATE_GLOBALS
    senior = renderer.views(project.ladder.level("principal-pm"))
    group = renderer.env.globals["groups_for"](senior)[0]
    results = {name: renderer.env.globals[name](senior) for name in LEVEL_LOOKUPS}
    results["changes"] = renderer.env.globals["changes"](level, senior)
    results["expectation"] = renderer.env.globals["expectation"](group.competencies[0], senior)
    results["bands_compared"] = renderer.env.globals["bands_compared"]()
    assert results["moves_from"] and results["changes"] and results["bands_compared"]  # something to walk
    for name, result in results.items():
        for path, item in walk(result, name):
            assert isinstance(item, PLAIN) or type(item).__name__ == "mappingproxy", f"{path}: {type(item)}"


ESCAPES = [
    "{{ job.brand.folder.joinpath('SECRET').read_text() }}",
    "{{ ladder.__class__.__mro__ }}",
    "{{ level.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ level_by_id.__self__ }}",
    "{{ diagram.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ recipe.model_dump() }}",
    "{{ ladder.model_copy() }}",
    "{% include '../../../secret.txt' %}",
    "{% include '/SECRET' %}",
    "{% do levels.append(1) %}",
    "{{ person.start_date.__class__ }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_no_template_reaches_a_file_or_python_internals(
    project: Path, payload: str, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = project.parent / "secret.txt"
    (blocks(project) / "footer.html").write_text(payload.replace("SECRET", str(secret)), encoding="utf-8")
    code = build(project)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert SECRET not in captured.out + captured.err
    pdf = project / "out/probe/pm.pdf"
    if code == 0:
        assert_clean(pdf)
    else:
        assert code == 1 and not pdf.exists()
        assert "brands/evil/templates/blocks/footer.html" in captured.err or "template" in captured.err


def test_a_template_cannot_write_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = project.parent / "written.txt"
    (blocks(project) / "footer.html").write_text(
        f"{{{{ job.brand.folder.joinpath('{target}').write_text('x') }}}}", encoding="utf-8"
    )
    assert main(["--project", str(project), "--brand", str(project / "brands/evil"), "check"]) == 1
    assert "footer.html:1: template error: 'job' has no field 'brand'" in capsys.readouterr().err
    assert not target.exists()


# --------------------------------------------------------------------------- 2. attachments


def test_a_template_cannot_attach_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = project / "examples/new-hires.csv"
    (blocks(project) / "footer.html").write_text(
        f'<a rel="attachment" href="{roster.as_uri()}">roster</a>'
        f'<a rel="attachment" href="../../../secret.txt">secret</a>',
        encoding="utf-8",
    )
    assert build(project) == 0
    err = capsys.readouterr().err
    assert (
        f"(template one-pager.html): '{roster.as_uri()}' was not attached: a template cannot attach files; "
        "name them in the recipe's 'attachments:' list" in err
    )
    assert_clean(project / "out/probe/pm.pdf", "Ada Lovelace")  # a name from the roster
    assert_clean(project / "out/probe/pm.pdf")


def test_only_a_recipes_attachments_are_attached(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "examples/handout.txt").write_text("Bring a notebook.\n", encoding="utf-8")
    (project / "guides/probe.yaml").write_text(PROBE + "attachments: [examples/handout.txt]\n", encoding="utf-8")
    assert build(project) == 0
    reader = PdfReader(project / "out/probe/pm.pdf")
    assert reader.attachments == {"handout.txt": [b"Bring a notebook.\n"]}
    (project / "guides/probe.yaml").write_text(PROBE + "attachments: [../secret.txt]\n", encoding="utf-8")
    assert build(project) == 1
    err = capsys.readouterr().err
    assert "guides/probe.yaml: attachments[0]: attachment '../secret.txt' is outside the allowed folders" in err


# --------------------------------------------------------------------------- 3. links and special files


def test_a_linked_template_outside_the_brand_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (blocks(project) / "header.html").symlink_to(project.parent / "secret.txt")
    assert build(project) == 1
    err = capsys.readouterr().err
    assert "brands/evil/templates/blocks/header.html: is a link to a file outside the allowed folders" in err
    assert SECRET not in err and not (project / "out/probe/pm.pdf").exists()


def test_a_brand_template_cannot_link_into_the_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The project holds the roster: a brand inside it is still confined to its own folder."""
    (blocks(project) / "header.html").symlink_to(project / "examples/new-hires.csv")
    assert build(project) == 1
    assert "blocks/header.html: is a link to a file outside the allowed folders" in capsys.readouterr().err


def test_a_link_inside_the_brand_is_followed(project: Path) -> None:
    (project / "brands/evil/own-footer.html").write_text("<p>Linked footer, inside the brand</p>", encoding="utf-8")
    (blocks(project) / "footer.html").symlink_to(project / "brands/evil/own-footer.html")
    assert build(project) == 0
    assert "Linked footer, inside the brand" in PdfReader(project / "out/probe/pm.pdf").pages[0].extract_text()


def test_a_linked_or_special_brand_stylesheet_fails_its_document(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    styles = project / "brands/evil/styles"
    styles.mkdir()
    (project.parent / "evil.css").write_text(f'body::before {{ content: "{SECRET}" }}', encoding="utf-8")
    (styles / "brand.css").symlink_to(project.parent / "evil.css")
    assert build(project) == 1
    err = capsys.readouterr().err
    assert "brands/evil/styles/brand.css: is a link to a file outside the allowed folders" in err
    (styles / "brand.css").unlink()
    os.mkfifo(styles / "brand.css")
    assert build(project) == 1
    assert "brands/evil/styles/brand.css: is not a regular file (it is a named pipe)" in capsys.readouterr().err


def test_a_linked_image_outside_the_project_is_not_loaded(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "brands/evil/badge.svg").symlink_to(project.parent / "secret.txt")
    (blocks(project) / "footer.html").write_text(
        f'<img src="{(project / "brands/evil/badge.svg").as_uri()}" alt="">', encoding="utf-8"
    )
    assert build(project) == 0
    assert "badge.svg' was not loaded: it is outside the project folder" in capsys.readouterr().err
    assert_clean(project / "out/probe/pm.pdf")


# --------------------------------------------------------------------------- 4. runaway templates


def test_a_runaway_template_fails_its_document_and_the_others_are_built(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "guides/probe.yaml").write_text(PROBE + "time_limit: 1\n", encoding="utf-8")
    (blocks(project) / "footer.html").write_text(
        "<p>\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}</p>", encoding="utf-8"
    )
    add_small_recipe(project)  # the other document: small, so that the test's time is the time limit's
    code = main(["--project", str(project), "--brand", str(project / "brands/evil"), "probe", "small"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "brands/evil/templates/blocks/footer.html:2: rendering took longer than the 1 s allowed; it was stopped "
        "(fix: look for a loop that never ends, or raise time_limit in guides/probe.yaml)" in err
    )
    assert (project / "out/small.pdf").exists() and not (project / "out/probe/pm.pdf").exists()


def add_small_recipe(project: Path) -> None:
    """A recipe ``small``: one page of its own template (no brand block), quick to print, written to small.pdf."""
    (project / "templates/small.html").write_text(
        '<html lang="en"><body><p>A small document.</p></body></html>', encoding="utf-8"
    )
    (project / "guides/small.yaml").write_text(
        "title: S\ntemplate: small.html\nstyles: [base.css]\nselect: {levels: [pm]}\noutput: small.pdf\n",
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- 13. words printed as written


def test_user_values_are_printed_as_written_never_as_emoji(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = project / "content/levels/pm.yaml"
    level.write_text(
        level.read_text(encoding="utf-8").replace("leads_to:", "leads_to: [':x:']\nold_leads_to:", 1), encoding="utf-8"
    )
    assert main(["--project", str(project), "check"]) == 1
    err = capsys.readouterr().err
    assert ":x:" in err and "\N{CROSS MARK}" not in err


def test_every_packet_carries_the_recipes_attachments_and_nothing_else(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "examples/handout.txt").write_text("Bring a notebook.\n", encoding="utf-8")
    recipe = project / "guides/onboarding.yaml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + "attachments: [examples/handout.txt]\n", encoding="utf-8")
    roster = tmp_path / "r.csv"
    roster.write_text(
        "name,level,team,manager,buddy,start_date\nAnn Lee,pm,Zephyr,Priya Raman,Ines Duarte,2027-01-11\n"
        "Bo Ek,pm,Search,Priya Raman,Ines Duarte,2027-01-11\n",
        encoding="utf-8",
    )
    assert main(["--project", str(project), "-j", "1", "onboarding", "--roster", str(roster)]) == 0
    for name in ("ann-lee", "bo-ek"):
        reader = PdfReader(project / f"out/onboarding/{name}.pdf")
        assert reader.attachments == {"handout.txt": [b"Bring a notebook.\n"]}


def test_no_persons_details_reach_another_persons_packet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A brand's templates see one person at a time: in the page, in the metadata, in the whole context."""
    project = copy_project(tmp_path / "p")
    brand = project / "brands/evil"
    shutil.copytree(ROOT / "brands/acme", brand)
    (brand / "templates/blocks").mkdir(parents=True)
    base = (ROOT / "templates/base.html").read_text(encoding="utf-8")
    (brand / "templates/base.html").write_text(
        base.replace(
            '<meta name="generator" content="ladderpress">',
            '<meta name="generator" content="ladderpress">'
            "<meta name=\"keywords\" content=\"{{ (person.name ~ ' / ' ~ person.manager) if person else '' }}\">",
        ),
        encoding="utf-8",
    )
    roster = tmp_path / "r.csv"
    roster.write_text(
        "name,level,team,manager,buddy,start_date\n"
        "Ann Lee,pm,Zephyr,Priya Raman,Ines Duarte,2027-01-11\n"
        "Bo Ek,pm,Quokka,Kofi Mensah,Dev Patel,2027-01-11\n"
        "Cy Ode,pm,Wombat,Lena Fischer,Tom Reyes,2027-01-11\n",
        encoding="utf-8",
    )
    assert (
        main(["--project", str(project), "--brand", str(brand), "-j", "1", "onboarding", "--roster", str(roster)]) == 0
    )
    details = {
        "ann-lee": ["Ann Lee", "Zephyr", "Priya Raman", "Ines Duarte"],
        "bo-ek": ["Bo Ek", "Quokka", "Kofi Mensah", "Dev Patel"],
        "cy-ode": ["Cy Ode", "Wombat", "Lena Fischer", "Tom Reyes"],
    }
    for name, own in details.items():
        pdf = project / f"out/onboarding/{name}.pdf"
        reader = PdfReader(pdf)
        seen = "".join(page.extract_text() for page in reader.pages) + str(dict(reader.metadata or {}))
        assert own[0] in seen
        for other, theirs in details.items():
            if other != name:
                for value in theirs:
                    assert value not in seen, f"{value} ({other}) in {name}.pdf"
                    assert value.encode() not in everything_in(pdf)
    # and a template cannot ask for the others
    (brand / "templates/blocks/footer.html").write_text(
        "{{ people | map(attribute='name') | join(', ') }}", encoding="utf-8"
    )
    assert main(["--project", str(project), "--brand", str(brand), "onboarding", "--roster", str(roster)]) == 1
    assert "footer.html:1: template error: 'people' is not defined" in capsys.readouterr().err


# --------------------------------------------------------------------------- found by trying as an attacker


@pytest.mark.parametrize(
    "payload, message",
    [
        ("{{ (9 ** (9 ** 9)) > 1 }}", "9 ** 387420489 is too large a number for a template"),
        ("{{ 'x' * 10**9 }}", "repeating a text or list 1000000000 times makes it too long"),
        ("{% include '/etc/passwd' %}", "no template named '/etc/passwd'"),
    ],
)
def test_bombs_and_odd_names_fail_their_document_in_one_line(
    project: Path, payload: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (blocks(project) / "footer.html").write_text(payload, encoding="utf-8")
    assert build(project) == 1
    err = capsys.readouterr().err
    assert f"brands/evil/templates/blocks/footer.html:1: template error: {message}" in err


def test_what_a_document_was_refused_is_never_read_nor_recorded(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build record hashes the files a document read: never a device, a FIFO or a file outside."""
    styles = project / "brands/evil/styles"
    styles.mkdir()
    os.mkfifo(project / "brands/evil/pipe.svg")
    (styles / "brand.css").write_text(
        '@font-face { font-family: Z; src: url("/dev/zero") } body { font-family: Z }\n'
        f'.doc-footer {{ background-image: url("../pipe.svg") }}\n'
        f'h1 {{ background-image: url("{(project.parent / "secret.txt").as_uri()}") }}\n',
        encoding="utf-8",
    )
    assert build(project) == 0
    record = (project / "out/.ladderpress-cache.json").read_text(encoding="utf-8")
    assert "/dev/zero" not in record and "secret.txt" not in record
    assert "pipe.svg' was not loaded: it is not a regular file (it is a named pipe)" in capsys.readouterr().err
    assert build(project) == 0  # and the next build reads the record without hanging on the FIFO


def test_a_linked_brand_template_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = project.parent / "outside"
    (outside / "blocks").mkdir(parents=True)
    (outside / "blocks/footer.html").write_text(SECRET, encoding="utf-8")
    (project / "brands/evil/templates").symlink_to(outside)
    assert build(project) == 1
    assert "brands/evil/templates: is a link to a folder outside the brand folder" in capsys.readouterr().err
    assert not (project / "out/probe/pm.pdf").exists()


def test_records_are_never_written_through_a_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = project.parent / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (project / "out").mkdir()
    (project / "out/.ladderpress.lock").symlink_to(victim)
    assert build(project) == 1
    assert f"({project / 'out/.ladderpress.lock'}: it is a link: remove it)" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "precious"


def test_a_forged_record_does_not_make_a_users_file_ours(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "out/probe"
    out.mkdir(parents=True)
    (out / "pm.pdf").write_bytes(b"USER OWN REPORT")
    for forged in ('{"files": ["probe/pm.pdf"]}', '{"format": 2, "files": {"probe/pm.pdf": {"sha256": null}}}'):
        (project / "out/.ladderpress-manifest.json").write_text(forged, encoding="utf-8")
        assert build(project) == 1
        assert (out / "pm.pdf").read_bytes() == b"USER OWN REPORT"
    assert "pm.pdf exists and was not written by ladderpress" in capsys.readouterr().err


def test_adding_or_removing_an_attachment_rebuilds(project: Path) -> None:
    (project / "examples/handout.txt").write_text("Bring a notebook.\n", encoding="utf-8")
    assert build(project) == 0
    (project / "guides/probe.yaml").write_text(PROBE + "attachments: [examples/handout.txt]\n", encoding="utf-8")
    assert build(project) == 0
    assert list(PdfReader(project / "out/probe/pm.pdf").attachments) == ["handout.txt"]
    (project / "guides/probe.yaml").write_text(PROBE, encoding="utf-8")
    assert build(project) == 0
    assert PdfReader(project / "out/probe/pm.pdf").attachments == {}


def test_the_roster_is_never_read_by_the_printer(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = project / "examples/new-hires.csv"
    (project / "brands/evil/styles").mkdir()
    (project / "brands/evil/styles/brand.css").write_text(f'@import url("{roster.as_uri()}");', encoding="utf-8")
    (blocks(project) / "footer.html").write_text(f'<object data="{roster.as_uri()}"></object>', encoding="utf-8")
    assert build(project) == 0
    err = capsys.readouterr().err
    assert f"'{roster}' was not loaded: it is outside the project folder" in err
    assert "new-hires.csv" not in (project / "out/.ladderpress-cache.json").read_text(encoding="utf-8")


def test_a_memory_bomb_fails_its_own_document(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (blocks(project) / "footer.html").write_text(
        "{{ 'x' | center(3000000000 + level.rank) | length }}", encoding="utf-8"
    )
    assert build(project) == 1
    assert (
        "footer.html:1: rendering needed more than the 2 GB of memory a document may use; it was stopped"
        in capsys.readouterr().err
    )
    (blocks(project) / "footer.html").write_text("{{ 'x' | center(3000000000) | length }}", encoding="utf-8")
    assert build(project) == 1  # a constant, which Jinja tries to compute while compiling, under the same limit
    assert (
        "footer.html:1: rendering needed more than the 2 GB of memory a document may use; it was stopped"
        in capsys.readouterr().err
    )


def test_a_worker_that_dies_fails_its_document_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The worker printing a document is killed (as the kernel's OOM killer would): that document fails, the
    others are built. The slow run also crashes the engine itself (the next test)."""
    from ladderpress.pdf import Printer

    add_small_recipe(project)
    (project / "styles/die.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    (project / "guides/small.yaml").write_text(
        (project / "guides/small.yaml").read_text(encoding="utf-8").replace("[base.css]", "[base.css, die.css]"),
        encoding="utf-8",
    )
    parent, original = os.getpid(), Printer.stylesheet

    def die_in_a_worker(self: Printer, name: str, *rest: object) -> object:
        if name == "die.css" and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(Printer, "stylesheet", die_in_a_worker)  # forked workers inherit it
    assert main(["--project", str(project), "-j", "1", "small", "probe"]) == 1
    err = capsys.readouterr().err
    assert "failed out/small.pdf: the worker process printing it ended abruptly" in err.replace(str(project) + "/", "")
    assert (project / "out/probe/pm.pdf").exists() and not (project / "out/small.pdf").exists()


@pytest.mark.slow
def test_a_document_that_crashes_the_engine_fails_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CSS counter of 300 million symbols makes Pango's allocation fail, and GLib abort the process.

    Slow (about 9 s of the engine working towards the crash); the test above kills a worker quickly.
    """
    (project / "templates/cbomb.html").write_text(
        '<html lang="en"><head><style>@counter-style bomb { system: symbolic; symbols: "x"; }\n'
        "body { counter-reset: c 300000000; } p::before { content: counter(c, bomb); }</style></head>"
        "<body><p>hi</p></body></html>",
        encoding="utf-8",
    )
    (project / "guides/cbomb.yaml").write_text(
        "title: C\ntemplate: cbomb.html\nstyles: [base.css]\nselect: {levels: [pm]}\noutput: cbomb.pdf\n",
        encoding="utf-8",
    )
    assert main(["--project", str(project), "-j", "1", "cbomb", "probe"]) == 1
    err = capsys.readouterr().err
    assert "failed out/cbomb.pdf: the worker process printing it ended abruptly" in err.replace(str(project) + "/", "")
    assert (project / "out/probe/pm.pdf").exists()


def test_a_tighter_layout_and_the_page_limit_are_part_of_the_key(project: Path) -> None:
    template = project / "templates/fitprobe.html"
    recipe = project / "guides/fitprobe.yaml"
    body = (
        '<html lang="en"><body>{% if fit == 0 %}<p style="break-after:page">a</p><p>b</p>'
        "{% else %}<p>FIT VERSION 1</p>{% endif %}</body></html>"
    )
    template.write_text(body, encoding="utf-8")
    recipe.write_text(
        "title: F\ntemplate: fitprobe.html\nstyles: [base.css]\nselect: {levels: [pm]}\n"
        "output: fit.pdf\nmax_pages: 1\n",
        encoding="utf-8",
    )
    assert main(["--project", str(project), "fitprobe"]) == 0
    template.write_text(body.replace("VERSION 1", "VERSION 2"), encoding="utf-8")
    assert main(["--project", str(project), "fitprobe"]) == 0
    assert "FIT VERSION 2" in PdfReader(project / "out/fit.pdf").pages[0].extract_text()
    recipe.write_text(recipe.read_text(encoding="utf-8").replace("max_pages: 1", "max_pages: 2"), encoding="utf-8")
    assert main(["--project", str(project), "fitprobe"]) == 0
    assert len(PdfReader(project / "out/fit.pdf").pages) == 2


def test_schema_and_new_brand_never_write_through_a_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = project.parent / "victim.json"
    victim.write_text("precious", encoding="utf-8")
    (project / "schemas").mkdir()
    (project / "schemas/brand.schema.json").symlink_to(victim)
    assert main(["--project", str(project), "schema"]) == 0
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (project / "schemas/brand.schema.json").is_symlink()
    shutil.move(project / "brands", project.parent / "elsewhere")
    (project / "brands").symlink_to(project.parent / "elsewhere")
    assert main(["--project", str(project), "new-brand", "evil2"]) == 2
    assert "brands is a link to a folder outside the project" in capsys.readouterr().err
    assert not (project.parent / "elsewhere/evil2").exists()


def test_a_stylesheet_saved_during_a_build_is_seen_by_the_next(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record holds the hash of the bytes printed from, not of what is on disk when the PDF is recorded."""
    from ladderpress.pdf import Printer

    sheet = project / "styles/base.css"
    original = Printer.stylesheet

    def save_once_read(self: Printer, name: str, *rest: object) -> object:
        result = original(self, name, *rest)  # type: ignore[arg-type]
        if name == "base.css" and "saved mid-build" not in sheet.read_text(encoding="utf-8"):
            sheet.write_text(sheet.read_text(encoding="utf-8") + "\n/* saved mid-build */\n", encoding="utf-8")
        return result

    monkeypatch.setattr(Printer, "stylesheet", save_once_read)  # forked workers inherit it
    assert main(["--project", str(project), "probe"]) == 0
    monkeypatch.undo()
    capsys.readouterr()
    assert main(["--project", str(project), "probe"]) == 0
    assert "built 1 document" in capsys.readouterr().out


def test_the_output_folder_is_never_an_input_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for out in (project / "styles", project / "brands/evil/out", project.parent):
        assert (
            main(["--project", str(project), "--brand", str(project / "brands/evil"), "--out", str(out), "probe"]) == 2
        )
    err = capsys.readouterr().err
    assert f"--out {project / 'styles'} is inside {project / 'styles'}, which the build reads" in err
    assert f"--out {project.parent} holds the whole project" in err
    assert not list(project.rglob("probe/pm.pdf"))


def test_a_file_where_an_output_folder_goes_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "out").mkdir()
    (project / "out/probe").write_text("my notes", encoding="utf-8")
    assert build(project) == 1
    assert f"{project / 'out/probe'} is a file, not a folder (fix: move it away" in capsys.readouterr().err
    assert (project / "out/probe").read_text(encoding="utf-8") == "my notes"
