"""Where a built site keeps kbgen's files: one contract for the build, the collector and the
browser code (the pages pass SEARCH_EXPORT to the scripts in ``data-index``; see kbgen/views.py)."""

from __future__ import annotations

ASSETS = "assets/kbgen"
"""kbgen's browser assets (JavaScript, CSS), copied from the package's ``assets/`` folder."""
MANIFEST = f"{ASSETS}/articles.json"
"""The article manifest: ids, languages, titles, URLs and revisions of the published articles."""
SEARCH_EXPORT = f"{ASSETS}/search"
"""The static search export (shards the browser queries)."""
