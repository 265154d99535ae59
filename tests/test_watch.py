"""Watch mode: rebuilds after a save, shows a broken file's error without exiting, recovers."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT, copy_project

TIMEOUT = 60


class Lines:
    """The merged output of a process, read in the background."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.queue.put(line.rstrip("\n"))

    def drain(self) -> list[str]:
        """Every line seen, including those after the last wait (the process has ended)."""
        time.sleep(0.5)
        while not self.queue.empty():
            self.seen.append(self.queue.get())
        return self.seen

    def wait_for(self, *parts: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if all(part in line for part in parts):
                return line
        raise AssertionError(f"no line with {parts} in {TIMEOUT} s; output so far:\n" + "\n".join(self.seen))


@contextmanager
def watching(cwd: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    """A watch process with these arguments, its output read as it comes; stopped with Ctrl+C (SIGINT) after."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
    )
    try:
        yield process, Lines(process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_watch_rebuilds_survives_a_broken_file_and_recovers(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    level = project / "content/levels/vp.yaml"
    original = level.read_text(encoding="utf-8")
    with watching(tmp_path, "--project", str(project), "--watch", "-j", "1", "one-pagers") as (process, lines):
        lines.wait_for("watching")
        time.sleep(0.5)
        level.write_text(original.replace("title: VP of Product", "title: Vice President of Product"), encoding="utf-8")
        lines.wait_for("changed", "vp.yaml")
        lines.wait_for("one-pagers/vp.pdf", "1 page")
        lines.wait_for("built 2 documents", "6 already up to date")  # the Director's next step is the VP

        level.write_text(original + "\n  broken: [unclosed\n", encoding="utf-8")
        lines.wait_for("error:", "content/levels/vp.yaml")
        assert process.poll() is None, "watch mode must survive a broken file"

        level.write_text(original, encoding="utf-8")
        lines.wait_for("one-pagers/vp.pdf", "1 page")
    assert process.returncode == 130  # stopped with Ctrl+C, as a build is


def test_watch_follows_a_folder_that_appears_and_never_the_output_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    shutil.rmtree(project / "styles")  # the built-in styles serve until the project has its own
    args = ("watch", "--project", str(project), "-j", "1", "one-pagers", "--level", "pm")
    with watching(tmp_path, *args) as (process, lines):
        lines.wait_for("watching", "p/content")
        (project / "out" / "notes.txt").write_text("not an input", encoding="utf-8")  # the output is never news
        (project / "styles").mkdir()
        override = (ROOT / "styles" / "one-pager.css").read_text(encoding="utf-8") + "\nh1 { color: #123456; }\n"
        (project / "styles" / "one-pager.css").write_text(override, encoding="utf-8")
        lines.wait_for("changed", "p/styles")
        lines.wait_for("one-pagers/pm.pdf", "1 page")
        lines.wait_for("watching", "p/styles")
    assert process.returncode == 130
    seen = lines.drain()
    assert not any("notes.txt" in line for line in seen), seen
    assert not any("Traceback" in line or "interrupted" in line for line in seen), "\n".join(seen)  # quiet
