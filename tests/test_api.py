"""The public API of ``llmextract/__init__.py`` and ``llmextract/api.py``, and the README's
Python example, run offline with a fixture client."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import llmextract
import llmextract.api
from llmextract.llm import Endpoint, Structured
from llmextract.models import ArticleRecord, Usage

from .conftest import ROOT, SEEDS

TEXT = "Kasus stunting di Kota Metro turun menjadi 242 kasus pada 2025."


@dataclass
class FixtureClient:
    """A model that answers every label request with ``reply``, and for the read strategy calls
    every number it is shown an indicator and names no program (never a network call)."""

    reply: str = " other"
    endpoint: Endpoint = field(default_factory=lambda: Endpoint(model="fixture"))
    asked: list[str] = field(default_factory=list)

    def complete(self, prompt: str, *, params: dict[str, Any],
                 prompt_version: str) -> tuple[str, Usage]:
        self.asked.append(prompt)
        return self.reply, Usage(calls=1)

    def structured(self, messages: list[dict[str, str]], response_model: Any, *, source: str,
                   params: dict[str, Any], prompt_version: str,
                   context: dict[str, str] | None = None) -> Structured:
        self.asked.append(source)
        if context is not None:
            ids = context.get("ids", "").split()
            numbers = [{"id": i, "label": "indicator"} for i in ids]
            answer = response_model.model_validate({"numbers": numbers})
            return Structured(answer, [], Usage(calls=1))
        return Structured(response_model(label=self.reply.strip()), [], Usage(calls=1))


def test_all_lists_the_public_api() -> None:
    assert set(llmextract.__all__) >= {"extract", "check", "run", "load_run", "Client",
                                       "ArticleRecord", "__version__"}
    for name in llmextract.__all__:
        assert getattr(llmextract, name) is not None, name


def test_extract_stays_the_function_once_the_strategies_are_imported() -> None:
    import llmextract.extract.candidates  # noqa: F401 (binds the subpackage, unless guarded)

    assert callable(llmextract.extract)
    assert not isinstance(llmextract.extract, type(llmextract))


def test_extract_gives_a_record_with_spans_ids_and_checks() -> None:
    client = FixtureClient()
    record = llmextract.extract(TEXT, client=client, strategy="candidates")
    assert isinstance(record, ArticleRecord)
    assert record.model == "fixture" and record.strategy == "candidates"
    [item] = [i for i in record.indicators if i.value == 242]
    assert item.id and item.span is not None
    assert record.text[item.span.start:item.span.end] == item.quote
    assert isinstance(llmextract.check(record), list)
    assert isinstance(llmextract.check([record, record]), list)


def test_run_and_load_run(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = llmextract.run(SEEDS / "000_739030ce90c421ba.txt", out=out, client=FixtureClient(),
                            strategy="candidates")
    loaded = llmextract.load_run(out)
    assert [r.id for r in loaded.records] == [r.id for r in result.records]
    assert len(loaded.flags) == len(result.flags)
    assert loaded.info["strategy"] == "candidates"


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 1, "README.md should have one Python example"
    return blocks[0]


def test_the_readme_example_is_five_lines_and_runs(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = readme_example()
    assert len([line for line in code.splitlines() if line.strip()]) <= 5
    real = llmextract.api.extract
    monkeypatch.setattr(llmextract.api, "extract",
                        lambda text, **kw: real(text, **{"client": FixtureClient(), **kw}))
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "242" in out


def test_run_takes_the_input_options(tmp_path: Path) -> None:
    table = tmp_path / "news.jsonl"
    rows = [{"kode": "k1", "isi": TEXT, "outlet": "Pos"}, {"kode": "k2", "isi": "kata " * 50}]
    table.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = llmextract.run(table, out=tmp_path / "run", client=FixtureClient(),
                            strategy="candidates", text_column="isi", id_column="kode",
                            max_chars=100)
    assert [(r.source_path, r.source.outlet) for r in result.records] == [(f"{table}#k1", "Pos")]
    [failed] = result.failed
    assert failed.startswith(f"{table}:2: 250 characters, over the cap of 100")
