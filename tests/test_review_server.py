"""The review app over HTTP (in-process): token required, article text escaped, decisions
made through the API land in the audit trail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from llmextract.dataset.decisions import DecisionStore
from llmextract.errors import UsageError
from llmextract.review.server import bind, create_app

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
TOKEN = "test-token-0123456789abcdef"
ARTICLE_A, ARTICLE_B = "30eb945147d431ed", "a23b16d49f10b564"
WRONG_VALUE, INVENTED, UNUSED_NUMBER_FLAG = "Iea03eb26", "I890e473a", "F497bbb4fa9"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


@pytest.fixture
def client(run_dir: Path) -> TestClient:
    return TestClient(create_app(run_dir, TOKEN, "ana"), base_url="http://127.0.0.1")


def api(client: TestClient, path: str, payload: object) -> tuple[int, dict[str, object]]:
    response = client.post(path, json=payload, headers={"X-Review-Token": TOKEN})
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "method, path, params, headers",
    [
        ("GET", "/", {}, {}),
        ("GET", "/", {"token": "wrong"}, {}),
        ("GET", "/", {"token": TOKEN[:-1]}, {}),
        ("GET", "/static/review.js", {}, {}),
        ("GET", "/api/queue", {}, {"X-Review-Token": "wrong"}),
        ("POST", "/api/decide", {}, {}),
    ],
)
def test_requests_without_the_token_are_refused(
    client: TestClient,
    run_dir: Path,
    method: str,
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    body = {"key": WRONG_VALUE, "action": "accept"} if method == "POST" else None
    response = client.request(method, path, params=params, headers=headers, json=body)
    assert response.status_code == 403
    assert "token" in response.text
    assert DecisionStore(run_dir).all() == []


def test_other_host_names_are_refused(run_dir: Path) -> None:
    rebound = TestClient(create_app(run_dir, TOKEN, "ana"), base_url="http://attacker.example")
    assert rebound.get("/", params={"token": TOKEN}).status_code == 400


def test_a_short_token_is_refused(run_dir: Path) -> None:
    with pytest.raises(UsageError, match="token"):
        create_app(run_dir, "short", "ana")


def test_page_shows_the_queue_most_severe_first_with_progress(client: TestClient) -> None:
    response = client.get("/", params={"token": TOKEN})
    assert response.status_code == 200
    html = response.text
    assert html.index(f'data-key="{WRONG_VALUE}"') < html.index(f'data-key="{UNUSED_NUMBER_FLAG}"')
    assert '<b id="settled">0</b> of <b id="total">3</b> flagged settled' in html
    counts = html[html.index('id="counts"') : html.index('id="queue"')]
    assert ">2 error<" in counts and ">0 warning<" in counts and ">1 info<" in counts
    assert "The value 30 does not match its text" in html
    assert "reviewer: <b>ana</b>" in html


def test_page_sends_a_strict_content_security_policy(client: TestClient) -> None:
    headers = client.get("/", params={"token": TOKEN}).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"


def test_article_markup_is_shown_as_text(client: TestClient) -> None:
    html = client.get("/", params={"token": TOKEN, "key": INVENTED}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<img" not in html


def test_nearby_numbers_are_listed(client: TestClient) -> None:
    html = client.get("/", params={"token": TOKEN, "key": WRONG_VALUE}).text
    nearby = html[html.index("Numbers the checker reads nearby") : html.index('class="actions"')]
    for written in ("242", "2025", "300", "2024"):
        assert f"<td>{written}</td>" in nearby
    assert "sekitar" in nearby


def test_static_files_are_served_with_the_token(client: TestClient) -> None:
    assert client.get("/static/review.js", params={"token": TOKEN}).status_code == 200
    assert client.get("/static/../server.py", params={"token": TOKEN}).status_code == 404


def test_decide_correct_and_add_through_the_api(client: TestClient, run_dir: Path) -> None:
    assert (
        api(client, "/api/decide", {"key": INVENTED, "action": "reject", "note": "invented"})[0]
        == 200
    )
    status, body = api(
        client, "/api/correct", {"key": WRONG_VALUE, "fields": {"value_text": "999"}}
    )
    assert status == 422 and body["flags"]
    status, _ = api(client, "/api/correct", {"key": WRONG_VALUE, "fields": {"value": "300"}})
    assert status == 200
    text = client.get("/api/queue", params={"token": TOKEN}).json()
    assert {e["key"]: e["status"] for e in text["entries"]} == {
        WRONG_VALUE: "corrected",
        INVENTED: "rejected",
        UNUSED_NUMBER_FLAG: "flagged",
    }
    quote = "Program Bapak Asuh Anak Stunting melibatkan 130 tim pendamping keluarga."
    status, body = api(
        client,
        "/api/add",
        {
            "article_id": ARTICLE_A,
            "item_type": "indicator",
            "flag_id": UNUSED_NUMBER_FLAG,
            "fields": {
                "name": "tim pendamping",
                "value_text": "130",
                "value": "130",
                "quote": quote,
            },
        },
    )
    assert status == 200, body
    assert [d.action.value for d in DecisionStore(run_dir).all()] == ["reject", "correct", "add"]
    assert [d.reviewer for d in DecisionStore(run_dir).all()] == ["ana"] * 3


@pytest.mark.parametrize(
    "path, payload, status",
    [
        ("/api/decide", [1, 2], 400),
        ("/api/decide", {"key": INVENTED, "action": "explode"}, 422),
        ("/api/decide", {"key": "Inothing", "action": "accept"}, 422),
        ("/api/correct", {"key": UNUSED_NUMBER_FLAG, "fields": {}}, 422),
        ("/api/add", {"article_id": "nope", "item_type": "indicator", "fields": {}}, 422),
    ],
)
def test_bad_requests_are_answered_plainly(
    client: TestClient, path: str, payload: object, status: int
) -> None:
    code, body = api(client, path, payload)
    assert code == status and body["error"]


def test_history_shows_who_decided_what_and_when(client: TestClient) -> None:
    api(client, "/api/correct", {"key": WRONG_VALUE, "fields": {"value": "300"}, "note": "typo"})
    html = client.get("/", params={"token": TOKEN, "key": WRONG_VALUE}).text
    history = html[html.index('id="history"') :]
    assert "ana" in history and "correct" in history and "typo" in history
    assert "<del>30</del> → <ins>300</ins>" in history


def test_bind_listens_on_loopback_only() -> None:
    sock = bind(0)
    try:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" and port > 0
    finally:
        sock.close()


def test_a_run_without_flags_says_so(run_dir: Path) -> None:
    (run_dir / "flags.jsonl").write_text("", encoding="utf-8")
    client = TestClient(create_app(run_dir, TOKEN, "ana"), base_url="http://127.0.0.1")
    html = client.get("/", params={"token": TOKEN}).text
    assert "No flags in this run: nothing to review." in html


@pytest.mark.parametrize("origin, status", [
    ("http://evil.example", 403),
    ("null", 403),  # a sandboxed frame or a file: page
    ("http://127.0.0.1:9", 403),  # another server on this machine
    ("http://127.0.0.1", 200),  # the page itself
])
def test_a_state_change_from_another_origin_is_refused_even_with_the_token(
    client: TestClient, run_dir: Path, origin: str, status: int
) -> None:
    response = client.post("/api/decide", json={"key": WRONG_VALUE, "action": "accept"},
                           headers={"X-Review-Token": TOKEN, "Origin": origin})
    assert response.status_code == status
    assert len(DecisionStore(run_dir).all()) == (1 if status == 200 else 0)
    if status == 403:
        assert "another site" in response.text


def test_a_forged_origin_cannot_draw_a_sample(client: TestClient, run_dir: Path) -> None:
    response = client.post("/api/sample", json={"per_article": 1},
                           headers={"X-Review-Token": TOKEN, "Origin": "http://evil.example"})
    assert response.status_code == 403
    assert DecisionStore(run_dir).latest_sample() is None


def test_a_consistency_flag_shows_its_arithmetic_next_to_the_highlighted_numbers(
        run_dir: Path) -> None:
    from llmextract.models import ArticleRecord, Flag, Severity, Span

    record = next(ArticleRecord.model_validate_json(line) for line in
                  (run_dir / "extractions.jsonl").read_text("utf-8").splitlines()
                  if f'"id":"{ARTICLE_A}"' in line)
    spans = [Span(start=(at := record.text.index(n)), end=at + len(n)) for n in ("242", "300")]
    flag = Flag(article_id=ARTICLE_A, field="text", kind="change.relative_mismatch",
                severity=Severity.error, message="'turun' does not match from 300 to 242.",
                spans=spans, arithmetic="(300 - 242) / 300 = 19,3 %, not 25 persen").with_id()
    with (run_dir / "flags.jsonl").open("a", encoding="utf-8") as out:
        out.write(flag.model_dump_json() + "\n")
    client = TestClient(create_app(run_dir, TOKEN, "ana"), base_url="http://127.0.0.1")
    html = client.get("/", params={"token": TOKEN, "key": flag.id}).text
    reasons = html[html.index("Why it is flagged"):html.index("Numbers the checker reads")]
    assert f'data-at="{spans[0].start}">242</span>' in reasons
    assert "(300 - 242) / 300 = 19,3 %, not 25 persen" in reasons
    article = html[html.index('id="article-text"'):]
    assert f'data-s="{spans[0].start}" class="hl-arith hl-focus hl-indicator" ' \
           f'title="(300 - 242) / 300 = 19,3 %, not 25 persen">242</span>' in article
