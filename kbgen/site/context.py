"""What the templates see as ``kb``: plain, escaped-where-needed data for one page."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import escape

from kbgen.articles.model import Article
from kbgen.articles.structure import HelpCenter
from kbgen.articles.text import plain_text, summary
from kbgen.feedback import contract as feedback_contract
from kbgen.locale import format_date
from kbgen.site.config import KbgenConfig
from kbgen.site.pages import PageModel

TEMPLATES = {
    "home": "kbgen-home.html",
    "category": "kbgen-category.html",
    "section": "kbgen-category.html",
    "article": "kbgen-article.html",
    "search": "kbgen-search.html",
}
JSON_LD_ANSWER_CHARS = 1500


def meta_for(model: PageModel, strings: dict[str, str]) -> dict[str, Any]:
    """page.meta for MkDocs and material. Material renders meta values unescaped, so front-matter
    text is escaped here: a title is text, never markup."""
    meta: dict[str, Any] = {"template": TEMPLATES[model.kind], "title": str(escape(model.title))}
    description = ""
    if model.article is not None:
        description = model.article.description or summary(model.article.body)
    elif model.folder is not None:
        description = model.folder.description
    if description:
        meta["description"] = str(escape(description))
    if model.kind != "article":
        meta["hide"] = ["toc"]
    if model.kind == "search":
        meta["robots"] = "noindex"
    return meta


def _link(article: Article) -> dict[str, str]:
    return {"title": article.title, "url": article.url, "id": article.id}


def _shared(hc: HelpCenter, lang: str, promoted_limit: int) -> dict[str, Any]:
    # The same for every page of a build: computed once and kept on the help center.
    cached = getattr(hc, "_kb_shared", None)
    if cached is not None:
        return cached
    categories = [
        {
            "slug": c.folder.slug,
            "title": c.folder.title,
            "description": c.folder.description,
            "icon": c.folder.icon,
            "url": c.folder.url,
            "count": c.count,
        }
        for c in hc.categories
    ]
    promoted = [_link(a) for a in hc.promoted(lang)[:promoted_limit]]
    hc._kb_shared = {"categories": categories, "promoted": promoted}  # type: ignore[attr-defined]
    return hc._kb_shared  # type: ignore[attr-defined]


def build(
    model: PageModel | None,
    page: Any,
    hc: HelpCenter,
    options: KbgenConfig,
    lang: str,
    strings: dict[str, str],
    related: dict[tuple[str, str], list[str]],
    config: Any,
) -> dict[str, Any]:
    shared = _shared(hc, lang, options.promoted_limit)
    collector = options.feedback.collector_url.rstrip("/")
    kb: dict[str, Any] = {
        "lang": lang,
        "t": strings,
        "kind": model.kind if model else "other",
        "contact": dict(options.contact),
        "feedback": {
            "enabled": options.feedback.enabled,
            "collector_url": collector,
            "zero_results_url": f"{collector}{feedback_contract.ZERO_RESULTS_PATH}"
            if collector and options.feedback.report_zero_results
            else "",
            **feedback_contract.widget(collector),
            "events_url": f"{collector}{feedback_contract.EVENTS_PATH}"
            if collector and options.feedback.events
            else "",
            "events_local": options.feedback.events_local,
        },
        "categories": shared["categories"],
        "promoted": shared["promoted"],
        "site_title": hc.catalog.home_title or strings["home_title"],
        "breadcrumbs": [],
    }
    if model is None:
        return kb
    kb["title"] = model.title
    if model.kind == "home":
        kb["loose"] = [_link(a) for a in hc.loose]
    if model.category is not None:
        kb["breadcrumbs"].append(
            {"title": model.category.folder.title, "url": model.category.folder.url}
        )
    if model.kind == "category" and model.category is not None:
        kb["listing"] = {
            "articles": [_link(a) for a in model.category.articles],
            "sections": [
                {
                    "title": s.folder.title,
                    "url": s.folder.url,
                    "description": s.folder.description,
                    "articles": [_link(a) for a in s.articles],
                }
                for s in model.category.sections
            ],
        }
    if model.kind == "section" and model.section is not None:
        kb["listing"] = {"articles": [_link(a) for a in model.section.articles], "sections": []}
    if model.article is not None:
        _article(kb, model.article, page, hc, options, lang, related, config)
    return kb


def _article(
    kb: dict[str, Any],
    article: Article,
    page: Any,
    hc: HelpCenter,
    options: KbgenConfig,
    lang: str,
    related: dict[tuple[str, str], list[str]],
    config: Any,
) -> None:
    folders = hc.catalog.folders
    if article.category in folders:
        kb["breadcrumbs"].append(
            {"title": folders[article.category].title, "url": folders[article.category].url}
        )
    if article.section and article.section in folders:
        kb["breadcrumbs"].append(
            {"title": folders[article.section].title, "url": folders[article.section].url}
        )
    kb["article"] = {
        "id": article.id,
        "lang": article.lang,
        "revision": article.revision,
        "title": article.title,
        "url": article.url,
        "updated": format_date(article.updated, lang) if article.updated else "",
        "updated_iso": article.updated.isoformat() if article.updated else "",
        "tags": list(article.tags),
    }
    _article_lists(kb, article, hc, options, related)
    headings = _count_headings(page.toc)
    kb["show_toc"] = headings >= options.toc_min_headings
    if not kb["show_toc"]:
        page.meta["hide"] = ["toc"]
    kb["json_ld"] = _json_ld(article, page, config)


def _article_lists(
    kb: dict[str, Any],
    article: Article,
    hc: HelpCenter,
    options: KbgenConfig,
    related: dict[tuple[str, str], list[str]],
) -> None:
    folders = hc.catalog.folders
    container = hc.container_of(article)
    if container in folders:
        kb["siblings"] = {
            "title": folders[container].title,
            "url": folders[container].url,
            "articles": [_link(a) for a in hc.siblings(article, options.siblings_limit)],
            "more": len(hc.containers.get(container, [])) > options.siblings_limit + 1,
        }
    ids = article.related or related.get(article.key, [])
    chosen = []
    for rid in ids:
        target = hc.by_key.get((article.lang, rid))
        if target is not None and target is not article:
            chosen.append(_link(target))
    kb["related"] = chosen[: options.related_limit]


def _count_headings(toc: Any) -> int:
    total = 0
    for item in toc or []:
        total += 1 + _count_headings(item.children)
    return total


def _json_ld(article: Article, page: Any, config: Any) -> str:
    answer = plain_text(article.body)
    if len(answer) > JSON_LD_ANSWER_CHARS:
        answer = answer[:JSON_LD_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": article.lang,
        "mainEntity": [
            {
                "@type": "Question",
                "name": article.title,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
        ],
    }
    if article.updated:
        data["dateModified"] = article.updated.isoformat()
    if config.site_url and page.canonical_url:
        data["url"] = page.canonical_url
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</script>" or "<!--" in an article would end or confuse the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_inputs(
    model: PageModel,
    hc: HelpCenter,
    options: KbgenConfig,
    lang: str,
    related: dict[tuple[str, str], list[str]],
) -> Any:
    """Everything a page shows besides site-wide parts: equal inputs give an equal page.

    Kept beside build() so the two change together; a field build() shows and this forgets
    would let an incremental build keep a stale page (tests compare against full builds).
    """
    if model.article is not None:
        a = model.article
        kb: dict[str, Any] = {"breadcrumbs": []}
        _article_lists(kb, a, hc, options, related)
        folders = hc.catalog.folders
        crumbs = [folders[s].title for s in (a.category, a.section) if s and s in folders]
        return [
            "article",
            a.id,
            a.lang,
            a.title,
            a.revision,
            a.description,
            a.updated,
            a.tags,
            a.promoted,
            str(a.path),
            crumbs,
            kb,
        ]
    if model.kind == "home":
        return [
            "home",
            model.title,
            model.markdown,
            [(c.folder.slug, c.count) for c in hc.categories],
            [(a.id, a.title, a.url) for a in hc.loose],
            model.changed_on(),
        ]
    if model.kind in ("category", "section"):
        members = model.section.articles if model.section else model.category.all_articles()
        sections = (
            [s.folder.slug for s in model.category.sections] if model.kind == "category" else []
        )
        return [
            model.kind,
            model.src_uri,
            model.title,
            model.markdown,
            model.folder.description,
            [(a.id, a.title, a.url, a.section) for a in members],
            sections,
            model.changed_on(),
        ]
    return [model.kind, model.src_uri, model.title, model.markdown]


def site_inputs(hc: HelpCenter, lang: str, promoted_limit: int) -> Any:
    """The parts every page shows: the categories in the menu, promoted articles."""
    shared = _shared(hc, lang, promoted_limit)
    return [shared["categories"], shared["promoted"]]
