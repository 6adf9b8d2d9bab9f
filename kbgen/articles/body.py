"""What the Markdown renderer cannot take, found while loading so that ``kbgen check`` and
``kbgen build`` report the same located problem (the build never meets a RecursionError).

- Control characters (NUL, ESC, DEL, C1 ...) in otherwise valid UTF-8 are removed from the body,
  with a warning: they are invisible in an editor, and Python-Markdown uses STX/ETX itself as
  placeholders, so they could corrupt the page.
- Python-Markdown parses nested blocks (lists, quotes, indented blocks such as admonitions) and
  runs of emphasis markers recursively; a few hundred levels exhaust Python's stack. Real
  articles nest a handful of levels, so a generous limit far below the failure point is an
  error with the line where the nesting passes it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Deepest nesting of lists, quotes and indented blocks accepted (the renderer fails at ~400).
MAX_NESTING = 50
#: Longest run of emphasis markers (``*`` / ``_``) inside text (the renderer fails at ~3,000).
MAX_EMPHASIS_RUN = 50

# C0 controls except TAB and LF (CR is normalized away when the file is decoded), DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_QUOTE = re.compile(r"[ \t]{0,3}>")
_LIST_MARKER = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_EMPHASIS_RUN = re.compile("[*_]{" + str(MAX_EMPHASIS_RUN + 1) + ",}")
_RULE = re.compile(r"^[ \t]*([*_-])(?:[ \t]*\1)*[ \t]*$")


@dataclass(frozen=True)
class ControlCharacters:
    cleaned: str
    first_line: int  # 1-based line in the body
    names: tuple[str, ...]  # distinct characters found, e.g. ("U+0000 NULL",)
    count: int


# Unicode gives control characters no names; these are the ones people recognize.
_ABBREVIATIONS = {0x00: "NUL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL"}


def _name(char: str) -> str:
    name = _ABBREVIATIONS.get(ord(char)) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def remove_control_characters(body: str) -> ControlCharacters | None:
    """The body without control characters, and what was removed; None when there were none."""
    found = CONTROL.findall(body)
    if not found:
        return None
    first = CONTROL.search(body)
    assert first is not None
    names = tuple(dict.fromkeys(_name(c) for c in found))
    return ControlCharacters(
        cleaned=CONTROL.sub("", body),
        first_line=body.count("\n", 0, first.start()) + 1,
        names=names,
        count=len(found),
    )


def _indent_levels(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width // 4


def _markers(text: str) -> int:
    """Quote and list markers opening a line (``> > - 1. x`` opens four blocks)."""
    depth = 0
    position = 0
    while True:
        match = _QUOTE.match(text, position) or _LIST_MARKER.match(text, position)
        if match is None or match.end() == position:
            return depth
        depth += 1
        position = match.end()


def too_deep(body: str) -> tuple[int, str] | None:
    """``(line, what)`` of the first place the renderer could not take, else None."""
    fence = ""
    for number, line in enumerate(body.split("\n"), 1):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        depth = _indent_levels(line) + _markers(line.lstrip(" \t"))
        if depth > MAX_NESTING:
            return number, f"lists, quotes or indented blocks nested {depth} levels deep"
        if not _RULE.match(line):
            run = _EMPHASIS_RUN.search(line)
            if run:
                return number, f"a run of {len(run.group())} emphasis markers ('*' or '_')"
    return None
