"""The ladder drawn as an SVG, from any valid ladder: 3 levels or 12, one track or three.

Rank runs upward, one row per distinct rank, so equivalent levels of different tracks sit
level with each other. Each track has a column, grouped under its family's name when the
drawing spans several families; a level that belongs to several tracks (the shared trunk
before a fork) is centred between their columns. Moves are drawn by kind: a promotion is a
solid arrow up, a transfer (same band, another track) a dashed connector with a head at each
end it leads to, and a move out of the ladder is not drawn. Levels of one band that no
transfer joins are marked equivalent by a faint dotted line. The axis on the left names each
row's band and, where there is room, its typical years. One level may be highlighted
("you are here"). Units are millimetres, so text sizes are true print sizes.

Every label is placed by where it starts, its width measured from the font file: WeasyPrint
draws an SVG text that is anchored at its middle or end in a group of its own, which puts
some fifty more objects into every PDF that shows the diagram (and makes cutting
onboarding packets apart markedly slower).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from math import hypot
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
    stacked: bool
    background: str
    """Family and track headers, axis, arrows, transfer connectors and equivalence lines."""
    transfers: bool
    """Whether a transfer is drawn, so that the legend explains the dashed connector."""
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
    items = [
        *(["here"] if highlight else []),
        *(["next"] if next_ids else []),
        *(["transfer"] if layout.transfers else []),
    ]
    legend = (5.0 * len(items) + 2 if layout.stacked else 7.0) if items else 0.0
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
        parts.append(_legend(height - legend + 2, layout.axis + 1, palette, widths, items, layout.stacked))

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
    track_ids = {t for lv in shown for t in lv.tracks}
    family_order = {f.id: i for i, f in enumerate(ladder.families)}
    tracks = sorted(
        (t for t in ladder.tracks if t.id in track_ids),
        key=lambda t: family_order.get(t.family or "", len(family_order)),
    )  # a stable sort: within a family, tracks keep their order
    ranks = sorted({lv.rank for lv in shown})
    if not shown:
        return None
    if max_height is not None and len(ranks) * row_height > max_height - 16:
        row_height = max(5.0, (max_height - 16) / len(ranks))
        if row_height < 10:
            labels = "code"
    box_h = min(row_height * 0.7, 9.0) if labels == "full" else min(row_height * 0.78, 6.0)
    axis_labels = _axis_labels(ladder, shown, ranks, width, row_height, labels, widths)
    axis = _axis_width(axis_labels, widths)
    stacked = width < 80  # a narrow drawing puts its legend items one under the other
    col_w = (width - axis - 2) / max(len(tracks), 1)
    columns = {t.id: i for i, t in enumerate(tracks)}
    rows = {rank: i for i, rank in enumerate(ranks)}
    transfers = _transfers(ladder, shown)
    families = _families(ladder, tracks, col_w, widths)
    header = (12.5 if families else 7.0) if len(tracks) > 1 else 1.0

    box_w = min(col_w - 3, 44.0 if labels == "full" else 20.0)
    if any(ladder.level(a).rank == ladder.level(b).rank for a, b in transfers):
        # a connector between two boxes of one row needs room for its two heads and some dashes
        # (but never so narrow that a label overflows its box: the marked box's title is the boldest)
        widest = 2.5 + max(
            max(widths.width(_code(lv), 8.5, 700), widths.width(lv.short_title, 9, 600) if labels == "full" else 0.0)
            for lv in shown
        )
        box_w = max(min(box_w, col_w - 7.5), min(widest, col_w - 3))

    def column_x(track_id: str) -> float:
        return axis + 1 + col_w * (columns[track_id] + 0.5)

    def row_top(rank: int) -> float:
        return header + (len(ranks) - 1 - rows[rank]) * row_height + (row_height - box_h) / 2

    boxes = {}
    for level in shown:
        xs = [column_x(t) for t in level.tracks if t in columns]
        boxes[level.id] = Box(level, sum(xs) / len(xs), row_top(level.rank), box_w, box_h)

    parts = []
    if families:
        parts.append(_family_headers(families, column_x, col_w, palette, widths))
    if len(tracks) > 1:
        named = {members[0].id for family, members in families if len(members) == 1 and _same(family, members[0])}
        shown_tracks = [t for t in tracks if t.id not in named]  # a family of one track is named once, above it
        parts.append(_track_headers(shown_tracks, column_x, header - 2.8, col_w, palette, widths))
    if axis:
        parts.append(_axis(axis_labels, ranks, row_top, box_h, axis, palette, widths))
    parts += [
        _link(boxes[lv.id], boxes[n.id], palette) for lv in shown for n in ladder.next_levels(lv) if n.id in boxes
    ]
    joined = {frozenset(pair) for pair in transfers}
    parts += [
        _equivalent(boxes[lv.id], boxes[e.id], palette)
        for lv in shown
        for e in ladder.equivalents(lv)
        if e.id in boxes
        and lv.id < e.id
        and boxes[e.id].y == boxes[lv.id].y
        and frozenset((lv.id, e.id)) not in joined  # a transfer's connector says more: it alone is drawn
    ]
    for pair in dict.fromkeys(frozenset(pair) for pair in transfers):
        a, b = sorted(pair)
        parts.append(_transfer(boxes[a], boxes[b], (b, a) in transfers, (a, b) in transfers, palette))
    return Layout(
        boxes=boxes,
        labels=labels,
        header=header,
        rows=len(ranks),
        row_height=row_height,
        axis=axis,
        stacked=stacked,
        background="".join(parts),
        transfers=bool(transfers),
        plain_boxes=tuple(_box(box, labels, palette, widths, False, False) for box in boxes.values()),
        position={level_id: i for i, level_id in enumerate(boxes)},
        description=escape(_describe(shown, tracks, _transfer_names(ladder, shown))),
    )


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
    shared = [lv for lv in shown if all_ids <= set(lv.tracks)]
    shared_ids = {lv.id for lv in shared}
    sentences = [f"Career ladder of {len(shown)} levels in {len(tracks)} track{'s' if len(tracks) != 1 else ''}."]
    if shared and len(tracks) > 1:
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
) -> str:
    """A label at ``x`` by its ``anchor`` (start, middle or end), written as a text that starts there."""
    if anchor != "start":
        width = widths.width(content, size_pt, weight)
        x -= width / 2 if anchor == "middle" else width
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size_pt * PT:.3f}" font-weight="{weight}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


def _box(box: Box, labels: str, palette: Palette, widths: TextWidths, current: bool, is_next: bool) -> str:
    fill = palette.primary if current else palette.paper
    stroke = palette.primary if current else (palette.accent if is_next else palette.rule)
    code_colour = palette.paper if current else palette.accent
    title_colour = palette.paper if current else palette.text
    x = box.x - box.w / 2
    parts = [
        f'<rect x="{x:.2f}" y="{box.y:.2f}" width="{box.w:.2f}" height="{box.h:.2f}" rx="1.2" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{0.6 if is_next or current else 0.3}"/>'
    ]
    middle = box.y + box.h / 2
    room = box.w - 1.5
    if labels == "code" or not box.level.code:
        label, colour = (_code(box.level), code_colour) if labels == "code" else (box.level.short_title, title_colour)
        size = _fitted(widths, label, 8.5, 700, room)
        parts.append(_text(widths, box.x, middle + 1.1, label, size, colour, 700))
    else:
        code_size = _fitted(widths, box.level.code, 8.5, 700, room)
        parts.append(_text(widths, box.x, middle - 0.5, box.level.code, code_size, code_colour, 700))
        weight = 600 if current else 500
        title_size = _fitted(widths, box.level.short_title, 9, weight, room)
        parts.append(_text(widths, box.x, middle + 3.0, box.level.short_title, title_size, title_colour, weight))
    return "".join(parts)


def _code(level: Level) -> str:
    """What a small box shows: the level's code, or its short title when the framework has no codes."""
    return level.code or level.short_title


def _fitted(widths: TextWidths, text: str, size_pt: float, weight: int, room: float) -> float:
    """The size ``text`` is drawn at so that it stays inside ``room`` mm: its own, or smaller (down to 5 pt)."""
    width = widths.width(text, size_pt, weight)
    return size_pt if width <= room else max(5.0, size_pt * room / width)


def _link(start: Box, end: Box, palette: Palette) -> str:
    """An arrow from the top of ``start`` up to the bottom of ``end``, with one elbow if they are offset."""
    x0, y0, x1, y1 = start.x, start.y, end.x, end.bottom
    head = 1.4
    if abs(x0 - x1) < 0.01:
        path = f"M{x0:.2f},{y0:.2f} V{y1 + head:.2f}"
    else:
        mid = (y0 + y1) / 2
        path = f"M{x0:.2f},{y0:.2f} V{mid:.2f} H{x1:.2f} V{y1 + head:.2f}"
    arrow = f"M{x1 - 1:.2f},{y1 + head:.2f} L{x1:.2f},{y1:.2f} L{x1 + 1:.2f},{y1 + head:.2f} Z"
    return (
        f'<path class="promotion" d="{path}" fill="none" stroke="{palette.muted}" stroke-width="0.35"/>'
        f'<path class="promotion-head" d="{arrow}" fill="{palette.muted}"/>'
    )


def _equivalent(a: Box, b: Box, palette: Palette) -> str:
    left, right = sorted((a, b), key=lambda box: box.x)
    y = left.y + left.h / 2
    return (
        f'<line class="equivalent" x1="{left.x + left.w / 2:.2f}" y1="{y:.2f}" x2="{right.x - right.w / 2:.2f}" '
        f'y2="{y:.2f}" stroke="{palette.rule}" stroke-width="0.4" stroke-dasharray="1,1"/>'
    )


TRANSFER_DASH = "1.2,0.8"
"""The transfer connector's dashes: longer and darker than the equivalence line's dots."""


def _transfer(a: Box, b: Box, into_a: bool, into_b: bool, palette: Palette) -> str:
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
    head = min(1.4, length / 3)
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
                f'<path class="transfer-head" d="{_head(tx, ty, ux * sign, uy * sign, head)}" fill="{palette.muted}"/>'
            )
    return "".join(parts)


def _head(x: float, y: float, ux: float, uy: float, length: float) -> str:
    """A filled arrowhead with its tip at (x, y), pointing along (ux, uy)."""
    bx, by = x - ux * length, y - uy * length
    px, py = -uy * 1.0, ux * 1.0  # half the base's width, across the direction
    return f"M{bx + px:.2f},{by + py:.2f} L{x:.2f},{y:.2f} L{bx - px:.2f},{by - py:.2f} Z"


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
        parts.append(_text(widths, (first + last) / 2, 3.6, family.name, 8.5, palette.text, 700))
        parts.append(
            f'<line x1="{first - col_w / 2 + 1.5:.2f}" y1="{5.0:.2f}" x2="{last + col_w / 2 - 1.5:.2f}" '
            f'y2="{5.0:.2f}" stroke="{palette.rule}" stroke-width="0.3"/>'
        )
    return "".join(parts)


def _track_headers(
    tracks: list[Track],
    column_x: Callable[[str], float],
    y: float,
    col_w: float,
    palette: Palette,
    widths: TextWidths,
) -> str:
    """Each track's short name over its column, made smaller where it would run into the next one."""
    parts = []
    for track in tracks:
        name = track.short_name.upper()
        size = _fitted(widths, name, 8.5, 600, col_w - 1.5)
        parts.append(_text(widths, column_x(track.id), y, name, size, palette.muted, 600))
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


LEGEND = {"here": "You are here", "next": "Next step", "transfer": "Transfer"}
"""The legend's items, in the order they are drawn."""


def _legend(y: float, x: float, palette: Palette, widths: TextWidths, items: list[str], stacked: bool) -> str:
    """A key to the marks drawn: side by side, or one under the other in a narrow drawing."""
    parts = []
    for i, item in enumerate(items):
        ix, iy = (x, y + 5 * i) if stacked else (x + 30 * i, y)
        if item == "here":
            parts.append(f'<rect x="{ix:.2f}" y="{iy:.2f}" width="4" height="2.6" rx="0.6" fill="{palette.primary}"/>')
        elif item == "next":
            parts.append(
                f'<rect x="{ix:.2f}" y="{iy:.2f}" width="4" height="2.6" rx="0.6" fill="{palette.paper}" '
                f'stroke="{palette.accent}" stroke-width="0.6"/>'
            )
        else:
            mid = iy + 1.3
            parts.append(
                f'<line class="legend" x1="{ix:.2f}" y1="{mid:.2f}" x2="{ix + 3.0:.2f}" y2="{mid:.2f}" '
                f'stroke="{palette.muted}" '
                f'stroke-width="0.35" stroke-dasharray="{TRANSFER_DASH}"/>'
                f'<path class="legend" d="{_head(ix + 4.2, mid, 1.0, 0.0, 1.2)}" fill="{palette.muted}"/>'
            )
        parts.append(_text(widths, ix + 5.5, iy + 2.3, LEGEND[item], 8.5, palette.text, 500, anchor="start"))
    return "".join(parts)
