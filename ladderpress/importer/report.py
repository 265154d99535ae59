"""What ``ladderpress import`` prints: the mapping (YAML a user can save and correct), then what was made,
or would be, as YAML comments, so that the whole output of a dry run is a mapping file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ladderpress.importer.mapping import Decision
from ladderpress.importer.project import project_files
from ladderpress.importer.result import Imported, ImportErrors


def summary(imported: Imported) -> str:
    """What the ladder holds, in one line: levels, tracks, competencies, expectations."""
    ladder = imported.ladder
    competencies = ladder.all_competencies()
    expectations = sum(len(c.expectations) for c in competencies)
    ids = [level.id for level in ladder.ranked_levels()]
    shown = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
    return (
        f"{_count(len(ids), 'level')} ({shown}), {_count(len(ladder.tracks), 'track')}, "
        f"{_count(len(ladder.competencies), 'group')} of {_count(len(competencies), 'competency', 'competencies')}, "
        f"{_count(expectations, 'expectation')}"
    )


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _mapping(source: str, decisions: list[Decision]) -> Iterator[str]:
    yield f"# the mapping read from {source}: save these lines as mapping.yaml, change what is wrong, and"
    yield "# run the import again with --mapping mapping.yaml"
    yield from (str(decision) for decision in decisions)


def failed_report(source: str, errors: ImportErrors) -> Iterator[str]:
    """What ``ladderpress import`` prints when there are problems: the mapping as far as it was inferred, so
    that the user has something to correct (the problems themselves go to stderr)."""
    if not errors.mapping:
        return
    yield from _mapping(source, errors.mapping)
    yield "# nothing was made: the problems (on stderr) say what to correct, in the workbook or in this mapping"


def import_report(imported: Imported, folder: Path | None, written: list[str] | None) -> Iterator[str]:
    """What ``ladderpress import`` prints: the mapping (YAML a user can save and correct), then what was made,
    or would be (as YAML comments, so that the whole output of a dry run is a mapping file)."""
    source = imported.source
    if imported.exported:
        if Path(source).is_dir():
            yield f"# {source}: CSV files ladderpress exported: read exactly, file by file (no mapping applies)"
        else:
            yield f"# {source}: a workbook ladderpress exported: read exactly, sheet by sheet (no mapping applies)"
    else:
        yield from _mapping(source, imported.mapping)
    made = project_files(imported, folder.absolute().name if folder is not None else "project")
    levels = [path for path in made if path.startswith("content/levels/")]
    content = [path.removeprefix("content/") for path in made if path.startswith("content/") and path not in levels]
    recipes = [PurePosixPath(path).stem for path in made if path.startswith("guides/")]
    lead = f"# made {folder}/" if written is not None else "# would make"
    yield f"{lead}: {summary(imported)}"
    yield f"#   content/: {', '.join(content)}, levels/ ({_count(len(levels), 'file')})"
    yield (
        f"#   and as `ladderpress init` makes them: guides/ ({', '.join(recipes)}), examples/new-hires.csv "
        "(the sample roster, at these levels), brands/acme/, schemas/"
    )
    for file, note in imported.placeholders.items():
        yield f"# TODO {file}: {note}"
    if written is None:
        yield "# nothing was written: run again with --into DIR to make the project"
    else:
        yield f"# next: ladderpress check --project {folder}, then build it: cd {folder} && ladderpress"
