"""What a build is asked to do: one frozen object, made once (by the command line or a caller).

Every option a build, check or listing takes lives here and nowhere else: the plan, the
engine and the writer read it, and nothing reads ``argparse`` results or the environment
after it is made. It checks itself when made, so a program calling :func:`ladderpress.build`
gets the same one-line :class:`~ladderpress.errors.UsageError` the command line prints.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from ladderpress.errors import UsageError

PAPERS = ("A4", "Letter")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2b", "pdf/a-3b")
"""Standards a document can be printed to; the default is a plain, tagged PDF."""
MAX_WORKERS = 64
MAX_BLEED_MM = 20.0


def default_workers() -> int:
    """One worker process per core."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


@dataclass(frozen=True)
class BuildRequest:
    """Which documents to build or check, where, and how to print them."""

    project: Path = Path(".")
    """The project folder: content/, guides/ and optionally templates/, styles/, brands/."""
    recipes: tuple[str, ...] = ()
    """Recipe names (files in guides/ without .yaml); empty: every recipe."""
    levels: tuple[str, ...] = ()
    """Only these levels' documents (ids), from recipes that make one per level or per person."""
    people: tuple[str, ...] = ()
    """Only these people's packets (names as in the roster)."""
    out: Path | None = None
    """The output folder; default PROJECT/out."""
    brand: Path | None = None
    """A brand folder applied to every document."""
    roster: Path | None = None
    """The roster for per-person recipes, instead of the recipe's own."""
    paper: str | None = None
    """A4 or Letter, over the recipe's, the brand's and the ladder's."""
    duplex: bool = False
    bleed_mm: float = 0.0
    crop_marks: bool = False
    pdf_variant: str | None = None
    workers: int = field(default_factory=default_workers)
    """Documents printed at once, each in a worker process."""
    force: bool = False
    """Rebuild every document, even those whose inputs have not changed."""
    wait: bool = True
    """Wait for another build writing to the same output folder (False: fail at once)."""
    source_date_epoch: str | None = None
    """SOURCE_DATE_EPOCH as given: the date written into the PDFs (else the ladder's ``date:``)."""

    def __post_init__(self) -> None:
        self._coerce()
        problems = []
        if self.paper is not None and self.paper not in PAPERS:
            problems.append(f"paper '{self.paper}' is not one of {', '.join(PAPERS)}")
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            problems.append(f"PDF variant '{self.pdf_variant}' is not one of {', '.join(PDF_VARIANTS)}")
        if not 1 <= self.workers <= MAX_WORKERS:
            problems.append(f"{self.workers} is not a number of worker processes from 1 to {MAX_WORKERS}")
        if not 0 <= self.bleed_mm <= MAX_BLEED_MM:
            problems.append(f"a bleed of {self.bleed_mm:g} mm is not between 0 and {MAX_BLEED_MM:g} mm")
        if self.crop_marks and not self.bleed_mm:
            problems.append("--crop-marks needs a bleed to draw them in; add --bleed 3mm")
        if problems:
            raise UsageError("; ".join(problems))

    def _coerce(self) -> None:
        """A program may give paths as text, and one name as text rather than a list of one."""
        for name in ("project", "out", "brand", "roster"):
            if isinstance(getattr(self, name), str):
                object.__setattr__(self, name, Path(getattr(self, name)))
        for name in ("recipes", "levels", "people"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))

    @property
    def edition(self) -> datetime.date | None:
        """The date SOURCE_DATE_EPOCH gives, if set (never the clock: builds stay byte-identical)."""
        epoch = self.source_date_epoch
        if not epoch:
            return None
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH='{epoch}' is not a number of seconds since 1970")
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH='{epoch}' is not a date this tool can write") from None

    @property
    def output_dir(self) -> Path:
        return self.out if self.out is not None else self.project / "out"
