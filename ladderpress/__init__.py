"""ladderpress: career ladders in YAML and Markdown, printed as branded PDFs."""

__version__ = "0.1.0"
