"""Decoding article files and splitting off their front matter, with located errors."""

from __future__ import annotations

import datetime as dt

import pytest

from kbgen.articles.frontmatter import SourceError, decode, first_h1, split


def test_decode_accepts_bom_and_windows_line_endings() -> None:
    text = decode(b"\xef\xbb\xbf---\r\ntitle: a\r\n---\r\n\r\nText\r\n")
    assert text == "---\ntitle: a\n---\n\nText\n"


def test_decode_accepts_old_mac_line_endings() -> None:
    assert decode(b"a\rb\r") == "a\nb\n"


def test_decode_locates_invalid_utf8_by_line_and_byte_offset() -> None:
    data = "---\ntitle: Grüße\n---\n\n".encode() + b"M\xfcnchen\n"
    offset = data.index(b"\xfc")
    with pytest.raises(SourceError) as caught:
        decode(data)
    assert caught.value.line == 5
    assert str(caught.value) == f"invalid UTF-8 at byte offset {offset} (byte 0xfc)"
    assert caught.value.hint


def test_decode_reports_the_files_byte_offset_when_it_has_a_bom() -> None:
    # The offset is what an editor's or hexdump's "go to byte" needs: the file's own.
    with pytest.raises(SourceError) as caught:
        decode(b"\xef\xbb\xbfab\xff")
    assert caught.value.line == 1
    assert str(caught.value) == "invalid UTF-8 at byte offset 5 (byte 0xff)"


def test_split_without_front_matter_keeps_the_whole_text() -> None:
    source = split("# Titel\n\nText")
    assert source.meta == {}
    assert source.body == "# Titel\n\nText"
    assert source.body_line == 1


def test_split_returns_metadata_body_and_where_the_body_starts() -> None:
    source = split("---\ntitle: Wo ist mein Paket?\ntags: [a, b]\n---\n\nText\n")
    assert source.meta == {"title": "Wo ist mein Paket?", "tags": ["a", "b"]}
    assert source.body == "\nText\n"
    assert source.body_line == 5
    assert source.key_lines == {"title": 2, "tags": 3}


def test_split_accepts_yaml_document_end_marker() -> None:
    source = split("---\ntitle: a\n...\nText")
    assert source.meta == {"title": "a"}
    assert source.body == "Text"


def test_split_empty_front_matter() -> None:
    source = split("---\n---\nText")
    assert source.meta == {}
    assert source.body == "Text"


def test_key_lines_skip_nested_values_and_comments() -> None:
    source = split("---\n# Kommentar\ntitle: a\nkeywords:\n  - x\n  - y\n'lang': de\n---\nText")
    assert source.key_lines == {"title": 3, "keywords": 4, "lang": 7}


def test_dates_stay_text_so_impossible_dates_are_field_errors() -> None:
    # YAML would raise inside its own constructor for 2026-02-30; the schema reports it instead.
    source = split("---\nupdated: 2026-02-30\nreview_by: 2026-10-14\n---\nText")
    assert source.meta["updated"] == "2026-02-30"
    assert dt.date.fromisoformat(source.meta["review_by"]) == dt.date(2026, 10, 14)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ntitle: Wo: ist\n---\n", 2, "mapping values are not allowed in this context"),
        ('---\ntitle: a\ndescription: "offen\nid: x\n---\n', 3, "found unexpected end of stream"),
        ("---\ntitle: a\nkeywords: [a, b\ntags: [c]\n---\n", 3, "did not find expected ',' or ']'"),
        ("---\ntitle: a\n  id: b\n---\n", 3, "mapping values are not allowed in this context"),
        ("---\ntitle: *anker\n---\n", 2, "found undefined alias"),
    ],
)
def test_yaml_errors_are_located(text: str, line: int, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        split(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"malformed YAML front matter: {message}")
    assert caught.value.hint


@pytest.mark.parametrize(
    ("text", "kind"), [("---\n- a\n- b\n---\n", "list"), ("---\nnur Text\n---\n", "str")]
)
def test_front_matter_must_be_a_mapping(text: str, kind: str) -> None:
    with pytest.raises(SourceError) as caught:
        split(text)
    assert caught.value.line == 2
    assert str(caught.value) == f"front matter must be 'key: value' lines, got {kind}"


def test_unclosed_front_matter_points_at_its_start() -> None:
    with pytest.raises(SourceError) as caught:
        split("---\ntitle: a\n\nText ohne Ende")
    assert caught.value.line == 1
    assert "never closed" in str(caught.value)


def test_yaml_is_loaded_safely() -> None:
    with pytest.raises(SourceError):
        split("---\ntitle: !!python/object/apply:os.system ['true']\n---\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Titel\n\nText", ("Titel", 0)),
        ("\n\n# Titel #\nText", ("Titel", 2)),
        ("<!-- Notiz -->\n# Titel", ("Titel", 1)),
        ("Text\n\n# Später", None),
        ("## Zwei\n", None),
        ("#Kein Leerzeichen", None),
        ("", None),
    ],
)
def test_first_h1_is_only_a_leading_heading(body: str, expected) -> None:
    assert first_h1(body) == expected
