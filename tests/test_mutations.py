"""Property: any random damage to the default content either checks clean or fails cleanly.

Hypothesis deletes, retypes, renames and duplicates keys and values anywhere in the
content files, then writes YAML's own features into the text: anchors and aliases
(some to nothing, some to what contains them), ``<<`` merge keys of mappings and of
anything else, and tags, safe and unsafe. Every run must end with exit code 0 or 1
and, on 1, only located one-line error messages (an unexpected exception fails the
test with its traceback).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladderpress.cli import main
from tests.conftest import ROOT, copy_project

CONTENT_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "content").rglob("*.yaml"))
ORIGINAL = {name: yaml.safe_load((ROOT / name).read_text(encoding="utf-8")) for name in CONTENT_FILES}
EXAMPLES = 10
"""Random damages tried in the default run: enough to catch a regression that many inputs show."""
SLOW_EXAMPLES = int(os.environ.get("MUTATION_EXAMPLES", "200"))
"""Tried in the slow run (``pytest -m slow``); raise (e.g. MUTATION_EXAMPLES=600) for a deeper search."""
ERROR_LINE = re.compile(r"^error: (content|guides|templates|examples)/[^:]+(:\d+(:\d+)?)?: .+")
"""A located problem; damaged content may also reject a row of the onboarding recipe's roster in examples/."""

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10_000),
    st.text(max_size=30),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
    st.sampled_from(["apm", "pm", "ic", "manager", "nope", "", "<script>x</script>", "x" * 300]),
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*prefix, i))
    return found


TAGS = [
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!timestamp",
    "!!binary",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!seq",
    "!!map",
    "!!merge",
    "!!python/object:os.system",
    "!!python/object/apply:os.system",
    "!foo",
    "!",
]
MERGED = ["*a", "*b", "[*a, *b]", "{extra: 1}", "[{extra: 1}, *a]", "5", "[1, 2]", "~", "*a\n", "[*a, 5]"]
FEATURES = ["anchor", "alias", "merge", "tag", "anchor-alias"]
LINE = re.compile(r"^(?P<indent>\s*(?:- )*)(?:(?P<key>[^:#]+):(?: |$))?(?P<value>.*)$")


def add_yaml_feature(lines: list[str], feature: str, i: int, j: int, tag: str, merged: str) -> list[str]:
    """Write one YAML feature into line ``i`` (and ``j``): text that safe_dump never makes."""
    lines = list(lines)
    i, j = i % len(lines), j % len(lines)
    parts = LINE.match(lines[i])
    head = _head(parts)
    if feature == "anchor":
        lines[i] = f"{head}&a {parts['value']}"
    elif feature == "alias":
        lines[i] = f"{head}*{'ab'[j % 2]}"
    elif feature == "anchor-alias":
        lines[i] = f"{head}&a {parts['value']}"
        target = LINE.match(lines[j])
        lines[j] = f"{_head(target)}*a"
    elif feature == "merge":
        indent = " " * len(parts["indent"])
        lines.insert(i, f"{indent}<<: {merged}")
    elif feature == "tag":
        lines[i] = f"{head}{tag} {parts['value']}"
    return lines


def _head(parts: re.Match[str]) -> str:
    """A line up to where its value starts: indent, list dashes and 'key: '."""
    return parts["indent"] + (f"{parts['key']}: " if parts["key"] else "")


def mutate(data: Any, path: tuple, action: str, new_value: Any) -> Any:
    if not path:
        return new_value if action == "retype" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "retype":
        parent[last] = new_value
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}x"] = parent.pop(last)
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(last, yaml.safe_load(yaml.safe_dump(parent[last])))
    elif action == "duplicate" and isinstance(parent, dict):
        parent["id"] = parent.get("id", "apm") if "id" in parent else "apm"
    return data


@pytest.fixture(scope="module")
def project() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ladderpress-mutations-"))
    yield copy_project(folder / "project")
    shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_damage_builds_or_fails_cleanly(project: Path, data: st.DataObject, capsys) -> None:
    check_random_damage(project, data, capsys)


@pytest.mark.slow
@settings(max_examples=SLOW_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_much_random_damage_builds_or_fails_cleanly(project: Path, data: st.DataObject, capsys) -> None:
    check_random_damage(project, data, capsys)


def check_random_damage(project: Path, data: st.DataObject, capsys) -> None:
    """Damage one content file at random, run ``check``: exit 0, or 1 with located one-line errors only."""
    name = data.draw(st.sampled_from(CONTENT_FILES), label="file")
    content = yaml.safe_load(yaml.safe_dump(ORIGINAL[name]))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(paths(content)), label="path")
        action = data.draw(st.sampled_from(["delete", "retype", "rename", "duplicate"]), label="action")
        content = mutate(content, path, action, data.draw(VALUES, label="value"))
    lines = yaml.safe_dump(content, allow_unicode=True, sort_keys=False).splitlines() or ["{}"]
    for _ in range(data.draw(st.integers(0, 3), label="yaml features")):
        lines = add_yaml_feature(
            lines,
            data.draw(st.sampled_from(FEATURES), label="feature"),
            data.draw(st.integers(0, 10_000), label="line"),
            data.draw(st.integers(0, 10_000), label="other line"),
            data.draw(st.sampled_from(TAGS), label="tag"),
            data.draw(st.sampled_from(MERGED), label="merged"),
        )
    target = project / name
    try:
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code = main(["--project", str(project), "check"])
    finally:
        target.write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    captured = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in captured.err
    if code == 1:
        lines = [line for line in captured.err.splitlines() if line.strip()]
        problems = [line for line in lines if not re.fullmatch(r"\d+ problems? found\.", line)]
        assert problems
        for line in problems:
            assert ERROR_LINE.match(line), line
