"""Real help centers written by others (../shared/corpora), built with the project's mkdocs.yml
through `kbgen build --articles DIR --site-dir DIR`, as a team adopting kbgen would."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "corpora"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPORA.is_dir(), reason=f"real corpora not found at {CORPORA}"),
]

CORPUS_LANGUAGES = {
    "cwa-faq/markdown/de": "de",
    "cwa-faq/markdown/en": "en",
    "adobe-commerce-kb/de/help": "de",
    "adobe-commerce-kb/en/help": "en",
}
# Metadata the corpora carry from their source systems (Experience League, the CWA FAQ export):
# declared as a team adopting kbgen would, so the build reports only real problems.
EXTRA_FRONT_MATTER = [
    "category",
    "exl-id",
    "feature",
    "role",
    "source-git-commit",
    "workflow-type",
    "source-wordcount",
    "ht-degree",
    "user-guide-title",
    "user-guide-description",
    "breadcrumb-title",
    "hide",
    "hidefromtoc",
]
LOCATED = re.compile(r"^(WARNING|ERROR) +-  .+?\.(md|yml)(:\d+)?: \S")


@dataclass
class CorpusBuild:
    articles: Path
    site: Path
    returncode: int
    stderr: str


def corpus_config(target: Path, language: str) -> Path:
    """The project's mkdocs.yml with the corpus's language, its index and cache in ``target``."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+language:) \S+$", rf"\1 {language}", text)
    # One corpus folder is one language: the project's own `languages` do not apply.
    text = re.sub(r"(?m)^(\s+)languages:.*$", rf"\1language: {language}", text)
    text = re.sub(r"(?m)^(\s+index_dir:).*$", lambda m: f"{m.group(1)} {target / 'index'}", text)
    # The project declares its own extra keys; the corpora's replace them.
    declared = f"extra_front_matter: {json.dumps(EXTRA_FRONT_MATTER)}"
    text, found = re.subn(r"(?m)^(\s+)extra_front_matter:.*$", rf"\1{declared}", text)
    if not found:
        text = re.sub(r"(?m)^(\s*)- kbgen:\n", rf"\g<0>\1    {declared}\n", text, count=1)
    config = target / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def built(tmp_path_factory, kbgen):
    """``built(corpus)``: the corpus built once per test module, whichever test asks first."""
    done: dict[str, CorpusBuild] = {}

    def build(rel: str) -> CorpusBuild:
        if rel not in done:
            articles = CORPORA / rel
            if not articles.is_dir():
                pytest.skip(f"corpus missing: {articles}")
            target = tmp_path_factory.mktemp(rel.replace("/", "-"))
            config = corpus_config(target, CORPUS_LANGUAGES[rel])
            site = target / "site"
            result = kbgen(
                "build",
                "-f",
                str(config),
                "--articles",
                str(articles),
                "--site-dir",
                str(site),
                cwd=target,
            )
            done[rel] = CorpusBuild(articles, site, result.returncode, result.stderr)
        return done[rel]

    return build


def article_files(root: Path) -> list[Path]:
    return [
        p
        for p in root.rglob("*.md")
        if p.name not in ("index.md", "README.md")
        and not any(part.startswith(("_", ".")) for part in p.relative_to(root).parts)
    ]


@pytest.mark.parametrize("corpus", CORPUS_LANGUAGES)
def test_corpus_builds(built, corpus: str) -> None:
    corpus_build = built(corpus)
    assert corpus_build.returncode == 0, corpus_build.stderr[-3000:]
    assert "Traceback" not in corpus_build.stderr
    assert "internal error" not in corpus_build.stderr


@pytest.mark.parametrize("corpus", CORPUS_LANGUAGES)
def test_every_article_is_published(built, corpus: str) -> None:
    corpus_build = built(corpus)
    files = article_files(corpus_build.articles)
    drafts = [p for p in files if re.search(r"(?m)^draft:\s*true\s*$", p.read_text("utf-8"))]
    expected = len(files) - len(drafts)
    manifest = json.loads(
        (corpus_build.site / "assets" / "kbgen" / "articles.json").read_text(encoding="utf-8")
    )
    assert len(manifest["articles"]) == expected
    assert re.search(rf"kbgen: built {expected} articles into ", corpus_build.stderr)
    for record in manifest["articles"]:
        path = unquote(record["url"])  # a URL: a space in a file name is %20
        assert (corpus_build.site / path / "index.html").is_file(), record["url"]


@pytest.mark.parametrize("corpus", CORPUS_LANGUAGES)
def test_every_warning_is_located(built, corpus: str) -> None:
    corpus_build = built(corpus)
    assert "unknown front-matter key" not in corpus_build.stderr  # declared above
    unlocated = [
        line
        for line in corpus_build.stderr.splitlines()
        if line.startswith(("WARNING", "ERROR")) and not LOCATED.match(line)
    ]
    assert unlocated == []
