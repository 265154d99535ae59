"""What a build reports as it goes: typed events, and the result they add up to.

:func:`ladderpress.build` yields these; the command line's reporter turns them into
coloured lines and a progress bar, and a program can act on them (or just read the
:class:`Finished` event's :class:`BuildResult`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ladderpress.errors import EXIT_INPUT, EXIT_OK, Problem
from ladderpress.findings import Finding


@dataclass(frozen=True)
class Refused:
    """The input has problems: every one found, all located; nothing was built."""

    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Warned:
    """Something worth knowing that did not stop anything (a refused image, an unused roster)."""

    text: str


@dataclass(frozen=True)
class Waiting:
    """Another build holds the output folder; this one waits for it."""

    pid: str
    folder: Path


@dataclass(frozen=True)
class Planned:
    """The documents this build will print (those up to date are left out)."""

    documents: tuple[PurePosixPath, ...]
    up_to_date: tuple[PurePosixPath, ...]
    """Documents whose inputs have not changed since they were written: left as they are."""


@dataclass(frozen=True)
class Started:
    """A worker began printing these documents (a run of packets is printed together)."""

    documents: tuple[PurePosixPath, ...]


@dataclass(frozen=True)
class Written:
    """A document was printed and written."""

    document: PurePosixPath
    """Its path inside the output folder."""
    path: Path
    pages: int
    size: int
    """In bytes."""


@dataclass(frozen=True)
class Reviewed:
    """What preflight found in a document, written now or left as it was (see :mod:`ladderpress.preflight`)."""

    document: PurePosixPath
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Failed:
    """A document could not be built; earlier copies of it were left as they were."""

    document: str
    """The document as shown to the user (the output folder and its path there), or the roster
    file whose row it would have been made from."""
    reason: str
    output: PurePosixPath | None = None
    """Its path inside the output folder (None for a roster row that could not be planned)."""


@dataclass(frozen=True)
class ManifestWritten:
    """A per-person recipe's delivery list (``onboarding/manifest.csv``) is up to date: written, or
    left as it was when its bytes would not change (see :mod:`ladderpress.delivery`)."""

    document: PurePosixPath
    """Its path inside the output folder."""
    path: Path
    listed: int
    """People listed: those whose packet is in the folder and current."""
    people: int
    """People on the roster who could be built (bad rows aside)."""
    pending: int = 0
    """People a partial build (``--person``, ``--level``) was not asked for whose packet is missing or
    out of date: not listed until a build prints them."""
    changed: bool = True
    """False when the list was already byte-for-byte what it would have written."""


@dataclass(frozen=True)
class Checked:
    """``check`` found no problem: what it looked at."""

    levels: int
    recipes: int
    documents: int


@dataclass(frozen=True)
class Listed:
    """One recipe and the documents it makes (``list``)."""

    recipe: str
    title: str
    template: str
    documents: tuple[PurePosixPath, ...]
    delivery: PurePosixPath | None = None
    """A per-person recipe's delivery list, written beside its packets."""


@dataclass(frozen=True)
class BuildError:
    """A problem of the build itself, not of one document (a record that cannot be saved)."""

    text: str


@dataclass(frozen=True)
class BuildResult:
    """What a build did, in the end."""

    output: Path
    written: tuple[Written, ...] = ()
    failed: tuple[Failed, ...] = ()
    up_to_date: int = 0
    errors: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    """Input problems that stopped the build before anything was printed."""
    seconds: float = 0.0
    reviewed: tuple[Reviewed, ...] = ()
    """Documents in which preflight found something, and what."""
    manifests: tuple[ManifestWritten, ...] = ()
    """The delivery list of each per-person recipe built."""

    @property
    def findings(self) -> int:
        return sum(len(review.findings) for review in self.reviewed)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.errors or self.problems)

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_INPUT


@dataclass(frozen=True)
class Finished:
    """The last event of every build."""

    result: BuildResult


Event = (
    Refused
    | Warned
    | Waiting
    | Planned
    | Started
    | Written
    | Reviewed
    | Failed
    | BuildError
    | ManifestWritten
    | Checked
    | Listed
) | Finished


@dataclass
class Tally:
    """Events added up into a :class:`BuildResult` (used by the build as it yields them)."""

    output: Path
    written: list[Written] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    up_to_date: int = 0
    errors: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reviewed: list[Reviewed] = field(default_factory=list)
    manifests: list[ManifestWritten] = field(default_factory=list)

    def add(self, event: Event) -> Event:
        if isinstance(event, Written):
            self.written.append(event)
        elif isinstance(event, Failed):
            self.failed.append(event)
        elif isinstance(event, BuildError):
            self.errors.append(event.text)
        elif isinstance(event, Refused):
            self.problems += event.problems
        elif isinstance(event, Planned):
            self.up_to_date += len(event.up_to_date)
        elif isinstance(event, Reviewed):
            self.reviewed.append(event)
        elif isinstance(event, ManifestWritten):
            self.manifests.append(event)
        return event

    def result(self, seconds: float) -> BuildResult:
        return BuildResult(
            self.output,
            tuple(self.written),
            tuple(self.failed),
            self.up_to_date,
            tuple(self.errors),
            tuple(self.problems),
            seconds,
            tuple(self.reviewed),
            tuple(self.manifests),
        )
