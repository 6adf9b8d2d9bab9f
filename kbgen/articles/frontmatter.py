"""Decoding an article file and splitting off its YAML front matter, with located errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader (~10x faster; thousands of articles are parsed every build) that
    keeps dates as text, so an impossible date like 2026-02-30 becomes a located field error
    instead of an exception inside YAML, and notes keys given twice in one mapping (YAML
    itself silently keeps the last)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if not isinstance(key, str):
                continue
            line = key_node.start_mark.line
            if key in seen:
                self.duplicates = [*getattr(self, "duplicates", []), (key, seen[key], line)]
            else:
                seen[key] = line
        return super().construct_mapping(node, deep)


Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)
LOADER = Loader
FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
H1 = re.compile(r"^#[ \t]+(.+?)[ \t]*#*[ \t]*$")


class SourceError(ValueError):
    """The file cannot be read as an article; ``line`` locates the cause (0: whole file)."""

    def __init__(self, message: str, line: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


@dataclass
class Source:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line
    key_lines: dict[str, int] = field(default_factory=dict)  # front-matter key → its line
    #: Keys given twice: (key, line of the first, line of the repeat), 1-based file lines.
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 text with BOM removed and line endings normalized (both are accepted silently)."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # The offset in the file as written, BOM included: what "go to byte" in an editor needs.
        raise SourceError(
            f"invalid UTF-8 at byte offset {exc.start + bom} (byte 0x{data[exc.start]:02x})",
            line,
            "save the file as UTF-8 in your editor",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> Source:
    """Split front matter from the body. Files without front matter have empty metadata."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Source({}, text, 1)
    for index in range(1, len(lines)):
        if FENCE.match(lines[index]):
            break
    else:
        raise SourceError(
            "front matter starts with '---' but is never closed",
            1,
            "add a line '---' after the last front-matter key",
        )
    raw = "\n".join(lines[1:index])
    meta, duplicates = _load_yaml(raw)
    body = "\n".join(lines[index + 1 :])
    # +2: 1-based, and the opening '---'
    repeated = [(key, first + 2, again + 2) for key, first, again in duplicates]
    return Source(meta, body, index + 2, _key_lines(lines[1:index]), repeated)


def _load_yaml(raw: str) -> tuple[dict[str, Any], list[tuple[str, int, int]]]:
    duplicates: list[tuple[str, int, int]] = []
    try:
        if raw.strip():
            loader = LOADER(raw)
            try:
                meta = loader.get_single_data()
                duplicates = getattr(loader, "duplicates", [])
            finally:
                loader.dispose()
        else:
            meta = {}
    except yaml.YAMLError as exc:
        # An unclosed quote or bracket is reported at the end of the text; where it began
        # helps more. Other errors (a tab, a stray colon) are where YAML saw the problem.
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", "") or "")
        unclosed = "end of stream" in problem or "did not find expected" in problem
        ran_out = mark is None or mark.index >= len(raw.rstrip()) or unclosed
        if ran_out:
            mark = getattr(exc, "context_mark", None) or mark
        line = mark.line + 2 if mark is not None else 1  # +1 for 1-based, +1 for the '---'
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        context = getattr(exc, "context", None)
        message = f"malformed YAML front matter: {problem}"
        if context:
            message += f" {context}"
        raise SourceError(
            message, line, "check quotes and indentation; quote values that contain ': '"
        ) from None
    if not isinstance(meta, dict):
        raise SourceError(
            f"front matter must be 'key: value' lines, got {type(meta).__name__}",
            2,
            "write one 'key: value' per line between the '---' lines",
        )
    return {str(key): value for key, value in meta.items()}, duplicates


def _key_lines(lines: list[str]) -> dict[str, int]:
    found = {}
    for offset, line in enumerate(lines):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            found.setdefault(line.split(":", 1)[0].strip().strip("'\""), offset + 2)
    return found


def first_h1(body: str) -> tuple[str, int] | None:
    """The title heading: an ATX ``# Title`` as the first non-blank line, with its 0-based line."""
    for number, line in enumerate(body.split("\n")):
        if not line.strip() or line.lstrip().startswith("<!--"):
            continue
        match = H1.match(line)
        return (match.group(1).strip(), number) if match else None
    return None
