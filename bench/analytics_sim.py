"""A seeded simulation of help-center visits and the self-service figures they must give.

    python bench/analytics_sim.py [--visits 2000] [--seed 7]

Each simulated visit follows one scenario (finds an answer by searching; browses; searches,
reformulates, then finds; fails and writes in; reads, votes "no" and writes in; is deflected
on the contact page by a suggestion; is answered by an instant answer; asks the assistant)
and is sent as the browser's ``visit.js`` would send it: batches of events per page, with a
random visit id, a sequence number and seconds since the visit began.

The **truth** is kept by the scenarios themselves, declaratively ("this search was clicked",
"this reader wrote in"), not by re-reading the events, so comparing it with the report
checks the report's analysis. ``tests/feedback/test_analytics_sim.py`` posts the batches
through the collector and asserts every figure equals the truth; ``bench/analytics_load.py``
reuses the generator for volume. Run directly, this prints the truth as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import string
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

FIELDS = (
    "visits",
    "searches",
    "searches_with_results",
    "clicked_searches",
    "zero_result_searches",
    "reformulated_searches",
    "contact_requests",
    "visits_with_contact",
    "readers",
    "readers_then_contact",
    "article_views",
    "contact_page_visits",
    "suggestion_visits",
    "deflected_visits",
    "answers_shown",
    "answers_helpful",
    "assistant_questions",
)

# (typed, stored): what a visitor types and what the collector keeps after normalizing.
GOOD_QUERIES = {
    "de": [
        ("Paket  verfolgen", "paket verfolgen"),
        ("wo ist mein paket", "wo ist mein paket"),
        ("Rücksendung", "rücksendung"),
        ("rechnung herunterladen", "rechnung herunterladen"),
    ],
    "en": [("Track my parcel", "track my parcel"), ("where is my parcel", "where is my parcel")],
}
BAD_QUERIES = {
    "de": [
        ("gutschein einlösen", "gutschein einlösen"),
        ("Bestellung 12345678 storniert", "bestellung [number] storniert"),
        ('<script>alert("x")</script> rabatt', '<script>alert("x")</script> rabatt'),
        ("ratenzahlung", "ratenzahlung"),
    ],
    "en": [("gift card", "gift card"), ("pay in instalments", "pay in instalments")],
}
SCENARIOS = [
    ("finder", 30),
    ("browser", 15),
    ("reformulate_then_find", 10),
    ("fail_and_write", 15),
    ("read_and_write", 10),
    ("deflected", 10),
    ("instant_answer", 5),
    ("assistant", 5),
]


@dataclass
class Visit:
    visit: str
    lang: str
    day: dt.date
    #: one list of events per page (a batch as visit.js sends it)
    batches: list[list[dict[str, Any]]] = field(default_factory=list)

    @property
    def events(self) -> int:
        return sum(len(b) for b in self.batches)


@dataclass
class Truth:
    today: dt.date
    #: (period, lang or "all") → counts
    figures: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    #: (lang, query) → searches, results, clicked, zero, reformulated, ended_in_contact, helped
    queries: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    next_queries: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    #: (id, lang) → views, readers, readers_then_contact, voted_no, failed
    articles: dict[tuple[str, str], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)

    def periods(self, day: dt.date) -> list[str]:
        age = (self.today - day).days
        names = ["window"]
        if age < 7:
            names.append("last_7_days")
        elif age < 14:
            names.append("previous_7_days")
        return names

    def count(self, day: dt.date, lang: str, name: str, n: int = 1) -> None:
        for period in self.periods(day):
            self.figures[(period, lang)][name] += n
            self.figures[(period, "all")][name] += n

    def as_dict(self) -> dict[str, Any]:
        return {
            "figures": {f"{p}/{lang}": dict(c) for (p, lang), c in sorted(self.figures.items())},
            "queries": {f"{lang}/{q}": dict(c) for (lang, q), c in sorted(self.queries.items())},
            "articles": {f"{i}/{lang}": dict(c) for (i, lang), c in sorted(self.articles.items())},
            "outcomes": {f"{lang}/{o}": n for (lang, o), n in sorted(self.outcomes.items())},
        }


class _Builder:
    """Emits one visit's events and records, at the same time, what they mean."""

    def __init__(self, rng: random.Random, truth: Truth, visit: Visit) -> None:
        self.rng, self.truth, self.v = rng, truth, visit
        self.seq, self.t = 0, 0
        self.read: dict[str, bool] = {}  # article → whether the visit wrote in after reading
        self.voted_no: set[str] = set()
        self.last_search: tuple[str, str] | None = None
        self.page()
        truth.count(visit.day, visit.lang, "visits")

    def page(self) -> None:
        self.v.batches.append([])

    def emit(self, kind: str, pause: int = 3, **data: Any) -> None:
        self.t += pause
        self.v.batches[-1].append({"kind": kind, "seq": self.seq, "t": self.t, **data})
        self.seq += 1

    def count(self, name: str, n: int = 1) -> None:
        self.truth.count(self.v.day, self.v.lang, name, n)

    def query(self, stored: str) -> Counter[str]:
        return self.truth.queries[(self.v.lang, stored)]

    def search(self, pair: tuple[str, str], results: int, *, clicked: bool, pause: int = 3) -> None:
        typed, stored = pair
        self.emit("search", pause, q=typed, n=results)
        self.count("searches")
        self.count("searches_with_results" if results else "zero_result_searches")
        q = self.query(stored)
        q["searches"] += 1
        q["results"] = max(q["results"], results)
        q["zero"] += not results
        q["clicked"] += clicked
        if clicked:
            self.count("clicked_searches")
        self.last_search = (self.v.lang, stored)

    def reformulated(self, before: tuple[str, str], after: tuple[str, str]) -> None:
        self.count("reformulated_searches")
        self.query(before[1])["reformulated"] += 1
        self.truth.next_queries[(self.v.lang, before[1])][after[1]] += 1

    def open_result(self, pair: tuple[str, str], article: str, rank: int) -> None:
        self.emit("result", 2, q=pair[0], n=rank, id=article)
        self.page()
        self.view(article)

    def view(self, article: str) -> None:
        self.emit("article", 1, id=article)
        self.count("article_views")
        a = self.truth.articles[(article, self.v.lang)]
        a["views"] += 1
        if article not in self.read:
            self.read[article] = False

    def vote(self, article: str, value: str) -> None:
        self.emit("vote", 20, id=article, value=value)
        if value == "no":
            self.voted_no.add(article)

    def contact_page(self) -> None:
        self.page()
        self.emit("contact_view", 5)
        self.count("contact_page_visits")

    def send_contact(self) -> None:
        # visit.js keeps the request's reference in the tab only; it is never sent.
        self.emit("contact_sent", 60)
        self.count("contact_requests")
        self.count("visits_with_contact")
        for article in self.read:
            self.read[article] = True
        if self.last_search is not None:
            self.truth.queries[self.last_search]["ended_in_contact"] += 1

    def finish(self) -> None:
        lang = self.v.lang
        if self.read:
            self.count("readers")
            if any(self.read.values()):
                self.count("readers_then_contact")
        for article in self.read.keys() | self.voted_no:
            a = self.truth.articles[(article, lang)]
            wrote_in = self.read.get(article, False)
            if article in self.read:
                a["readers"] += 1
                a["readers_then_contact"] += wrote_in
            a["voted_no"] += article in self.voted_no
            a["failed"] += wrote_in or article in self.voted_no


def _visit_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=22))


def simulate(
    n_visits: int,
    articles: dict[str, list[str]],
    *,
    seed: int = 7,
    today: dt.date,
    days: int = 20,
) -> tuple[list[Visit], Truth]:
    """``articles``: language → article ids on the site. Visits spread over ``days`` days up
    to ``today``; about 70 % German when the site has German."""
    rng = random.Random(seed)
    truth = Truth(today=today)
    visits: list[Visit] = []
    langs = sorted(articles)
    names, weights = zip(*SCENARIOS, strict=True)
    for _ in range(n_visits):
        lang = "de" if "de" in langs and rng.random() < 0.7 else rng.choice(langs)
        day = today - dt.timedelta(days=rng.randrange(days))
        visit = Visit(_visit_id(rng), lang, day)
        b = _Builder(rng, truth, visit)
        good = GOOD_QUERIES.get(lang) or GOOD_QUERIES["en"]
        bad = BAD_QUERIES.get(lang) or BAD_QUERIES["en"]
        pool = articles[lang]
        scenario = rng.choices(names, weights)[0]
        if scenario == "finder":
            q, article = rng.choice(good), rng.choice(pool)
            b.search(q, rng.randint(1, 9), clicked=True)
            b.open_result(q, article, rng.randint(1, 3))
            if rng.random() < 0.5:
                b.vote(article, "yes")
        elif scenario == "browser":
            for article in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                b.page()
                b.view(article)
        elif scenario == "reformulate_then_find":
            first, then, article = rng.choice(bad), rng.choice(good), rng.choice(pool)
            b.search(first, rng.choice([0, 0, 4]), clicked=False)
            b.search(then, rng.randint(1, 9), clicked=True, pause=rng.randint(4, 40))
            b.reformulated(first, then)
            b.open_result(then, article, 1)
        elif scenario == "fail_and_write":
            first = rng.choice(bad)
            b.search(first, rng.choice([0, 2]), clicked=False)
            if rng.random() < 0.5:
                second = rng.choice([q for q in bad if q != first])
                b.search(second, 0, clicked=False, pause=rng.randint(3, 30))
                b.reformulated(first, second)
            b.contact_page()
            if rng.random() < 0.4:
                b.emit("suggestion", 4, id=rng.choice(pool))
                b.count("suggestion_visits")
            b.send_contact()
        elif scenario == "read_and_write":
            q, article = rng.choice(good), rng.choice(pool)
            b.search(q, rng.randint(1, 9), clicked=True)
            b.open_result(q, article, rng.randint(1, 5))
            if rng.random() < 0.5:
                b.vote(article, "no")
            b.contact_page()
            b.send_contact()
        elif scenario == "deflected":
            article = rng.choice(pool)
            b.contact_page()
            b.emit("suggestion", 6, id=article)
            b.count("suggestion_visits")
            b.count("deflected_visits")
            b.page()
            b.view(article)
        elif scenario == "instant_answer":
            q = rng.choice(good)
            b.search(q, rng.randint(1, 9), clicked=False)
            b.emit("answer", 1, id=rng.choice(pool) + "#antwort", value="shown")
            b.count("answers_shown")
            if rng.random() < 0.5:
                b.emit("answer", 5, id=rng.choice(pool), value="helpful")
                b.count("answers_helpful")
                b.query(q[1])["helped"] += 1
        else:  # assistant
            for _ in range(rng.randint(1, 2)):
                b.emit("assistant", 10, value="user")
                b.emit("assistant", 3, value="assistant")
                b.count("assistant_questions")
            outcome = rng.choice(["resolved", "escalated", "abandoned"])
            b.emit("assistant_outcome", 5, value=outcome)
            truth.outcomes[(lang, outcome)] += 1
        b.finish()
        visits.append(visit)
    return visits, truth


def wire_batches(visit: Visit) -> list[dict[str, Any]]:
    """The request bodies visit.js sends for this visit (empty pages send nothing)."""
    bodies = []
    for events in visit.batches:
        if events:
            bodies.append({"visit": visit.visit, "lang": visit.lang, "events": events})
    return bodies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = {"de": [f"artikel-{i}" for i in range(20)], "en": [f"article-{i}" for i in range(8)]}
    today = dt.date.today()
    visits, truth = simulate(args.visits, articles, seed=args.seed, today=today)
    print(f"{len(visits)} visits, {sum(v.events for v in visits)} events", file=sys.stderr)
    json.dump(truth.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
