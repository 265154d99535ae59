"""ladderpress: career ladders in YAML and Markdown, printed as branded PDFs."""

from importlib.metadata import PackageNotFoundError, version

try:
    # pyproject.toml holds the version; an installed (or editable-installed) package reads it back.
    __version__ = version("ladderpress")
except PackageNotFoundError:
    # A checkout put on sys.path without being installed has no metadata. Say so rather than guess
    # (a number copied here would go stale); "0+unknown" is still a valid version for cache keys.
    __version__ = "0+unknown"

# The library's entry points (imported after __version__, which the build cache reads):
#     for event in ladderpress.build("my-ladder", recipes=["one-pagers"], levels=["pm"]): ...
from ladderpress.errors import InputErrors, Problem, UsageError
from ladderpress.events import (
    BuildResult,
    Failed,
    Finished,
    ManifestWritten,
    Planned,
    Refused,
    Reviewed,
    Started,
    Warned,
    Written,
)
from ladderpress.pipeline import build
from ladderpress.request import BuildRequest

__all__ = [
    "BuildRequest",
    "BuildResult",
    "Failed",
    "Finished",
    "InputErrors",
    "ManifestWritten",
    "Planned",
    "Problem",
    "Refused",
    "Reviewed",
    "Started",
    "UsageError",
    "Warned",
    "Written",
    "__version__",
    "build",
]
