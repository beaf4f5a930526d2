"""The pipeline with a stand-in strategy (no model): files written, failures isolated, Ctrl-C
and resume. The real-model end-to-end runs are in test_cli_run.py, replayed from cassettes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmextract.checks import ConflictIndex
from llmextract.errors import EndpointError
from llmextract.extract.base import StrategyResult
from llmextract.llm import Endpoint, ModelClient
from llmextract.models import Extraction, Flag, Indicator, Usage
from llmextract.pipeline import Event, run
from llmextract.prompts import Prompt
from llmextract.settings import resolve_settings
from llmextract.store import CONFLICTS, load_flags, load_records

from .conftest import FIXTURES, SEEDS
from .corpus import write_corpus
from .test_api import FixtureClient


class FirstNumberStrategy:
    """Stands in for a model: reports the first '242' it sees, else nothing."""

    name = "fake"

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    def extract(self, text: str, client: ModelClient, prompt: Prompt) -> StrategyResult:
        self.calls.append(text[:40])
        if self.fail_on and self.fail_on in text:
            raise EndpointError(
                "model endpoint http://127.0.0.1:9/v1 (model 'm'): unreachable after retries"
            )
        items = []
        if "242 kasus" in text:
            items.append(
                Indicator(
                    name="kasus stunting", value=242, value_text="242", quote="sebanyak 242 kasus"
                )
            )
        return StrategyResult(Extraction(indicators=items), usage=Usage(calls=1, prompt_tokens=7))


@pytest.fixture
def client() -> ModelClient:
    return ModelClient(Endpoint(model="m", base_url="http://127.0.0.1:9/v1"))


def test_run_writes_the_three_files(tmp_path: Path, client: ModelClient) -> None:
    out = tmp_path / "run"
    result = run(
        SEEDS,
        resolve_settings(strategy="direct"),
        out_dir=out,
        client=client,
        strategy=FirstNumberStrategy(),
    )
    assert result.ok
    records = load_records(out)
    assert [Path(r.source_path).name[:3] for r in records] == ["000", "001", "002", "003", "004"]
    [metro] = [r for r in records if r.indicators]
    item = metro.indicators[0]
    assert metro.text[item.span.start : item.span.end] == "sebanyak 242 kasus"
    assert item.id.startswith("I")
    assert load_flags(out) == result.flags
    info = json.loads((out / "run.json").read_text())
    assert info["counts"]["processed"] == 5 and info["counts"]["indicators"] == 1
    assert info["status"] == "finished" and info["usage"]["prompt_tokens"] == 35


def test_bad_files_fail_alone(tmp_path: Path, client: ModelClient) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "articles", folder)
    shutil.copy(next(SEEDS.glob("000_*")), folder)
    events: list[Event] = []
    result = run(
        folder,
        resolve_settings(strategy="direct"),
        out_dir=tmp_path / "run",
        client=client,
        strategy=FirstNumberStrategy(),
        listener=events.append,
    )
    assert len(result.failed) == 5 and len(result.records) == 4
    errors = (tmp_path / "run" / "errors.jsonl").read_text().splitlines()
    assert {Path(json.loads(e)["source"]).name.split(":")[0] for e in errors} == {
        "empty.txt",
        "binary.txt",
        "latin1.txt",
        "two.jsonl",
    }
    assert any(e.kind == "note" and "no_numbers.txt: no numbers" in e.message for e in events)


def test_ctrl_c_keeps_finished_articles_and_rerun_resumes(
    tmp_path: Path, client: ModelClient
) -> None:
    out = tmp_path / "run"

    def interrupt_after_two(event: Event) -> None:
        if (
            event.kind == "article"
            and event.record
            and event.record.source_path.endswith(
                tuple(p.name for p in sorted(SEEDS.iterdir())[1:2])
            )
        ):
            raise KeyboardInterrupt

    first = FirstNumberStrategy()
    result = run(
        SEEDS,
        resolve_settings(strategy="direct"),
        out_dir=out,
        client=client,
        strategy=first,
        listener=interrupt_after_two,
    )
    assert result.interrupted and len(load_records(out)) == 2
    assert json.loads((out / "run.json").read_text())["status"] == "interrupted"

    again = FirstNumberStrategy()
    resumed = run(
        SEEDS, resolve_settings(strategy="direct"), out_dir=out, client=client, strategy=again
    )
    assert resumed.ok and len(load_records(out)) == 5
    assert len(again.calls) == 3  # the two finished articles were not extracted again


def test_a_resumed_run_keeps_the_reviewers_precision_estimate(
    tmp_path: Path, client: ModelClient
) -> None:
    out = tmp_path / "run"
    run(SEEDS, resolve_settings(strategy="direct"), out_dir=out, client=client,
        strategy=FirstNumberStrategy())
    info = json.loads((out / "run.json").read_text())
    info["unflagged_precision"] = {"precision": 0.9, "judged": 10}
    (out / "run.json").write_text(json.dumps(info))
    run(SEEDS, resolve_settings(strategy="direct"), out_dir=out, client=client,
        strategy=FirstNumberStrategy())
    again = json.loads((out / "run.json").read_text())
    assert again["unflagged_precision"] == {"precision": 0.9, "judged": 10}
    assert again["status"] == "finished"


def test_unreachable_endpoint_stops_the_run_and_keeps_what_is_done(
    tmp_path: Path, client: ModelClient
) -> None:
    out = tmp_path / "run"
    result = run(
        SEEDS,
        resolve_settings(strategy="direct"),
        out_dir=out,
        client=client,
        strategy=FirstNumberStrategy(fail_on="Pangkalpinang"),
    )
    assert result.stopped_by and "127.0.0.1:9" in result.stopped_by
    assert len(load_records(out)) == 2 and result.skipped == 3
    assert json.loads((out / "run.json").read_text())["counts"]["not_attempted"] == 3


def test_a_final_pass_cut_short_leaves_no_flag_about_other_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flags across articles are written as they come; Ctrl-C among them drops those
    written and counted, so flags.jsonl and run.json hold each article's own flags only."""
    articles = write_corpus(tmp_path / "in.jsonl", 40)
    settings = resolve_settings(strategy="read")
    whole = run(articles, settings, out_dir=tmp_path / "whole", client=FixtureClient())
    assert sum(f.kind == "across.conflict" for f in whole.flags) > 2

    across = ConflictIndex.flags

    def cut_after_two(self: ConflictIndex) -> Iterator[Flag]:
        for n, flag in enumerate(across(self)):
            if n == 2:
                raise KeyboardInterrupt
            yield flag

    monkeypatch.setattr(ConflictIndex, "flags", cut_after_two)
    out = tmp_path / "cut"
    cut = run(articles, settings, out_dir=out, client=FixtureClient())
    info = json.loads((out / "run.json").read_text())
    assert cut.interrupted and info["status"] == "interrupted"
    assert not (out / CONFLICTS).exists()
    own = [f for f in whole.flags if f.kind != "across.conflict"]
    assert sorted(f.model_dump_json() for f in cut.flags) == sorted(
        f.model_dump_json() for f in own)
    assert sum(info["counts"]["flags"].values()) == len(own)
