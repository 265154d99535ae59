"""The ladder drawn as an SVG, from any valid ladder: 3 levels or 12, one track or four.

Rank runs upward, one row per distinct rank, so equivalent levels of different tracks sit
level with each other. Each track with levels of its own in the drawing has a column, grouped
under its family's name when the drawing spans several families; a level that belongs to
several drawn tracks (the shared trunk before a fork) is centred between their columns, and a
drawing of some tracks (a track book) has no column for the others. Moves are drawn by kind:
a promotion is a solid arrow up, a transfer (same band, another track) a dashed connector
with a head at each end it leads to, and a move out of the ladder is not drawn. Levels of one
band side by side that no transfer joins are marked equivalent by a faint dotted line. The
axis on the left names each row's band and, where there is room, its typical years. One
level may be highlighted ("you are here"). Units are millimetres, so text sizes are true
print sizes.

Connectors never share a segment: each end has a port of its own on its box, and each
connector that turns runs along a lane of its own between two rows, so every arrow can be
followed from the box it leaves to the box it reaches. Boxes of neighbouring columns stand
apart (8 mm where a transfer joins two of them, so that its dashes show between its heads),
and are made narrower for it rather than the gap smaller. Labels stay inside their box or
column: made smaller (never below ``MIN_PT``, 6.5 pt, which holds for every text drawn), put
on two lines, abbreviated ("Sr Group Lead"), given up for codes alone, or as a last resort
shortened with an ellipsis. A marked drawing, or one with a transfer, has a legend that keys
every mark and every kind of line drawn.

Every label is placed by where it starts, its width measured from the font file: WeasyPrint
draws an SVG text that is anchored at its middle or end in a group of its own, which puts
some fifty more objects into every PDF that shows the diagram (and makes cutting
onboarding packets apart markedly slower).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise, product
from math import ceil, hypot
from pathlib import Path

from markupsafe import Markup

from ladderpress.model import Family, Ladder, Level, Track

PT = 0.3528
"""One typographic point in millimetres."""


@dataclass(frozen=True)
class Palette:
    """Colours of the drawing; a brand supplies its own."""

    primary: str = "#1c2f4a"
    accent: str = "#2b6cb0"
    text: str = "#1d232b"
    muted: str = "#5a6472"
    rule: str = "#c9d0d8"
    surface: str = "#f3f5f8"
    paper: str = "#ffffff"
    font: str = "lp-inter, DejaVu Sans, sans-serif"


class TextWidths:
    """Label widths from the advance widths of the diagram's font files (by weight).

    Kerning is left out, so a label may sit a fraction of a millimetre off centre. Without
    files, an average width is assumed. Each file is read once, and each label measured once.
    """

    AVERAGE = 0.55
    """Width of a character in ems, where no font file is known."""

    def __init__(self, faces: dict[int, Path]) -> None:
        self.faces = faces
        self._metrics: dict[Path, tuple[dict[int, str], dict[str, tuple[int, int]], int] | None] = {}
        self._widths: dict[tuple[str, float, int], float] = {}

    def width(self, text: str, size_pt: float, weight: int) -> float:
        """Millimetres ``text`` takes at ``size_pt`` points in the face CSS would pick for ``weight``."""
        key = (text, size_pt, weight)
        if key not in self._widths:
            self._widths[key] = self._measure(text, size_pt, weight)
        return self._widths[key]

    def _measure(self, text: str, size_pt: float, weight: int) -> float:
        face = self._face(weight)
        metrics = self._read(face) if face is not None else None
        if metrics is None:
            return len(text) * self.AVERAGE * size_pt * PT
        cmap, advances, units = metrics
        missing = round(units * self.AVERAGE)
        total = sum(advances[cmap[ord(c)]][0] if ord(c) in cmap else missing for c in text)
        return total / units * size_pt * PT

    def _face(self, weight: int) -> Path | None:
        """The file CSS font matching chooses: the weight itself, else as the CSS Fonts spec orders them."""
        if weight in self.faces or not self.faces:
            return self.faces.get(weight)
        lighter = sorted((w for w in self.faces if w < weight), reverse=True)
        heavier = sorted(w for w in self.faces if w > weight)
        if weight < 400:
            order = lighter + heavier
        elif weight <= 500:  # 400 and 500 look up to 500 first, then lighter, then heavier
            order = [w for w in heavier if w <= 500] + lighter + [w for w in heavier if w > 500]
        else:
            order = heavier + lighter
        return self.faces[order[0]]

    def _read(self, face: Path) -> tuple[dict[int, str], dict[str, tuple[int, int]], int] | None:
        """The face's character map, advance widths and units per em; None for a file that is not a
        font (WeasyPrint reports it when it prints, and the labels get average widths meanwhile)."""
        if face not in self._metrics:
            from fontTools.ttLib import TTFont  # only when a diagram is drawn: `check` never needs it

            try:
                with TTFont(face, lazy=True) as font:
                    self._metrics[face] = (
                        font.getBestCmap() or {},
                        dict(font["hmtx"].metrics),
                        font["head"].unitsPerEm,
                    )
            except Exception:  # noqa: BLE001 -- fontTools raises many kinds of errors for a damaged file
                self._metrics[face] = None
        return self._metrics[face]


@dataclass(frozen=True)
class Box:
    level: Level
    x: float  # centre
    y: float  # top
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Layout:
    """Everything of a drawing that does not depend on the highlighted level.

    A long ladder's documents draw the same levels at the same size once per level (a
    one-pager each, a chapter each in a handbook), each time with another level marked:
    this part is worked out once and only the marked boxes and the legend are drawn anew.
    """

    boxes: dict[str, Box]
    """By level id, junior first."""
    labels: str
    header: float
    rows: int
    row_height: float
    axis: float
    width: float
    background: str
    """Family and track headers, axis, arrows, transfer connectors and equivalence lines."""
    lines: tuple[str, ...]
    """The kinds of connector drawn ("promotion", "transfer", "equivalent"), each explained by the legend."""
    plain_boxes: tuple[str, ...]
    """Each box unmarked, in the order of ``boxes``."""
    position: dict[str, int]
    """Level id → index in ``plain_boxes``."""
    description: str
    """The text alternative without its "you are here" sentence, escaped for HTML."""


class _Layouts:
    """The layouts of the ladder drawn last, by what shapes them: a few dozen at most.

    The ladder is held and compared by identity (a ladder is frozen, so its layouts never
    go stale); the next ladder, such as the watch loop's next build, replaces them all.
    """

    LIMIT = 64

    def __init__(self) -> None:
        self.ladder: Ladder | None = None
        self.layouts: dict[tuple[object, ...], Layout | None] = {}

    def get(self, ladder: Ladder, key: tuple[object, ...], make: Callable[[], Layout | None]) -> Layout | None:
        if self.ladder is not ladder:
            self.ladder, self.layouts = ladder, {}
        layouts = self.layouts
        if key in layouts:
            return layouts[key]
        layout = layouts[key] = make()
        if len(layouts) > self.LIMIT:
            layouts.pop(next(iter(layouts)), None)  # the oldest
        return layout


_LAYOUTS = _Layouts()
_NO_FONT_FILES = TextWidths({})
"""Average widths, shared so that drawings without font files still share their layouts."""


def ladder_svg(
    ladder: Ladder,
    levels: list[Level] | None = None,
    highlight: Level | None = None,
    width: float = 170.0,
    row_height: float = 13.0,
    labels: str = "full",
    palette: Palette | None = None,
    max_height: float | None = None,
    widths: TextWidths | None = None,
) -> Markup:
    """The SVG for ``levels`` (default: all), ``width`` mm wide.

    ``labels`` is ``full`` (code and short title) or ``code`` (code only, for small drawings).
    With ``max_height``, rows shrink to fit a long ladder, down to code-only labels.
    ``widths`` measures labels in the drawing's font (see :class:`TextWidths`).

    Levels are matched by id (never by comparing models, which is slow), so ``levels`` and
    ``highlight`` may be any objects with the levels' ``id``s.
    """
    palette = palette or Palette()
    widths = widths or _NO_FONT_FILES
    # the ids as given are the key: a layout is found without sorting or comparing anything
    selection = None if levels is None else tuple([lv.id for lv in levels])
    key = (selection, width, row_height, labels, palette, max_height, widths)
    layout = _LAYOUTS.get(
        ladder,
        key,
        lambda: _layout(ladder, _shown(ladder, selection), width, row_height, labels, palette, max_height, widths),
    )
    if layout is None:
        return Markup("")
    labels = layout.labels
    next_ids = {lv.id for lv in ladder.next_levels(highlight)} if highlight is not None else set()
    marks = [*(["here"] if highlight else []), *(["next"] if next_ids else [])]
    # a key to every mark and line drawn, where a level is marked or a transfer drawn (an unmarked drawing of
    # arrows and rows is explained by the text around it, and takes no room for a key)
    items = [*marks, *layout.lines] if marks or "transfer" in layout.lines else []
    grid = _legend_grid(items, layout.width, layout.axis, widths)
    legend = LEGEND_ROW * grid.rows + 2 if items else 0.0
    height = layout.header + layout.rows * layout.row_height + legend + 1

    boxes: Sequence[str] = layout.plain_boxes
    if highlight is not None:
        marked = list(boxes)
        for level_id in {highlight.id} | next_ids:
            if level_id in layout.position:
                marked[layout.position[level_id]] = _box(
                    layout.boxes[level_id], labels, palette, widths, level_id == highlight.id, level_id in next_ids
                )
        boxes = marked
    parts = [layout.background, *boxes]
    if items:
        parts.append(_legend(height - legend + 2, grid, palette, widths, items))

    description = layout.description  # escaped already, as is what is added to it
    if highlight is not None:
        description += " " + escape(_you_are_here(highlight))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ladder-diagram" role="img" '
        f'aria-label="{description}" width="{width:.1f}mm" height="{height:.1f}mm" '
        f'viewBox="0 0 {width:.2f} {height:.2f}" font-family="{escape(palette.font)}">'
        f"<title>{description}</title>{''.join(parts)}</svg>"
    )


def _shown(ladder: Ladder, selection: tuple[str, ...] | None) -> list[Level]:
    """The levels of ``selection`` (ids; None for all), junior first."""
    ranked = ladder.ranked_levels()
    if selection is None:
        return ranked
    wanted = set(selection)
    return [lv for lv in ranked if lv.id in wanted]


def _layout(
    ladder: Ladder,
    shown: list[Level],
    width: float,
    row_height: float,
    labels: str,
    palette: Palette,
    max_height: float | None,
    widths: TextWidths,
) -> Layout | None:
    """The unmarked drawing of ``shown`` (ranked, junior first); None when there is nothing to draw."""
    if not shown:
        return None
    tracks = _drawn_tracks(ladder, shown)
    ranks = sorted({lv.rank for lv in shown})
    if max_height is not None and len(ranks) * row_height > max_height - 16:
        row_height = max(5.0, (max_height - 16) / len(ranks))
        if row_height < 10:
            labels = "code"
    transfers = _transfers(ladder, shown)
    axis_labels, axis, col_w = _axis_and_columns(ladder, shown, ranks, width, row_height, labels, len(tracks), widths)
    if labels == "full" and _titles_cut(ladder, shown, transfers, col_w, row_height, len(tracks), widths):
        labels = "code"  # codes alone, rather than titles cut short
        axis_labels, axis, col_w = _axis_and_columns(
            ladder, shown, ranks, width, row_height, labels, len(tracks), widths
        )
    box_h = _box_height(row_height, labels)
    box_w = _box_width(ladder, shown, transfers, col_w, labels, box_h, len(tracks), widths)
    if labels == "code" and all(_one_line(widths, lv, box_w) for lv in shown):
        box_h = _box_height(row_height, labels, tall=False)  # lower boxes: more room for the connectors between
    elif labels == "code":  # boxes of two lines: taller rows where the drawing may grow, for the same room
        most = (max_height - 16) / len(ranks) if max_height is not None else row_height
        row_height = max(row_height, min(row_height - _box_height(row_height, labels, tall=False) + box_h, most))
    columns = {t.id: i for i, t in enumerate(tracks)}
    rows = {rank: i for i, rank in enumerate(ranks)}
    families = _families(ladder, tracks, col_w, widths)
    names = _track_names(tracks, families, col_w, widths)
    header = _header_height(bool(families), names, len(tracks))

    def column_x(track_id: str) -> float:
        return axis + 1 + col_w * (columns[track_id] + 0.5)

    def row_top(rank: int) -> float:
        return header + (len(ranks) - 1 - rows[rank]) * row_height + (row_height - box_h) / 2

    boxes = {}
    for level in shown:
        xs = [column_x(t) for t in level.tracks if t in columns]
        boxes[level.id] = Box(level, sum(xs) / len(xs), row_top(level.rank), box_w, box_h)
    grid = Grid(tuple(row_top(rank) for rank in ranks), box_h, {lv.id: rows[lv.rank] for lv in shown})

    parts = []
    if families:
        parts.append(_family_headers(families, column_x, col_w, palette, widths))
    parts.append(_track_headers(names, column_x, header - 2.8, palette, widths))
    if axis:
        parts.append(_axis(axis_labels, ranks, row_top, box_h, axis, palette, widths))
    connectors, lines = _connectors(ladder, shown, boxes, grid, transfers, palette)
    parts.append(connectors)
    return Layout(
        boxes=boxes,
        labels=labels,
        header=header,
        rows=len(ranks),
        row_height=row_height,
        axis=axis,
        width=width,
        background="".join(parts),
        lines=lines,
        plain_boxes=tuple(_box(box, labels, palette, widths, False, False) for box in boxes.values()),
        position={level_id: i for i, level_id in enumerate(boxes)},
        description=escape(_describe(shown, tracks, _transfer_names(ladder, shown))),
    )


def _drawn_tracks(ladder: Ladder, shown: list[Level]) -> list[Track]:
    """The tracks that get a column: each with a shown level of its own, and, for a shown level none of
    whose tracks has one (a drawing of shared levels alone), its first track; in family order.

    A track whose shown levels are all shared with other drawn tracks would be an empty column
    (a track book shows the trunk its track grows from, not the other tracks): it is left out,
    and the shared levels sit on the columns that are drawn.
    """
    drawn = {lv.tracks[0] for lv in shown if len(lv.tracks) == 1}
    for lv in shown:
        if drawn.isdisjoint(lv.tracks):
            drawn.add(lv.tracks[0])
    family_order = {f.id: i for i, f in enumerate(ladder.families)}
    return sorted(
        (t for t in ladder.tracks if t.id in drawn),
        key=lambda t: family_order.get(t.family or "", len(family_order)),
    )  # a stable sort: within a family, tracks keep their order


MIN_COLUMN = 14.0
"""Millimetres: where the axis would leave columns narrower than this, the drawing has no axis."""


def _axis_and_columns(
    ladder: Ladder,
    shown: list[Level],
    ranks: list[int],
    width: float,
    row_height: float,
    labels: str,
    tracks: int,
    widths: TextWidths,
) -> tuple[dict[int, AxisLabel], float, float]:
    """The axis' labels, its width and the width of a column: no axis where it would squeeze the columns
    of several tracks so narrow that their names and codes no longer fit."""
    axis_labels = _axis_labels(ladder, shown, ranks, width, row_height, labels, widths)
    axis = _axis_width(axis_labels, widths)
    if tracks > 1 and (width - axis - 2) / tracks < MIN_COLUMN:
        axis_labels, axis = {}, 0.0
    return axis_labels, axis, (width - axis - 2) / max(tracks, 1)


def _box_height(row_height: float, labels: str, tall: bool = True) -> float:
    """A box's height: a code over a title, or a code alone (on two lines where ``tall``, else on one)."""
    if labels == "full":
        return min(row_height * 0.66, 9.0)
    return min(row_height * 0.78, 6.0) if tall else min(row_height * 0.66, 5.0)


def _titles_cut(
    ladder: Ladder,
    shown: list[Level],
    transfers: dict[tuple[str, str], None],
    col_w: float,
    row_height: float,
    tracks: int,
    widths: TextWidths,
) -> bool:
    """Whether a level's short title would be cut short under its code (in the marked box's bolder weight)."""
    box_h = _box_height(row_height, "full")
    box_w = _box_width(ladder, shown, transfers, col_w, "full", box_h, tracks, widths)
    return any(
        lv.code and any(f.shortened for f, _, _ in _box_labels(widths, lv, "full", box_w, box_h, True)) for lv in shown
    )


TRANSFER_GAP = 8.0
"""Millimetres between the boxes of neighbouring columns where a transfer joins two boxes of one row, so
that its dashed connector shows between its heads; boxes are made narrower for it."""
COLUMN_GAP = 5.0
"""Millimetres between the boxes of neighbouring columns otherwise, and the least a title may leave."""
MIN_GAP = 3.0
"""The least gap of all, left only where a box's code (its only label) needs the room."""
LABEL_ROOM = 1.5
"""Millimetres of a box's width kept free of its labels."""


def _box_width(
    ladder: Ladder,
    shown: list[Level],
    transfers: dict[tuple[str, str], None],
    col_w: float,
    labels: str,
    box_h: float,
    tracks: int,
    widths: TextWidths,
) -> float:
    """As wide as a column allows, up to a limit, less a gap between columns (``TRANSFER_GAP`` where a
    transfer joins two boxes of one row, else ``COLUMN_GAP``); wider, down to a smaller gap, only where
    a label needs it to be printed whole at ``MIN_PT`` or more."""
    limit = 44.0 if labels == "full" else 20.0
    if tracks < 2:
        return min(col_w - MIN_GAP, limit)
    side_by_side = any(ladder.level(a).rank == ladder.level(b).rank for a, b in transfers)
    narrow = min(col_w - (TRANSFER_GAP if side_by_side else COLUMN_GAP), limit)
    # titles can give way to codes; codes alone cannot give way to anything
    widest = min(col_w - (COLUMN_GAP if labels == "full" else MIN_GAP), limit)
    need = max(_least_width(widths, lv, labels, box_h) for lv in shown)
    return max(narrow, min(need, widest))


def _least_width(widths: TextWidths, level: Level, labels: str, box_h: float) -> float:
    """The narrowest box that shows a level's labels whole (neither cut short nor under ``MIN_PT``),
    abbreviated if need be; the marked box's weights, the boldest, are measured."""
    if labels == "code" or not level.code:
        text = _code(level) if labels == "code" else level.short_title
        wrap = (box_h - BOX_PAD) / ((2 * CAP + LEADING) * PT)
        return _least_room(widths, text, 700, wrap) + LABEL_ROOM + 0.01
    code = widths.width(level.code, MIN_PT, 700)
    wrap = (box_h - BOX_PAD - CAP * 8.5 * PT) / (2 * (CAP + LEADING) * PT)
    return max(code, _least_room(widths, level.short_title, 600, wrap)) + LABEL_ROOM + 0.01


def _least_room(widths: TextWidths, text: str, weight: int, wrap: float) -> float:
    """The least room ``text`` (or its abbreviation) needs at ``MIN_PT``: on one line, or on two where
    ``wrap`` (the largest size two lines may have) allows."""
    best = float("inf")
    for option in dict.fromkeys((text, _abbreviated(text))):
        best = min(best, widths.width(option, MIN_PT, weight))
        if wrap >= MIN_PT:
            for first, second in _breaks(option):
                best = min(best, max(widths.width(first, MIN_PT, weight), widths.width(second, MIN_PT, weight)))
    return best


def _one_line(widths: TextWidths, level: Level, box_w: float) -> bool:
    """Whether a box's code fits on one line at ``MIN_PT`` or more (so that a box of one line's height holds it)."""
    return widths.width(_code(level), MIN_PT, 700) <= box_w - LABEL_ROOM


def _transfers(ladder: Ladder, shown: list[Level]) -> dict[tuple[str, str], None]:
    """The transfers between shown levels, as (from, to) ids in the order they are met."""
    ids = {lv.id for lv in shown}
    return {
        (lv.id, move.to): None
        for lv in shown
        for move in ladder.moves_from(lv)
        if move.kind == "transfer" and move.to in ids and move.to != lv.id
    }


def _transfer_names(ladder: Ladder, shown: list[Level]) -> list[tuple[Level, Level, bool]]:
    """Each pair of shown levels joined by a transfer, once, and whether the move goes both ways."""
    found = _transfers(ladder, shown)
    pairs = []
    for a, b in found:
        if (b, a) in found and b < a:
            continue  # said once, with the other's order
        pairs.append((ladder.level(a), ladder.level(b), (b, a) in found))
    return pairs


def describe(ladder: Ladder, shown: list[Level], tracks: list, highlight: Level | None) -> str:
    """The text alternative: the same structure in words."""
    sentences = _describe(shown, tracks, _transfer_names(ladder, shown))
    return sentences if highlight is None else f"{sentences} {_you_are_here(highlight)}"


def _describe(shown: list[Level], tracks: list, transfers: Sequence[tuple[Level, Level, bool]] = ()) -> str:
    def names(levels: list[Level]) -> str:
        return ", ".join(f"{lv.short_title} ({lv.code})" if lv.code else lv.short_title for lv in levels)

    all_ids = {t.id for t in tracks}
    shared = [lv for lv in shown if all_ids <= set(lv.tracks)] if len(tracks) > 1 else []
    shared_ids = {lv.id for lv in shared}
    sentences = [f"Career ladder of {len(shown)} levels in {len(tracks)} track{'s' if len(tracks) != 1 else ''}."]
    if shared:
        sentences.append(f"Shared levels, junior first: {names(shared)}.")
    for track in tracks:
        own = [lv for lv in shown if track.id in lv.tracks and lv.id not in shared_ids]
        if own:
            sentences.append(f"{track.name} track: {names(own)}.")
    for a, b, both in transfers:
        sentences.append(
            f"Transfer {'between' if both else 'from'} {names([a])} {'and' if both else 'to'} {names([b])}."
        )
    return " ".join(sentences)


def _you_are_here(highlight: Level) -> str:
    code = f" ({highlight.code})" if highlight.code else ""
    return f"You are here: {highlight.short_title}{code}."


def _text(
    widths: TextWidths,
    x: float,
    y: float,
    content: str,
    size_pt: float,
    fill: str,
    weight: int = 400,
    anchor: str = "middle",
    role: str = "",
) -> str:
    """A label at ``x`` by its ``anchor`` (start, middle or end), written as a text that starts there;
    ``role`` becomes its class."""
    if anchor != "start":
        width = widths.width(content, size_pt, weight)
        x -= width / 2 if anchor == "middle" else width
    css = f' class="{role}"' if role else ""
    return (
        f'<text{css} x="{x:.2f}" y="{y:.2f}" font-size="{size_pt * PT:.3f}" font-weight="{weight}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


MIN_PT = 6.5
"""The smallest size any text of the drawing is printed at: a label that would need less is put on two
lines, abbreviated, replaced by the level's code or, as a last resort, shortened."""
CAP = 0.727
"""The font's capital height, in ems: a label is centred on its capitals."""
LEADING = 0.38
"""The space between two lines of a label, in ems of the lower line."""
BOX_PAD = 1.2
"""Millimetres of a box's height kept free of text (descenders, and air above and below)."""
ELLIPSIS = "…"


@dataclass(frozen=True)
class Fitted:
    """A label as it is drawn: its lines (none when not even an ellipsis fits) and their size in points."""

    lines: tuple[str, ...]
    size: float
    shortened: bool = False
    """Whether the text was cut short, with an ellipsis."""

    @property
    def height(self) -> float:
        """Millimetres from the first line's capitals down to the last line's baseline."""
        n = len(self.lines)
        return self.size * PT * (CAP * n + LEADING * (n - 1)) if n else 0.0


def _fit(
    widths: TextWidths,
    text: str,
    size: float,
    weight: int,
    room: float,
    wrap: float = 0.0,
    abbreviate: bool = False,
) -> Fitted:
    """``text`` drawn no wider than ``room`` mm: on one line at ``size`` points where it fits; else on one
    line made smaller or, where ``wrap`` (the largest size two lines may have) allows, on two lines, whichever
    is larger; where either would be smaller than ``MIN_PT``, abbreviated (where ``abbreviate``, and the
    abbreviation fits) or else shortened with an ellipsis."""
    one = size * min(1.0, room / max(widths.width(text, size, weight), 0.01))
    if one >= size:
        return Fitted((text,), size)
    two = _two_lines(widths, text, min(size, wrap), weight, room) if wrap >= MIN_PT else None
    if two is not None and two.size >= MIN_PT and (two.size > one * 1.1 or one < MIN_PT):
        return two
    if one >= MIN_PT:
        return Fitted((text,), one)
    short = _abbreviated(text) if abbreviate else text
    if short != text:
        fitted = _fit(widths, short, size, weight, room, wrap)
        if not fitted.shortened:
            return fitted
    return _shortened(widths, text, MIN_PT, weight, room, wrap >= MIN_PT)


ABBREVIATIONS = {
    "associate": "assoc.",
    "assistant": "asst.",
    "director": "dir.",
    "distinguished": "dist.",
    "engineer": "eng.",
    "engineering": "eng.",
    "junior": "jr",
    "management": "mgmt",
    "manager": "mgr",
    "principal": "princ.",
    "senior": "sr",
    "technical": "tech.",
}
"""Words of level titles with the abbreviation a label too long for its box uses (rather than print smaller
than ``MIN_PT``): "Senior Group Lead" becomes "Sr Group Lead"."""


def _abbreviated(text: str) -> str:
    """``text`` with each word ``ABBREVIATIONS`` knows abbreviated, in capitals or capitalised as it was."""
    words = []
    for word in text.split(" "):
        short = ABBREVIATIONS.get(word.casefold())
        if short is None:
            words.append(word)
        elif word.isupper() and len(word) > 1:  # a name in capitals, as track names are drawn
            words.append(short.upper())
        else:
            words.append(short.capitalize() if word[:1].isupper() else short)
    return " ".join(words)


def _two_lines(widths: TextWidths, text: str, size: float, weight: int, room: float) -> Fitted | None:
    """``text`` broken where it can be largest, at ``size`` or smaller; None without a space or hyphen."""
    best = None
    for first, second in _breaks(text):
        wide = max(widths.width(first, size, weight), widths.width(second, size, weight))
        fitted = Fitted((first, second), size * min(1.0, room / max(wide, 0.01)))
        if best is None or fitted.size > best.size:
            best = fitted
    return best


def _breaks(text: str) -> list[tuple[str, str]]:
    """The ways ``text`` divides into two lines: at a space (dropped) or after a hyphen (kept)."""
    found = []
    for i, char in enumerate(text):
        if char == " ":
            first, second = text[:i].rstrip(), text[i + 1 :].lstrip()
        elif char == "-":
            first, second = text[: i + 1], text[i + 1 :].lstrip()
        else:
            continue
        if first.strip() and second and not _numeral(second.split()[0]):
            found.append((first, second))
    return found


def _numeral(word: str) -> bool:
    """Whether a word is a number, Arabic or Roman ("2", "II"): it stays on the line of the word it numbers."""
    return word[0].isdigit() or (len(word) <= 4 and set(word) <= set("IVX"))


def _shortened(widths: TextWidths, text: str, size: float, weight: int, room: float, two: bool) -> Fitted:
    """``text`` at ``size``, cut short with an ellipsis: on two lines (as many words as fit on the first)
    where ``two``, else on one."""
    words = text.split()
    if two:
        for count in range(len(words) - 1, 0, -1):
            first = " ".join(words[:count])
            if widths.width(first, size, weight) > room:
                continue
            rest = " ".join(words[count:])
            second = rest if widths.width(rest, size, weight) <= room else _clipped(widths, rest, size, weight, room)
            if second:
                return Fitted((first, second), size, shortened=True)
            break
    clipped = _clipped(widths, text, size, weight, room)
    return Fitted((clipped,) if clipped else (), size, shortened=True)


def _clipped(widths: TextWidths, text: str, size: float, weight: int, room: float) -> str:
    """The longest start of ``text`` that fits ``room`` with an ellipsis after it; empty if not even one letter does."""
    for end in range(len(text) - 1, 0, -1):
        start = text[:end].rstrip(" -–(/,")
        if start and widths.width(start + ELLIPSIS, size, weight) <= room:
            return start + ELLIPSIS
    return ""


def _stacked(widths: TextWidths, x: float, middle: float, items: list[tuple[Fitted, int, str]]) -> list[str]:
    """Labels (each fitted, with its weight and colour) one under the other, centred on ``x`` and on ``middle``."""
    lines = [(line, fitted.size, weight, colour) for fitted, weight, colour in items for line in fitted.lines]
    total = sum(CAP * size * PT for _, size, _, _ in lines) + sum(LEADING * size * PT for _, size, _, _ in lines[1:])
    y = middle - total / 2
    parts = []
    for k, (line, size, weight, colour) in enumerate(lines):
        y += (LEADING * size * PT if k else 0.0) + CAP * size * PT
        parts.append(_text(widths, x, y, line, size, colour, weight))
    return parts


def _box(box: Box, labels: str, palette: Palette, widths: TextWidths, current: bool, is_next: bool) -> str:
    fill = palette.primary if current else palette.paper
    stroke = palette.primary if current else (palette.accent if is_next else palette.rule)
    code_colour = palette.paper if current else palette.accent
    title_colour = palette.paper if current else palette.text
    x = box.x - box.w / 2
    parts = [
        f'<rect data-level="{escape(box.level.id)}" x="{x:.2f}" y="{box.y:.2f}" width="{box.w:.2f}" '
        f'height="{box.h:.2f}" rx="1.2" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{0.6 if is_next or current else 0.3}"/>'
    ]
    items = [
        (fitted, weight, code_colour if is_code else title_colour)
        for fitted, weight, is_code in _box_labels(widths, box.level, labels, box.w, box.h, current)
    ]
    parts += _stacked(widths, box.x, box.y + box.h / 2, items)
    return "".join(parts)


def _box_labels(
    widths: TextWidths, level: Level, labels: str, box_w: float, box_h: float, current: bool
) -> list[tuple[Fitted, int, bool]]:
    """A box's labels, fitted to it, top first: (label, weight, whether it is the code).

    A code alone (or a short title alone, for a level without a code) is bold and may take two lines; a
    code over a short title, the title in the marked box's bolder weight where ``current``."""
    room = box_w - LABEL_ROOM
    if labels == "code" or not level.code:
        label, is_code = (_code(level), True) if labels == "code" else (level.short_title, False)
        wrap = (box_h - BOX_PAD) / ((2 * CAP + LEADING) * PT)
        return [(_fit(widths, label, 8.5, 700, room, wrap, abbreviate=True), 700, is_code)]
    weight = 600 if current else 500
    code = _fit(widths, level.code, 8.5, 700, room)
    wrap = (box_h - BOX_PAD - code.height) / (2 * (CAP + LEADING) * PT)
    return [(code, 700, True), (_fit(widths, level.short_title, 9, weight, room, wrap, abbreviate=True), weight, False)]


def _code(level: Level) -> str:
    """What a small box shows: the level's code, or its short title when the framework has no codes."""
    return level.code or level.short_title


EQUIVALENT_DASH = "1,1"
"""The dots of the line between two levels of one band."""


def _equivalent(a: Box, b: Box, palette: Palette) -> str:
    left, right = sorted((a, b), key=lambda box: box.x)
    y = left.y + left.h / 2
    return (
        f'<line class="equivalent" x1="{left.x + left.w / 2:.2f}" y1="{y:.2f}" x2="{right.x - right.w / 2:.2f}" '
        f'y2="{y:.2f}" stroke="{palette.rule}" stroke-width="0.4" stroke-dasharray="{EQUIVALENT_DASH}"/>'
    )


TRANSFER_DASH = "1.2,0.8"
"""The transfer connector's dashes: longer and darker than the equivalence line's dots."""


def _transfer(a: Box, b: Box, into_a: bool, into_b: bool, head: float, palette: Palette) -> str:
    """A dashed connector between two boxes, with a head at each end a transfer leads to.

    Boxes side by side are joined edge to edge at mid-height; boxes one above the other, where
    they overlap, from one's bottom to the other's top.
    """
    left, right = sorted((a, b), key=lambda box: box.x)
    if right.x - right.w / 2 >= left.x + left.w / 2:  # side by side
        start, end = (left.x + left.w / 2, left.y + left.h / 2), (right.x - right.w / 2, right.y + right.h / 2)
    else:
        lower, upper = sorted((a, b), key=lambda box: -box.y)
        x = (max(lower.x - lower.w / 2, upper.x - upper.w / 2) + min(lower.x + lower.w / 2, upper.x + upper.w / 2)) / 2
        start, end = (x, lower.y), (x, upper.bottom)
        left, right = lower, upper
    into_start, into_end = (into_a, into_b) if left is a else (into_b, into_a)
    (x0, y0), (x1, y1) = start, end
    length = hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = min(head, length / 3)  # the promotions' heads, so that all arrows look alike
    dash = TRANSFER_DASH if length > 6 else "0.7,0.5"  # a short connector still shows a few dashes
    # the dashes stop at the heads' bases, so that no dash pokes through a head's tip
    sx, sy = (x0 + ux * head, y0 + uy * head) if into_start else (x0, y0)
    ex, ey = (x1 - ux * head, y1 - uy * head) if into_end else (x1, y1)
    parts = [
        f'<line class="transfer" x1="{sx:.2f}" y1="{sy:.2f}" x2="{ex:.2f}" y2="{ey:.2f}" stroke="{palette.muted}" '
        f'stroke-width="0.35" stroke-dasharray="{dash}"/>'
    ]
    for into, (tx, ty), sign in ((into_start, start, -1), (into_end, end, 1)):
        if into:
            parts.append(
                f'<path class="transfer-head" d="{_head(tx, ty, ux * sign, uy * sign, head, min(1.0, head * 0.72))}" '
                f'fill="{palette.muted}"/>'
            )
    return "".join(parts)


def _head(x: float, y: float, ux: float, uy: float, length: float, half: float = 1.0) -> str:
    """A filled arrowhead with its tip at (x, y), pointing along (ux, uy), ``half`` its base's half-width."""
    bx, by = x - ux * length, y - uy * length
    px, py = -uy * half, ux * half  # across the direction
    return f"M{bx + px:.2f},{by + py:.2f} L{x:.2f},{y:.2f} L{bx - px:.2f},{by - py:.2f} Z"


Point = tuple[float, float]


@dataclass(frozen=True)
class Grid:
    """Where the rows are: the top of each row's boxes (junior row first), their height, and each level's row."""

    tops: tuple[float, ...]
    box_h: float
    row_of: dict[str, int]

    def gap(self, lower: int) -> tuple[float, float]:
        """The top and bottom of the space between row ``lower`` and the row above it."""
        return self.tops[lower + 1] + self.box_h, self.tops[lower]

    @property
    def head(self) -> float:
        """An arrowhead's length: shorter where rows are close, to leave room for the lanes between them."""
        if len(self.tops) < 2:
            return 1.4
        top, bottom = self.gap(0)
        return min(1.4, max(0.6, (bottom - top) * 0.45))


@dataclass(frozen=True)
class Edge:
    """A connector to route from a side ("top" or "bottom") of box ``a`` to a side of box ``b``."""

    a: str
    b: str
    side_a: str
    side_b: str


@dataclass(frozen=True)
class Leg:
    """An edge's run along a lane between two rows: the xs where it turns down to the row below, and up."""

    edge: int
    lower: tuple[float, ...]
    upper: tuple[float, ...]

    @property
    def span(self) -> tuple[float, float]:
        xs = self.lower + self.upper
        return min(xs), max(xs)


PORT_STEP = 5.0
"""Millimetres between the ends of two connectors on one side of a box, where it is wide enough: their
heads stay well apart."""
LANE_STEP = 1.6
"""Millimetres between two lanes of one gap, where the gap has room."""
MIN_LANE_STEP = 0.6
"""The least space between two lanes: they never coincide, even where they must run into a head's room."""
LANE_MARGIN = 0.35
"""Millimetres kept between a lane and the boxes (or heads) above and below it."""
LANE_CLEARANCE = 1.0
"""Two runs on one lane stay at least this far apart, so that neither seems to continue the other."""
EXHAUSTIVE = 5
"""Up to this many runs in one gap, every assignment of lanes is tried; more are packed first-fit."""


def _connectors(
    ladder: Ladder,
    shown: list[Level],
    boxes: dict[str, Box],
    grid: Grid,
    transfers: dict[tuple[str, str], None],
    palette: Palette,
) -> tuple[str, tuple[str, ...]]:
    """Promotion arrows, transfer connectors and equivalence lines, no two of them sharing a segment; and
    the kinds of them drawn, in the legend's order."""
    promotions = [(lv.id, n.id) for lv in shown for n in ladder.next_levels(lv) if n.id in boxes]
    pairs = list(dict.fromkeys((min(a, b), max(a, b)) for a, b in transfers))
    detours = [(a, b) for a, b in pairs if _blocked(boxes, grid, a, b)]
    edges = [Edge(s, t, "top", "bottom") for s, t in promotions] + [_around(a, b, grid) for a, b in detours]
    routes = _routes(boxes, grid, edges)
    head = grid.head
    parts = [_promotion(points, head, palette) for points in routes[: len(promotions)]]
    equivalents = _equivalent_neighbours(ladder, boxes, grid, pairs)
    parts += [_equivalent(boxes[a], boxes[b], palette) for a, b in equivalents]
    around = dict(zip(detours, routes[len(promotions) :], strict=True))
    for a, b in pairs:
        into_a, into_b = (b, a) in transfers, (a, b) in transfers
        if (a, b) in around:
            parts.append(_transfer_around(around[a, b], into_a, into_b, head, palette))
        else:
            parts.append(_transfer(boxes[a], boxes[b], into_a, into_b, head, palette))
    drawn = {"promotion": promotions, "transfer": pairs, "equivalent": equivalents}
    return "".join(parts), tuple(kind for kind, found in drawn.items() if found)


def _blocked(boxes: dict[str, Box], grid: Grid, a: str, b: str) -> bool:
    """Whether a box stands between two boxes of one row, so that a connector across would pass under it."""
    row = grid.row_of[a]
    if grid.row_of[b] != row or len(grid.tops) < 2:
        return False
    low, high = sorted((boxes[a].x, boxes[b].x))
    return any(grid.row_of[other] == row and low < box.x < high for other, box in boxes.items() if other not in (a, b))


def _around(a: str, b: str, grid: Grid) -> Edge:
    """A transfer between two boxes of one row that a third stands between: over the row, or under the top row."""
    side = "top" if grid.row_of[a] < len(grid.tops) - 1 else "bottom"
    return Edge(a, b, side, side)


def _equivalent_neighbours(
    ladder: Ladder, boxes: dict[str, Box], grid: Grid, joined: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Equivalent levels next to each other in a row that no transfer joins: a line between two boxes
    further apart would pass under the box between them."""
    rows: dict[int, list[Box]] = {}
    for level_id, box in boxes.items():
        rows.setdefault(grid.row_of[level_id], []).append(box)
    skip = {frozenset(pair) for pair in joined}
    found = []
    for row in rows.values():
        row.sort(key=lambda box: box.x)
        for left, right in pairwise(row):
            pair = (left.level.id, right.level.id)
            if frozenset(pair) not in skip and right.level.id in {e.id for e in ladder.equivalents(left.level)}:
                found.append(pair)
    return found


def _routes(boxes: dict[str, Box], grid: Grid, edges: list[Edge]) -> list[tuple[Point, ...]]:
    """The points of each edge, from box ``a`` to box ``b``.

    Each end has a port of its own on its box's side. Where the two ports line up, the connector is
    straight; else it leaves its box, turns along a lane of the gap between two rows and turns again
    into the other box. Runs that would overlap get lanes of their own, chosen so that runs cross as
    few connectors as they can: no two connectors share a segment, and each can be followed.
    """
    ports = _ports(boxes, edges)
    _straighten(boxes, grid, edges, ports)
    gaps = [_gap(edge, ports[i, 0], ports[i, 1], boxes, grid) for i, edge in enumerate(edges)]
    _separate(boxes, edges, ports, _stubs(grid, edges, gaps))
    legs: dict[int, list[Leg]] = {}
    for i, (edge, gap) in enumerate(zip(edges, gaps, strict=True)):
        if gap is not None:
            legs.setdefault(gap, []).append(_leg(i, edge, ports[i, 0], ports[i, 1]))
    lanes: dict[int, float] = {}
    for gap, found in legs.items():
        ys = _lane_ys(grid, gap, found, _assign_lanes(found))
        lanes.update((leg.edge, y) for leg, y in zip(found, ys, strict=True))
    return [_points(edge, boxes, ports[i, 0], ports[i, 1], lanes.get(i)) for i, edge in enumerate(edges)]


def _ports(boxes: dict[str, Box], edges: list[Edge]) -> dict[tuple[int, int], float]:
    """The x of each end (edge, 0 at ``a`` or 1 at ``b``): a side's ends spread across it in the order of
    the boxes they lead to, so that they do not cross as they leave it."""
    sides: dict[tuple[str, str], list[tuple[float, float, int, int]]] = {}
    for i, edge in enumerate(edges):
        to_b, to_a = boxes[edge.b], boxes[edge.a]
        sides.setdefault((edge.a, edge.side_a), []).append((to_b.x, to_b.y, i, 0))
        sides.setdefault((edge.b, edge.side_b), []).append((to_a.x, to_a.y, i, 1))
    ports = {}
    for (box_id, _), ends in sides.items():
        ends.sort()
        for x, (_, _, i, end) in zip(_spread(boxes[box_id], len(ends)), ends, strict=True):
            ports[i, end] = x
    return ports


def _spread(box: Box, count: int) -> list[float]:
    """``count`` xs across a box's side, centred on it."""
    step = max(0.5, min(PORT_STEP, (box.w - 3.0) / max(count - 1, 1)))
    return [box.x + step * (k - (count - 1) / 2) for k in range(count)]


def _straighten(boxes: dict[str, Box], grid: Grid, edges: list[Edge], ports: dict[tuple[int, int], float]) -> None:
    """Line up the ends of a promotion where one of them is alone on its side and can move over the
    other: a straight arrow is easier to follow than one that turns twice."""
    alone: dict[tuple[str, str], int] = {}
    for edge in edges:
        alone[edge.a, edge.side_a] = alone.get((edge.a, edge.side_a), 0) + 1
        alone[edge.b, edge.side_b] = alone.get((edge.b, edge.side_b), 0) + 1
    for i, edge in enumerate(edges):
        if (edge.side_a, edge.side_b) != ("top", "bottom"):
            continue
        between = range(grid.row_of[edge.a] + 1, grid.row_of[edge.b])
        a, b = boxes[edge.a], boxes[edge.b]
        if alone[edge.a, "top"] == 1 and _over(a, ports[i, 1]) and _clear(boxes, grid, ports[i, 1], between):
            ports[i, 0] = ports[i, 1]
        elif alone[edge.b, "bottom"] == 1 and _over(b, ports[i, 0]) and _clear(boxes, grid, ports[i, 0], between):
            ports[i, 1] = ports[i, 0]


def _over(box: Box, x: float) -> bool:
    """Whether an end at ``x`` can sit on the box's side (clear of its rounded corners)."""
    return abs(x - box.x) <= box.w / 2 - 1.5


def _clear(boxes: dict[str, Box], grid: Grid, x: float, rows: range) -> bool:
    """Whether a vertical line at ``x`` passes beside every box of ``rows``."""
    if not rows:
        return True
    return all(abs(box.x - x) > box.w / 2 + 0.5 for level_id, box in boxes.items() if grid.row_of[level_id] in rows)


def _gap(edge: Edge, xa: float, xb: float, boxes: dict[str, Box], grid: Grid) -> int | None:
    """The gap (by the row under it) an edge runs along; None for a promotion drawn straight.

    A promotion runs in the gap under the level it leads to, unless its vertical part would then
    pass through a box of a row between; then in the gap over the level it leaves. A transfer taken
    around a box runs over its row (under it, for the top row).
    """
    row_a = grid.row_of[edge.a]
    if edge.side_a == edge.side_b:
        return row_a if edge.side_a == "top" else row_a - 1
    if abs(xa - xb) < 0.01:
        return None
    row_b = grid.row_of[edge.b]
    between = range(row_a + 1, row_b)
    return row_a if not _clear(boxes, grid, xa, between) and _clear(boxes, grid, xb, between) else row_b - 1


def _leg(i: int, edge: Edge, xa: float, xb: float) -> Leg:
    """An edge's run, turning down (to a box of the row under its lane) or up at each end."""
    if edge.side_a == edge.side_b:
        return Leg(i, (xa, xb), ()) if edge.side_a == "top" else Leg(i, (), (xa, xb))
    return Leg(i, (xa,), (xb,))


PORT_CLEAR = 1.2
"""Millimetres kept between two connectors' verticals in one gap: closer, they would read as one line."""


def _stubs(grid: Grid, edges: list[Edge], gaps: list[int | None]) -> dict[int, list[tuple[int, int | None]]]:
    """The verticals in each gap, as (edge, end): end 0 or 1 where an edge turns, None where it passes straight."""
    stubs: dict[int, list[tuple[int, int | None]]] = {}
    for i, (edge, gap) in enumerate(zip(edges, gaps, strict=True)):
        if gap is None:
            for passed in range(grid.row_of[edge.a], grid.row_of[edge.b]):
                stubs.setdefault(passed, []).append((i, None))
        else:
            stubs.setdefault(gap, []).extend(((i, 0), (i, 1)))
    return stubs


def _separate(
    boxes: dict[str, Box],
    edges: list[Edge],
    ports: dict[tuple[int, int], float],
    stubs: dict[int, list[tuple[int, int | None]]],
) -> None:
    """Move apart two connectors' ends that would line up across a gap (one leaving the row under it,
    one reaching the row over it): they would read as one connector, between boxes that have none.
    The end that turns moves along its box's side, toward the rest of its run where there is room."""
    for found in stubs.values():

        def clashes(i: int, x: float, found: list[tuple[int, int | None]] = found) -> bool:
            return any(j != i and abs(ports[j, end or 0] - x) < PORT_CLEAR for j, end in found)

        for i, end in found:
            if end is None or not clashes(i, ports[i, end]):
                continue
            x, other = ports[i, end], ports[i, 1 - end]
            box = boxes[edges[i].a if end == 0 else edges[i].b]
            toward = 1.0 if other >= x else -1.0
            moves = [x + sign * PORT_CLEAR * 1.25 * k for sign in (toward, -toward) for k in (1, 2, 3)]
            ports[i, end] = next((m for m in moves if _over(box, m) and not clashes(i, m)), x)


def _assign_lanes(legs: list[Leg]) -> list[int]:
    """A lane for each run (0 nearest the row below): runs that would overlap never share one, and runs
    cross the other connectors' verticals as seldom as they can, in as few lanes as that allows."""
    n = len(legs)
    clash = [[i != j and _overlap(p, q) for j, q in enumerate(legs)] for i, p in enumerate(legs)]
    if n > EXHAUSTIVE:
        return _first_fit(legs, clash)
    # crossings between i's run and j's verticals, with i's lane under j's (0) or over it (1)
    crossing = [[_crossings(p, q) for q in legs] for p in legs]
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    best: tuple[int, int] | None = None
    chosen: tuple[int, ...] = (0,) * n
    for lanes in product(range(n), repeat=n):
        used = len(set(lanes))
        if used != max(lanes) + 1 or any(clash[i][j] and lanes[i] == lanes[j] for i, j in pairs):
            continue
        crossed = sum(crossing[i][j][lanes[i] > lanes[j]] for i, j in pairs if lanes[i] != lanes[j])
        if best is None or (crossed, used) < best:
            best, chosen = (crossed, used), lanes
    return list(chosen)


def _first_fit(legs: list[Leg], clash: list[list[bool]]) -> list[int]:
    """Lanes for many runs: each, from the left, on the lowest lane that no run it overlaps is on."""
    lanes: dict[int, int] = {}
    for i in sorted(range(len(legs)), key=lambda k: legs[k].span):
        taken = {lanes[j] for j in lanes if clash[i][j]}
        lanes[i] = next(lane for lane in range(len(legs)) if lane not in taken)
    return [lanes[i] for i in range(len(legs))]


def _overlap(p: Leg, q: Leg) -> bool:
    (p0, p1), (q0, q1) = p.span, q.span
    return p0 < q1 + LANE_CLEARANCE and q0 < p1 + LANE_CLEARANCE


def _crossings(p: Leg, q: Leg) -> tuple[int, int]:
    """How many of ``q``'s verticals ``p``'s run crosses with ``p``'s lane under ``q``'s, and over it."""
    low, high = p.span
    down = sum(low < x < high for x in q.lower)  # from q's lane down to the row below
    up = sum(low < x < high for x in q.upper)  # from q's lane up to the row above
    return down, up


def _lane_ys(grid: Grid, gap: int, legs: list[Leg], lanes: list[int]) -> list[float]:
    """The y of each run's lane: a lone lane halfway up the gap, more spread about the middle, clear of
    the heads at the gap's top (and at its bottom, where a transfer comes down into a box)."""
    top, bottom = grid.gap(gap)
    high = top + LANE_MARGIN + (grid.head if any(leg.upper for leg in legs) else 0.0)
    low = bottom - LANE_MARGIN - (grid.head if any(len(leg.lower) > 1 for leg in legs) else 0.0)
    count = max(lanes) + 1
    step = 0.0 if count == 1 else max(MIN_LANE_STEP, min(LANE_STEP, (low - high) / (count - 1)))
    if count > 1:
        step = min(step, (bottom - top - 0.2) / (count - 1))  # never out of the gap, however many lanes
    spread = step * (count - 1)
    if low - high >= spread:
        middle = min(max((top + bottom) / 2, high + spread / 2), low - spread / 2)
    else:
        middle = (top + bottom) / 2
    return [middle + spread / 2 - step * lane for lane in lanes]


def _points(edge: Edge, boxes: dict[str, Box], xa: float, xb: float, lane: float | None) -> tuple[Point, ...]:
    a, b = boxes[edge.a], boxes[edge.b]
    ya = a.y if edge.side_a == "top" else a.bottom
    yb = b.y if edge.side_b == "top" else b.bottom
    if lane is None:
        return ((xa, ya), (xb, yb))
    return ((xa, ya), (xa, lane), (xb, lane), (xb, yb))


def _path(points: Sequence[Point]) -> str:
    return "M" + " L".join(f"{x:.2f},{y:.2f}" for x, y in points)


def _unit(start: Point, end: Point) -> Point:
    length = hypot(end[0] - start[0], end[1] - start[1]) or 1.0
    return (end[0] - start[0]) / length, (end[1] - start[1]) / length


def _shaft(points: tuple[Point, ...], head: float, at_start: bool, at_end: bool) -> tuple[Point, ...]:
    """The points with the ends that get a head pulled back by its length, so that no line pokes through a tip."""
    shaft = list(points)
    if at_start:
        ux, uy = _unit(points[0], points[1])
        shaft[0] = (points[0][0] + ux * head, points[0][1] + uy * head)
    if at_end:
        ux, uy = _unit(points[-2], points[-1])
        shaft[-1] = (points[-1][0] - ux * head, points[-1][1] - uy * head)
    return tuple(shaft)


def _tip(points: tuple[Point, ...], head: float, at_end: bool, colour: str, role: str) -> str:
    """A head on the first or last point, pointing along the segment that ends there."""
    start, end = (points[-2], points[-1]) if at_end else (points[1], points[0])
    ux, uy = _unit(start, end)
    return f'<path class="{role}" d="{_head(end[0], end[1], ux, uy, head, min(1.0, head * 0.72))}" fill="{colour}"/>'


def _promotion(points: tuple[Point, ...], head: float, palette: Palette) -> str:
    """An arrow from the top of one box up to the bottom of another."""
    return (
        f'<path class="promotion" d="{_path(_shaft(points, head, False, True))}" fill="none" '
        f'stroke="{palette.muted}" stroke-width="0.35"/>' + _tip(points, head, True, palette.muted, "promotion-head")
    )


def _transfer_around(points: tuple[Point, ...], into_a: bool, into_b: bool, head: float, palette: Palette) -> str:
    """A transfer's dashed connector taken around a box between its two, with a head at each end it leads to."""
    parts = [
        f'<path class="transfer" d="{_path(_shaft(points, head, into_a, into_b))}" fill="none" '
        f'stroke="{palette.muted}" stroke-width="0.35" stroke-dasharray="{TRANSFER_DASH}"/>'
    ]
    parts += [
        _tip(points, head, at_end, palette.muted, "transfer-head")
        for at_end, into in ((False, into_a), (True, into_b))
        if into
    ]
    return "".join(parts)


def _families(
    ladder: Ladder, tracks: list[Track], col_w: float, widths: TextWidths
) -> list[tuple[Family, list[Track]]]:
    """The families of the drawn tracks with their tracks, when there are several and each name fits above them."""
    if len(ladder.families) < 2:
        return []
    groups: dict[str, list[Track]] = {}
    for track in tracks:
        groups.setdefault(track.family or "", []).append(track)
    by_id = {f.id: f for f in ladder.families}
    if len(groups) < 2 or not all(family_id in by_id for family_id in groups):
        return []
    found = [(by_id[family_id], members) for family_id, members in groups.items()]
    if any(widths.width(family.name, 8.5, 700) > col_w * len(members) - 2 for family, members in found):
        return []  # a name wider than its columns would run into the next family's
    return found


def _family_headers(
    families: list[tuple[Family, list[Track]]],
    column_x: Callable[[str], float],
    col_w: float,
    palette: Palette,
    widths: TextWidths,
) -> str:
    """Each family's name over its tracks' columns, with a rule under it as wide as they are."""
    parts = []
    for family, members in families:
        first, last = column_x(members[0].id), column_x(members[-1].id)
        parts.append(_text(widths, (first + last) / 2, 3.6, family.name, 8.5, palette.text, 700, role="family-name"))
        parts.append(
            f'<line x1="{first - col_w / 2 + 1.5:.2f}" y1="{5.0:.2f}" x2="{last + col_w / 2 - 1.5:.2f}" '
            f'y2="{5.0:.2f}" stroke="{palette.rule}" stroke-width="0.3"/>'
        )
    return "".join(parts)


HEADER_PT = 8.5
"""Track names over their columns."""


def _track_names(
    tracks: list[Track], families: list[tuple[Family, list[Track]]], col_w: float, widths: TextWidths
) -> dict[str, Fitted]:
    """Each track's short name as its column's header, by track id: in capitals, or as written where
    capitals would have to be cut short; all at one size, each inside its column (on two lines if need
    be). None when one track is drawn, and none for a family of one track named as it is (named once,
    above it)."""
    if len(tracks) < 2:
        return {}
    named = {members[0].id for family, members in families if len(members) == 1 and _same(family, members[0])}
    headed = [t for t in tracks if t.id not in named]
    names = _same_size({t.id: t.short_name.upper() for t in headed}, col_w - 2.0, widths)
    if any(f.shortened for f in names.values()):
        # names as written are narrower, and tell apart at less space; abbreviated, where they must be
        names = _same_size({t.id: t.short_name for t in headed}, col_w - 1.0, widths, abbreviate=True)
    return names


def _same_size(texts: dict[str, str], room: float, widths: TextWidths, abbreviate: bool = False) -> dict[str, Fitted]:
    """The texts fitted to ``room``, the largest of them no larger than the smallest needs to be."""
    first = {key: _fit(widths, text, HEADER_PT, 600, room, HEADER_PT, abbreviate) for key, text in texts.items()}
    size = min((f.size for f in first.values()), default=HEADER_PT)
    return {key: _fit(widths, text, size, 600, room, size, abbreviate) for key, text in texts.items()}


def _header_height(families: bool, names: dict[str, Fitted], tracks: int) -> float:
    """Room over the rows for the family names and the track names, with a second line where one needs it."""
    if tracks < 2:
        return 1.0
    extra = max(((len(f.lines) - 1) * (CAP + LEADING) * f.size * PT for f in names.values()), default=0.0)
    return (12.5 if families and names else 7.0) + extra


def _track_headers(
    names: dict[str, Fitted],
    column_x: Callable[[str], float],
    y: float,
    palette: Palette,
    widths: TextWidths,
) -> str:
    """Each track's name over its column, its last line's baseline at ``y``."""
    parts = []
    for track_id, fitted in names.items():
        step = (CAP + LEADING) * fitted.size * PT
        for k, line in enumerate(fitted.lines):
            baseline = y - step * (len(fitted.lines) - 1 - k)
            parts.append(
                _text(widths, column_x(track_id), baseline, line, fitted.size, palette.muted, 600, role="track-name")
            )
    return "".join(parts)


def _same(family: Family, track: Track) -> bool:
    """Whether a track is named as its family is (Monzo's "Engineering" family of one "Engineering" track)."""
    return family.name.casefold() in (track.name.casefold(), track.short_name.casefold())


AXIS_GAP = 4.6
"""Millimetres between the end of an axis label and the axis' left edge."""

AXIS_SHARE = 0.35
"""The most of a drawing's width the axis may take; labels that need more are shortened or left out."""


@dataclass(frozen=True)
class AxisLabel:
    """What the axis says beside one row: the band's name, the typical years, or both (one above the other)."""

    band: str | None
    years: str | None


def _year_labels(shown: list[Level], ranks: list[int]) -> dict[int, str]:
    """The typical years of each rank that has any, as the axis shows them."""
    by_rank: dict[int, list[tuple[int, int | None]]] = {}
    for lv in shown:
        if lv.years:
            start, end = lv.years
            assert start is not None  # Level.years_in_order: years start with a number
            by_rank.setdefault(lv.rank, []).append((start, end))
    result = {}
    for rank in ranks:
        spans = by_rank.get(rank)
        if not spans:
            continue
        # equivalent levels with different ranges share one row: show the span of them all
        # (one level's label is Level.years_label's)
        start = min(start for start, _ in spans)
        ends = [end for _, end in spans if end is not None]
        result[rank] = f"{start}–{max(ends)} yrs" if len(ends) == len(spans) else f"{start}+ yrs"
    return result


def _band_labels(ladder: Ladder, shown: list[Level], ranks: list[int]) -> dict[int, str]:
    """The band of each rank whose levels name one, as the axis shows it (two bands on one row: both)."""
    by_rank: dict[int, list[str]] = {}
    for lv in shown:
        band = ladder.band(lv)
        if band is not None and band.name not in by_rank.get(lv.rank, []):
            by_rank.setdefault(lv.rank, []).append(band.name)
    return {rank: " / ".join(by_rank[rank]) for rank in ranks if rank in by_rank}


def _axis_labels(
    ladder: Ladder,
    shown: list[Level],
    ranks: list[int],
    width: float,
    row_height: float,
    labels: str,
    widths: TextWidths,
) -> dict[int, AxisLabel]:
    """The axis' labels by rank: band names and years where rows are tall enough for two lines, else
    band names alone (else years alone); none when the labels would take more than their share of the width."""
    bands = _band_labels(ladder, shown, ranks)
    years = _year_labels(shown, ranks)
    choices = []
    if bands and years and labels == "full" and row_height >= 10:
        choices.append({rank: AxisLabel(bands.get(rank), years.get(rank)) for rank in ranks})
    if bands:
        choices.append({rank: AxisLabel(bands[rank], None) for rank in bands})
    if years:
        choices.append({rank: AxisLabel(None, years[rank]) for rank in years})
    for choice in choices:
        if _axis_width(choice, widths) <= max(17.5, width * AXIS_SHARE):
            return choice
    return {}


def _axis_width(axis_labels: dict[int, AxisLabel], widths: TextWidths) -> float:
    """As wide as the longest label needs, and never narrower than 17.5 mm; 0 without labels."""
    if not axis_labels:
        return 0.0
    needed = [
        max(
            widths.width(label.band, BAND_PT, 600) if label.band else 0.0,
            widths.width(label.years, YEARS_PT if label.band else BAND_PT, 400) if label.years else 0.0,
        )
        + AXIS_GAP
        + 0.5
        for label in axis_labels.values()
    ]
    return max(17.5, *needed)


BAND_PT = 8.5
"""The axis' band names, and its years when they are alone."""
YEARS_PT = 7.5
"""The axis' years under a band name."""


def _axis(
    axis_labels: dict[int, AxisLabel],
    ranks: list[int],
    row_top: Callable[[int], float],
    box_h: float,
    axis: float,
    palette: Palette,
    widths: TextWidths,
) -> str:
    top = row_top(ranks[-1]) + box_h / 2
    bottom = row_top(ranks[0]) + box_h / 2
    parts = [
        f'<line x1="{axis - 3:.2f}" y1="{top:.2f}" x2="{axis - 3:.2f}" y2="{bottom:.2f}" '
        f'stroke="{palette.rule}" stroke-width="0.4"/>'
    ]
    x = axis - AXIS_GAP
    for rank, label in axis_labels.items():
        y = row_top(rank) + box_h / 2
        parts.append(f'<circle cx="{axis - 3:.2f}" cy="{y:.2f}" r="0.7" fill="{palette.muted}"/>')
        if label.band and label.years:
            parts.append(_text(widths, x, y - 0.4, label.band, BAND_PT, palette.muted, 600, anchor="end"))
            parts.append(_text(widths, x, y + 2.9, label.years, YEARS_PT, palette.muted, 400, anchor="end"))
        elif label.band:
            parts.append(_text(widths, x, y + 1.1, label.band, BAND_PT, palette.muted, 600, anchor="end"))
        elif label.years:
            parts.append(_text(widths, x, y + 1.1, label.years, BAND_PT, palette.muted, 400, anchor="end"))
    return "".join(parts)


LEGEND = {
    "here": "You are here",
    "next": "Next step",
    "promotion": "Promotion",
    "transfer": "Transfer",
    "equivalent": "Same band",
}
"""The legend's items, in the order they are drawn: the marked boxes, then each kind of connector drawn."""
LEGEND_PT = 8.5
LEGEND_ROW = 5.0
"""Millimetres from one row of the legend to the next."""
LEGEND_SWATCH = 5.5
"""Millimetres from an item's mark to its name."""
LEGEND_SPACE = 4.0
"""Millimetres between an item's name and the next item's mark."""


@dataclass(frozen=True)
class LegendGrid:
    """Where the legend's items go: ``per_row`` to a row, in columns starting at ``xs``."""

    xs: tuple[float, ...]
    per_row: int
    count: int

    @property
    def rows(self) -> int:
        return ceil(self.count / self.per_row)


def _legend_grid(items: list[str], width: float, axis: float, widths: TextWidths) -> LegendGrid:
    """The legend's items in as few rows as the drawing's width allows, in columns as wide as their
    widest item: under the columns of levels, or from the drawing's left edge where that saves a row."""
    sizes = [LEGEND_SWATCH + widths.width(LEGEND[item], LEGEND_PT, 500) for item in items]

    def columns(per_row: int) -> list[float]:
        return [max(sizes[k::per_row]) for k in range(per_row)]

    def fits(start: float) -> int:
        """The most items a row holds from ``start``."""
        return next(
            (n for n in range(len(items), 1, -1) if start + sum(columns(n)) + LEGEND_SPACE * (n - 1) <= width - 1),
            1,
        )

    if not items:
        return LegendGrid((axis + 1,), 1, 0)
    start, per_row = axis + 1, fits(axis + 1)
    if ceil(len(items) / fits(1.0)) < ceil(len(items) / per_row):
        start, per_row = 1.0, fits(1.0)
    xs = [start]
    for size in columns(per_row)[:-1]:
        xs.append(xs[-1] + size + LEGEND_SPACE)
    return LegendGrid(tuple(xs), per_row, len(items))


def _legend(y: float, grid: LegendGrid, palette: Palette, widths: TextWidths, items: list[str]) -> str:
    """A key to the marks and lines drawn, row by row."""
    parts = []
    for i, item in enumerate(items):
        ix, iy = grid.xs[i % grid.per_row], y + LEGEND_ROW * (i // grid.per_row)
        mid = iy + 1.3
        if item == "here":
            parts.append(f'<rect x="{ix:.2f}" y="{iy:.2f}" width="4" height="2.6" rx="0.6" fill="{palette.primary}"/>')
        elif item == "next":
            parts.append(
                f'<rect x="{ix:.2f}" y="{iy:.2f}" width="4" height="2.6" rx="0.6" fill="{palette.paper}" '
                f'stroke="{palette.accent}" stroke-width="0.6"/>'
            )
        elif item == "promotion":  # an arrow up, as promotions are drawn
            parts.append(
                f'<line class="legend" data-kind="promotion" x1="{ix + 2:.2f}" y1="{iy + 3.0:.2f}" '
                f'x2="{ix + 2:.2f}" y2="{iy + 1.0:.2f}" stroke="{palette.muted}" stroke-width="0.35"/>'
                f'<path class="legend" data-kind="promotion" d="{_head(ix + 2, iy - 0.2, 0.0, -1.0, 1.2, 0.86)}" '
                f'fill="{palette.muted}"/>'
            )
        elif item == "transfer":
            parts.append(
                f'<line class="legend" data-kind="transfer" x1="{ix:.2f}" y1="{mid:.2f}" x2="{ix + 3.0:.2f}" '
                f'y2="{mid:.2f}" stroke="{palette.muted}" stroke-width="0.35" stroke-dasharray="{TRANSFER_DASH}"/>'
                f'<path class="legend" data-kind="transfer" d="{_head(ix + 4.2, mid, 1.0, 0.0, 1.2)}" '
                f'fill="{palette.muted}"/>'
            )
        else:
            parts.append(
                f'<line class="legend" data-kind="equivalent" x1="{ix:.2f}" y1="{mid:.2f}" x2="{ix + 4.0:.2f}" '
                f'y2="{mid:.2f}" stroke="{palette.rule}" stroke-width="0.4" stroke-dasharray="{EQUIVALENT_DASH}"/>'
            )
        parts.append(
            _text(widths, ix + LEGEND_SWATCH, iy + 2.3, LEGEND[item], LEGEND_PT, palette.text, 500, anchor="start")
        )
    return "".join(parts)
