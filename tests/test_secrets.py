"""Canaries: a key and a password that must never be written down or shown (issue 13, item 7).

Every fault mode of the fault server (``tests/faultserver.py``) is triggered by one article of
one run, with a canary key in ``OPENAI_API_KEY`` and a canary password in the base URL; the
server echoes the request's headers in every error body it sends, as careless servers do. Then
everything the run left behind is scanned for the canaries, their tails and their base64 Basic
form: every file under the test's folder (the run folder, the cache, the exports, the report),
the captured stdout and stderr of every command, every log record of every library (at DEBUG),
and the review page. A second run has no key, so the URL's password is the key; a third meets a
401 that echoes the wrong key.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from llmextract.cli import main
from llmextract.review.server import create_app

from .faultserver import FaultServer, Mode

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

# Split so that secret scanners do not trip on fakes.
CANARY_KEY = "canaryKEY" + "-Q7m2x9r4t1v8w3z6"
CANARY_USER = "canaryuser"
CANARY_PASSWORD = "canaryPASS" + "-K5j8h2g6f4d1s9a3"
TOKEN = "review-token-0123456789abcdef"


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


CANARIES = {
    "key": CANARY_KEY,
    "key tail": CANARY_KEY[-12:],
    "password": CANARY_PASSWORD,
    "password tail": CANARY_PASSWORD[-12:],
    "Basic user:password": basic(CANARY_USER, CANARY_PASSWORD),
    "Basic :key": basic("", CANARY_KEY),
    "url user:password": f"{CANARY_USER}:{CANARY_PASSWORD}@",
}

# (trigger place, mode, options): every mode the fault server has, some both passing and
# persisting. Each trigger is the place name of one article.
FAULTS: list[tuple[str, Mode, dict[str, float | int | None]]] = [
    ("Lambatsaja", Mode.delay, {"seconds": 0.2}),
    ("Lambatsekali", Mode.delay, {"seconds": 3.0}),  # over --timeout 1: fails
    ("Antrisekali", Mode.rate_limited, {"times": 1, "seconds": 0}),
    ("Antriterus", Mode.rate_limited, {"seconds": 0}),
    ("Rusakterus", Mode.server_error, {}),
    ("Muatsekali", Mode.unavailable, {"times": 1}),
    ("Putussekali", Mode.dropped, {"times": 1}),
    ("Putusterus", Mode.dropped, {}),
    ("Bukanjson", Mode.malformed, {}),
    ("Salahbentuk", Mode.wrong_shape, {}),
    ("Tidakada", Mode.not_in_article, {}),
    ("Terpotong", Mode.length, {}),
    ("Raksasa", Mode.huge, {"size": 2 * 1024 * 1024}),
]
FAILING = {"Lambatsekali", "Antriterus", "Rusakterus", "Putusterus", "Bukanjson",
           "Salahbentuk", "Terpotong", "Raksasa"}


def canary_url(server: FaultServer, *, password: str = CANARY_PASSWORD) -> str:
    return server.url.replace("http://", f"http://{CANARY_USER}:{password}@")


def write_articles(folder: Path) -> None:
    folder.mkdir()
    for n, place in enumerate(["Sukamaju", *(f[0] for f in FAULTS)]):
        (folder / f"{n:02d}_{place.lower()}.txt").write_text(
            f"Kabupaten {place} mencatat 242 kasus stunting pada 2025, turun dari 300 kasus "
            "pada 2024.\n",
            encoding="utf-8",
        )


@dataclass
class Scan:
    """Everything written or shown, searched for every canary."""

    files: list[Path] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    def add_output(self, name: str, result: Result) -> None:
        self.texts[f"{name} stdout"] = result.stdout
        self.texts[f"{name} stderr"] = result.stderr

    def found(self, root: Path) -> list[str]:
        self.files = sorted(p for p in root.rglob("*") if p.is_file())
        hits = []
        for where, text in [*((str(p), text) for p in self.files for text in readable(p)),
                            *self.texts.items()]:
            hits += [f"{name} in {where}" for name, canary in CANARIES.items() if canary in text]
        return hits


def readable(path: Path) -> Iterator[str]:
    """A file's bytes as text, and the text inside what compresses it (xlsx, parquet)."""
    data = path.read_bytes()
    yield data.decode("latin-1")
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield archive.read(member).decode("latin-1")
    if data[:4] == b"PAR1":
        yield json.dumps(pq.read_table(path).to_pylist(), default=str)


def invoke(args: list[str]) -> Result:
    result = CliRunner().invoke(main, args)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # never a traceback
    return result


def run_and_export(tmp_path: Path, url: str, scan: Scan, *extra: str) -> Path:
    """One run over every fault, then everything a user makes of it: exports of every format
    and table, the report, the check, the review list and page."""
    folder, out = tmp_path / "in", tmp_path / "run"
    if not folder.exists():
        write_articles(folder)
    result = invoke(["run", str(folder), "--base-url", url, "--model", "m", "--out", str(out),
                     "--timeout", "1", *extra])
    scan.add_output("run", result)
    assert result.exit_code == 1, result.output  # some articles failed
    reasons = [json.loads(line)["reason"] for line in
               (out / "errors.jsonl").read_text("utf-8").splitlines()]
    assert len(reasons) == len(FAILING)
    assert any("429" in r for r in reasons) and any("500" in r for r in reasons)
    exports = tmp_path / "exports"
    exports.mkdir(exist_ok=True)
    commands = [["export", str(out), "-o", str(exports / "all.xlsx")],
                ["report", str(out), "-o", str(exports / "report.html")],
                ["check", str(out)], ["review", str(out), "--list"]]
    for table in ("items", "flags", "settings", "summary"):
        commands += [["export", str(out), "--table", table, "-o", str(exports / f"{table}.{fmt}")]
                     for fmt in ("csv", "jsonl", "parquet")]
    for args in commands:
        scan.add_output(" ".join(args[:2]), invoke(args))
    client = TestClient(create_app(out, TOKEN, "ana"), base_url="http://127.0.0.1")
    for path in ("/", "/api/queue"):
        page = client.get(path, params={"token": TOKEN}, headers={"X-Review-Token": TOKEN})
        assert page.status_code == 200
        scan.texts[f"review {path}"] = page.text
    return out


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


@pytest.fixture
def scan(caplog: pytest.LogCaptureFixture) -> Scan:
    caplog.set_level(logging.DEBUG)
    return Scan()


def authorization(headers: dict[str, str]) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == "authorization"), None)


def arm(server: FaultServer) -> None:
    for trigger, mode, options in FAULTS:
        server.fail(trigger, mode, **options)


def test_every_fault_with_a_key_and_a_password_leaves_no_canary(
    tmp_path: Path, fault_server: FaultServer, scan: Scan, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY_KEY)
    arm(fault_server)
    out = run_and_export(tmp_path, canary_url(fault_server), scan)
    scan.texts["logs"] = logged(caplog)
    assert not (hits := scan.found(tmp_path)), "\n".join(hits)
    assert len(scan.files) >= 20
    # Every fault was met (the echoes were there to be leaked) and the key went as the user
    # meant it: Bearer, never Basic from the URL.
    assert {m for _, m, _ in FAULTS} <= {r.fault for r in fault_server.requests}
    sent = {authorization(r.headers) for r in fault_server.requests}
    assert sent == {f"Bearer {CANARY_KEY}"}
    info = json.loads((out / "run.json").read_text("utf-8"))
    assert info["base_url"] == fault_server.url


def test_the_password_is_the_key_when_no_key_is_set_and_leaves_no_canary(
    tmp_path: Path, fault_server: FaultServer, scan: Scan, caplog: pytest.LogCaptureFixture,
) -> None:
    arm(fault_server)
    run_and_export(tmp_path, canary_url(fault_server), scan, "--strategy", "direct")
    scan.texts["logs"] = logged(caplog)
    assert not (hits := scan.found(tmp_path)), "\n".join(hits)
    sent = {authorization(r.headers) for r in fault_server.requests}
    assert sent == {f"Bearer {CANARY_PASSWORD}"}


def test_a_wrong_key_echoed_by_a_401_is_one_line_and_never_shown_or_stored(
    tmp_path: Path, fault_server: FaultServer, scan: Scan, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY_KEY)
    fault_server.fail("Kabupaten", Mode.unauthorized)
    folder, out = tmp_path / "in", tmp_path / "run"
    write_articles(folder)
    result = invoke(["run", str(folder), "--base-url", canary_url(fault_server), "--model", "m",
                     "--out", str(out)])
    scan.add_output("run", result)
    scan.texts["logs"] = logged(caplog)
    assert not (hits := scan.found(tmp_path)), "\n".join(hits)
    assert result.exit_code == 1, result.output
    [line] = [x for x in result.stderr.splitlines() if "401" in x]
    assert line.startswith("failed: ") and "the API key was refused (401)" in line
    assert fault_server.url in line
    assert json.loads((out / "run.json").read_text("utf-8"))["status"] == "stopped"
    # The run stopped at once: only the requests already in flight went out (4 articles at a
    # time, two requests each), none retried.
    assert 1 <= len(fault_server.requests) <= 8
