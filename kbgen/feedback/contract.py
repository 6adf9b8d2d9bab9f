"""The feedback widget's contract with the collector, defined once.

The theme's partial, the widget script (through the data attributes the partial writes), the
collector's routes and models, the no-JS pages and the report all take these values from here,
so a new reason or a different limit is one edit. Plain values only: the site layer imports
this module without pulling in the collector's web framework.
"""

from __future__ import annotations

from typing import Any

from kbgen import paths

#: JSON API the widget and the search UI POST to.
VOTES_PATH = "/api/votes"
FOLLOWUPS_PATH = "/api/followups"
ZERO_RESULTS_PATH = "/api/zero-results"
#: Visit events that visit.js sends in batches (docs/analytics.md).
EVENTS_PATH = "/api/events"
#: No-JS pages: the widget's links open the confirm page; its form posts back there.
VOTE_PAGE_PATH = "/vote"
FOLLOWUP_PAGE_PATH = "/followup"

#: Contact requests (kbgen.contact): the form's token, then the request.
CONTACT_TOKEN_PATH = "/api/contact/token"
CONTACT_PATH = "/api/contact"

#: Why a "no" vote was cast, in the order the form lists them (labels: feedback_reason_<r>).
REASONS: tuple[str, ...] = ("outdated", "confusing", "missing", "unsolved", "other")
#: Characters in a follow-up comment, a line break counting as one (as a textarea's maxlength).
COMMENT_MAX = 600
#: Characters of a zero-result query kept (longer queries are cut).
QUERY_MAX = 200

#: The built site's article manifest, relative to the site directory (POSIX separators).
MANIFEST_PATH = paths.MANIFEST


def widget(collector_url: str) -> dict[str, Any]:
    """What a page needs to render the widget against the collector at ``collector_url``
    (empty: no collector, so no endpoints)."""
    base = collector_url.rstrip("/")
    return {
        "reasons": REASONS,
        "comment_max": COMMENT_MAX,
        "vote_page_url": f"{base}{VOTE_PAGE_PATH}" if base else "",
        "votes_path": VOTES_PATH,
        "followups_path": FOLLOWUPS_PATH,
        "zero_results_path": ZERO_RESULTS_PATH,
        "contact_token_path": CONTACT_TOKEN_PATH,
        "contact_path": CONTACT_PATH,
    }
