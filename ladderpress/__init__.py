"""ladderpress: career ladders in YAML and Markdown, printed as branded PDFs."""

from importlib.metadata import PackageNotFoundError, version

try:
    # pyproject.toml holds the version; an installed (or editable-installed) package reads it back.
    __version__ = version("ladderpress")
except PackageNotFoundError:
    # A checkout put on sys.path without being installed has no metadata. Say so rather than guess
    # (a number copied here would go stale); "0+unknown" is still a valid version for cache keys.
    __version__ = "0+unknown"
