"""The article layer: model, front-matter schema, loading and checks. Knows nothing of MkDocs."""

from kbgen.articles.checks import check
from kbgen.articles.loader import Catalog, LoadOptions, load
from kbgen.articles.model import Article, Folder
from kbgen.articles.problems import Problem, Problems, Severity

__all__ = [
    "Article",
    "Catalog",
    "Folder",
    "LoadOptions",
    "Problem",
    "Problems",
    "Severity",
    "check",
    "load",
]
