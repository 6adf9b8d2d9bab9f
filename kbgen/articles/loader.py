"""Reading a folder of Markdown articles into the model, collecting every problem at once."""

from __future__ import annotations

import difflib
import fnmatch
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from kbgen.articles.body import MAX_NESTING, remove_control_characters, too_deep
from kbgen.articles.frontmatter import LOADER, Source, SourceError, decode, first_h1, split
from kbgen.articles.model import Article, Folder, default_id
from kbgen.articles.problems import Problems
from kbgen.articles.schema import (
    ARTICLE_FIELD_NAMES,
    ARTICLE_FIELDS,
    FOLDER_FIELDS,
    FOLDER_META_FILE,
    FieldError,
    id_problem,
    normalize_id,
)
from kbgen.articles.text import plain_text

log = logging.getLogger(__name__)

INTRO_NAMES = ("index.md", "README.md")


@dataclass
class LoadOptions:
    default_lang: str = "de"
    max_file_bytes: int = 512 * 1024
    exclude: tuple[str, ...] = ()  # glob patterns on paths relative to the articles folder
    #: Front-matter keys beyond kbgen's own that are expected (imported metadata): kept silently.
    extra_front_matter: tuple[str, ...] = ()


@dataclass
class Catalog:
    """Everything read from the articles folder."""

    root: Path
    articles: list[Article] = field(default_factory=list)  # drafts included
    folders: dict[str, Folder] = field(default_factory=dict)  # slug → folder
    intros: dict[str, str] = field(default_factory=dict)  # folder slug ('' = home) → Markdown
    problems: Problems = field(default_factory=Problems)
    display_prefix: str = ""  # prepended to article paths in messages
    cache: dict = field(default_factory=dict)  # see load()
    home_title: str = ""  # the title of the articles folder's index.md, if it gives one

    @property
    def published(self) -> list[Article]:
        return [a for a in self.articles if not a.draft]

    def where(self, article_path: PurePosixPath | str) -> str:
        return f"{self.display_prefix}{article_path}"


def load(
    root: Path,
    options: LoadOptions | None = None,
    *,
    display_root: Path | None = None,
    cache: dict | None = None,
) -> Catalog:
    """Load every article and folder under ``root``. Never raises for bad content.

    ``cache`` maps a path to ``(mtime_ns, size, article, problems)`` from an earlier load with
    the same options; unchanged files are taken from it. ``catalog.cache`` holds the new entries.
    """
    options = options or LoadOptions()
    root = root.resolve()
    catalog = Catalog(root=root, display_prefix=_prefix(root, display_root))
    cache = cache or {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        rel_dir = PurePosixPath(Path(dirpath).relative_to(root).as_posix())
        slug = "" if str(rel_dir) == "." else str(rel_dir)
        if slug and excluded(slug, options.exclude):
            dirnames[:] = []
            continue
        if slug:
            catalog.folders[slug] = _load_folder(catalog, Path(dirpath), slug)
        for name in sorted(filenames):
            rel = rel_dir / name if slug else PurePosixPath(name)
            if not name.endswith(".md") or name.startswith((".", "_")):
                continue
            if excluded(str(rel), options.exclude):
                continue
            if name in INTRO_NAMES:
                _load_intro(catalog, Path(dirpath) / name, rel, slug)
                continue
            article = _load_cached(catalog, Path(dirpath) / name, rel, options, cache)
            if article is not None:
                catalog.articles.append(article)
    return catalog


def _prefix(root: Path, display_root: Path | None) -> str:
    if display_root is None:
        return ""
    try:
        rel = root.relative_to(display_root.resolve())
    except ValueError:
        return f"{root}/"
    return "" if str(rel) == "." else f"{rel.as_posix()}/"


def excluded(rel: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Whether ``rel`` (relative to the articles folder) or a folder above it matches one of
    the ``exclude`` glob patterns: the articles and every other file below an excluded folder
    stay out of the site alike."""
    path = PurePosixPath(rel.rstrip("/"))
    candidates = [str(path), *(str(parent) for parent in path.parents if str(parent) != ".")]
    return any(fnmatch.fnmatch(c, p) for c in candidates for p in patterns if p)


def _load_folder(catalog: Catalog, path: Path, slug: str) -> Folder:
    parent = slug.rsplit("/", 1)[0] if "/" in slug else None
    folder = Folder(slug=slug, title=_title_from_name(slug.rsplit("/", 1)[-1]), parent=parent)
    meta_path = path / FOLDER_META_FILE
    if not meta_path.is_file():
        return folder
    where = catalog.where(f"{slug}/{FOLDER_META_FILE}")
    try:
        meta = yaml.load(decode(meta_path.read_bytes()), Loader=LOADER) or {}
    except SourceError as exc:
        catalog.problems.error(where, exc.line, str(exc), exc.hint)
        return folder
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        catalog.problems.error(
            where, mark.line + 1 if mark else 1, f"malformed YAML: {getattr(exc, 'problem', exc)}"
        )
        return folder
    if not isinstance(meta, dict):
        catalog.problems.error(
            where, 1, "expected 'key: value' lines (title, description, icon, order)"
        )
        return folder
    known = {f.name: f for f in FOLDER_FIELDS}
    for key, value in meta.items():
        spec = known.get(str(key))
        if spec is None:
            catalog.problems.info(where, 0, f"unknown key '{key}' (kept, not used)")
            continue
        try:
            setattr(folder, spec.name, spec.parse(value))
        except FieldError as exc:
            catalog.problems.error(where, 0, f"'{key}': {exc}")
    return folder


def _unknown_key(problems: Problems, where: str, source: Source, key: str) -> None:
    close = difflib.get_close_matches(key, ARTICLE_FIELD_NAMES, n=1, cutoff=0.6)
    if close:
        message = f"unknown front-matter key '{key}': did you mean '{close[0]}'?"
        hint = f"write '{close[0]}:'"
    else:
        message = f"unknown front-matter key '{key}' (kept, not used)"
        hint = ""
    extra = "declare expected extra keys in mkdocs.yml: plugins: kbgen: extra_front_matter"
    problems.warning(
        where, source.key_lines.get(key, 1), message, f"{hint}, or {extra}" if hint else extra
    )


def _checked_body(
    problems: Problems, where: str, body: str, body_line: int, ok: bool
) -> tuple[str, bool]:
    """The body as it can be rendered: control characters removed (a warning), nesting the
    renderer cannot take found (an error, so check and build stop alike)."""
    removed = remove_control_characters(body)
    if removed is not None:
        problems.warning(
            where,
            body_line + removed.first_line - 1,
            f"{removed.count} control character(s) in the text ({', '.join(removed.names)}); "
            "removed from the page",
            "delete them in your editor; most show them as nothing or as a box",
        )
        body = removed.cleaned
    deep = too_deep(body)
    if deep is not None:
        line, what = deep
        problems.error(
            where,
            body_line + line - 1,
            f"the page cannot be rendered: {what} (at most {MAX_NESTING})",
            "flatten the lists or quotes; split the text into several shorter ones",
        )
        ok = False
    return body, ok


def _title_from_name(name: str) -> str:
    return name.replace("-", " ").replace("_", " ").strip().capitalize() or name


def _load_intro(catalog: Catalog, path: Path, rel: PurePosixPath, slug: str) -> None:
    try:
        source = split(decode(path.read_bytes()))
    except SourceError as exc:
        catalog.problems.error(catalog.where(rel), exc.line, str(exc), exc.hint)
        return
    body, ok = _checked_body(
        catalog.problems, catalog.where(rel), source.body, source.body_line, True
    )
    if not ok:
        return
    heading = first_h1(body)
    if heading is not None:
        lines = body.split("\n")
        body = "\n".join(lines[heading[1] + 1 :])
    catalog.intros[slug] = body.strip()
    if slug == "" and isinstance(source.meta.get("title"), str):
        catalog.home_title = source.meta["title"]


def _load_cached(
    catalog: Catalog, path: Path, rel: PurePosixPath, options: LoadOptions, cache: dict
) -> Article | None:
    try:
        stat = path.stat()
    except OSError:
        stat = None
    entry = cache.get(str(rel))
    if stat is not None and entry is not None and entry[:2] == (stat.st_mtime_ns, stat.st_size):
        _, _, article, problems = entry
        catalog.problems.extend(problems)
    else:
        before = len(catalog.problems)
        article = _load_article(catalog, path, rel, options)
        problems = catalog.problems[before:]
    if stat is not None:
        catalog.cache[str(rel)] = (stat.st_mtime_ns, stat.st_size, article, list(problems))
    return article


def _load_article(
    catalog: Catalog, path: Path, rel: PurePosixPath, options: LoadOptions
) -> Article | None:
    where = catalog.where(rel)
    problems = catalog.problems
    try:
        size = path.stat().st_size
        if size > options.max_file_bytes:
            problems.error(
                where,
                0,
                f"file is {size // 1024} KB, more than the limit of "
                f"{options.max_file_bytes // 1024} KB",
                "split it into several articles, or raise 'max_file_kb' in mkdocs.yml",
            )
            return None
        source = split(decode(path.read_bytes()))
    except SourceError as exc:
        problems.error(where, exc.line, str(exc), exc.hint)
        return None
    except OSError as exc:
        problems.error(where, 0, f"cannot read file: {exc.strerror}")
        return None

    values: dict[str, Any] = {}
    extra: dict[str, object] = {}
    ok = True  # False: errors found, the article must not be published
    for spec in ARTICLE_FIELDS:
        if spec.name not in source.meta or source.meta[spec.name] is None:
            continue
        try:
            values[spec.name] = spec.parse(source.meta[spec.name])
        except FieldError as exc:
            problems.error(where, source.key_lines.get(spec.name, 1), f"'{spec.name}': {exc}")
            ok = False
    for key in source.meta:
        if key not in ARTICLE_FIELD_NAMES:
            extra[key] = source.meta[key]
            if key not in options.extra_front_matter:
                _unknown_key(problems, where, source, key)
    for key, first, again in source.duplicates:
        problems.warning(
            where,
            again,
            f"front-matter key '{key}' is given twice (lines {first} and {again}); "
            "the last value is used",
            "delete one of them",
        )

    body, ok = _checked_body(problems, where, source.body, source.body_line, ok)
    title_from_h1 = False
    heading = first_h1(body)
    if heading is not None:
        # The page renders the title itself; an H1 in the body would show it twice.
        lines = body.split("\n")
        body = "\n".join(lines[: heading[1]] + [""] + lines[heading[1] + 1 :])
        if not values.get("title"):
            values["title"] = heading[0]
            title_from_h1 = True
    if not values.get("title"):
        problems.error(
            where,
            1,
            "missing title",
            "add 'title: \"…\"' to the front matter or start the text with '# Title'",
        )
        ok = False
    if not values.get("draft") and not plain_text(body) and "![" not in body:
        problems.error(
            where,
            source.body_line,
            "article has no content",
            "write the answer below the front matter",
        )
        ok = False
    if not ok:
        # Keep the article so its links and ids are checked too: every problem at once.
        # Errors stop the build, so it is never published like this.
        values.setdefault("title", rel.stem)
        values["title"] = values["title"] or rel.stem
    article_id = values.pop("id", None) or default_id(rel)
    if id_problem(article_id):
        fixed = normalize_id(article_id)
        problems.warning(
            where,
            source.key_lines.get("id", 1),
            f"{id_problem(article_id)}; published as {fixed!r}",
            f"write 'id: {fixed}'",
        )
        article_id = fixed
    return Article(
        id=article_id,
        path=rel,
        body=body,
        body_line=source.body_line,
        lang=values.pop("lang", options.default_lang),
        extra=extra,
        title_from_h1=title_from_h1,
        meta_lines=source.key_lines,
        **values,
    )
