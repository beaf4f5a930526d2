"""Diffs between hand-made runs over the same two articles (tests/fixtures/eval)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from llmextract.cli import main
from llmextract.dataset.diff import RunDiff, diff_run_dirs, diff_runs, field_changes, format_diff
from llmextract.models import ArticleRecord, Indicator, Target, TargetKind
from llmextract.store import load_records

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eval"
RUNS = FIXTURES / "runs"


def _records(run: str) -> list[ArticleRecord]:
    return load_records(RUNS / run)


def _summary(run_a: str, run_b: str) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """Per article with any difference: labels gained, lost, and 'label: field' changed."""
    diff = diff_runs(_records(run_a), _records(run_b))
    return {
        a.name: (
            [r.label for r in a.gained],
            [r.label for r in a.lost],
            [f"{c.a.label}: {f.field}" for c in a.changed for f in c.fields],
        )
        for a in diff.articles
        if a.gained or a.lost or a.changed
    }


# (run A, run B) -> per article (gained, lost, changed)
DIFF_CASES = {
    ("perfect", "perfect"): {},
    ("perfect", "wrong_digit"): {"a.txt": (["224"], ["242"], [])},
    ("wrong_digit", "perfect"): {"a.txt": (["242"], ["224"], [])},
    ("perfect", "invented_number"): {"b.txt": (["500"], [], [])},
    ("perfect", "missing_program"): {"b.txt": ([], ["Satu Telur Satu Minggu (Sate Sami)"], [])},
    ("perfect", "wrong_year"): {"a.txt": ([], [], ["242: period"])},
    ("perfect", "range_without_upper"): {"a.txt": (["1"], ["1 sampai 2 persen"], [])},
    ("perfect", "repeated_number"): {"a.txt": (["242"], [], [])},
    ("perfect", "program_renamed"): {
        "a.txt": (["Program Bapak Asuh"], ["Bapak Asuh Anak Stunting"], []),
        "b.txt": ([], [], ["Satu Telur Satu Minggu (Sate Sami): name"]),
    },
}


@pytest.mark.parametrize(("runs", "expected"), sorted(DIFF_CASES.items()))
def test_gained_lost_and_changed(runs: tuple[str, str], expected: dict[str, object]) -> None:
    assert _summary(*runs) == expected


def test_unchanged_items_are_counted() -> None:
    diff = diff_runs(_records("perfect"), _records("wrong_year"))
    assert [(a.name, a.unchanged) for a in diff.articles] == [("a.txt", 3), ("b.txt", 3)]


def test_with_gold_each_side_carries_its_evaluation() -> None:
    diff = diff_run_dirs(RUNS / "perfect", RUNS / "view_count_flagged", FIXTURES / "gold.json")
    assert diff.eval_a is not None and diff.eval_b is not None
    assert diff.eval_a.overall_all.numbers.precision == 1.0
    assert diff.eval_b.overall_all.numbers.precision == pytest.approx(5 / 6)
    assert diff.eval_b.overall_passed.numbers.precision == 1.0
    text = format_diff(diff)
    assert "A: numbers P 1.00 R 1.00 F1 1.00" in text
    assert "B: numbers P 0.83 R 1.00 F1 0.91, passed P 1.00" in text
    assert "+ indicator '98' (pembaca)" in text


def test_with_gold_an_article_one_run_failed_on_is_scored_as_empty() -> None:
    diff = diff_run_dirs(RUNS / "perfect", RUNS / "article_failed", FIXTURES / "gold.json")
    assert diff.only_in_a == ["articles/b.txt"]
    assert diff.eval_b is not None and diff.eval_b.overall_all.numbers.recall == pytest.approx(0.6)
    assert "B: numbers P 1.00 R 0.60" in format_diff(diff)


def test_without_gold_no_evaluation_is_shown() -> None:
    diff = diff_runs(_records("perfect"), _records("wrong_digit"))
    assert diff.eval_a is None and diff.eval_b is None
    text = format_diff(diff)
    assert text.startswith("2 articles in both runs: 1 gained, 1 lost, 0 changed, 6 unchanged")
    assert "+ indicator '224' (kasus stunting)" in text
    assert "- indicator '242' (kasus stunting)" in text
    assert "b.txt" not in text


def test_articles_in_one_run_only_are_listed() -> None:
    a = _records("perfect")
    diff = diff_runs(a, [r for r in a if r.source_path.endswith("a.txt")])
    assert diff.only_in_a == ["articles/b.txt"] and diff.only_in_b == []
    assert "only in run A: articles/b.txt" in format_diff(diff)


def test_article_paired_by_file_name_when_ids_differ() -> None:
    a = _records("perfect")
    b = [r.model_copy(update={"id": "f" * 16}) for r in _records("wrong_year")]
    diff = diff_runs(a, b)
    assert {d.name: len(d.changed) for d in diff.articles} == {"a.txt": 1, "b.txt": 0}


def _indicator(**kw: object) -> Indicator:
    base: dict[str, object] = {
        "name": "kasus stunting",
        "value": 242,
        "value_text": "242",
        "quote": "q",
    }
    return Indicator.model_validate({**base, **kw})


FIELD_CASES = {
    "same": (_indicator(), _indicator(), []),
    "quote is not compared": (_indicator(), _indicator(quote="other words"), []),
    "whitespace is not a change": (_indicator(unit="kasus"), _indicator(unit=" kasus "), []),
    "unit": (_indicator(unit="kasus"), _indicator(unit="anak"), [("unit", "kasus", "anak")]),
    "approximate": (_indicator(), _indicator(approximate=True), [("approximate", "False", "True")]),
}


@pytest.mark.parametrize(("case", "pair"), sorted(FIELD_CASES.items()))
def test_field_changes(
    case: str, pair: tuple[Indicator, Indicator, list[tuple[str, str, str]]]
) -> None:
    a, b, expected = pair
    assert [(f.field, f.a, f.b) for f in field_changes(a, b)] == expected


def test_target_kind_change_is_shown_by_its_value() -> None:
    a = Target(indicator="x", value=14, value_text="14 persen", quote="q", kind=TargetKind.level)
    b = a.model_copy(update={"kind": TargetKind.per_year})
    assert [(f.field, f.a, f.b) for f in field_changes(a, b)] == [("kind", "level", "per_year")]


def test_diff_command_with_gold() -> None:
    args = [
        "diff",
        str(RUNS / "perfect"),
        str(RUNS / "wrong_digit"),
        "--gold",
        str(FIXTURES / "gold.json"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "1 gained, 1 lost, 0 changed, 6 unchanged" in result.output
    assert "B: numbers P 0.80 R 0.80 F1 0.80" in result.output


def test_diff_command_json() -> None:
    result = CliRunner().invoke(
        main, ["diff", str(RUNS / "perfect"), str(RUNS / "wrong_year"), "--json"]
    )
    assert result.exit_code == 0
    diff = RunDiff.model_validate_json(result.output)
    assert diff.count("changed") == 1 and diff.eval_a is None
