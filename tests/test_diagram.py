"""Unit tests of ladderpress/diagram.py: the ladder SVG, parsed back as XML.

Ladders are built from inline dicts; every drawing must be well-formed XML with one box
per level, one arrow per ``leads_to`` link, rank running upward, and still so at 20 levels.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from ladderpress.diagram import Palette, TextWidths, describe, ladder_svg
from ladderpress.load import load_ladder
from ladderpress.model import Ladder, Level

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "styles" / "fonts"
FIXTURES = ROOT / "tests" / "fixtures"


def level(level_id: str, rank: int, tracks: tuple[str, ...] = ("ic",), **fields: Any) -> dict[str, Any]:
    return {
        "id": level_id,
        "code": f"L{rank}" if len(tracks) != 1 else f"{tracks[0].upper()}{rank}",
        "title": f"Title {level_id}",
        "short_title": f"T-{level_id}",
        "rank": rank,
        "tracks": list(tracks),
        "scope": "Scope.",
        "description": "Description.",
        "duties": ["Duty"],
        "experience": "Some",
        "time_at_level": "2 years",
        "reports_to": "A lead",
        **fields,
    }


def make_ladder(levels: list[dict[str, Any]], tracks: tuple[str, ...] = ("ic", "m"), **fields: Any) -> Ladder:
    return Ladder.model_validate(
        {
            "title": "Ladder",
            "field": "Product",
            "organisation": "Northwind",
            "introduction": "Hello.",
            "tracks": [{"id": t, "name": f"Track {t}", "short_name": t, "summary": "S."} for t in tracks],
            "levels": levels,
            **fields,
        }
    )


def forked(**moves: list[dict[str, Any]]) -> Ladder:
    """Two shared levels, then a fork into ic3 → ic4 and m3 → m4; ic3 and m3 share band "Grade 3", ic4 and m4
    "Grade 4", so each pair is equivalent. ``moves`` are added to the levels they are keyed by."""
    levels = [
        level("a", 1, ("ic", "m"), leads_to=["b"], band="g1", years=[0, 2]),
        level("b", 2, ("ic", "m"), leads_to=["ic3", "m3"], band="g2", years=[2, 4]),
        level("ic3", 3, ("ic",), leads_to=["ic4"], band="g3", years=[4, 6]),
        level("m3", 3, ("m",), leads_to=["m4"], band="g3", years=[5, 8]),
        level("ic4", 4, ("ic",), band="g4", years=[8, None]),
        level("m4", 4, ("m",), band="g4"),
    ]
    levels = [{**lv, "moves": moves[lv["id"]]} if lv["id"] in moves else lv for lv in levels]
    bands = [{"id": f"g{r}", "name": f"Grade {r}", "rank": r} for r in range(1, 5)]
    return make_ladder(levels, bands=bands)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def boxes(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("rx") == "1.2"]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def arrows(root: ET.Element) -> list[ET.Element]:
    """The shafts of promotion arrows (each has a filled head beside it)."""
    return [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]


def points(text: ET.Element) -> float:
    """A text's size in points (the drawing's unit is the millimetre)."""
    return float(text.get("font-size", 0)) / 0.3528


def of_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == name]


def box_of(root: ET.Element, code: str) -> tuple[float, float]:
    """(centre x, top y) of the one box whose area holds the label ``code``."""
    labels = [t for t in root.iter(f"{SVG}text") if t.text == code]
    assert len(labels) == 1, code
    x, y = float(labels[0].get("x", 0)), float(labels[0].get("y", 0))
    (rect,) = [
        r
        for r in boxes(root)
        if float(r.get("x", 0)) <= x <= float(r.get("x", 0)) + float(r.get("width", 0))
        and float(r.get("y", 0)) <= y <= float(r.get("y", 0)) + float(r.get("height", 0))
    ]
    return float(rect.get("x", 0)) + float(rect.get("width", 0)) / 2, float(rect.get("y", 0))


# --------------------------------------------------------------------------- structure


def test_the_drawing_is_well_formed_svg_with_one_box_per_level() -> None:
    root = parse(ladder_svg(forked()))
    assert root.get("role") == "img" and root.get("class") == "ladder-diagram"
    assert root.get("width") == "170.0mm"
    assert len(boxes(root)) == 6
    shown = texts(root)
    for code in ("L1", "L2", "IC3", "M3", "IC4", "M4"):
        assert shown.count(code) == 1
    for title in ("T-a", "T-b", "T-ic3", "T-m3", "T-ic4", "T-m4"):
        assert title in shown


def test_one_arrow_per_leads_to_link_and_a_line_per_equivalence() -> None:
    root = parse(ladder_svg(forked()))
    assert len(arrows(root)) == 5  # a→b, b→ic3, b→m3, ic3→ic4, m3→m4
    heads = [p for p in root.iter(f"{SVG}path") if p.get("fill") != "none" and p.get("class") != "legend"]
    assert len(heads) == len(arrows(root))
    dashed = [
        line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") and line.get("class") != "legend"
    ]
    assert len(dashed) == 2  # ic3 and m3 in band b3, ic4 and m4 in band b4
    assert of_class(root, "equivalent") == dashed


def test_rank_runs_upward_and_equal_ranks_share_a_row() -> None:
    root = parse(ladder_svg(forked()))
    (_, a_y), (_, b_y), (_, ic3_y), (_, m3_y), (_, ic4_y) = (box_of(root, c) for c in ("L1", "L2", "IC3", "M3", "IC4"))
    assert a_y > b_y > ic3_y > ic4_y
    assert ic3_y == m3_y


def test_shared_levels_sit_between_their_tracks_columns() -> None:
    root = parse(ladder_svg(forked()))
    ic_x, _ = box_of(root, "IC3")
    m_x, _ = box_of(root, "M3")
    shared_x, _ = box_of(root, "L2")
    assert ic_x < shared_x < m_x
    assert shared_x == pytest.approx((ic_x + m_x) / 2, abs=0.02)


def test_track_headers_and_the_years_axis() -> None:
    shown = texts(parse(ladder_svg(forked())))
    assert "IC" in shown and "M" in shown
    assert {"0–2 yrs", "2–4 yrs", "8+ yrs"} <= set(shown)
    assert "4–8 yrs" in shown  # ic3 (4–6) and m3 (5–8) share a row: the span of both
    one_track = make_ladder([level("a", 1), level("b", 2)], tracks=("ic",))
    assert not any(t.endswith("yrs") for t in texts(parse(ladder_svg(one_track))))


def test_a_text_alternative_describes_the_structure() -> None:
    root = parse(ladder_svg(forked()))
    label = root.get("aria-label") or ""
    assert label.startswith("Career ladder of 6 levels in 2 tracks. Shared levels, junior first: T-a (L1), T-b (L2).")
    assert "Track ic track: T-ic3 (IC3), T-ic4 (IC4)." in label
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == label
    assert describe(forked(), forked().ranked_levels(), list(forked().tracks), None) == label


# --------------------------------------------------------------------------- bands, moves by kind, families


def test_band_names_label_the_rows_with_the_years_under_them_where_there_is_room() -> None:
    root = parse(ladder_svg(forked()))
    shown = texts(root)
    assert {"Grade 1", "Grade 2", "Grade 3", "Grade 4"} <= set(shown)
    assert {"0–2 yrs", "2–4 yrs", "4–8 yrs", "8+ yrs"} <= set(shown)
    # each band name sits on its row, level with the row's boxes
    labels = {t.text: float(t.get("y", 0)) for t in root.iter(f"{SVG}text")}
    for band, code in (("Grade 1", "L1"), ("Grade 3", "IC3"), ("Grade 4", "M4")):
        _, top = box_of(root, code)
        assert top < labels[band] < top + 9

    small = texts(parse(ladder_svg(forked(), labels="code", width=56, row_height=8)))
    assert "Grade 3" in small and not any(t.endswith("yrs") for t in small)  # two lines do not fit a small row


def test_band_names_too_long_for_a_small_drawing_give_way_to_the_years_or_to_no_axis() -> None:
    ladder = forked()
    long = [
        band.model_copy(update={"name": f"Senior individual contributor grade {band.rank}"}) for band in ladder.bands
    ]
    ladder = ladder.model_copy(update={"bands": long})
    root = parse(ladder_svg(ladder, labels="code", width=56, row_height=8))
    assert not any(t.startswith("Senior individual") for t in texts(root))
    assert "8+ yrs" in texts(root)
    assert any(t.startswith("Senior individual") for t in texts(parse(ladder_svg(ladder, width=300))))

    no_years = ladder.model_copy(update={"levels": [lv.model_copy(update={"years": None}) for lv in ladder.levels]})
    root = parse(ladder_svg(no_years, labels="code", width=56, row_height=8))
    assert not list(root.iter(f"{SVG}circle"))  # no axis at all, rather than one crowding out the boxes
    assert len(boxes(root)) == 6 and not any(t.startswith("Senior") for t in texts(root))


def test_a_transfer_is_a_dashed_connector_with_a_head_at_each_end_and_never_a_promotion_arrow() -> None:
    plain = parse(ladder_svg(forked()))
    ladder = forked(ic4=[{"to": "m4", "kind": "transfer"}], m4=[{"to": "ic4", "kind": "transfer"}])
    root = parse(ladder_svg(ladder))
    (connector,) = of_class(root, "transfer")
    assert connector.tag == f"{SVG}line" and connector.get("stroke-dasharray")
    assert len(of_class(root, "transfer-head")) == 2  # one connector, a head at both ends
    # promotions are unchanged: the same five arrows, solid, as without the transfer
    assert len(arrows(root)) == len(arrows(plain)) == 5
    assert [a.get("d") for a in arrows(root)] == [a.get("d") for a in arrows(plain)]
    assert not any(a.get("stroke-dasharray") for a in arrows(root))
    assert all(a.get("class") == "promotion" for a in arrows(root))
    # the connector joins the two boxes' facing edges at mid-height
    ic4_x, ic4_y = box_of(root, "IC4")
    m4_x, _ = box_of(root, "M4")
    (ic4_box,) = [r for r in boxes(root) if float(r.get("y", 0)) == ic4_y and float(r.get("x", 0)) < ic4_x]
    half_w, half_h = float(ic4_box.get("width", 0)) / 2, float(ic4_box.get("height", 0)) / 2
    heads = [p.get("d", "") for p in of_class(root, "transfer-head")]
    tips = sorted(float(d.split(" L")[1].split(",")[0]) for d in heads)
    assert tips == [pytest.approx(ic4_x + half_w, abs=0.01), pytest.approx(m4_x - half_w, abs=0.01)]
    assert float(connector.get("y1", 0)) == pytest.approx(ic4_y + half_h, abs=0.01)
    assert ic4_x + half_w < float(connector.get("x1", 0)) < float(connector.get("x2", 0)) < m4_x - half_w


def test_a_one_way_transfer_has_one_head_at_the_level_it_leads_to() -> None:
    root = parse(ladder_svg(forked(m4=[{"to": "ic4", "kind": "transfer"}])))
    assert len(of_class(root, "transfer")) == 1
    (head,) = of_class(root, "transfer-head")
    ic4_x, _ = box_of(root, "IC4")
    m4_x, _ = box_of(root, "M4")
    tip = float(head.get("d", "").split(" L")[1].split(",")[0])
    assert abs(tip - ic4_x) < abs(tip - m4_x)
    assert "Transfer from T-m4 (M4) to T-ic4 (IC4)." in (root.get("aria-label") or "")


def test_a_transfer_replaces_the_equivalence_line_of_its_pair() -> None:
    root = parse(ladder_svg(forked(ic4=[{"to": "m4", "kind": "transfer"}])))
    assert len(of_class(root, "equivalent")) == 1  # ic3–m3 still; ic4–m4 is the transfer's alone
    (line,) = of_class(root, "equivalent")
    _, ic3_y = box_of(root, "IC3")
    assert float(line.get("y1", 0)) > ic3_y and float(line.get("y1", 0)) < ic3_y + 9
    dashed = [e for e in root.iter() if e.get("stroke-dasharray") and e.get("class") != "legend"]
    assert len(dashed) == 2


def test_a_level_reached_only_by_a_transfer_is_joined_to_the_drawing_by_it() -> None:
    levels = [
        level("a", 1, ("ic", "m"), leads_to=["b"], band="g1"),
        level("b", 2, ("ic",), band="g2", moves=[{"to": "c", "kind": "transfer"}]),
        level("c", 2, ("m",), band="g2"),
    ]
    ladder = make_ladder(levels, bands=[{"id": f"g{r}", "name": f"Grade {r}", "rank": r} for r in (1, 2)])
    root = parse(ladder_svg(ladder))
    assert len(arrows(root)) == 1 and len(of_class(root, "transfer")) == 1
    assert "Transfer" in texts(root)  # the legend says what the dashed connector is
    assert len(of_class(root, "transfer-head")) == 1


def test_moves_out_of_the_ladder_are_not_drawn() -> None:
    out = forked(ic4=[{"role": "Product marketing"}], m4=[{"role": "Chief of staff", "summary": "Away."}])
    assert str(ladder_svg(out)) == str(ladder_svg(forked()))
    assert "Product marketing" not in ladder_svg(out)


def test_promotions_written_as_moves_are_arrows_and_next_steps() -> None:
    ladder = forked(ic4=[{"to": "m4", "kind": "transfer"}], ic3=[{"to": "m4", "kind": "promotion"}])
    root = parse(ladder_svg(ladder, highlight=ladder.level("ic3")))
    assert len(arrows(root)) == 6
    assert len([r for r in boxes(root) if r.get("stroke") == Palette().accent]) == 2  # ic4 and m4
    assert {"You are here", "Next step", "Transfer"} <= set(texts(root))


def families_ladder() -> Ladder:
    """Three tracks, listed ic, m, d: ic and d of family "Product", m of "Engineering"."""
    tracks = [
        {"id": "ic", "name": "IC", "short_name": "IC", "summary": "S.", "family": "product"},
        {"id": "m", "name": "Eng", "short_name": "Eng", "summary": "S.", "family": "engineering"},
        {"id": "d", "name": "Design", "short_name": "Des", "summary": "S.", "family": "product"},
    ]
    levels = [level("p1", 1, ("ic",), leads_to=["p2"]), level("p2", 2, ("ic",)), level("e1", 1, ("m",))]
    levels.append(level("d1", 1, ("d",)))
    families = [{"id": "product", "name": "Product"}, {"id": "engineering", "name": "Engineering"}]
    base = make_ladder(levels[:2], tracks=("ic",)).model_dump()
    return Ladder.model_validate({**base, "tracks": tracks, "levels": levels, "families": families})


def test_tracks_are_grouped_by_family_under_the_family_name() -> None:
    root = parse(ladder_svg(families_ladder()))
    labels = {t.text: (float(t.get("x", 0)), float(t.get("y", 0))) for t in root.iter(f"{SVG}text")}
    assert {"Product", "Engineering", "IC", "ENG", "DES"} <= set(labels)
    assert labels["Product"][1] < labels["IC"][1]  # the family's name above its tracks
    assert labels["IC"][0] < labels["DES"][0] < labels["ENG"][0]  # design moves next to IC, its family
    assert labels["IC"][0] < labels["Product"][0] < labels["DES"][0]  # centred over its two tracks
    one_family = families_ladder()
    shown = [one_family.level("p1"), one_family.level("d1")]
    assert "Product" not in texts(parse(ladder_svg(one_family, shown)))  # one family drawn: no family row


# --------------------------------------------------------------------------- highlight, selection, palette


def test_a_highlighted_level_and_its_next_steps_are_marked() -> None:
    ladder = forked()
    palette = Palette()
    root = parse(ladder_svg(ladder, highlight=ladder.level("b")))
    filled = [r for r in boxes(root) if r.get("fill") == palette.primary]
    assert len(filled) == 1
    next_steps = [r for r in boxes(root) if r.get("stroke") == palette.accent]
    assert len(next_steps) == 2
    assert "You are here" in texts(root) and "Next step" in texts(root)
    assert (root.get("aria-label") or "").endswith("You are here: T-b (L2).")
    top = parse(ladder_svg(ladder, highlight=ladder.level("ic4")))
    assert "You are here" in texts(top) and "Next step" not in texts(top)
    assert {"Promotion", "Same band"} <= set(texts(top))  # and every kind of line drawn
    assert not {"Promotion", "Same band"} & set(texts(parse(ladder_svg(ladder))))  # unmarked: no key at all
    assert float(top.get("height", "0").removesuffix("mm")) > float(
        parse(ladder_svg(ladder)).get("height", "0").removesuffix("mm")
    )
    moved = forked(ic4=[{"to": "m4", "kind": "transfer"}])
    assert {"Promotion", "Transfer", "Same band"} <= set(texts(parse(ladder_svg(moved))))  # a transfer needs one


def test_only_the_selected_levels_are_drawn() -> None:
    ladder = forked()
    root = parse(ladder_svg(ladder, [ladder.level("a"), ladder.level("b"), ladder.level("ic3")]))
    assert len(boxes(root)) == 3
    assert len(arrows(root)) == 2
    assert "M3" not in texts(root)
    assert ladder_svg(ladder, []) == ""


def test_a_palette_colours_the_drawing() -> None:
    palette = Palette(primary="#14532d", accent="#b45309", font="lp-brand-body, sans-serif")
    ladder = forked()
    svg = ladder_svg(ladder, highlight=ladder.level("a"), palette=palette)
    root = parse(svg)
    assert root.get("font-family") == "lp-brand-body, sans-serif"
    assert any(r.get("fill") == "#14532d" for r in boxes(root))
    assert "#1c2f4a" not in svg  # the default primary is gone


def test_text_from_content_is_escaped() -> None:
    ladder = make_ladder([level("a", 1, code="<b>&", short_title='"Lead" & <i>co</i>'), level("b", 2)], tracks=("ic",))
    svg = ladder_svg(ladder, highlight=ladder.level("a"))
    root = parse(svg)
    assert "<b>" not in svg and "<i>" not in svg
    assert "<b>&" in texts(root)
    assert '"Lead" & <i>co</i>' in texts(root)
    assert "You are here: &quot;Lead&quot; &amp; &lt;i&gt;co&lt;/i&gt; (&lt;b&gt;&amp;)." in svg


def test_code_labels_only() -> None:
    ladder = forked()
    shown = texts(parse(ladder_svg(ladder, labels="code", width=60)))
    assert "IC3" in shown and "T-b" not in shown and "T-ic3" not in shown


# --------------------------------------------------------------------------- scale


def twenty() -> Ladder:
    """Four shared levels, then eight on each of two tracks: 20 levels, 12 ranks."""
    levels = [level(f"s{r}", r, ("ic", "m"), leads_to=[f"s{r + 1}"] if r < 4 else ["ic5", "m5"]) for r in range(1, 5)]
    for track in ("ic", "m"):
        levels += [
            level(f"{track}{r}", r, (track,), leads_to=[f"{track}{r + 1}"] if r < 12 else [], years=[r, r + 2])
            for r in range(5, 13)
        ]
    return make_ladder(levels)


def test_twenty_levels_are_drawn_whole() -> None:
    ladder = twenty()
    assert len(ladder.levels) == 20
    root = parse(ladder_svg(ladder))
    assert len(boxes(root)) == 20
    assert len(arrows(root)) == 3 + 2 + 7 * 2
    height = float(root.get("height", "0").removesuffix("mm"))
    assert height == pytest.approx(7 + 12 * 13 + 1, abs=0.1)


def test_a_long_ladder_shrinks_to_fit_and_drops_to_code_labels() -> None:
    ladder = twenty()
    root = parse(ladder_svg(ladder, max_height=100))
    assert float(root.get("height", "0").removesuffix("mm")) <= 100
    assert len(boxes(root)) == 20
    assert "T-s1" not in texts(root) and "IC12" in texts(root)  # short titles are dropped below 10 mm rows
    for rect in boxes(root):
        assert float(rect.get("width", 0)) > 0 and float(rect.get("height", 0)) > 0


def test_boxes_never_overlap_at_twenty_levels() -> None:
    root = parse(ladder_svg(twenty(), width=80, highlight=twenty().level("ic7")))
    rects = [
        (float(r.get("x", 0)), float(r.get("y", 0)), float(r.get("width", 0)), float(r.get("height", 0)))
        for r in boxes(root)
    ]
    assert len(rects) == 20
    for i, (x, y, w, h) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


# --------------------------------------------------------------------------- label widths


def test_label_widths_come_from_the_font_file() -> None:
    measured = TextWidths({400: FONTS / "Inter-Regular.otf", 700: FONTS / "Inter-Bold.otf"})
    average = TextWidths({})
    assert measured.width("WWW", 10, 400) > measured.width("iii", 10, 400)
    assert average.width("WWW", 10, 400) == average.width("iii", 10, 400) == pytest.approx(3 * 0.55 * 10 * 0.3528)
    assert measured.width("Label", 10, 700) > measured.width("Label", 10, 400)
    assert measured.width("Label", 20, 400) == pytest.approx(2 * measured.width("Label", 10, 400))


def test_a_file_that_is_not_a_font_falls_back_to_average_widths(tmp_path: Path) -> None:
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"not a font")
    assert TextWidths({400: broken}).width("abc", 10, 400) == TextWidths({}).width("abc", 10, 400)


# --------------------------------------------------------------------------- geometry on the fixture ladders

MEASURED = TextWidths(
    {
        400: FONTS / "Inter-Regular.otf",
        500: FONTS / "Inter-Medium.otf",
        600: FONTS / "Inter-SemiBold.otf",
        700: FONTS / "Inter-Bold.otf",
    }
)
SIZES: dict[str, dict[str, Any]] = {
    "overview": {"width": 174, "row_height": 16, "max_height": 150},
    "one-pager": {"width": 72, "row_height": 11.5, "max_height": 120},
    "you are here": {"width": 52, "row_height": 7, "labels": "code", "max_height": 80},
    "you are here, roomier": {"width": 56, "row_height": 8, "labels": "code", "max_height": 110},
    "onboarding": {"width": 174, "row_height": 17, "max_height": 200},
    "harbor cover": {"width": 150, "row_height": 13, "max_height": 120},
}
"""The sizes the templates draw the diagram at: the handbook's overview, a one-pager's, a level chapter's
(and as it was before it was made smaller), an onboarding packet's and the harbor brand's cover."""
LADDERS = ("default", "ft", "snowflake", "monzo", "engineering")

Point = tuple[float, float]
Segment = tuple[Point, Point]


def ladder_named(name: str) -> Ladder:
    folder = ROOT if name == "default" else FIXTURES / name
    ladder, problems, _ = load_ladder(folder / "content", folder)
    assert ladder is not None and not problems
    return ladder


def drawings(ladder: Ladder) -> list[tuple[str, list[Level] | None, Level | None, ET.Element]]:
    """The whole ladder and each track's levels (as a track book draws them) at every size, once with the
    top level marked: (what, levels drawn, level marked, drawing)."""
    found = []
    selections: list[tuple[str, list[Level] | None]] = [("all", None)]
    selections += [(f"track {t.id}", ladder.levels_in(t.id)) for t in ladder.tracks]
    for what, levels in selections:
        shown = levels if levels is not None else ladder.ranked_levels()
        for size, options in SIZES.items():
            for marked in (None, shown[-1]):
                svg = ladder_svg(ladder, levels, highlight=marked, widths=MEASURED, **options)
                found.append((f"{what}, {size}", levels, marked, parse(svg)))
    return found


def rect_of(element: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a rect."""
    x, y = float(element.get("x", 0)), float(element.get("y", 0))
    return x, y, x + float(element.get("width", 0)), y + float(element.get("height", 0))


def level_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    return {r.get("data-level", ""): rect_of(r) for r in boxes(root)}


def text_box(text: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, baseline) of a label, measured as the drawing measures it."""
    size_pt = float(text.get("font-size", 0)) / 0.3528
    x, y = float(text.get("x", 0)), float(text.get("y", 0))
    width = MEASURED.width(text.text or "", size_pt, int(text.get("font-weight", 400)))
    return x, y - 0.727 * size_pt * 0.3528, x + width, y


def points_of(element: ET.Element) -> list[Point]:
    """The points of a line, or of a path of absolute M, L, H and V commands."""
    if element.tag == f"{SVG}line":
        return [(float(element.get(f"x{k}", 0)), float(element.get(f"y{k}", 0))) for k in (1, 2)]
    found: list[Point] = []
    for command, value in re.findall(r"([MLHV])\s*([-\d.]+(?:,[-\d.]+)?)", element.get("d", "")):
        x, y = found[-1] if found else (0.0, 0.0)
        if command == "H":
            found.append((float(value), y))
        elif command == "V":
            found.append((x, float(value)))
        else:
            px, py = value.split(",")
            found.append((float(px), float(py)))
    return found


def segments_of(element: ET.Element) -> list[Segment]:
    found = points_of(element)
    return list(pairwise(found))


def connectors(root: ET.Element) -> list[ET.Element]:
    """Every line that joins two boxes: promotions, transfers and equivalences, one element each."""
    return [e for e in root.iter() if e.get("class") in ("promotion", "transfer", "equivalent")]


def share_a_segment(p: Segment, q: Segment, tolerance: float = 0.3) -> bool:
    """Whether two segments run along each other (parallel, closer than ``tolerance``) for more than a point."""
    (ax, ay), (bx, by) = p
    dx, dy = bx - ax, by - ay
    length = (dx * dx + dy * dy) ** 0.5
    if length < 1e-6:
        return False
    ux, uy = dx / length, dy / length
    (cx, cy), (ex, ey) = q
    across = [abs((x - ax) * uy - (y - ay) * ux) for x, y in ((cx, cy), (ex, ey))]
    if max(across) > tolerance:
        return False
    along = sorted((x - ax) * ux + (y - ay) * uy for x, y in ((cx, cy), (ex, ey)))
    return min(along[1], length) - max(along[0], 0.0) > 0.1


def touches(point: Point, segment: Segment, tolerance: float = 0.2) -> bool:
    (ax, ay), (bx, by) = segment
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy or 1e-9
    t = max(0.0, min(1.0, ((point[0] - ax) * dx + (point[1] - ay) * dy) / length2))
    return ((ax + t * dx - point[0]) ** 2 + (ay + t * dy - point[1]) ** 2) ** 0.5 < tolerance


def on_edge(point: Point, box: tuple[float, float, float, float], side: str) -> bool:
    """Whether a point lies on a box's top or bottom side (or, for "side", its left or right side)."""
    left, top, right, bottom = box
    x, y = point
    if side in ("top", "bottom"):
        return left - 0.01 <= x <= right + 0.01 and abs(y - (top if side == "top" else bottom)) < 0.02
    return top - 0.01 <= y <= bottom + 0.01 and min(abs(x - left), abs(x - right)) < 0.02


def tips(root: ET.Element, kind: str) -> list[Point]:
    """Where each arrowhead of ``kind`` points: the middle point of its path."""
    return [points_of(head)[1] for head in of_class(root, f"{kind}-head")]


@pytest.mark.parametrize("name", LADDERS)
def test_track_headers_never_overlap_and_stay_over_their_columns(name: str) -> None:
    ladder = ladder_named(name)
    for what, _, _, root in drawings(ladder):
        width = float(root.get("width", "0").removesuffix("mm"))
        headers = [text_box(t) for t in of_class(root, "track-name") + of_class(root, "family-name")]
        for i, (left, top, right, bottom) in enumerate(headers):
            assert left >= 0 and right <= width, what
            for left2, top2, right2, bottom2 in headers[i + 1 :]:
                apart = right + 0.5 <= left2 or right2 + 0.5 <= left or bottom <= top2 or bottom2 <= top
                assert apart, f"{what}: headers overlap"


@pytest.mark.parametrize("name", LADDERS)
def test_every_label_stays_inside_its_box(name: str) -> None:
    ladder = ladder_named(name)
    for what, _, _, root in drawings(ladder):
        rects = list(level_boxes(root).values())
        for text in root.iter(f"{SVG}text"):
            left, top, right, baseline = text_box(text)
            inside = [r for r in rects if r[0] <= (left + right) / 2 <= r[2] and r[1] <= baseline <= r[3]]
            if inside:  # a box's label, not a header, an axis label or the legend
                box_left, box_top, box_right, _ = inside[0]
                assert box_left < left and right < box_right, f"{what}: {text.text!r} spills out of its box"
                assert box_top < top, f"{what}: {text.text!r} spills out of its box"


@pytest.mark.parametrize("name", LADDERS)
def test_no_two_connectors_share_a_segment(name: str) -> None:
    ladder = ladder_named(name)
    for what, _, _, root in drawings(ladder):
        drawn = [segments_of(c) for c in connectors(root)]
        for i, mine in enumerate(drawn):
            for theirs in drawn[i + 1 :]:
                assert not any(share_a_segment(p, q) for p in mine for q in theirs), f"{what}: a segment is shared"
                # nor does one turn where it meets another, which would read as a branch of it
                for one, other in ((mine, theirs), (theirs, mine)):
                    bends = [end for _, end in one[:-1]]
                    assert not any(touches(b, s) for b in bends for s in other), f"{what}: a turn meets a line"


@pytest.mark.parametrize("name", LADDERS)
def test_every_reachable_level_shows_the_connector_that_reaches_it(name: str) -> None:
    ladder = ladder_named(name)
    for what, levels, _, root in drawings(ladder):
        shown = {lv.id for lv in (levels if levels is not None else ladder.levels)}
        rects = level_boxes(root)
        assert set(rects) == shown, what
        shafts = [points_of(p) for p in of_class(root, "promotion")]
        arrow_tips = tips(root, "promotion")
        for level in ladder.levels:
            for move in ladder.moves_from(level):
                if level.id not in shown or move.to not in shown or move.kind not in ("promotion", "transfer"):
                    continue
                target = rects[move.to]
                if move.kind == "promotion":
                    assert any(on_edge(tip, target, "bottom") for tip in arrow_tips), f"{what}: no arrow into {move.to}"
                    assert any(
                        on_edge(shaft[0], rects[level.id], "top")
                        and target[0] <= shaft[-1][0] <= target[2]
                        and 0 < shaft[-1][1] - target[3] <= 1.5
                        for shaft in shafts
                    ), f"{what}: no arrow from {level.id} to {move.to}"
                else:
                    assert any(
                        on_edge(tip, target, side)
                        for tip in tips(root, "transfer")
                        for side in ("top", "bottom", "side")
                    ), f"{what}: no transfer into {move.to}"


@pytest.mark.parametrize("name", LADDERS)
def test_a_track_book_draws_its_track_alone_with_the_trunk_it_grows_from(name: str) -> None:
    ladder = ladder_named(name)
    for track in ladder.tracks:
        levels = ladder.levels_in(track.id)
        for size, options in SIZES.items():
            root = parse(ladder_svg(ladder, levels, widths=MEASURED, **options))
            xs = {round((left + right) / 2, 2) for left, _, right, _ in level_boxes(root).values()}
            assert len(xs) == 1, f"{track.id}, {size}: the levels of one track sit in one column"
            assert not of_class(root, "track-name")  # no header for a column with nothing under it
            assert "in 1 track." in (root.get("aria-label") or "")


def test_a_drawing_has_no_empty_column() -> None:
    for name in LADDERS:
        ladder = ladder_named(name)
        for what, _, _, root in drawings(ladder):
            columns = [(text_box(t)[0] + text_box(t)[2]) / 2 for t in of_class(root, "track-name")]
            if len(columns) < 2:
                continue
            half = (columns[1] - columns[0]) / 2
            centres = [(left + right) / 2 for left, _, right, _ in level_boxes(root).values()]
            for x in columns:
                assert any(abs(c - x) < half for c in centres), f"{name}, {what}: an empty column"


def four_tracks(**moves: list[dict[str, Any]]) -> Ladder:
    """Four tracks with long names and long titles, after a shared trunk; the four levels of rank 3 share a band."""
    names = {"dev": "Developer", "lead": "Tech Lead", "em": "Engineering Manager", "arch": "Solutions Architect"}
    bands = [{"id": f"g{r}", "name": f"Grade {r}", "rank": r} for r in (1, 2, 3, 4)]
    levels = [
        level("a", 1, tuple(names), leads_to=["b"], band="g1", short_title="Associate Software Developer"),
        level("b", 2, tuple(names), leads_to=[f"{t}3" for t in names], band="g2", short_title="Software Developer"),
    ]
    for t, title in names.items():
        levels.append(level(f"{t}3", 3, (t,), band="g3", short_title=f"Senior {title}", leads_to=[f"{t}4"]))
        levels.append(level(f"{t}4", 4, (t,), band="g4", short_title=f"Principal {title}"))
    levels = [{**lv, "moves": moves[lv["id"]]} if lv["id"] in moves else lv for lv in levels]
    base = make_ladder(levels, tracks=tuple(names), bands=bands).model_dump()
    tracks = [{"id": t, "name": title, "short_name": title, "summary": "S."} for t, title in names.items()]
    return Ladder.model_validate({**base, "tracks": tracks})


@pytest.mark.parametrize("size", SIZES)
def test_four_long_track_names_fit_their_columns(size: str) -> None:
    ladder = four_tracks()
    root = parse(ladder_svg(ladder, highlight=ladder.level("b"), widths=MEASURED, **SIZES[size]))
    headers = sorted((text_box(t) for t in of_class(root, "track-name")), key=lambda b: (b[3], b[0]))
    assert headers
    for i, (left, top, right, bottom) in enumerate(headers):
        for left2, top2, right2, bottom2 in headers[i + 1 :]:
            assert right + 0.5 <= left2 or right2 + 0.5 <= left or bottom <= top2 or bottom2 <= top
    rects = list(level_boxes(root).values())
    for text in root.iter(f"{SVG}text"):
        left, top, right, baseline = text_box(text)
        for box_left, box_top, box_right, box_bottom in rects:
            if box_left <= (left + right) / 2 <= box_right and box_top <= baseline <= box_bottom:
                assert box_left < left and right < box_right and box_top < top


def test_a_long_name_is_wrapped_before_it_is_made_tiny() -> None:
    ladder = four_tracks()
    root = parse(ladder_svg(ladder, widths=MEASURED, **SIZES["one-pager"]))
    names = of_class(root, "track-name")
    assert min(points(t) for t in names) >= 6.5  # never below 6.5 pt
    assert len(names) > 4  # "Engineering Manager" takes two lines
    assert not any((t.text or "").endswith("…") for t in names)
    # four columns of 12.5 mm: names as written, since in capitals they would have to be cut short, on
    # two lines where they must, and one that does not fit even so abbreviated rather than made smaller
    small = of_class(parse(ladder_svg(ladder, widths=MEASURED, **SIZES["you are here"])), "track-name")
    assert {"Developer", "Tech", "Lead", "Eng. Mgr", "Solutions", "Architect"} == {t.text for t in small}
    assert min(points(t) for t in small) >= 6.5


def test_titles_that_would_be_cut_short_give_way_to_codes() -> None:
    ladder = four_tracks()
    shown = texts(parse(ladder_svg(ladder, widths=MEASURED, **SIZES["one-pager"])))
    assert "DEV4" in shown and not any(t.startswith("Principal") for t in shown)
    assert "Principal Developer" in texts(parse(ladder_svg(ladder, widths=MEASURED, **SIZES["overview"])))


def test_a_transfer_past_a_box_goes_around_it_rather_than_under_it() -> None:
    ladder = four_tracks(dev3=[{"to": "em3", "kind": "transfer"}])
    root = parse(ladder_svg(ladder, widths=MEASURED))
    (connector,) = of_class(root, "transfer")
    rects = level_boxes(root)
    start = points_of(connector)[0]
    assert on_edge(start, rects["dev3"], "top")
    (tip,) = tips(root, "transfer")
    assert on_edge(tip, rects["em3"], "top")
    lead = rects["lead3"]
    for (x1, y1), (x2, y2) in segments_of(connector):  # nothing runs through the box between
        assert max(y1, y2) <= lead[1] or min(x1, x2) >= lead[2] or max(x1, x2) <= lead[0]


def test_crossing_promotions_each_keep_a_run_of_their_own() -> None:
    """a → d and b → c cross over; with their runs on one line a reader could not tell which goes where."""
    levels = [
        level("a", 1, ("ic",), leads_to=["d"]),
        level("b", 1, ("m",), leads_to=["c"]),
        level("c", 2, ("ic",)),
        level("d", 2, ("m",)),
    ]
    ladder = make_ladder(levels)
    for options in SIZES.values():
        root = parse(ladder_svg(ladder, widths=MEASURED, **options))
        first, second = (segments_of(p) for p in of_class(root, "promotion"))
        assert not any(share_a_segment(p, q) for p in first for q in second)
        runs = [y1 for (_, y1), (_, y2) in first + second if abs(y1 - y2) < 1e-6]
        assert len(set(runs)) == 2  # two lanes


def test_a_fork_leaves_its_box_by_two_ports() -> None:
    root = parse(ladder_svg(forked(), widths=MEASURED))
    rects = level_boxes(root)
    starts = [points_of(p)[0] for p in of_class(root, "promotion") if on_edge(points_of(p)[0], rects["b"], "top")]
    assert len(starts) == 2 and abs(starts[0][0] - starts[1][0]) >= 1.0


# --------------------------------------------------------------------------- what a print designer checks


def side_by_side_transfers(root: ET.Element) -> list[tuple[float, float]]:
    """Each transfer between two boxes of one row: (the gap between the boxes, the length of its dashes)."""
    rects = list(level_boxes(root).values())
    found = []
    for connector in of_class(root, "transfer"):
        (x1, y1), (x2, y2) = points_of(connector)[0], points_of(connector)[-1]
        if connector.tag != f"{SVG}line" or abs(y1 - y2) > 0.01:
            continue  # one box over the other, or taken around a box between
        row = [r for r in rects if r[1] <= y1 <= r[3]]
        left = max((r for r in row if r[2] <= min(x1, x2) + 0.01), key=lambda r: r[2])
        right = min((r for r in row if r[0] >= max(x1, x2) - 0.01), key=lambda r: r[0])
        found.append((right[0] - left[2], abs(x2 - x1)))
    return found


@pytest.mark.parametrize("name", LADDERS)
def test_a_transfer_between_neighbours_shows_its_dashes(name: str) -> None:
    """Boxes a transfer joins stand 8 mm apart where the width allows, and never so close that the connector
    is no more than its two heads: 5 mm at least, with at least 2.5 mm of dashes between the heads."""
    ladder = ladder_named(name)
    for what, _, _, root in drawings(ladder):
        for gap, dashes in side_by_side_transfers(root):
            assert gap >= 5.0 and dashes >= 2.5, f"{what}: boxes {gap:.2f} mm apart, {dashes:.2f} mm of dashes"
            if name == "default" or "you are here" not in what:  # ft's codeless titles need the room
                assert gap >= 7.99, f"{what}: boxes only {gap:.2f} mm apart"


@pytest.mark.parametrize("size", SIZES)
def test_the_boxes_of_a_transfer_stand_apart_at_every_size(size: str) -> None:
    ladder = forked(ic4=[{"to": "m4", "kind": "transfer"}], m4=[{"to": "ic4", "kind": "transfer"}])
    root = parse(ladder_svg(ladder, highlight=ladder.level("ic3"), widths=MEASURED, **SIZES[size]))
    ((gap, dashes),) = side_by_side_transfers(root)
    assert gap >= 7.99 and dashes >= 5.0
    assert {"IC4", "M4"} <= set(texts(root))  # the codes still fit the narrower boxes


def every_drawing() -> list[tuple[str, ET.Element]]:
    found = [(f"{name}, {what}", root) for name in LADDERS for what, _, _, root in drawings(ladder_named(name))]
    for name, ladder in (("four tracks", four_tracks()), ("twenty", twenty())):
        found += [(f"{name}, {size}", parse(ladder_svg(ladder, widths=MEASURED, **SIZES[size]))) for size in SIZES]
    return found


def test_no_text_is_printed_under_six_and_a_half_points() -> None:
    for what, root in every_drawing():
        for text in root.iter(f"{SVG}text"):
            assert points(text) >= 6.5 - 1e-3, f"{what}: {text.text!r} at {points(text):.2f} pt"


def test_a_title_too_long_for_its_box_is_abbreviated_before_it_is_printed_small() -> None:
    ladder = ladder_named("snowflake")
    marked = ladder.level("senior-group-lead")
    root = parse(ladder_svg(ladder, highlight=marked, widths=MEASURED, **SIZES["one-pager"]))
    shown = texts(root)
    assert "Sr Group Lead" in shown and "Senior Group Lead" not in shown
    assert {"Group Lead", "Director", "Engineer II"} <= set(shown)  # the others as they are written
    assert not any(t.endswith("…") for t in shown)


LINE_KINDS = ("promotion", "transfer", "equivalent")


@pytest.mark.parametrize("name", LADDERS)
def test_the_legend_keys_every_line_style_drawn(name: str) -> None:
    ladder = ladder_named(name)
    for what, _, marked, root in drawings(ladder):
        drawn = {kind: [e for e in of_class(root, kind) if e.get("stroke")] for kind in LINE_KINDS}
        drawn = {kind: lines for kind, lines in drawn.items() if lines}
        keys = {e.get("data-kind"): e for e in of_class(root, "legend") if e.get("stroke")}
        if not marked and "transfer" not in drawn:
            assert not keys, f"{what}: a legend for arrows and rows alone"
            continue
        assert set(keys) == set(drawn), f"{what}: the legend keys {sorted(keys)}, the drawing has {sorted(drawn)}"
        for kind, lines in drawn.items():
            key = keys[kind]
            assert all(line.get("stroke") == key.get("stroke") for line in lines), f"{what}: {kind} colour"
            assert all(bool(line.get("stroke-dasharray")) == bool(key.get("stroke-dasharray")) for line in lines)
            if kind == "equivalent":
                assert {line.get("stroke-dasharray") for line in lines} == {key.get("stroke-dasharray")}
        names = {"promotion": "Promotion", "transfer": "Transfer", "equivalent": "Same band"}
        assert {names[kind] for kind in drawn} <= set(texts(root)), what
    if name == "ft":  # the legacy levels' dotted "same band" lines
        assert any("Same band" in texts(root) for _, _, _, root in drawings(ladder))


@pytest.mark.parametrize("name", LADDERS)
def test_the_legend_stays_inside_the_drawing_in_rows_that_do_not_overlap(name: str) -> None:
    legend = {"You are here", "Next step", "Promotion", "Transfer", "Same band"}
    for what, _, _, root in drawings(ladder_named(name)):
        width = float(root.get("width", "0").removesuffix("mm"))
        lowest = max((bottom for _, _, _, bottom in level_boxes(root).values()), default=0.0)
        items = [text_box(t) for t in root.iter(f"{SVG}text") if t.text in legend and float(t.get("y", 0)) > lowest]
        for i, (left, top, right, bottom) in enumerate(items):
            assert left - 5.5 >= 0 and right <= width, f"{what}: the legend runs out of the drawing"
            for left2, top2, right2, bottom2 in items[i + 1 :]:
                assert right + 1 <= left2 - 5.5 or right2 + 1 <= left - 5.5 or bottom <= top2 or bottom2 <= top, what


@pytest.mark.parametrize("name", LADDERS)
def test_arrows_keep_clear_of_the_boxes_and_of_one_another(name: str) -> None:
    """A promotion's run between two rows keeps away from the boxes over and under it (it hugged their edges
    in the one-pagers), and heads that reach one box stand apart (they crowded under Director)."""
    ladder = ladder_named(name)
    for what, _, _, root in drawings(ladder):
        rects = list(level_boxes(root).values())
        least = 0.9 if "you are here" in what else 1.8
        for arrow in of_class(root, "promotion"):
            for (x1, y1), (x2, y2) in segments_of(arrow):
                if abs(y1 - y2) > 1e-6 or abs(x1 - x2) < 1e-6:
                    continue  # a vertical
                low, high = sorted((x1, x2))
                for left, top, right, bottom in rects:
                    if left < high and low < right:
                        clear = min(abs(y1 - top), abs(y1 - bottom))
                        assert clear >= least, f"{what}: a run {clear:.2f} mm from a box"
        heads = tips(root, "promotion")
        for rect in rects:
            xs = sorted(x for x, y in heads if on_edge((x, y), rect, "bottom"))
            assert all(b - a >= 3.0 for a, b in pairwise(xs)), f"{what}: heads {xs} crowd under a box"
