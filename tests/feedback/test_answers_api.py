"""GET /api/search and /api/answer in the collector's process, on SQLite and PostgreSQL setups."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from serving import free_port, start_collector

from kbgen.search import Passage, SearchDoc, SearchSettings, update_index
from kbgen.search.answers import passage_docs, passage_settings


def _doc(id: str, title: str, url: str, passages: list[tuple[str, str, str]]) -> SearchDoc:
    return SearchDoc(
        id=id,
        lang="de",
        title=title,
        url=url,
        keywords=[],
        category="Versand",
        category_slug="versand",
        section="",
        body=" ".join(t for _, _, t in passages),
        passages=[
            Passage(a, h or title, t, f"<p><strong>{t}</strong></p>") for a, h, t in passages
        ],
    )


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = [
        _doc(
            "lieferzeit",
            "Wie lange dauert die Lieferung?",
            "versand/lieferzeit/",
            [
                ("", "", "Pakete kommen in 2–4 Werktagen."),
                ("ausland", "Wie lange dauert die Lieferung ins Ausland?", "Österreich: 3–5."),
            ],
        ),
        _doc(
            "paket-verfolgen",
            "Wo ist mein Paket?",
            "versand/paket-verfolgen/",
            [("", "", "Die Sendungsnummer steht in der Mail.")],
        ),
        _doc(
            "ruecksendung",
            "Ware zurücksenden",
            "ruecksendung/ruecksendung/",
            [("", "", "Retourenschein ausdrucken.")],
        ),
    ]
    settings = SearchSettings(index_dir=tmp_path / "search_index")
    update_index(docs, settings)
    update_index(passage_docs(docs), passage_settings(settings))
    monkeypatch.setenv("KBGEN_SEARCH_INDEX", str(settings.index_dir))
    monkeypatch.setenv("KBGEN_ANSWER_RATE", "5")
    return settings.index_dir


def test_answer_with_passage_confidence_and_absolute_url(index: Path, make_client: Any) -> None:
    client = make_client()
    response = client.get(
        "/api/answer", params={"q": "Wie lange dauert die Lieferung?", "lang": "de"}
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["shown"] is True and 0 < data["confidence"] <= 1
    answer = data["answer"]
    assert answer["article"] == "lieferzeit" and answer["anchor"] == ""
    assert answer["url"] == "https://help.example/versand/lieferzeit/"  # the manifest's site_url
    assert answer["html"] == "<p><strong>Pakete kommen in 2–4 Werktagen.</strong></p>"
    assert answer["text"] == "Pakete kommen in 2–4 Werktagen."
    assert data["alternatives"][0]["url"] == "https://help.example/versand/lieferzeit/#ausland"
    vague = client.get("/api/answer", params={"q": "Hilfe Frage", "lang": "de"}).json()
    assert vague["shown"] is False


def test_search_ranks_like_the_site(index: Path, make_client: Any) -> None:
    from kbgen.search import Engine

    client = make_client()
    data = client.get(
        "/api/search", params={"q": "Paket Sendungsnummer", "lang": "de", "limit": 2}
    ).json()
    with Engine(index) as engine:
        expected = engine.search("Paket Sendungsnummer", lang="de", limit=2)
    assert [(r["id"], r["score"]) for r in data["results"]] == [(h.id, h.score) for h in expected]
    assert data["results"][0]["url"] == "https://help.example/versand/paket-verfolgen/"
    typo = client.get("/api/search", params={"q": "Sendnugsnummer", "lang": "de"}).json()
    assert typo["corrected"] == "Sendungsnummer" and typo["results"][0]["id"] == "paket-verfolgen"


def test_errors_rate_limit_and_cors(index: Path, make_client: Any) -> None:
    client = make_client()
    missing = client.get("/api/answer", params={"lang": "de"})
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_request"
    site = client.get(
        "/api/answer",
        params={"q": "Paket", "lang": "de"},
        headers={"Origin": "https://help.example"},
    )
    assert site.headers.get("access-control-allow-origin") == "https://help.example"
    other = client.get(
        "/api/answer",
        params={"q": "Paket", "lang": "de"},
        headers={"Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in other.headers
    statuses = [
        client.get("/api/search", params={"q": "Paket", "lang": "de"}).status_code for _ in range(5)
    ]
    assert statuses[-1] == 429  # 5 per minute: three above plus two here
    limited = client.get("/api/search", params={"q": "Paket", "lang": "de"})
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1


def test_cors_for_configured_origins(index: Path, make_client: Any) -> None:
    client = make_client(origins=("https://chat.example",))
    response = client.get(
        "/api/answer",
        params={"q": "Paket", "lang": "de"},
        headers={"Origin": "https://chat.example"},
    )
    assert response.headers.get("access-control-allow-origin") == "https://chat.example"


def test_without_an_index_the_service_says_so(
    tmp_path: Path, make_client: Any, monkeypatch
) -> None:
    monkeypatch.setenv("KBGEN_SEARCH_INDEX", str(tmp_path / "nothing"))
    response = make_client().get("/api/search", params={"q": "Paket", "lang": "de"})
    assert response.status_code == 503 and response.json()["error"]["code"] == "unavailable"


def test_routes_are_in_the_openapi_document(index: Path, make_client: Any) -> None:
    paths = make_client().get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/answer"} <= set(paths)
    assert set(paths["/api/answer"]["get"]["responses"]) >= {"200", "422", "429", "503"}


def test_instant_answer_votes_are_tagged(index: Path, make_client: Any, store: Any) -> None:
    client = make_client()
    body = {"article": "paket-verfolgen", "lang": "de", "rev": "", "value": "yes", "via": "answer"}
    assert client.post("/api/votes", json=body).status_code == 201
    from sqlalchemy import select

    from kbgen.feedback.schema import votes

    with store.engine.connect() as conn:
        channels = [row[0] for row in conn.execute(select(votes.c.channel))]
    assert channels == ["answer"]


def test_settings_choose_the_index_and_rate_over_the_environment(
    index: Path, make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBGEN_SEARCH_INDEX", str(tmp_path / "nothing"))  # settings win
    client = make_client(search_index=index, answer_rate=1)
    question = {"q": "Wie lange dauert die Lieferung?", "lang": "de"}
    assert client.get("/api/answer", params=question).json()["shown"] is True
    assert client.get("/api/answer", params=question).status_code == 429


def test_serve_api_is_the_collector_command_under_its_new_name() -> None:
    from click.testing import CliRunner

    from kbgen.cli import _register_optional_commands, cli
    from kbgen.feedback.commands import feedback_group

    _register_optional_commands()
    assert cli.commands["serve-api"] is feedback_group.commands["serve"]
    result = CliRunner().invoke(cli, ["serve-api", "--help"])
    assert result.exit_code == 0, result.output
    assert "--search-index" in result.output and "--answer-rate" in result.output


def test_serve_api_answers_from_the_index_mkdocs_yml_names(
    index: Path, site_dir: Path, tmp_path: Path
) -> None:
    """Started from another folder with -f, the service reads the configured index_dir (not
    ./search_index) and rejects a bad --answer-rate with a message, not a traceback."""
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        f"site_name: T\nsite_dir: {site_dir}\ntheme: {{name: material}}\nplugins:\n"
        f"  - kbgen:\n      search:\n        index_dir: {index}\n",
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBGEN_")}
    command = [sys.executable, "-c", "from kbgen.cli import main; main()", "serve-api"]
    bad = subprocess.run(
        [*command, "-f", str(project / "mkdocs.yml"), "--answer-rate", "-1"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--answer-rate" in bad.stderr
    assert "Traceback" not in bad.stderr
    port = free_port()
    db = f"sqlite:///{tmp_path / 'api.sqlite3'}"
    config = str(project / "mkdocs.yml")
    proc = start_collector(port, "-f", config, "--db", db, command=command, cwd=elsewhere, env=env)
    try:
        query = urllib.parse.urlencode({"q": "Wie lange dauert die Lieferung?", "lang": "de"})
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/answer?{query}") as response:
            data = json.load(response)
        assert data["shown"] is True and data["answer"]["article"] == "lieferzeit"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
