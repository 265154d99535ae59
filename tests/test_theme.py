"""Unit tests of ladderpress/theme.py: a brand as CSS custom properties and @font-face rules, parsed
back with tinycss2 (WeasyPrint's own CSS parser), and as the diagram's palette and font files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tinycss2

from ladderpress.diagram import Palette
from ladderpress.load import LoadedBrand
from ladderpress.model import Brand
from ladderpress.theme import FALLBACK_FONTS, SERIF_FALLBACK_FONTS, brand_css, font_faces, mix, palette

STYLES = Path(__file__).resolve().parent.parent / "styles"


def loaded(folder: Path = Path("/brands/acme"), **fields: Any) -> LoadedBrand:
    data = {"name": "Acme", "colours": {"primary": "#14532d", "accent": "#b45309", "text": "#1c1917"}, **fields}
    return LoadedBrand(folder, Brand.model_validate(data))


def parse(css: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(the :root custom properties, one dict per @font-face); fails on any parse error."""
    tokens: dict[str, str] = {}
    faces: list[dict[str, Any]] = []
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        assert rule.type != "error", rule.message
        declarations = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
        assert all(d.type == "declaration" for d in declarations), declarations
        if rule.type == "qualified-rule":
            assert tinycss2.serialize(rule.prelude).strip() == ":root"
            tokens.update({d.name: tinycss2.serialize(d.value).strip() for d in declarations})
        else:
            assert rule.at_keyword == "font-face"
            face: dict[str, Any] = {}
            for d in declarations:
                values = [t for t in d.value if t.type != "whitespace"]
                if d.name == "src":
                    (function,) = values
                    assert function.type == "function" and function.name == "url"
                    (argument,) = [a for a in function.arguments if a.type != "whitespace"]
                    assert argument.type == "string"
                    face["src"] = argument.value
                else:
                    face[d.name] = tinycss2.serialize(values)
            faces.append(face)
    return tokens, faces


# --------------------------------------------------------------------------- custom properties


def test_colours_become_custom_properties() -> None:
    tokens, faces = parse(brand_css(loaded()))
    assert faces == []
    assert tokens == {
        "--brand-primary": "#14532d",
        "--brand-accent": "#b45309",
        "--accent-soft": mix("#b45309", "#ffffff", 0.88),
        "--text": "#1c1917",
        "--on-primary-soft": mix("#14532d", "#ffffff", 0.8),
        "--on-primary-rule": mix("#14532d", "#ffffff", 0.4),
    }


def test_a_body_font_is_declared_under_its_own_name_for_body_and_headings() -> None:
    fonts = {
        "body": {
            "family": "Lato",
            "regular": "fonts/Lato-Regular.ttf",
            "italic": "fonts/Lato-Italic.ttf",
            "bold": "fonts/Lato-Bold.ttf",
        }
    }
    tokens, faces = parse(brand_css(loaded(fonts=fonts)))
    assert faces == [
        {"font-family": "lp-brand-body", "font-weight": "400", "font-style": "normal", "src": "fonts/Lato-Regular.ttf"},
        {"font-family": "lp-brand-body", "font-weight": "400", "font-style": "italic", "src": "fonts/Lato-Italic.ttf"},
        {"font-family": "lp-brand-body", "font-weight": "700", "font-style": "normal", "src": "fonts/Lato-Bold.ttf"},
    ]
    assert tokens["--font-body"] == f"lp-brand-body, {FALLBACK_FONTS}"
    assert tokens["--font-heading"] == f"lp-brand-body, {FALLBACK_FONTS}"
    assert "Lato" not in tokens["--font-body"]  # an installed "Lato" can never fill in a weight


def test_a_heading_font_has_its_own_family() -> None:
    fonts = {
        "body": {"family": "Open Sans", "regular": "a.ttf"},
        "heading": {"family": "Roboto Slab", "regular": "b.ttf", "semibold": "c.ttf"},
    }
    tokens, faces = parse(brand_css(loaded(fonts=fonts)))
    assert [(f["font-family"], f["font-weight"], f["src"]) for f in faces] == [
        ("lp-brand-body", "400", "a.ttf"),
        ("lp-brand-heading", "400", "b.ttf"),
        ("lp-brand-heading", "600", "c.ttf"),
    ]
    assert tokens["--font-heading"] == f"lp-brand-heading, {FALLBACK_FONTS}"


def test_a_serif_family_falls_back_to_serif_faces_and_a_sans_one_to_sans() -> None:
    fonts = {
        "body": {"family": "Open Sans", "regular": "a.ttf"},
        "heading": {"family": "Roboto Slab", "regular": "b.ttf", "style": "serif"},
    }
    tokens, _ = parse(brand_css(loaded(fonts=fonts)))
    assert tokens["--font-heading"] == f"lp-brand-heading, {SERIF_FALLBACK_FONTS}"
    assert tokens["--font-body"] == f"lp-brand-body, {FALLBACK_FONTS}"
    # Inter before the CJK face: the serif faces lack arrows, which Noto Serif CJK would otherwise set
    order = [name.strip().strip('"') for name in SERIF_FALLBACK_FONTS.split(",")]
    assert order.index("Noto Serif") < order.index("lp-inter") < order.index("Noto Serif CJK JP")


@pytest.mark.parametrize(
    "name",
    [
        'fonts/we"ird.ttf',
        "fonts/a);} body{color red} .x{b(.ttf",
        "fonts/back\\slash.ttf",
        "fonts/{braces}.ttf",
        "fonts/semi;colon.ttf",
    ],
)
def test_a_font_path_stays_one_string_in_the_css(name: str) -> None:
    tokens, faces = parse(brand_css(loaded(fonts={"body": {"family": "X", "regular": name}})))
    assert [face["src"] for face in faces] == [name]
    assert set(tokens) >= {"--brand-primary", "--font-body"} and "color" not in tokens


def test_a_non_ascii_font_path_reaches_the_css_as_written() -> None:
    _, faces = parse(brand_css(loaded(fonts={"body": {"family": "Lató", "regular": "fonts/Lató Regular.ttf"}})))
    assert [face["src"] for face in faces] == ["fonts/Lató Regular.ttf"]


# --------------------------------------------------------------------------- tints


@pytest.mark.parametrize(
    ("colour", "other", "amount", "expected"),
    [
        ("#000000", "#ffffff", 0.5, "#808080"),
        ("#14532d", "#ffffff", 0.0, "#14532d"),
        ("#14532d", "#ffffff", 1.0, "#ffffff"),
        ("#ff0000", "#0000ff", 0.25, "#bf0040"),
        ("#ABCDEF", "#ABCDEF", 0.3, "#abcdef"),
    ],
)
def test_mix(colour: str, other: str, amount: float, expected: str) -> None:
    assert mix(colour, other, amount) == expected


# --------------------------------------------------------------------------- the diagram's palette and fonts


def test_the_default_palette_without_a_brand() -> None:
    assert palette(None) == Palette()


def test_a_brands_palette() -> None:
    assert palette(loaded()) == Palette(
        primary="#14532d", accent="#b45309", text="#1c1917", font="lp-inter, DejaVu Sans, sans-serif"
    )
    with_font = palette(loaded(fonts={"body": {"family": "Lato", "regular": "r.ttf"}}))
    assert with_font.font == "lp-brand-body, lp-inter, DejaVu Sans, sans-serif"


def test_built_in_font_faces_are_found_in_the_first_style_folder_that_has_them(tmp_path: Path) -> None:
    faces = font_faces(None, (tmp_path, STYLES))
    assert faces == {
        400: STYLES / "fonts/Inter-Regular.otf",
        500: STYLES / "fonts/Inter-Medium.otf",
        600: STYLES / "fonts/Inter-SemiBold.otf",
        700: STYLES / "fonts/Inter-Bold.otf",
    }
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts/Inter-Bold.otf").write_bytes(b"override")
    assert font_faces(None, (tmp_path, STYLES))[700] == tmp_path / "fonts/Inter-Bold.otf"
    assert font_faces(None, (tmp_path / "nothing",)) == {}


def test_a_brands_upright_body_faces_are_the_diagrams(tmp_path: Path) -> None:
    fonts = {
        "body": {"family": "Lato", "regular": "f/r.ttf", "italic": "f/i.ttf", "bold": "f/b.ttf"},
        "heading": {"family": "Slab", "regular": "f/h.ttf"},
    }
    faces = font_faces(loaded(tmp_path, fonts=fonts), (STYLES,))
    assert faces == {400: (tmp_path / "f/r.ttf").resolve(), 700: (tmp_path / "f/b.ttf").resolve()}
