"""A corpus of bad inputs: each gets one located, plain-words line with a fix, and no traceback.

Every case patches a copy of the default project, runs ``build.py check`` and asserts on
the message (file, line, field, hint) and the exit code. Its whole error output and exit
code are also compared, line for line, with ``tests/golden/errors.txt``: after an intended
change to the messages, run ``pytest --update-golden tests/test_bad_input.py``, read the
new file through, and commit it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ladderpress.cli import main
from tests.conftest import copy_project


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    """File to change, relative to the project."""
    old: str | None = None
    """Text to replace (None: ``new`` becomes the whole file)."""
    new: str | bytes = ""
    expect: tuple[str, ...] = ()
    """Substrings that must all be in one error line."""
    code: int = 1
    args: tuple[str, ...] = ("check",)
    extra: dict[str, str] = field(default_factory=dict)
    """Further whole files to write."""


# The corpus is a table, each case on two lines; ruff format would spread every field over its own line.
# fmt: off
CASES = [
    # -- YAML that does not parse
    Case("tab", "content/levels/pm.yaml", "\nscope:", "\n\tscope:",
         ("content/levels/pm.yaml:", "tab character", "indent with spaces")),
    Case("unclosed quote", "content/levels/pm.yaml", "title: Product Manager", 'title: "Product Manager',
         ("content/levels/pm.yaml:", "YAML syntax error", "fix:")),
    Case("duplicate key", "content/levels/pm.yaml", "code: L2", "code: L2\ncode: L9",
         ("content/levels/pm.yaml:4:1", "key 'code' appears twice (first on line 3)", "keep one of them")),
    Case("bad indentation", "content/levels/pm.yaml", "\nduties:\n", "\nduties:\n   - extra\n  - misplaced\n",
         ("content/levels/pm.yaml:", "YAML syntax error", "indentation")),
    Case("not a mapping", "content/levels/vp.yaml", None, "- just\n- a list\n",
         ("content/levels/vp.yaml:1:1", "expected a mapping", "got a list", "fix: start the file with 'id: …'")),
    Case("empty level file", "content/levels/vp.yaml", None, "",
         ("content/levels/vp.yaml", "expected a mapping", "got nothing", "fix: start the file with 'id: …'")),
    Case("not utf-8", "content/faq.yaml", None, b"faq:\n  - question: \xff\xfe\n",
         ("content/faq.yaml", "not UTF-8", "save the file as UTF-8")),
    # -- schema violations
    Case("missing field", "content/levels/pm.yaml", "\nscope:", "\nscoep:",
         ("content/levels/pm.yaml:2:1", "scope: this field is required but missing", "add it")),
    Case("wrong type", "content/levels/pm.yaml", "band: band-2", "rank: two",
         ("content/levels/pm.yaml:6:7", "rank:", "expected a whole number, got text 'two'", "such as 3")),
    Case("unknown key", "content/levels/vp.yaml", "\nduties:", "\ndutes:",
         ("content/levels/vp.yaml:", "dutes: unknown field 'dutes'", "did you mean 'duties'")),
    Case("empty list", "content/levels/pm.yaml", "tracks: [ic, manager]", "tracks: []",
         ("content/levels/pm.yaml:", "tracks:", "must not be an empty list", "add at least one item")),
    Case("rank clash", "content/levels/pm.yaml", "band: band-2", "band: band-1",
         ("content/levels/pm.yaml:6:7", "band: rank 1 is already used by 'apm'", "its own band")),
    Case("duplicate id", "content/levels/zz.yaml", None, "",
         ("content/levels/zz.yaml", "id 'pm' is used twice", "unique")),
    Case("id pattern", "content/levels/pm.yaml", "id: pm", "id: Product Manager",
         ("content/levels/pm.yaml:2:5", "id:", "'Product Manager' is not a valid value", "lower-case")),
    Case("id and file name differ", "content/levels/pm.yaml", "id: pm", "id: product-manager",
         ("content/levels/pm.yaml:2:5", "does not match the file name", "set id: pm, as the 8 references",
          "rename the file")),
    Case("tracks not a list", "content/levels/principal-pm.yaml", re.compile(r"tracks: \[ic\]"), "tracks: ic",
         ("content/levels/principal-pm.yaml:", "tracks:", "expected a list", "'- item'")),
    Case("unknown ladder key", "content/ladder.yaml", "title:", "titel:",
         ("content/ladder.yaml:3:8", "unknown field 'titel'", "did you mean 'title'")),
    Case("missing ladder title", "content/ladder.yaml", "title:", "# title:",
         ("content/ladder.yaml:1:1", "title: this field is required", "add it")),
    Case("bad language", "content/ladder.yaml", "language: en-GB", "language: british english",
         ("content/ladder.yaml:", "language:", "not a valid value")),
    Case("megabyte string", "content/levels/pm.yaml", "description: |", "description: " + "x" * 1_100_000 + "\nold: |",
         ("content/levels/pm.yaml:", "description:", "longer than 50,000 characters", "shorten it")),
    Case("bad boolean", "content/ladder.yaml", "allow_html: false", "allow_html: perhaps",
         ("content/ladder.yaml:", "allow_html:", "expected true or false")),
    Case("levels in ladder.yaml", "content/ladder.yaml", "title:", "levels: []\ntitle:",
         ("content/ladder.yaml:3:1", "levels live in content/levels/", "one file per level")),
    Case("section in two files", "content/more.yaml", None, "faq: []\n",
         ("content/more.yaml:1:1", "'faq' is already given in content/faq.yaml", "keep it in one file")),
    # -- broken references
    Case("unknown track", "content/levels/group-pm.yaml", "tracks: [manager]", "tracks: [managr]",
         ("content/levels/group-pm.yaml:", "tracks[0]:", "unknown track 'managr'", "did you mean 'manager'")),
    Case("unknown leads_to", "content/levels/pm.yaml", "leads_to: [senior-pm]", "leads_to: [senoir-pm]",
         ("content/levels/pm.yaml:", "leads_to[0]:", "unknown level 'senoir-pm'", "did you mean 'senior-pm'")),
    Case("unknown band", "content/levels/group-pm.yaml", "band: band-4", "band: band-44",
         ("content/levels/group-pm.yaml:6:7", "band:", "unknown band 'band-44'", "did you mean 'band-4'")),
    Case("retired equivalents", "content/levels/group-pm.yaml", "band: band-4", "band: band-4\nequivalents: [pm]",
         ("content/levels/group-pm.yaml:7:1", "'equivalents' is no longer a field", "same band")),
    Case("transfer across bands", "content/levels/principal-pm.yaml", "  - to: group-pm", "  - to: vp",
         ("content/levels/principal-pm.yaml:", "moves[0].kind:", "changes band 'band-4' to band 'band-6'",
          "stays in its band")),
    Case("unknown move target", "content/levels/group-pm.yaml", "  - to: principal-pm", "  - to: principal",
         ("content/levels/group-pm.yaml:", "moves[0].to:", "unknown level 'principal'", "principal-pm")),
    Case("reports to an unknown level", "content/levels/pm.yaml", "reports_to: [group-pm, director]",
         "reports_to: [group-pm, directr]",
         ("content/levels/pm.yaml:", "reports_to[1]:", "unknown level 'directr'", "did you mean 'director'")),
    Case("misspelt placeholder", "content/ladder.yaml", "At {organisation},", "At {organization},",
         ("content/ladder.yaml:", "introduction:", "'{organization}' is not the placeholder {organisation}",
          "lower case, with an s")),
    Case("band is a number", "content/levels/pm.yaml", "band: band-2", "band: 2",
         ("content/levels/pm.yaml:6:7", "band:", "expected text, got the number 2")),
    Case("band is a list", "content/levels/group-pm.yaml", "band: band-4", "band: []",
         ("content/levels/group-pm.yaml:6:1", "band:", "expected text, got a list")),
    Case("id is a list", "content/levels/apm.yaml", "id: apm", "id: []",
         ("content/levels/apm.yaml:2:1", "id:", "expected text, got a list")),
    Case("rank outside its band", "content/levels/apm.yaml", "band: band-1", "band: band-1\nrank: 0",
         ("content/levels/apm.yaml:7:7", "rank:", "rank 0 is outside band 'band-1', whose levels rank 1 to 1",
          "leave out rank:")),
    Case("leads down the ladder", "content/levels/vp.yaml", "leads_to: [cpo]", "leads_to: [pm]",
         ("content/levels/vp.yaml:", "leads_to[0]:", "not above", "leads_to names promotions")),
    Case("unknown competency level", "content/competencies.yaml", "          apm:", "          apmm:",
         ("content/competencies.yaml:", "expectations.apmm", "unknown level 'apmm'", "did you mean 'apm'")),
    # -- recipes
    Case("unknown template", "guides/one-pagers.yaml", "template: one-pager.html", "template: one-pagr.html",
         ("guides/one-pagers.yaml:", "template:", "unknown template 'one-pagr.html'", "did you mean 'one-pager.html'")),
    Case("output escapes", "guides/handbook.yaml", "output: handbook.pdf", "output: ../handbook.pdf",
         ("guides/handbook.yaml:", "output: '../handbook.pdf' must not contain '.' or '..'",
          "fix: remove them, like 'handbook.pdf'", "stay inside the output folder")),
    Case("absolute output", "guides/handbook.yaml", "output: handbook.pdf", "output: /tmp/handbook.pdf",
         ("guides/handbook.yaml:", "output: '/tmp/handbook.pdf'", "not absolute", "fix: write a path inside")),
    Case("output not pdf", "guides/handbook.yaml", "output: handbook.pdf", "output: handbook.html",
         ("guides/handbook.yaml:", "output: 'handbook.html' must end in .pdf", "fix: end it in .pdf")),
    Case("per level without {level}", "guides/one-pagers.yaml", "output: one-pagers/{level}.pdf",
         "output: one-pagers/all.pdf",
         ("guides/one-pagers.yaml:", "output: 'one-pagers/all.pdf' needs {level}", "fix: put {level} in")),
    Case("unknown placeholder", "guides/one-pagers.yaml", "{level}", "{levle}",
         ("guides/one-pagers.yaml:", "unknown placeholder {levle}", "fix: did you mean {level}?")),
    Case("select both", "guides/ic-track.yaml", "  track: ic", "  track: ic\n  levels: [pm]",
         ("guides/ic-track.yaml:", "select: has both", "fix: choose either 'track' or 'levels'")),
    Case("select unknown level", "guides/one-pagers.yaml", "per: level", "select:\n  levels: [pm, vpp]\nper: level",
         ("guides/one-pagers.yaml:", "select.levels[1]:", "unknown level 'vpp'", "did you mean 'vp'")),
    Case("select unknown track", "guides/ic-track.yaml", "  track: ic", "  track: icc",
         ("guides/ic-track.yaml:", "select.track:", "unknown track 'icc'", "did you mean 'ic'")),
    Case("bad per", "guides/handbook.yaml", "per: document", "per: chapter",
         ("guides/handbook.yaml:", "per:", "'chapter' is not allowed", "use one of")),
    Case("unknown recipe key", "guides/handbook.yaml", "template:", "templat:",
         ("guides/handbook.yaml:", "unknown field 'templat'", "did you mean 'template'")),
    Case("reserved recipe name", "guides/check.yaml", None, "title: x\ntemplate: handbook.html\noutput: x.pdf\n",
         ("guides/check.yaml", "command word", "rename the file")),
    Case("missing stylesheet", "guides/handbook.yaml", "per: document",
         "per: document\nstyles: [base.css, hanbook.css]",
         ("guides/handbook.yaml:", "styles[1]:", "'hanbook.css' not found", "did you mean 'handbook.css'")),
    Case("two recipes, one file", "guides/copy.yaml", None, "title: x\ntemplate: handbook.html\noutput: handbook.pdf\n",
         ("guides/", "writes handbook.pdf, which recipe", "its own output name")),
    # -- templates
    Case("template syntax", "templates/one-pager.html", "{% endfor %}", "{% endfo %}",
         ("templates/one-pager.html:", "template syntax error", "{% %}")),
    Case("undefined variable", "templates/blocks/header.html", "{{ level.scope }}", "{{ level.scoop }}",
         ("templates/blocks/header.html:10", "template error: a level has no field 'scoop'",
          "fix: did you mean 'scope'?")),
    # -- hostile documents
    Case("alias bomb", "content/faq.yaml", None,
         "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
         "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
         ("content/faq.yaml:", "more than 200,000 values", "remove repeated aliases")),
    Case("huge file", "content/faq.yaml", None, "faq: []\n" + "#" * 2_100_000 + "\n",
         ("content/faq.yaml", "larger than the 2 MB allowed", "split it or shorten it")),
    Case("impossible date", "content/ladder.yaml", "language: en-GB", "language: en-GB\ndate: 2025-02-30",
         ("content/ladder.yaml:", "'2025-02-30' is not a real date", "put it in quotes")),
    Case("alias loop", "content/faq.yaml", None, "faq: &a [*a]\n",
         ("content/faq.yaml:1:", "an alias refers to the value that contains it", "remove the alias")),
    Case("deep nesting", "content/faq.yaml", None, "faq: " + "[" * 3000 + "]" * 3000 + "\n",
         ("content/faq.yaml", "nests", "flatten the lists and mappings")),
    Case(".yml file", "content/extra.yml", None, "faq: []\n",
         ("content/extra.yml", "is not read: content and recipe files end in .yaml", "rename it to extra.yaml")),
    Case("formatted placeholder", "guides/one-pagers.yaml", "{level}", "{level!r}",
         ("guides/one-pagers.yaml:", "output: 'one-pagers/{level!r}.pdf'", "formats a placeholder",
          "fix: write placeholders plainly")),
    Case("space in output", "guides/one-pagers.yaml", "output: one-pagers/{level}.pdf",
         "output: one pagers/{level}.pdf", ("guides/one-pagers.yaml:", "output: 'one pagers", "no spaces",
                                             "fix: replace them with '-'")),
    Case("recipe named after a command", "guides/schema.yaml", None,
         "title: x\ntemplate: handbook.html\noutput: x.pdf\n", ("guides/schema.yaml", "command word")),
    Case("roster outside the project", "guides/onboarding.yaml", "roster: examples/new-hires.csv",
         "roster: ../../new-hires.csv", ("guides/onboarding.yaml", "roster:", "outside the project")),
    Case("template raises", "templates/blocks/header.html", "{{ level.scope }}", "{{ 1 / 0 }}",
         ("templates/blocks/header.html:", "division by zero", "fix: make sure the number")),
    Case("template reaches for internals", "templates/blocks/header.html", "{{ level.scope }}",
         "{{ cycler.__init__.__globals__.os.getcwd() }}",
         ("templates/blocks/header.html:", "'cycler' is not defined", "Safe by default")),
    # -- the command line
    Case("unknown recipe on the command line", "guides/handbook.yaml", None, "", ("unknown recipe 'handbok'",
         "did you mean 'handbook'"), code=2, args=("handbok",)),
]
# fmt: on


def apply(project: Path, case: Case) -> None:
    path = project / case.file
    if case.name == "duplicate id":
        (project / "content/levels/zz.yaml").write_text(
            (project / "content/levels/pm.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        return
    if case.name == "unknown recipe on the command line":
        return
    if case.old is None:
        path.write_bytes(case.new if isinstance(case.new, bytes) else case.new.encode("utf-8"))
        return
    before = path.read_text(encoding="utf-8")
    if isinstance(case.old, re.Pattern):
        after, count = case.old.subn(str(case.new), before, count=1)
    else:
        count = before.count(case.old)
        after = before.replace(case.old, str(case.new), 1)
    assert count, f"{case.name}: the text to replace is not in {case.file}"
    path.write_text(after, encoding="utf-8")


GOLDEN = Path(__file__).resolve().parent / "golden" / "errors.txt"
GOLDEN_HEADER = """\
# The error output of every case in tests/test_bad_input.py, compared in full by that test.
# One section per case: "## <case name>", the exit code, then each line the command wrote to
# stderr, exactly (the case's temporary project folder is shown as <project>).
# After an intended change to the messages: pytest -n 0 --update-golden tests/test_bad_input.py
"""
UPDATE_HINT = (
    "run `pytest -n 0 --update-golden tests/test_bad_input.py` (in one process: each writes the whole file), "
    "read the new messages and commit the file"
)


def read_golden(path: Path) -> dict[str, tuple[int, list[str]]]:
    """Case name → (exit code, stderr lines) from the golden file; {} when there is none yet."""
    if not path.exists():
        return {}
    sections: dict[str, tuple[int, list[str]]] = {}
    name: str | None = None
    lines: list[str] = []

    def close() -> None:
        if name is not None:
            while lines and not lines[-1]:
                lines.pop()
            code = lines.pop(0) if lines else ""
            assert code.startswith("exit "), f"{path}: section {name!r} must start with its exit code"
            sections[name] = (int(code.removeprefix("exit ")), list(lines))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            close()
            name, lines = line.removeprefix("## "), []
        elif name is not None:
            lines.append(line)
    close()
    return sections


def write_golden(path: Path, sections: dict[str, tuple[int, list[str]]]) -> None:
    text = GOLDEN_HEADER
    for name, (code, lines) in sections.items():
        assert not any(line.startswith("## ") for line in lines), f"{name}: a line of output looks like a section"
        text += "\n".join(["", f"## {name}", f"exit {code}", *lines]) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class Golden:
    """The golden file, read once per module; with --update-golden, rewritten from what the cases printed."""

    def __init__(self, update: bool) -> None:
        self.update = update
        self.expected = read_golden(GOLDEN)
        self.seen: dict[str, tuple[int, list[str]]] = {}

    def check(self, name: str, code: int, lines: list[str]) -> None:
        self.seen[name] = (code, lines)
        if self.update:
            return
        if name not in self.expected:
            pytest.fail(f"case {name!r} has no section in tests/golden/errors.txt: {UPDATE_HINT}")
        want_code, want = self.expected[name]
        if (code, lines) != (want_code, want):
            diff = "\n".join(
                difflib.unified_diff(
                    [f"exit {want_code}", *want], [f"exit {code}", *lines], "golden", "now", lineterm=""
                )
            )
            pytest.fail(
                f"case {name!r}: the error output differs from tests/golden/errors.txt "
                f"(if the change is intended, {UPDATE_HINT}):\n{diff}"
            )

    def save(self) -> None:
        """Every case of the corpus, in its order: what ran now, else what the file held."""
        merged = {case.name: self.seen.get(case.name) or self.expected.get(case.name) for case in CASES}
        write_golden(GOLDEN, {name: section for name, section in merged.items() if section is not None})


@pytest.fixture(scope="module")
def golden(request: pytest.FixtureRequest) -> Iterator[Golden]:
    golden = Golden(bool(request.config.getoption("--update-golden")))
    yield golden
    if golden.update and golden.seen:
        golden.save()


def normalise(text: str, project: Path) -> list[str]:
    """The lines of ``text`` with the temporary project folder (as given, or resolved) shown as <project>."""
    for folder in sorted({str(project), os.path.realpath(project)}, key=len, reverse=True):
        text = text.replace(folder, "<project>")
    return text.splitlines()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the default project; each case copies it (about 5 ms) rather than the checkout."""
    return copy_project(tmp_path_factory.mktemp("pristine") / "project")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_located_plain_message(
    case: Case, pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], golden: Golden
) -> None:
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    apply(project, case)
    code = main(["--project", str(project), *case.args])
    captured = capsys.readouterr()
    assert code == case.code, captured.err
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.splitlines()
    matching = [line for line in lines if all(part in line for part in case.expect)]
    assert matching, f"no single line holds all of {case.expect}:\n{captured.err}"
    if case.code == 1:
        errors = [line for line in lines if line.startswith("error: ")]
        assert errors and all(len(line) < 400 for line in errors)
    golden.check(case.name, code, normalise(captured.err, project))


def test_case_names_are_unique_and_the_golden_file_holds_no_other() -> None:
    names = [case.name for case in CASES]
    assert len(set(names)) == len(names), "each case needs its own name: it heads its section of the golden file"
    stale = sorted(set(read_golden(GOLDEN)) - set(names))
    assert not stale, f"tests/golden/errors.txt has sections for cases that are gone: {stale}; {UPDATE_HINT}"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_every_problem_is_reported_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Three mistakes in three files: three messages, not just the first."""
    project = copy_project(tmp_path / "project")
    for case_name in ("unknown key", "wrong type", "unknown template"):
        apply(project, next(c for c in CASES if c.name == case_name))
    assert main(["--project", str(project), "check"]) == 1
    err = capsys.readouterr().err
    assert "unknown field 'dutes'" in err
    assert "expected a whole number" in err
    assert "unknown template 'one-pagr.html'" in err
