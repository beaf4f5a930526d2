"""Evaluation against hand-made gold; first, the gold for the seed articles itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from llmextract.articles import Article, read_file
from llmextract.cli import main
from llmextract.dataset.decisions import Action, DecisionStore
from llmextract.dataset.eval_report import EvalReport, Score, format_report
from llmextract.dataset.evaluate import (
    PROGRAM_NAME_THRESHOLD,
    evaluate,
    evaluate_run,
    is_invented,
    name_similarity,
    same_number,
    text_values,
    unit_key,
    years,
)
from llmextract.dataset.gold import load_gold
from llmextract.models import ArticleRecord, Extraction, Indicator, Program, Target
from llmextract.store import load_flags, load_records
from llmextract.text.clean import clean_text
from llmextract.text.numbers import parse_mention, parse_numbers

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_GOLD = ROOT / "tests" / "gold" / "seeds.json"

_GOLD: dict[str, Any] = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
_ARTICLES = sorted(_GOLD["articles"].items())


def _raw(name: str) -> tuple[str, str]:
    [article] = list(read_file(SEEDS / name))
    assert isinstance(article, Article), article
    return article.id, article.text


def _entries(gold: dict[str, Any]) -> list[dict[str, Any]]:
    return [*gold["indicators"], *gold["targets"], *gold["programs"], *gold["not_facts"]]


def test_seed_gold_covers_every_seed() -> None:
    assert _GOLD["format"] == "llmextract-gold/1"
    assert sorted(_GOLD["articles"]) == sorted(p.name for p in SEEDS.iterdir())


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_article_id_is_the_runs_id(name: str, gold: dict[str, Any]) -> None:
    assert gold["article_id"] == _raw(name)[0]


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_validates_as_extraction(name: str, gold: dict[str, Any]) -> None:
    extraction = Extraction.model_validate(gold)
    assert len(extraction.indicators) == len(gold["indicators"])


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_quotes_are_verbatim_single_lines(name: str, gold: dict[str, Any]) -> None:
    raw = _raw(name)[1]
    for entry in _entries(gold):
        assert entry["quote"] in raw, entry["quote"]
        assert "\n" not in entry["quote"]
        if "value_text" in entry:
            assert entry["value_text"] in entry["quote"], entry


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_item_quotes_survive_cleaning(name: str, gold: dict[str, Any]) -> None:
    cleaned = clean_text(_raw(name)[1]).text
    for item in [*gold["indicators"], *gold["targets"], *gold["programs"]]:
        assert item["quote"] in cleaned, item["quote"]


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_values_read_from_their_value_text(name: str, gold: dict[str, Any]) -> None:
    for item in [*gold["indicators"], *gold["targets"]]:
        mention = parse_mention(item["value_text"])
        assert mention is not None, item["value_text"]
        assert mention.value == pytest.approx(item["value"]), item["value_text"]
        assert mention.value_max == (
            None if item.get("value_max") is None else pytest.approx(item["value_max"])
        )


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_periods_and_deadlines_are_in_the_article(
    name: str, gold: dict[str, Any]
) -> None:
    raw = _raw(name)[1]
    for item in gold["indicators"]:
        assert item["period"] is None or item["period"] in raw
    for item in gold["targets"]:
        assert item["deadline_year"] is None or str(item["deadline_year"]) in raw


def _accounts_for(entry: dict[str, Any], written: str) -> bool:
    said = [entry.get("value_text"), entry.get("period"), entry.get("deadline_year")]
    said_lower = [str(s).lower() for s in said if s is not None]
    written = written.lower()
    return any(written in s or s in written for s in said_lower)


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_accounts_for_every_number_in_the_article(
    name: str, gold: dict[str, Any]
) -> None:
    """Each number the parser finds sits inside the quote of a gold item or not-fact that names it,
    so no number of a seed was overlooked while annotating."""
    raw = _raw(name)[1]
    for mention in parse_numbers(raw):
        covering = [
            entry
            for entry in _entries(gold)
            if any(
                start <= mention.start and mention.end <= start + len(entry["quote"])
                for start in _occurrences(raw, entry["quote"])
            )
        ]
        assert any(_accounts_for(e, mention.text) for e in covering), (mention.text, mention.start)


def _occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


# ---------------------------------------------------------------- scoring hand-made runs

FIXTURES = ROOT / "tests" / "fixtures" / "eval"
FIXTURE_GOLD = FIXTURES / "gold.json"


def _run(name: str) -> EvalReport:
    return evaluate_run(FIXTURES / "runs" / name, FIXTURE_GOLD)


def _figures(score: Score) -> tuple[int, int, int, int]:
    return score.matched, score.extracted, score.gold, score.partial


# run name -> (numbers matched/extracted/gold/partial, programs m/e/g/p, invented) for all items,
# then the same for the items that passed the checks.
RUN_CASES = {
    "perfect": ((5, 5, 5, 0), (2, 2, 2, 0), 0, (5, 5, 5, 0), (2, 2, 2, 0), 0),
    "wrong_digit": ((4, 5, 5, 0), (2, 2, 2, 0), 1, (4, 5, 5, 0), (2, 2, 2, 0), 1),
    "invented_number": ((5, 6, 5, 0), (2, 2, 2, 0), 1, (5, 6, 5, 0), (2, 2, 2, 0), 1),
    "missing_program": ((5, 5, 5, 0), (1, 1, 2, 0), 0, (5, 5, 5, 0), (1, 1, 2, 0), 0),
    "view_count_flagged": ((5, 6, 5, 0), (2, 2, 2, 0), 0, (5, 5, 5, 0), (2, 2, 2, 0), 0),
    "true_item_flagged": ((5, 5, 5, 0), (2, 2, 2, 0), 0, (4, 4, 5, 0), (2, 2, 2, 0), 0),
    "wrong_year": ((5, 5, 5, 1), (2, 2, 2, 0), 0, (5, 5, 5, 1), (2, 2, 2, 0), 0),
    "range_without_upper": ((4, 5, 5, 0), (2, 2, 2, 0), 0, (4, 5, 5, 0), (2, 2, 2, 0), 0),
    "repeated_number": ((5, 6, 5, 0), (2, 2, 2, 0), 0, (5, 6, 5, 0), (2, 2, 2, 0), 0),
    "program_renamed": ((5, 5, 5, 0), (2, 2, 2, 0), 0, (5, 5, 5, 0), (2, 2, 2, 0), 0),
    "article_failed": ((3, 3, 5, 0), (1, 1, 2, 0), 0, (3, 3, 5, 0), (1, 1, 2, 0), 0),
}


@pytest.mark.parametrize(("run", "expected"), sorted(RUN_CASES.items()))
def test_overall_figures_of_hand_made_runs(run: str, expected: tuple[Any, ...]) -> None:
    report = _run(run)
    got = (
        _figures(report.overall_all.numbers),
        _figures(report.overall_all.programs),
        report.overall_all.invented,
        _figures(report.overall_passed.numbers),
        _figures(report.overall_passed.programs),
        report.overall_passed.invented,
    )
    assert got == expected


# run name -> (numbers precision, recall, f1) over all items
PRF_CASES = {
    "perfect": (1.0, 1.0, 1.0),
    "wrong_digit": (0.8, 0.8, 0.8),
    "invented_number": (5 / 6, 1.0, 10 / 11),
    "range_without_upper": (0.8, 0.8, 0.8),
}


@pytest.mark.parametrize(("run", "expected"), sorted(PRF_CASES.items()))
def test_precision_recall_f1(run: str, expected: tuple[float, float, float]) -> None:
    numbers = _run(run).overall_all.numbers
    assert (numbers.precision, numbers.recall, numbers.f1) == pytest.approx(expected)


def test_checks_raise_precision_when_they_flag_a_false_item() -> None:
    report = _run("view_count_flagged")
    assert report.overall_all.numbers.precision == pytest.approx(5 / 6)
    assert report.overall_passed.numbers.precision == 1.0


def test_false_item_the_checks_caught_is_marked() -> None:
    text = format_report(_run("view_count_flagged"))
    assert (
        "false    indicator '98' (pembaca) [not_fact: view count]  (caught by the checks)" in text
    )
    assert "(caught by the checks)" not in format_report(_run("invented_number"))


def test_checks_lower_recall_when_they_flag_a_true_item() -> None:
    report = _run("true_item_flagged")
    assert report.overall_passed.numbers.recall == pytest.approx(0.8)
    [b] = [a for a in report.articles if a.name == "b.txt"]
    assert [m.label for m in b.passed.misses] == ["30.980"]
    assert "30.980" in format_report(report).split("b.txt")[-1]


# run name -> (article, false items as (label, reason), misses as labels), over all items
LISTING_CASES = {
    "wrong_digit": ("a.txt", [("224", "invented")], ["242"]),
    "invented_number": ("b.txt", [("500", "invented")], []),
    "view_count_flagged": ("a.txt", [("98", "not_fact")], []),
    "repeated_number": ("a.txt", [("242", "duplicate")], []),
    "range_without_upper": ("a.txt", [("1", "not_in_gold")], ["1 sampai 2 persen"]),
    "missing_program": ("b.txt", [], ["Satu Telur Satu Minggu (Sate Sami)"]),
}


@pytest.mark.parametrize(("run", "expected"), sorted(LISTING_CASES.items()))
def test_every_miss_and_false_item_is_listed(
    run: str, expected: tuple[str, list[Any], list[str]]
) -> None:
    name, false_items, misses = expected
    [article] = [a for a in _run(run).articles if a.name == name]
    assert [(f.item.label, f.reason) for f in article.all.false_items] == false_items
    assert [m.label for m in article.all.misses] == misses


def test_article_the_run_failed_on_counts_every_gold_item_as_missed() -> None:
    report = _run("article_failed")
    [b] = [a for a in report.articles if a.name == "b.txt"]
    assert b.paired_by == "failed"
    assert [m.label for m in b.all.misses] == [
        "30.980",
        "10,6%",
        "Satu Telur Satu Minggu (Sate Sami)",
    ]
    assert report.gold_without_record == []
    assert "b.txt (the run failed on this article: every gold item is a miss)" in format_report(
        report
    )


def test_partial_match_names_the_field_and_both_values() -> None:
    [a] = [a for a in _run("wrong_year").articles if a.name == "a.txt"]
    [partial] = a.all.partials
    assert partial.extracted.label == "242"
    assert [(d.field, d.gold, d.extracted) for d in partial.fields] == [("period", "2025", "2024")]
    assert "period gold '2025' got '2024'" in format_report(_run("wrong_year"))


def test_report_round_trips_through_json() -> None:
    report = _run("wrong_digit")
    data = json.loads(report.model_dump_json())
    assert data["overall_all"]["numbers"]["precision"] == pytest.approx(0.8)
    assert EvalReport.model_validate(data).overall_all.numbers.matched == 4


def test_text_report_lists_each_article_and_the_overall_line() -> None:
    text = format_report(_run("wrong_digit"))
    assert "a.txt" in text and "b.txt" in text and "overall" in text
    assert "missed   indicator '242' (kasus stunting)" in text
    assert (
        "false    indicator '224' (kasus stunting) [invented: value not in the article text]"
        in text
    )


# ---------------------------------------------------------------- pairing records with gold


def _records(run: str) -> list[ArticleRecord]:
    return load_records(FIXTURES / "runs" / run)


def test_record_whose_text_changed_pairs_by_file_name() -> None:
    gold = load_gold(FIXTURE_GOLD)
    records = [
        r.model_copy(update={"id": "0" * 16}) if r.source_path.endswith("a.txt") else r
        for r in _records("perfect")
    ]
    report = evaluate(records, gold)
    assert {a.name: a.paired_by for a in report.articles} == {"a.txt": "file name", "b.txt": "id"}
    assert "a.txt (paired with gold by file name" not in format_report(report)  # nothing to list


def test_gold_article_missing_from_the_run_is_listed_not_scored() -> None:
    gold = load_gold(FIXTURE_GOLD)
    report = evaluate([r for r in _records("perfect") if r.source_path.endswith("b.txt")], gold)
    assert report.gold_without_record == ["a.txt"]
    assert report.overall_all.numbers.gold == 2
    assert "not in the run (not scored): a.txt" in format_report(report)


def test_article_metadata_is_scored_case_and_spacing_aside_and_a_guess_is_wrong() -> None:
    gold = load_gold(FIXTURE_GOLD)
    gold.articles["a.txt"].title = "Kasus Stunting Turun"
    gold.articles["a.txt"].region = "Kota Metro"
    gold.articles["a.txt"].date = None  # the article does not say when it was published
    gold.articles["b.txt"].region = "Kabupaten Muara Kelam"
    a, b = _records("perfect")
    records = [a.model_copy(update={"title": "kasus  stunting turun", "region": "Kota\u00a0Metro",
                                    "date": "2025-07-29"}),
               b.model_copy(update={"region": "Kabupaten Kejar Zero"})]
    report = evaluate(records, gold)
    assert {f: (s.correct, s.gold) for f, s in report.metadata.items()} == {
        "title": (1, 1), "region": (1, 2), "date": (0, 1)}
    text = format_report(report)
    assert ("article metadata (right / stated in the gold): title 1/1   region 1/2   date 0/1"
            in text)
    assert "date     gold None got '2025-07-29'" in text
    assert "region   gold 'Kabupaten Muara Kelam' got 'Kabupaten Kejar Zero'" in text
    assert evaluate(_records("perfect"), load_gold(FIXTURE_GOLD)).metadata == {}


def test_record_without_gold_is_listed_not_scored() -> None:
    gold = load_gold(FIXTURE_GOLD)
    stray = _records("perfect")[0].model_copy(update={"id": "1" * 16, "source_path": "other/c.txt"})
    report = evaluate([*_records("perfect"), stray], gold)
    assert report.records_without_gold == ["other/c.txt"]
    assert report.overall_all.numbers.extracted == 5


def test_seed_gold_scored_against_itself_is_perfect_with_no_invented_number() -> None:
    gold = load_gold(SEED_GOLD)
    records = []
    for name, article in gold.articles.items():
        article_id, raw = _raw(name)
        records.append(
            ArticleRecord(
                id=article_id,
                source_path=f"seeds/{name}",
                text=clean_text(raw).text,
                indicators=article.indicators,
                targets=article.targets,
                programs=[Program.model_validate(p.model_dump()) for p in article.programs],
            )
        )
    totals = evaluate(records, gold).overall_all
    assert (totals.numbers.precision, totals.numbers.recall, totals.programs.recall) == (
        1.0,
        1.0,
        1.0,
    )
    assert (totals.numbers.partial, totals.invented) == (0, 0)


# ---------------------------------------------------------------- small pieces

UNIT_CASES = {
    "%": "%",
    "Persen": "%",
    " persen ": "%",
    "kasus": "kasus",
    "Keluarga": "keluarga",
    "": None,
}


@pytest.mark.parametrize(("unit", "key"), sorted(UNIT_CASES.items()))
def test_unit_key(unit: str, key: str | None) -> None:
    assert unit_key(unit) == key


YEAR_CASES = {
    "2024": {2024},
    "akhir bulan Februari 2024": {2024},
    "2023-2024": {2023, 2024},
    "tahun ini": set(),
    "": set(),
}


@pytest.mark.parametrize(("period", "expected"), sorted(YEAR_CASES.items()))
def test_years(period: str, expected: set[int]) -> None:
    assert years(period) == expected


def _target(value: float, value_max: float | None) -> Target:
    return Target(indicator="x", value=value, value_max=value_max, value_text="t", quote="q")


SAME_NUMBER_CASES = {
    "equal values": (_target(14, None), _target(14, None), True),
    "range equals range": (_target(1, 2), _target(1, 2), True),
    "range needs its upper bound": (_target(1, None), _target(1, 2), False),
    "equal bounds are one value": (_target(14, 14), _target(14, None), True),
    "indicator is not a target": (
        Indicator(name="x", value=14, value_text="14", quote="q"),
        _target(14, None),
        False,
    ),
    "float noise": (_target(10.6, None), _target(10.600000000001, None), True),
}


@pytest.mark.parametrize(("case", "pair"), sorted(SAME_NUMBER_CASES.items()))
def test_same_number(case: str, pair: tuple[Any, Any, bool]) -> None:
    extracted, gold, expected = pair
    assert same_number(extracted, gold) is expected


NAME_CASES = {
    "prefix word": ("Program Bapak Asuh", "Bapak Asuh", True),
    "contained two words": (
        "Pembagian telur",
        "Pembagian telur kepada keluarga berisiko stunting",
        True,
    ),
    "one word is not enough": ("Posyandu", "Pemberian vitamin melalui Posyandu", False),
    "other program": (
        "Pemberian makanan sehat",
        "Pembagian telur kepada keluarga berisiko stunting",
        False,
    ),
}


@pytest.mark.parametrize(("case", "pair"), sorted(NAME_CASES.items()))
def test_program_names_match_fuzzily(case: str, pair: tuple[str, str, bool]) -> None:
    mine, theirs, expected = pair
    assert (name_similarity(mine, theirs) >= PROGRAM_NAME_THRESHOLD) is expected


INVENTED_CASES = {
    "in the text": ("242", 242, False),
    "a digit off": ("224", 224, True),
    "day of a date": ("5", 5, False),
    "normalized form": ("292095", 292095, False),
}


@pytest.mark.parametrize(("case", "written_value"), sorted(INVENTED_CASES.items()))
def test_is_invented(case: str, written_value: tuple[str, float, bool]) -> None:
    text = "Tercatat 242 kasus dan 292.095 keluarga pada Kamis 5 Desember 2024."
    written, value, expected = written_value
    item = Indicator(name="x", value=value, value_text=written, quote="q")
    assert is_invented(item, text, text_values(text)) is expected


# ---------------------------------------------------------------- command line


def test_eval_command_prints_the_table_and_listing() -> None:
    run = str(FIXTURES / "runs" / "wrong_digit")
    result = CliRunner().invoke(main, ["eval", run, "--gold", str(FIXTURE_GOLD)])
    assert result.exit_code == 0, result.output
    assert "overall  all    0.80 0.80 0.80       4/5/5    0    1" in result.output
    assert "[invented: value not in the article text]" in result.output


def test_eval_command_json_parses_as_a_report() -> None:
    run = str(FIXTURES / "runs" / "missing_program")
    result = CliRunner().invoke(main, ["eval", run, "--gold", str(FIXTURE_GOLD), "--json"])
    assert result.exit_code == 0
    assert EvalReport.model_validate_json(result.output).overall_all.programs.recall == 0.5


EVAL_USAGE_ERRORS = {
    "no run folder": (["eval", "no/such/run", "--gold", "GOLD"], "not a run folder"),
    "no gold file": (["eval", "RUN", "--gold", "no/such.json"], "no such gold file"),
}


@pytest.mark.parametrize(("case", "args_message"), sorted(EVAL_USAGE_ERRORS.items()))
def test_eval_command_usage_errors_are_one_line_exit_2(
    case: str, args_message: tuple[list[str], str]
) -> None:
    args, message = args_message
    real = {"GOLD": str(FIXTURE_GOLD), "RUN": str(FIXTURES / "runs" / "perfect")}
    result = CliRunner().invoke(main, [real.get(a, a) for a in args])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


# (extracted, gold, matched) -> (precision, recall, f1)
SCORE_CASES = {
    "nothing to find, nothing found": ((0, 0, 0), (None, None, None)),
    "nothing found": ((0, 4, 0), (None, 0.0, 0.0)),
    "nothing to find": ((2, 0, 0), (0.0, None, 0.0)),
    "half right": ((4, 2, 2), (0.5, 1.0, 2 / 3)),
}


@pytest.mark.parametrize(("case", "counts_figures"), sorted(SCORE_CASES.items()))
def test_score_figures(
    case: str, counts_figures: tuple[tuple[int, int, int], tuple[Any, ...]]
) -> None:
    (extracted, gold, matched), expected = counts_figures
    score = Score(extracted=extracted, gold=gold, matched=matched)
    assert (score.precision, score.recall, score.f1) == pytest.approx(expected)


def test_an_accepted_item_passes_whatever_the_checks_said(tmp_path: Path) -> None:
    run = Path(shutil.copytree(FIXTURES / "runs" / "true_item_flagged", tmp_path / "run"))
    blocked = [f for f in load_flags(run) if f.item_id and f.severity.value != "info"]
    store = DecisionStore(run)
    for f in blocked:
        store.record(key=f.item_id or "", article_id=f.article_id, action=Action.accept,
                     reviewer="ana", flag_ids=[g.id for g in blocked if g.item_id == f.item_id])
    report = evaluate_run(run, FIXTURE_GOLD)
    assert report.overall_passed.numbers.recall == pytest.approx(1.0)
    assert "held back" not in format_report(report)


def test_a_rejected_item_does_not_pass(tmp_path: Path) -> None:
    run = Path(shutil.copytree(FIXTURES / "runs" / "perfect", tmp_path / "run"))
    [record] = [r for r in load_records(run) if r.indicators][:1]
    item = record.indicators[0]
    DecisionStore(run).record(key=item.id, article_id=record.id, action=Action.reject,
                              reviewer="ana")
    report = evaluate_run(run, FIXTURE_GOLD)
    assert report.overall_passed.numbers.matched == report.overall_all.numbers.matched - 1
    assert "found, but only by items held back" in format_report(report)
