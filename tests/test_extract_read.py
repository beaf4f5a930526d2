"""The read strategy on small made-up articles, with hand-made model replies (named fixtures
below, never cassettes): the parser proposes, the model's reply is validated against the
article exactly as instructor validates it, and every value comes from the parser."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import ValidationError

from llmextract.checks import check
from llmextract.extract import attach_spans
from llmextract.extract.read import Reading, ReadStrategy, year_of
from llmextract.llm import Structured
from llmextract.models import Scope, Usage
from llmextract.prompts import load_prompt

PROMPT = load_prompt("read")

ARTICLE = (
    "Stunting di Kota Contoh Turun\n\n"
    "KOTA CONTOH - Dinas Kesehatan mencatat 512 balita stunting pada 2024, turun dari "
    "640 balita pada 2023. Angka nasional 19,8 persen.\n\n"
    "Rapat pada Senin, 3 Maret 2025 itu dihadiri 80 peserta. Pemkot menargetkan "
    "prevalensi stunting 12 persen pada 2026.\n\n"
    "Anggaran penanganan stunting Rp2,5 miliar dipakai untuk program Dapur Sehat."
)

# What a model might answer for ARTICLE: n1..n6 are 512, 640, 19,8 persen, 80, 12 persen and
# Rp2,5 miliar.
REPLY_READING_THE_ARTICLE = {
    "numbers": [
        {"id": "n1", "label": "indicator", "what": "balita stunting", "period": "2024"},
        {"id": "n2", "label": "indicator", "what": "balita stunting", "period": "2023"},
        {"id": "n3", "label": "indicator", "what": "Angka nasional", "scope": "national"},
        {"id": "n4", "label": "other"},
        {"id": "n5", "label": "target", "what": "prevalensi stunting", "period": "2026"},
        {"id": "n6", "label": "indicator", "what": "Anggaran penanganan stunting"},
    ],
    "programs": [{"name": "Dapur Sehat"}, {"name": "Dinas Kesehatan"}],
}
REPLY_WITH_AN_ID_NOT_SHOWN = {"numbers": [{"id": "n99", "label": "indicator"}], "programs": []}
REPLY_WITH_A_PROGRAM_NOT_IN_THE_ARTICLE = {
    "numbers": [],
    "programs": [{"name": "Gerakan Makan Ikan"}],
}
REPLY_WITH_A_PLACE_NOT_IN_THE_ARTICLE = {
    "numbers": [{"id": "n1", "label": "indicator", "place": "Kabupaten Lain"}],
    "programs": [],
}


@dataclass
class ReplyingClient:
    """Answers with ``reply`` for the numbers question and the same reply for the programs
    question, validated against the response model with the context instructor would pass."""

    reply: dict[str, Any]
    requests: list[list[dict[str, str]]] = field(default_factory=list)
    contexts: list[dict[str, str]] = field(default_factory=list)

    def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type,
        *,
        source: str,
        params: dict[str, Any],
        prompt_version: str,
        context: dict[str, str] | None = None,
    ) -> Structured:
        self.requests.append(messages)
        self.contexts.append(context or {})
        value = response_model.model_validate_json(
            json.dumps(self.reply), context={**(context or {}), "source": source}
        )
        return Structured(value, [], Usage(prompt_tokens=100, completion_tokens=20, calls=1))


def extract(reply: dict[str, Any]) -> tuple[Any, ReplyingClient]:
    client = ReplyingClient(reply)
    result = ReadStrategy().extract(ARTICLE, client, PROMPT)  # type: ignore[arg-type]
    return result, client


def test_every_value_comes_from_the_parser_and_the_labels_from_the_model() -> None:
    result, _ = extract(REPLY_READING_THE_ARTICLE)
    got = [(i.value, i.value_text, i.unit) for i in result.extraction.indicators]
    assert got == [
        (512, "512", "balita"),
        (640, "640", "balita"),
        (19.8, "19,8 persen", "persen"),
        (2_500_000_000, "Rp2,5 miliar", "rupiah"),
    ]
    [target] = result.extraction.targets
    assert (target.value, target.deadline_year) == (12, 2026)
    assert [i.year for i in result.extraction.indicators][:2] == [2024, 2023]


def test_a_comparison_figure_has_a_scope_and_is_not_a_role_error() -> None:
    result, _ = extract(REPLY_READING_THE_ARTICLE)
    national = result.extraction.indicators[2]
    assert national.scope is Scope.national
    flags = check(ARTICLE, attach_spans(ARTICLE, result.extraction))
    assert not [f for f in flags if f.kind == "roles.scope_not_local"]


def test_programs_are_quoted_by_the_sentence_naming_them_and_offices_are_flagged() -> None:
    result, _ = extract(REPLY_READING_THE_ARTICLE)
    programs = {p.name: p for p in result.extraction.programs}
    assert programs["Dapur Sehat"].quote.startswith("Anggaran penanganan stunting")
    flags = check(ARTICLE, attach_spans(ARTICLE, result.extraction))
    office = [f for f in flags if f.kind == "roles.office_as_program"]
    assert [f.field for f in office] == ["programs[1].name"]


def test_dates_and_years_never_reach_the_model_but_money_and_audiences_do() -> None:
    _, client = extract(REPLY_READING_THE_ARTICLE)
    listing = client.contexts[0]["numbers"]
    assert "[[Rp2,5 miliar]]" in listing and "[[80]]" in listing
    assert "[[2024]]" not in listing and "[[3 Maret 2025]]" not in listing


def test_both_questions_share_the_instructions_and_the_article_so_the_server_reuses_them() -> None:
    _, client = extract(REPLY_READING_THE_ARTICLE)
    numbers, programs = client.requests
    assert numbers[0] == programs[0]
    article_part = numbers[1]["content"].split("Question:")[0]
    assert programs[1]["content"].startswith(article_part)


@pytest.mark.parametrize(
    "reply, message",
    [
        (REPLY_WITH_AN_ID_NOT_SHOWN, "id 'n99' is not in the list of numbers"),
        (
            REPLY_WITH_A_PROGRAM_NOT_IN_THE_ARTICLE,
            "program name 'Gerakan Makan Ikan' is not in the article",
        ),
    ],
    ids=["unknown-id", "program-not-in-article"],
)
def test_what_the_model_writes_must_be_in_the_article_or_it_is_re_asked(
    reply: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Reading.model_validate_json(json.dumps(reply), context={"source": ARTICLE, "ids": "n1 n2"})


def test_a_place_not_in_the_article_is_dropped_not_re_asked() -> None:
    result, _ = extract(REPLY_WITH_A_PLACE_NOT_IN_THE_ARTICLE)
    [indicator] = result.extraction.indicators
    assert indicator.value == 512 and indicator.place is None


@pytest.mark.parametrize(
    "period, year",
    [("2024", 2024), ("akhir 2024", 2024), ("2023-2024", 2024), ("tahun ini", None), (None, None)],
)
def test_the_year_is_read_from_the_period_as_written(period: str | None, year: int | None) -> None:
    assert year_of(period) == year
