"""Faults: builds interrupted, terminated or killed, run twice at once, or facing files that are not theirs.

Each test runs ``build.py`` as a real process (signals, exit codes and worker processes
cannot be faked in-process) on a copy of the project, and asserts on what is left behind:
files and their bytes, the records, exit codes, messages, processes and scratch folders.
Every process is bounded by a timeout and killed (with its process group) in a finally.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project

BUILD = str(ROOT / "build.py")
LEVELS = ["apm", "pm", "senior-pm", "principal-pm", "group-pm", "director", "vp", "cpo"]
ONE_PAGERS = sorted(f"one-pagers/{level}.pdf" for level in LEVELS)
LEVEL_GUIDES = sorted(f"levels/{level}.pdf" for level in LEVELS)
RUN_TIMEOUT = 180  # a bound on any one build, far above what it takes: only a hung build reaches it
POLL_TIMEOUT = 120
INTERRUPTED = "interrupted; PDFs already written are complete, the others were left as they were"
TERMINATED = "stopped (SIGTERM); PDFs already written are complete, the others were left as they were"
TWO_LEVELS = pytest.param(("--level", "pm", "--level", "vp"), id="two-levels")
EVERY_DOCUMENT = pytest.param((), id="every-document", marks=pytest.mark.slow)
"""What a test that is not about timing builds: two levels' documents, or in the slow run all of them."""


# --- helpers -------------------------------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdfs(out: Path) -> dict[str, bytes]:
    """Every PDF in ``out`` by relative name, with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def leftovers(out: Path) -> list[str]:
    """Temporary files of an atomic write left in the output folder."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.tmp"))


def built_lines(stdout: str) -> list[str]:
    """The PDFs a build reports as written (one line each: path, pages, size)."""
    return sorted(re.findall(r"^out/(\S+\.pdf)\s", stdout, flags=re.MULTILINE))


def complete(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def plain_project(dest: Path, styles: bool = True) -> Path:
    """A copy of the default project; without ``styles`` its stylesheets are the built-in ones."""
    if styles:
        return copy_project(dest)
    for part in ("content", "guides", "templates", "examples"):
        shutil.copytree(ROOT / part, dest / part)
    return dest


def add_slow_recipe(project: Path) -> None:
    """A recipe whose one document takes far longer to lay out than the eight one-pagers together.

    While it is being laid out in one worker, the other worker prints the one-pagers and
    then sits idle: a signal arriving then finds one busy and one idle worker.
    """
    (project / "templates/slow.html").write_text(
        '{% extends "base.html" %}\n{% block body %}{% for i in range(30000) %}'
        "<p>Paragraph {{ i }} of a document that takes long to lay out.</p>{% endfor %}{% endblock %}\n",
        encoding="utf-8",
    )
    (project / "styles/slow.css").write_text("p { margin: 0 }\n", encoding="utf-8")
    (project / "guides/slow.yaml").write_text("title: Slow\ntemplate: slow.html\noutput: slow.pdf\n", encoding="utf-8")


class Build:
    """``build.py`` running as a process of its own (in its own process group), output in files."""

    def __init__(self, project: Path, args: list[str], logs: Path, env: dict[str, str] | None = None) -> None:
        logs.mkdir(parents=True, exist_ok=True)
        self.stdout_path = logs / "stdout.txt"
        self.stderr_path = logs / "stderr.txt"
        with open(self.stdout_path, "wb") as stdout, open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, BUILD, "--project", str(project), *args],
                cwd=project,
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
                start_new_session=True,
            )
        self.pid = self.proc.pid

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def wait(self, timeout: float = RUN_TIMEOUT) -> int:
        return self.proc.wait(timeout=timeout)

    def until(self, condition: Callable[[], bool], what: str, timeout: float = POLL_TIMEOUT) -> None:
        """Poll ``condition`` while the build runs; fail if the build ends (or the time runs out) first."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                pytest.fail(
                    f"the build ended (exit {self.proc.returncode}) before {what}:\n{self.stdout}\n{self.stderr}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"the build never reached: {what}")
            time.sleep(0.02)

    def kill(self) -> None:
        """End the build and everything in its process group, if anything is left."""
        if self.proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # workers outliving their parent are in its group still


@contextmanager
def started(project: Path, args: list[str], logs: Path, env: dict[str, str] | None = None) -> Iterator[Build]:
    build = Build(project, args, logs, env)
    try:
        yield build
    finally:
        build.kill()


def run(project: Path, args: list[str], logs: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run a build to its end: exit code, stdout, stderr."""
    with started(project, args, logs, env) as build:
        code = build.wait()
        return code, build.stdout, build.stderr


def children(pid: int) -> dict[int, str]:
    """The child processes of ``pid``, each with its start time (to tell a reused pid apart)."""
    found: dict[int, str] = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            if (started_at := start_time(kid)) is not None:
                found[kid] = started_at
    return found


def start_time(pid: int) -> str | None:
    """The process's start time, or None when it is gone (or only a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def still_running(processes: dict[int, str], timeout: float = 10.0) -> list[int]:
    """Those of ``processes`` still running after waiting up to ``timeout`` seconds for them to end."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid, started_at in processes.items() if start_time(pid) == started_at]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def scratch_folders(tmpdir: Path, pid: int | None = None) -> list[str]:
    return sorted(p.name for p in tmpdir.glob(f"ladderpress-{pid}-*" if pid is not None else "ladderpress-*"))


@contextmanager
def holding_lock(out: Path) -> Iterator[None]:
    """Hold the output folder's lock as another build would, with this process's id in it."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".ladderpress.lock", "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def manifest(out: Path) -> dict[str, dict[str, object]]:
    return json.loads((out / ".ladderpress-manifest.json").read_text(encoding="utf-8"))["files"]


def one_pagers(only: tuple[str, ...]) -> list[str]:
    """The one-pagers a build with ``only`` (a TWO_LEVELS or EVERY_DOCUMENT parameter) writes."""
    return sorted(f"one-pagers/{level}.pdf" for level in only[1::2]) if only else ONE_PAGERS


# --- 1. Ctrl+C, then the next build resumes ------------------------------------------------------


def test_an_interrupted_build_keeps_complete_pdfs_and_the_next_build_does_only_the_rest(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out = project / "out"
    with started(project, ["one-pagers", "-j", "1"], tmp_path / "log1") as build:
        build.until(lambda: len(list(out.glob("one-pagers/*.pdf"))) >= 2, "two PDFs were written")
        build.proc.send_signal(signal.SIGINT)
        assert build.wait() == 130
        assert INTERRUPTED in build.stderr
        assert "Traceback" not in build.stderr
    done = pdfs(out)
    assert 2 <= len(done) < len(ONE_PAGERS), done.keys()
    assert all(complete(data) for data in done.values())
    assert leftovers(out) == []

    code, stdout, stderr = run(project, ["one-pagers", "-j", "1"], tmp_path / "log2")
    assert code == 0, stderr
    rest = len(ONE_PAGERS) - len(done)
    assert f"built {rest} document{'s' if rest != 1 else ''}; {len(done)} already up to date in " in stdout
    assert built_lines(stdout) == sorted(set(ONE_PAGERS) - set(done))
    after = pdfs(out)
    assert sorted(after) == ONE_PAGERS
    assert {name: after[name] for name in done} == done  # the complete ones were not written again
    assert leftovers(out) == []


# --- 2. SIGTERM to the parent --------------------------------------------------------------------


def test_sigterm_keeps_complete_pdfs_ends_every_worker_and_removes_the_scratch_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    add_slow_recipe(project)
    out, tmpdir = project / "out", tmp_path / "tmp"
    tmpdir.mkdir()
    workers: dict[int, str] = {}
    scratch_seen: list[str] = []
    with started(project, ["slow", "one-pagers", "-j", "2"], tmp_path / "log1", {"TMPDIR": str(tmpdir)}) as build:

        def one_pagers_written() -> bool:  # meanwhile, note the workers and the scratch folder
            workers.update(children(build.pid))
            scratch_seen[:] = scratch_seen or scratch_folders(tmpdir, build.pid)
            return len(list(out.glob("one-pagers/*.pdf"))) == len(ONE_PAGERS)

        # once all eight are written, one worker is idle and the other is laying out the slow document
        build.until(one_pagers_written, "the one-pagers were written")
        assert len(workers) >= 2 and scratch_seen
        build.proc.send_signal(signal.SIGTERM)
        assert build.wait() == 143
        stderr = build.stderr
        assert TERMINATED in stderr
        assert "Traceback" not in stderr, stderr  # neither from the parent nor from a worker
    assert sorted(pdfs(out)) == ONE_PAGERS  # the slow one was never finished, so never written
    assert all(complete(data) for data in pdfs(out).values())
    assert leftovers(out) == []
    assert still_running(workers) == []
    assert scratch_folders(tmpdir) == []
    # the record was saved on the way out: the complete PDFs are up to date
    code, stdout, stderr = run(project, ["one-pagers", "-j", "2"], tmp_path / "log2", {"TMPDIR": str(tmpdir)})
    assert code == 0, stderr
    assert "nothing to do: 8 documents up to date" in stdout


# --- 3. kill -9 of the parent --------------------------------------------------------------------


def test_after_kill_9_the_workers_end_and_no_scratch_folder_outlives_the_next_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out, tmpdir = project / "out", tmp_path / "tmp"
    tmpdir.mkdir()
    workers: dict[int, str] = {}
    with started(project, ["one-pagers", "-j", "2"], tmp_path / "log1", {"TMPDIR": str(tmpdir)}) as build:

        def two_written() -> bool:
            workers.update(children(build.pid))
            return len(list(out.glob("one-pagers/*.pdf"))) >= 2

        build.until(two_written, "two PDFs were written")
        assert len(workers) >= 2
        assert scratch_folders(tmpdir, build.pid)
        os.kill(build.pid, signal.SIGKILL)
        assert build.wait() == -signal.SIGKILL
        parent = build.pid
        # the workers are told of their parent's death by the kernel (PR_SET_PDEATHSIG)
        assert still_running(workers, timeout=10) == []
    written = pdfs(out)
    assert all(complete(data) for data in written.values())
    # a scratch folder of a dead build, whoever left it, is removed by the next build
    stale = tmpdir / f"ladderpress-{parent}-leftover"
    stale.mkdir(exist_ok=True)
    (stale / "font.ttf").write_bytes(b"left behind")
    # as are the temporary files of PDFs and records it was writing when killed; a user's file is kept
    first = out / next(iter(written))  # the record knows it, as it knows every file before it is written
    killed_mid_write = [
        first.with_name(f".{first.name}.k9x_2abc.tmp"),
        out / "..ladderpress-manifest.json.q1w2e3r4.tmp",
        out / "..ladderpress-cache.json.zz99yy88.tmp",
    ]
    for path in killed_mid_write:
        path.write_bytes(b"half written")
    users = out / "one-pagers/.notes.txt.abcdefgh.tmp"
    users.write_bytes(b"not ours")
    # (one process, to show that any build that prints something cleans up, not only a parallel one)
    code, _stdout, stderr = run(project, ["one-pagers", "-j", "1"], tmp_path / "log2", {"TMPDIR": str(tmpdir)})
    assert code == 0, stderr
    assert scratch_folders(tmpdir) == []
    assert leftovers(out) == ["one-pagers/.notes.txt.abcdefgh.tmp"] and users.read_bytes() == b"not ours"
    assert sorted(pdfs(out)) == ONE_PAGERS
    assert {name: data for name, data in pdfs(out).items() if name in written} == written  # same input, same bytes


# --- 4. two builds at once -----------------------------------------------------------------------


@pytest.mark.slow  # 6 s; test_write checks the lock, the wait and the records read afresh, in-process
def test_two_builds_at_once_both_succeed_and_keep_one_record_of_everything(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out = project / "out"
    waiting = f"waiting for another build (process {os.getpid()}) writing to out/"
    with (
        started(project, ["one-pagers"], tmp_path / "a") as first,
        started(project, ["level-guides"], tmp_path / "b") as second,
    ):
        # both start against a fresh folder while it is locked, so that both have read its (empty)
        # records before either can write; then they get the lock one after the other
        with holding_lock(out):
            first.until(lambda: waiting in first.stderr, "the first build waited")
            second.until(lambda: waiting in second.stderr, "the second build waited")
        assert first.wait() == 0, first.stderr
        assert second.wait() == 0, second.stderr
        assert "failed" not in first.stderr + second.stderr
    files = manifest(out)
    assert sorted(files) == sorted(ONE_PAGERS + LEVEL_GUIDES)
    for name, entry in files.items():
        assert digest(out / name) == entry["sha256"][-1]
    code, stdout, stderr = run(project, ["one-pagers", "level-guides"], tmp_path / "c")
    assert code == 0, stderr
    assert "nothing to do: 16 documents up to date" in stdout
    assert "not written by ladderpress" not in stderr


def test_no_wait_fails_at_once_naming_the_build_that_holds_the_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out = project / "out"
    with holding_lock(out):
        code, _stdout, stderr = run(project, ["one-pagers", "--no-wait"], tmp_path / "log")
    assert code == 1
    assert f"another build (process {os.getpid()}) is writing to {out}" in stderr
    assert "Traceback" not in stderr
    assert list(out.rglob("*.pdf")) == [] and not (out / ".ladderpress-manifest.json").exists()


def test_no_wait_says_so_in_one_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    with holding_lock(project / "out"):
        code, _, stderr = run(project, ["one-pagers", "--no-wait"], tmp_path / "log")
    assert code == 1
    assert len([line for line in stderr.splitlines() if "another build" in line]) == 1, stderr


# --- 5. a user's file, or a user's edit, in a document's place -----------------------------------


@pytest.mark.slow
def test_a_users_file_in_a_failed_documents_place_and_an_edited_pdf_are_never_replaced(tmp_path: Path) -> None:
    """Slow (7 s): the same protections are checked in-process by test_safety (a user's file, a failed
    document's previous copy) and test_incremental (a PDF edited by hand); here, as a real process, together."""
    project = copy_project(tmp_path / "p")
    out = project / "out"
    level = project / "content/levels/vp.yaml"
    original = level.read_text(encoding="utf-8")
    # two pages even in the tightest layout (60 duties made three, and took three times as long to try)
    duties = "".join(
        f"  - A very long duty number {i} that keeps going and going to fill the page\n" for i in range(30)
    )
    assert "duties:\n" in original
    level.write_text(original.replace("duties:\n", "duties:\n" + duties, 1), encoding="utf-8")
    code, _, stderr = run(project, ["one-pagers"], tmp_path / "log1")
    assert code == 1
    assert re.search(
        r"level 'vp' needs \d+ pages even in the tightest layout, but recipe 'one-pagers' allows 1", stderr
    )
    assert not (out / "one-pagers/vp.pdf").exists()

    mine = b"%PDF-1.4 my own notes, saved where the failed one-pager would go\n"
    (out / "one-pagers/vp.pdf").write_bytes(mine)
    edited = out / "one-pagers/pm.pdf"  # and a PDF that ladderpress wrote, then edited by hand
    changed = edited.read_bytes() + b"% annotated by hand\n"
    edited.write_bytes(changed)
    level.write_text(original, encoding="utf-8")
    code, stdout, stderr = run(project, ["one-pagers"], tmp_path / "log2")
    assert code == 1
    assert (out / "one-pagers/vp.pdf").read_bytes() == mine
    assert edited.read_bytes() == changed
    assert (
        f"failed out/one-pagers/vp.pdf: {out}/one-pagers/vp.pdf exists and was not written by ladderpress; "
        "move it away or change the recipe's output name" in stderr
    )
    assert f"failed out/one-pagers/pm.pdf: {out}/one-pagers/pm.pdf was changed since ladderpress wrote it" in stderr
    assert "2 of 2 documents failed" in stderr  # the six others were up to date
    assert built_lines(stdout) == []
    assert "Traceback" not in stderr


# --- 6. records that cannot be written -----------------------------------------------------------


@pytest.mark.parametrize("only", [TWO_LEVELS, EVERY_DOCUMENT])
def test_a_build_record_that_cannot_be_saved_is_one_line_with_a_fix(tmp_path: Path, only: tuple[str, ...]) -> None:
    project = copy_project(tmp_path / "p")
    out = project / "out"
    (out / ".ladderpress-cache.json").mkdir(parents=True)
    code, _stdout, stderr = run(project, ["one-pagers", *only], tmp_path / "log")
    assert code == 1
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error")]
    assert errors == [
        "error: out/.ladderpress-cache.json: cannot be saved (Is a directory) (fix: make the output "
        "folder writable, or free disk space)"
    ], stderr
    assert sorted(pdfs(out)) == one_pagers(only)  # the PDFs themselves were written
    assert leftovers(out) == []


def test_a_manifest_that_cannot_be_saved_stops_the_build_in_one_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out = project / "out"
    (out / ".ladderpress-manifest.json").mkdir(parents=True)
    code, _stdout, stderr = run(project, ["one-pagers"], tmp_path / "log")
    assert code == 1
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error")]
    assert errors == [
        f"error: nothing was built: {out}/.ladderpress-manifest.json cannot be written (it is not a "
        "file) (fix: make the output folder writable, or free disk space)"
    ], stderr
    assert pdfs(out) == {}  # no PDF is written that the record would not know
    assert leftovers(out) == []


# --- 7. an override added after a build ----------------------------------------------------------

PM_GUIDE = (
    "title: PM guide\ntemplate: level-guide.html\nselect: {levels: [pm]}\nper: level\noutput: 'guide-{level}.pdf'\n"
)


@pytest.mark.slow  # 5 s; test_cache checks in-process that a file looked for and absent, once there, rebuilds
def test_a_project_override_added_after_a_build_rebuilds_exactly_what_it_styles(tmp_path: Path) -> None:
    project = plain_project(tmp_path / "p", styles=False)  # its stylesheets are the built-in ones
    (project / "guides/pm-guide.yaml").write_text(PM_GUIDE, encoding="utf-8")
    code, stdout, stderr = run(project, ["one-pagers", "pm-guide"], tmp_path / "log1")
    assert code == 0, stderr
    assert built_lines(stdout) == sorted([*ONE_PAGERS, "guide-pm.pdf"])
    (project / "styles").mkdir()
    builtin = (ROOT / "styles/one-pager.css").read_text(encoding="utf-8")
    (project / "styles/one-pager.css").write_text(builtin + "\nh1 { letter-spacing: 0.01em; }\n", encoding="utf-8")
    code, stdout, stderr = run(project, ["one-pagers", "pm-guide"], tmp_path / "log2")
    assert code == 0, stderr
    assert built_lines(stdout) == ONE_PAGERS
    assert "built 8 documents; 1 already up to date" in stdout


@pytest.mark.slow  # 5 s; as the test above
def test_a_brand_stylesheet_added_after_a_build_rebuilds_every_document_of_the_brand(tmp_path: Path) -> None:
    project = plain_project(tmp_path / "p", styles=False)
    brand = shutil.copytree(ROOT / "brands/acme", tmp_path / "acme")
    args = ["one-pagers", "--brand", str(brand)]
    code, stdout, stderr = run(project, args, tmp_path / "log1")
    assert code == 0, stderr
    assert built_lines(stdout) == ONE_PAGERS
    (brand / "styles").mkdir()
    (brand / "styles/brand.css").write_text("h1 { text-transform: uppercase; }\n", encoding="utf-8")
    code, stdout, stderr = run(project, args, tmp_path / "log2")
    assert code == 0, stderr
    assert built_lines(stdout) == ONE_PAGERS  # brand.css is applied after the stylesheets of every document
    assert "built 8 documents in" in stdout
    code, stdout, stderr = run(project, args, tmp_path / "log3")
    assert code == 0 and "nothing to do: 8 documents up to date" in stdout
