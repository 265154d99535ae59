"""``ladderpress import FILE``: a project's content from the spreadsheet a company already keeps its ladder in.

Two kinds of workbook are read:

- one that ladderpress exported (it has the machine sheets ``Levels`` and ``Expectations``): read exactly,
  through :func:`ladderpress.workbook.sheets_to_content`, so that export then import gives the same ladder;
- one people made by hand: a **matrix** sheet (competencies down the side, optionally grouped by a first
  column, by merged cells or by heading rows; levels across the top, their headers holding titles and/or
  codes: ``Senior PM (L3)``, ``L3``, ``Senior Product Manager``), and, when there is one, a **levels** sheet
  (id, code, title, track, band, scope, years, …; headers matched loosely) and a **moves** sheet.

Which sheet is which, which row is the header and which column means what are inferred, and every decision
is printed as one line of a mapping file (YAML, with a comment saying why), which the user can save, correct
and give back with ``--mapping``. Every cell that cannot be placed is a problem naming its sheet and cell
(``Matrix!D7``), all of them; nothing is written until the whole workbook is understood and the ladder it
makes is valid.

One module a stage, in the order an import runs (:mod:`.understand` runs them):

- :mod:`.read`: files to :class:`~.grid.Grid` (values by cell, merged ranges), guarded and bounded;
- :mod:`.mapping`: the mapping file's model and the printed decisions; :mod:`.infer`: what the mapping
  does not say, inferred;
- :mod:`.tables` (levels and moves sheets) and :mod:`.matrix`: cells placed into level drafts, competencies
  and moves (:mod:`.cells`: what one cell's text means), every problem at its cell (:mod:`.reader` holds them);
- :mod:`.assemble` and :mod:`.levels`: the ladder's data, with :mod:`.placeholders` for what a spreadsheet
  does not hold; :mod:`.problems`: validation errors traced back to their cells;
- :mod:`.exported`: a workbook ladderpress exported, read exactly;
- :mod:`.project`: the project written for ``--into DIR``; :mod:`.report`: what the command prints.
"""

from ladderpress.importer.cells import expectation_of, parse_header, title_from_code, years_of
from ladderpress.importer.project import content_files, project_files, write_project
from ladderpress.importer.report import failed_report, import_report, summary
from ladderpress.importer.result import Imported, ImportErrors
from ladderpress.importer.understand import import_workbook

__all__ = [
    "ImportErrors",
    "Imported",
    "content_files",
    "expectation_of",
    "failed_report",
    "import_report",
    "import_workbook",
    "parse_header",
    "project_files",
    "summary",
    "title_from_code",
    "write_project",
    "years_of",
]
