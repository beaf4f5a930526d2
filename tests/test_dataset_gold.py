"""The gold file format: reading, refusing bad files in one line, writing back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from llmextract.dataset.gold import Gold, GoldArticle, GoldProgram, NotFact, load_gold, write_gold
from llmextract.errors import UsageError
from llmextract.models import Indicator, Span

SEED_GOLD = Path(__file__).resolve().parent / "gold" / "seeds.json"


GOLD_FILE_ERRORS = {
    "missing": (None, "no such gold file"),
    "not_json": ("{", "not JSON"),
    "wrong_format": ('{"format": "other", "articles": {}}', "format"),
    "bad_item": (
        '{"format": "llmextract-gold/1", "articles": {"a.txt": {"indicators": [{}]}}}',
        "articles.a.txt.indicators.0",
    ),
    "bad_date": (
        '{"format": "llmextract-gold/1", "articles": {"a.txt": {"date": "29/07/2025"}}}',
        "articles.a.txt.date: Value error, date '29/07/2025' is not an ISO date",
    ),
}


@pytest.mark.parametrize(("case", "content_and_message"), sorted(GOLD_FILE_ERRORS.items()))
def test_bad_gold_file_is_one_usage_error(
    tmp_path: Path, case: str, content_and_message: tuple[str | None, str]
) -> None:
    content, message = content_and_message
    path = tmp_path / "gold.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=re.escape(message)):
        load_gold(path)


def test_written_gold_reads_back_equal_without_ids_or_spans(tmp_path: Path) -> None:
    gold = Gold(
        articles={
            "a.txt": GoldArticle(
                article_id="0123456789abcdef",
                indicators=[
                    Indicator(
                        id="I1",
                        name="kasus stunting",
                        value=242,
                        value_text="242",
                        quote="242 kasus",
                        span=Span(start=0, end=9),
                    )
                ],
                programs=[GoldProgram(name="Sate Sami", quote="Sate Sami", aliases=["Satu Telur"])],
                not_facts=[NotFact(value_text="98", quote="Dibaca: 98", why="view count")],
            )
        }
    )
    path = tmp_path / "gold.json"
    write_gold(gold, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "llmextract-gold/1"
    assert "id" not in data["articles"]["a.txt"]["indicators"][0]
    assert "span" not in data["articles"]["a.txt"]["indicators"][0]
    back = load_gold(path)
    assert back.articles["a.txt"].programs[0].aliases == ["Satu Telur"]
    assert back.articles["a.txt"].indicators[0].value == 242
    assert back.articles["a.txt"].not_facts == gold.articles["a.txt"].not_facts


def test_seed_gold_loads() -> None:
    gold = load_gold(SEED_GOLD)
    assert len(gold.articles) == 5
    assert gold.articles["004_9148d04e205f2db9.txt"].programs[3].aliases[0] == "Genting"


def test_stated_metadata_is_scored_unstated_is_not_and_both_survive_writing(
    tmp_path: Path,
) -> None:
    """A null date says 'the article does not tell'; a field left out says nothing, and writing
    the gold back must not turn one into the other."""
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"format": "llmextract-gold/1", "articles": {
        "a.txt": {"region": "Kota Metro", "date": None}, "b.txt": {}}}), encoding="utf-8")
    gold = load_gold(path)
    assert gold.articles["a.txt"].metadata() == {"region": "Kota Metro", "date": None}
    assert gold.articles["b.txt"].metadata() == {}
    write_gold(gold, path)
    articles = json.loads(path.read_text(encoding="utf-8"))["articles"]
    assert (articles["a.txt"]["date"], "title" in articles["a.txt"]) == (None, False)
    assert not {"title", "region", "date"} & set(articles["b.txt"])
    assert load_gold(path).articles["a.txt"].metadata() == {"region": "Kota Metro", "date": None}
