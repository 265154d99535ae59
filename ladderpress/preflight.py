"""Preflight: what a print designer would mark on the laid-out pages, before anyone prints them.

WeasyPrint lays a document out into pages of boxes; this module reads those boxes (never the
PDF) and reports, per page, what a reader would see as a mistake: a page left mostly blank,
a heading or a single table row stranded at a page's top or bottom, a hyphenated heading or
label, text running out of its box or cut off, an image too coarse for print, text too pale
for its background, a company name that is not the document's own. Missing glyphs are found
while writing (see :mod:`ladderpress.pdf`) and joined to these.

Findings are plain data: they travel from the worker process that printed the document to the
build's records, so that ``ladderpress preflight`` can list them for documents left as they
were, too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage

from ladderpress.findings import CHECKS, Expect, Finding, printable

INK = 200 / 255
"""A fill or rule paler than this grey is paper, not ink, when measuring how full a page is."""
SPARSE = 1 / 3
"""A page whose lowest ink sits above this share of its text area is sparse (covers and last pages aside)."""
MIN_DPI = 150
MIN_CONTRAST = 4.5
MIN_CONTRAST_LARGE = 3.0
"""WCAG 2 (1.4.3): large text (18 pt, or 14 pt bold) needs 3:1, other text 4.5:1."""
LARGE_PX, LARGE_BOLD_PX = 24.0, 18.66
LISTS = {"ul": "li", "ol": "li", "dl": "div"}
"""Lists, and the element of each that is one item (a term and its description are grouped in a div)."""
SHORT_LIST = 4
"""A list of this many items or fewer is never split across pages."""
MARGIN_SLACK = 4.0
"""CSS pixels a box may reach into the page's margin before it counts as off the page (a bullet, a hanging mark)."""
TOLERANCE = 1.0
"""CSS pixels a line may pass its box by before it counts as running out (rounding in the engine)."""
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LABELS = HEADINGS | {"th", "caption", "figcaption", "dt", "summary", "legend"}
"""Elements whose text is a heading or a label: never hyphenated."""


@dataclass
class _Walk:
    """Boxes of one page, in document order, each with the elements it sits in."""

    page: Page
    number: int

    @property
    def root(self) -> boxes.Box | None:
        return next((b for b in self.page._page_box.children if not isinstance(b, boxes.MarginBox)), None)

    @property
    def margin_boxes(self) -> list[boxes.Box]:
        return [b for b in self.page._page_box.children if isinstance(b, boxes.MarginBox)]

    def descendants(self, start: boxes.Box | None = None) -> Iterator[tuple[boxes.Box, tuple[boxes.Box, ...]]]:
        stack: list[tuple[boxes.Box, tuple[boxes.Box, ...]]] = []
        first = start if start is not None else self.root
        if first is not None:
            stack.append((first, ()))
        while stack:
            box, ancestors = stack.pop()
            yield box, ancestors
            children = getattr(box, "children", ())
            stack.extend((child, (*ancestors, box)) for child in reversed(children))


@dataclass
class Inspection:
    """The findings of one document, gathered page by page."""

    total: int
    expect: Expect = field(default_factory=Expect)
    findings: list[Finding] = field(default_factory=list)
    _tables: dict[int, list[tuple[int, int, str, frozenset[int], int]]] = field(default_factory=dict)
    """Per table element, for each page it is on: (page, rows of data on it, how its part ends: "heading"
    for a heading row, "one" for a heading row and a single row under it, else "", the row groups
    (tbody elements) with a row of data on it, and the group it ends in)."""
    _table_names: dict[int, str] = field(default_factory=dict)
    _lists: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    """Per list element: (page, items on it) for each page it is on."""
    _list_names: dict[int, str] = field(default_factory=dict)

    def page(self, page: Page, number: int) -> None:
        """Inspect one page (``number`` counts from 1 in the finished document)."""
        walk = _Walk(page, number)
        self._off_page(walk)
        self._sparse(walk)
        self._heading_last(walk)
        self._text(walk)
        self._images(walk)
        self._fragments(walk)

    def finish(self, missing: frozenset[str] = frozenset()) -> list[Finding]:
        """All findings, once every page has been seen (tables and lists span pages)."""
        self._split_tables()
        self._split_lists()
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(missing)[:8])
            self.findings.append(
                Finding(
                    "glyph",
                    None,
                    f"no font has {shown}: they print as empty boxes",
                    "add a font that covers them to the brand's fonts: in brand.yaml, or change the text",
                )
            )
        return sorted(self.findings, key=lambda f: (f.page or 0, CHECKS.index(f.kind), f.what))

    # ------------------------------------------------------------------ off the page

    def _off_page(self, walk: _Walk) -> None:
        """Boxes that reach past the page's margins: what is out there is cut at the paper's edge or lost."""
        page_box = walk.page._page_box
        right = page_box.content_box_x() + page_box.width
        seen: set[int] = set()
        for box, ancestors in walk.descendants():
            if isinstance(box, (boxes.LineBox, boxes.PageBox)) or box.element is None or _in_float(ancestors):
                continue
            width = box.margin_width() if not isinstance(box, boxes.TextBox) else (box.width or 0)
            past = box.position_x + width - right
            if past <= MARGIN_SLACK or id(box.element) in seen or any(id(a.element) in seen for a in ancestors):
                continue
            seen.add(id(box.element))
            self.findings.append(
                Finding(
                    "overflow",
                    walk.number,
                    f"'{_short(_text_of(box)) or box.element_tag}' reaches {past * 25.4 / 96:.0f} mm past "
                    "the page's margin, towards or off the paper's edge",
                    "look for a very long word or URL in the content, or a fixed width in a stylesheet",
                )
            )

    # ------------------------------------------------------------------ sparse pages

    def _sparse(self, walk: _Walk) -> None:
        page_box = walk.page._page_box
        if walk.number > 1 and "cover" in (page_box.page_type.name or ""):
            self.findings.append(
                Finding(
                    "overflow",
                    walk.number,
                    "the cover runs onto another page",
                    "the cover lists too much for one page: shorten its title or subtitle, or override "
                    "templates/blocks/cover.html to list less",
                )
            )
            return
        if walk.number == self.total or _is_cover(page_box, walk.number):
            return
        top, height = page_box.content_box_y(), page_box.height
        lowest = max((_ink_bottom(box) for box, _ in walk.descendants()), default=top)
        fill = max(0.0, (lowest - top) / height) if height else 1.0
        if fill < SPARSE:
            self.findings.append(
                Finding(
                    "sparse",
                    walk.number,
                    f"the page is {fill:.0%} full: {_first_words(walk)} stands almost alone",
                    "let this part flow after what comes before (no page break before it), or give the page more",
                )
            )

    # ------------------------------------------------------------------ stranded headings

    def _heading_last(self, walk: _Walk) -> None:
        if walk.number == self.total:
            return
        lines = [(box, ancestors) for box, ancestors in walk.descendants() if isinstance(box, boxes.LineBox)]
        lines = [(box, ancestors) for box, ancestors in lines if _text_of(box).strip()]
        if not lines:
            return
        last, ancestors = max(lines, key=lambda item: item[0].position_y + item[0].height)
        heading = next((a for a in (*ancestors, last) if a.element_tag in HEADINGS), None)
        if heading is not None and not _in_float(ancestors):
            self.findings.append(
                Finding(
                    "stranded",
                    walk.number,
                    f"the heading '{_short(_text_of(heading))}' is the page's last line",
                    "keep it with what follows: break-after: avoid on it, break-inside: avoid on the next block",
                )
            )

    # ------------------------------------------------------------------ text: hyphens, overflow, contrast, names

    def _text(self, walk: _Walk) -> None:
        page_text: list[str] = []
        seen: set[str] = set()
        for start in [walk.root, *walk.margin_boxes]:
            if start is None:
                continue
            margin = isinstance(start, boxes.MarginBox)
            for box, ancestors in walk.descendants(start):
                if not isinstance(box, boxes.TextBox) or not box.text.strip():
                    continue
                page_text.append(box.text)
                self._hyphen(walk, box, ancestors, margin, seen)
                self._overflow(walk, box, ancestors, seen)
                self._contrast(walk, box, ancestors, seen)
        self._names(walk, " ".join(page_text))

    def _hyphen(
        self, walk: _Walk, box: boxes.TextBox, ancestors: tuple[boxes.Box, ...], margin: bool, seen: set[str]
    ) -> None:
        mark = box.style["hyphenate_character"]
        if not mark or not box.text.endswith(mark) or len(box.text.strip()) <= len(mark):
            return
        word = box.text.split()[-1].replace("\u00ad", "")
        source = "".join(box.element.itertext()) if box.element is not None else ""
        if word.casefold() in source.casefold():
            return  # a hyphen of the text itself ("human-centred"), where a line may break
        label = next((a for a in (*ancestors, box) if a.element_tag in LABELS), None)
        shouting = box.style["text_transform"] == "uppercase" or box.style["font_weight"] >= 600
        if label is None and not margin and not shouting:
            return
        key = f"hyphen {word}"
        if key in seen:
            return
        seen.add(key)
        where = "running header or footer" if margin else (label.element_tag if label is not None else "label")
        soft = "\u00ad" in source
        self.findings.append(
            Finding(
                "hyphen",
                walk.number,
                f"'{word}' is hyphenated in a {_role(where)}",
                "take the soft hyphen out of this text in the content"
                if soft
                else "set hyphens: manual on it, or give it more width; only running text is hyphenated",
            )
        )

    def _overflow(self, walk: _Walk, box: boxes.TextBox, ancestors: tuple[boxes.Box, ...], seen: set[str]) -> None:
        if any((a.element_tag or "").endswith("::marker") for a in ancestors):
            return  # a list's bullet sits outside its item by design
        block = next((a for a in reversed(ancestors) if isinstance(a, boxes.BlockContainerBox)), None)
        if block is None or block.width is None:
            return
        left, right = box.position_x, box.position_x + (box.width or 0)
        edge_left, edge_right = block.content_box_x(), block.content_box_x() + block.width
        past = max(right - edge_right, edge_left - left)
        page_box = walk.page._page_box
        if right > page_box.content_box_x() + page_box.width + MARGIN_SLACK:
            return  # past the page's margin too: said once, as such (see _off_page)
        clipped = _clipped_by(box, ancestors)
        if past <= TOLERANCE and clipped is None:
            return
        key = f"overflow {id((clipped or block).element)}"
        if key in seen:
            return
        seen.add(key)
        if clipped is not None:
            what = f"text '{_short(box.text)}' is cut off by its box, which hides what does not fit"
        else:
            what = f"text '{_short(box.text)}' runs {past * 25.4 / 96:.0f} mm past the edge of its box"
        self.findings.append(
            Finding(
                "overflow",
                walk.number,
                what,
                "shorten the text or give it room; a long unbroken word or URL needs overflow-wrap: anywhere",
            )
        )

    def _contrast(self, walk: _Walk, box: boxes.TextBox, ancestors: tuple[boxes.Box, ...], seen: set[str]) -> None:
        if box.style["visibility"] != "visible":
            return
        background = _background(ancestors, walk.page._page_box)
        if background is None:
            return  # an image behind the text: nothing to measure against
        colour = _blend(_rgba(box.style["color"]), background)
        ratio = _contrast(colour, background)
        size, weight = box.style["font_size"], box.style["font_weight"]
        large = size >= LARGE_PX or (size >= LARGE_BOLD_PX and weight >= 700)
        needed = MIN_CONTRAST_LARGE if large else MIN_CONTRAST
        if ratio >= needed:
            return
        key = f"contrast {_hex(colour)} {_hex(background)}"
        if key in seen:
            return
        seen.add(key)
        self.findings.append(
            Finding(
                "contrast",
                walk.number,
                f"text '{_short(box.text)}' in {_hex(colour)} on {_hex(background)} has a contrast of "
                f"{ratio:.1f}:1, under {needed:g}:1",
                "darken the text colour or lighten its background (brand colours: --text, --muted, --brand-*)",
            )
        )

    def _names(self, walk: _Walk, text: str) -> None:
        text = " ".join(text.split())  # any run of spaces (no-break ones too) is one space
        for name in self.expect.other_names:
            words = r"\s+".join(re.escape(word) for word in name.split())
            if re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE):
                self.findings.append(
                    Finding(
                        "name",
                        walk.number,
                        f"the page names '{name}', not '{self.expect.company}'",
                        "write {organisation} in the content or the recipe's title where the company is meant",
                    )
                )

    # ------------------------------------------------------------------ images

    def _images(self, walk: _Walk) -> None:
        for box, _ in walk.descendants():
            if not isinstance(box, boxes.ReplacedBox) or not isinstance(box.replacement, RasterImage):
                continue
            image = box.replacement
            width_in = (box.width or 0) / 96
            if width_in <= 0:
                continue
            dpi = image.width / width_in
            if dpi < MIN_DPI:
                self.findings.append(
                    Finding(
                        "image",
                        walk.number,
                        f"an image of {image.width} × {image.height} pixels prints at {dpi:.0f} dpi, under {MIN_DPI}",
                        f"use a file of at least {round(MIN_DPI * width_in)} pixels across, or an SVG",
                    )
                )

    # ------------------------------------------------------------------ tables and lists across pages

    def _fragments(self, walk: _Walk) -> None:
        for box, _ in walk.descendants():
            if isinstance(box, boxes.TableBox):
                bodies = [
                    group
                    for group in box.children
                    if isinstance(group, boxes.TableRowGroupBox) and not (group.is_header or group.is_footer)
                ]
                rows = [row for group in bodies for row in group.children]
                groups = frozenset(
                    id(group.element) for group in bodies if any(not _is_heading_row(r) for r in group.children)
                )
                data = [row for row in rows if not _is_heading_row(row)]
                ending = "heading" if rows and _is_heading_row(rows[-1]) else ""
                if len(rows) >= 2 and _is_heading_row(rows[-2]) and not _is_heading_row(rows[-1]):
                    ending = "one"
                last = id(bodies[-1].element) if bodies else 0
                self._tables.setdefault(id(box.element), []).append((walk.number, len(data), ending, groups, last))
                self._table_names.setdefault(id(box.element), _table_name(box))
            elif box.element_tag in LISTS and isinstance(box, boxes.BlockBox):
                items = sum(1 for child in box.children if child.element_tag == LISTS[box.element_tag])
                parts = self._lists.setdefault(id(box.element), [])
                if parts and parts[-1][0] == walk.number:  # another column of the list on the same page
                    parts[-1] = (walk.number, parts[-1][1] + items)
                else:
                    parts.append((walk.number, items))
                self._list_names.setdefault(id(box.element), _short(_text_of(box)))

    def _split_tables(self) -> None:
        for key, parts in self._tables.items():
            if len(parts) < 2:
                continue
            for index, (page, rows, ending, groups, last) in enumerate(parts):
                name = self._table_names[key]
                elsewhere = {group for i, part in enumerate(parts) if i != index for group in part[3]}
                if rows == 1 and groups & elsewhere:  # a row apart from its group (a whole group of one is not)
                    where = "top" if index else "bottom"
                    self.findings.append(
                        Finding(
                            "stranded",
                            page,
                            f"one row of the table {name} stands alone at the {where} of the page",
                            "keep a short table whole with break-inside: avoid, or move the break",
                        )
                    )
                elif ending == "heading" and index < len(parts) - 1:
                    self.findings.append(
                        Finding(
                            "stranded",
                            page,
                            f"a heading row of the table {name} ends the page, its rows on the next",
                            "keep a heading row with its first row: break-after: avoid on the row",
                        )
                    )
                elif ending == "one" and last in elsewhere:
                    self.findings.append(
                        Finding(
                            "stranded",
                            page,
                            f"a heading row of the table {name} ends the page with one row under it",
                            "keep a heading row with its first two rows: break-before: avoid on the second",
                        )
                    )

    def _split_lists(self) -> None:
        """A list split with one item on a side, or a list of four items or fewer split at all."""
        for key, fragments in self._lists.items():
            parts = [(page, items) for page, items in fragments if items]  # a list may start with no item yet
            if len(parts) < 2:
                continue
            total = sum(items for _, items in parts)
            for index, (page, items) in enumerate(parts):
                if items == 1 or total <= SHORT_LIST:
                    where = "top" if index else "bottom"
                    self.findings.append(
                        Finding(
                            "stranded",
                            page,
                            f"{items} of the {total} items of the list '{self._list_names[key]}' stand at the "
                            f"{where} of the page, apart from the rest",
                            "keep a short list whole, and two items together on each side of a break",
                        )
                    )
                    break


def inspect(
    pages: Sequence[tuple[int, Page]], total: int, expect: Expect, missing: frozenset[str] = frozenset()
) -> list[Finding]:
    """The findings on ``pages`` (each with its number in the finished document of ``total`` pages)."""
    inspection = Inspection(total, expect)
    for number, page in pages:
        inspection.page(page, number)
    return inspection.finish(missing)


# ---------------------------------------------------------------------- geometry and colour


def _is_cover(page_box: boxes.PageBox, number: int) -> bool:
    return number == 1 and "cover" in (page_box.page_type.name or "")


def _ink_bottom(box: boxes.Box) -> float:
    """Where the box's visible marks end (its top when it draws nothing)."""
    if isinstance(box, boxes.TextBox):
        return float(box.content_box_y() + (box.height or 0)) if box.text.strip() else 0.0
    if isinstance(box, boxes.ReplacedBox):
        return float(box.content_box_y() + (box.height or 0))
    if isinstance(box, (boxes.PageBox, boxes.MarginBox)) or box.element_tag in ("html", "body"):
        return 0.0
    background = getattr(box, "background", None)
    drawn = background is not None and (_inked(background.color) or any(layer.image for layer in background.layers))
    bordered = any(
        getattr(box, f"border_{side}_width", 0) and _inked(box.style[f"border_{side}_color"])
        for side in ("top", "bottom")
    )
    if drawn or bordered:
        return float(box.border_box_y() + box.border_height())
    return 0.0


def _inked(colour: object) -> bool:
    """A colour that reads as ink on paper, as pagefill counts it: not a pale tint (an empty grey card is blank)."""
    if not hasattr(colour, "alpha"):
        return True  # 'currentcolor': the text's own, which is ink
    red, green, blue, alpha = _rgba(colour)
    grey = 0.299 * red + 0.587 * green + 0.114 * blue
    return alpha > 0.5 and grey < INK


def _in_float(ancestors: tuple[boxes.Box, ...]) -> bool:
    return any(a.is_floated() or a.is_absolutely_positioned() for a in ancestors)


def _clipped_by(box: boxes.TextBox, ancestors: tuple[boxes.Box, ...]) -> boxes.Box | None:
    """The nearest ancestor that hides overflow and does not hold the whole text box."""
    for ancestor in reversed(ancestors):
        if ancestor.style["overflow"] == "visible" or isinstance(ancestor, boxes.PageBox):
            continue
        x, y = ancestor.padding_box_x(), ancestor.padding_box_y()
        right = box.position_x + (box.width or 0)
        inside_x = x - TOLERANCE <= box.position_x and right <= x + ancestor.padding_width() + TOLERANCE
        bottom = box.content_box_y() + (box.height or 0)
        inside_y = y - TOLERANCE <= box.content_box_y() and bottom <= y + ancestor.padding_height() + TOLERANCE
        if not (inside_x and inside_y):
            return ancestor
    return None


RGBA = tuple[float, float, float, float]
RGB = tuple[float, float, float]


def _rgba(colour: object) -> RGBA:
    red, green, blue = colour.to("srgb").coordinates  # type: ignore[attr-defined]
    return (red, green, blue, colour.alpha)  # type: ignore[attr-defined]


def _background(ancestors: tuple[boxes.Box, ...], page_box: boxes.PageBox) -> RGB | None:
    """The colour behind a text box: its nearest painted ancestor's, over the page's, over white.

    None when it cannot be known: an image behind the text, or text in a positioned box with no
    painted ancestor of its own (it may sit over anything drawn before it).
    """
    positioned = next((i for i, a in enumerate(ancestors) if a.is_absolutely_positioned()), None)
    if positioned is not None and not any(
        getattr(a, "background", None) is not None and a.background.color.alpha > 0 for a in ancestors[positioned:]
    ):
        return None
    layers: list[RGBA] = []
    for box in (page_box, *ancestors):
        background = getattr(box, "background", None)
        if background is None:
            continue
        if any(layer.image for layer in background.layers):
            layers = []  # an image: unknown colour under anything drawn above it
            unknown = True
        else:
            unknown = False
        if background.color.alpha > 0:
            layers.append(_rgba(background.color))
        elif unknown:
            return None
    result: RGB = (1.0, 1.0, 1.0)
    for layer in layers:
        result = _blend(layer, result)
    return result


def _blend(top: RGBA, under: RGB) -> RGB:
    alpha = top[3]
    return (
        top[0] * alpha + under[0] * (1 - alpha),
        top[1] * alpha + under[1] * (1 - alpha),
        top[2] * alpha + under[2] * (1 - alpha),
    )


def _luminance(colour: RGB) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(max(0.0, min(1.0, v))) for v in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one: RGB, other: RGB) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(colour: RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, v)) * 255):02x}" for v in colour)


# ---------------------------------------------------------------------- naming what was found


def _text_of(box: boxes.Box) -> str:
    if (box.element_tag or "").endswith("::marker"):
        return ""
    if isinstance(box, boxes.TextBox):
        return str(box.text).replace("\u00ad", "")
    return " ".join(_text_of(child) for child in getattr(box, "children", ())).strip()


def _short(text: str, length: int = 40) -> str:
    text = " ".join(printable(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _first_words(walk: _Walk) -> str:
    for box, _ in walk.descendants():
        if isinstance(box, boxes.TextBox) and box.text.strip():
            return f"'{_short(box.text, 30)}'"
    return "its content"


def _is_heading_row(row: boxes.Box) -> bool:
    cells = [cell for cell in row.children if isinstance(cell, boxes.TableCellBox)]
    return len(cells) == 1 and cells[0].element_tag == "th" and cells[0].colspan > 1


def _table_name(table: boxes.TableBox) -> str:
    for box in boxes_of(table):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            return f"'{_short(box.text, 30)}'"
    return "(empty)"


def boxes_of(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes_of(child)


def _role(tag: str) -> str:
    return {
        "th": "table header",
        "caption": "table caption",
        "figcaption": "caption",
        "dt": "label",
        "summary": "label",
        "legend": "label",
    }.get(tag, "heading" if tag in HEADINGS else tag)
