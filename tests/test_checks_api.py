"""The public API of llmextract.checks: ordering, stable ids, purity, records and the
cross-article conflicts, plus properties over generated values."""

from __future__ import annotations

from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from llmextract.checks import check, check_record, check_records, sort_flags
from llmextract.models import (
    SEVERITY_RANK,
    ArticleRecord,
    Extraction,
    Flag,
    Indicator,
    Severity,
    Span,
)
from llmextract.text.alignment import locate

TEXT = ("Berdasarkan data terbaru, jumlah kasus stunting tercatat sebanyak 242 kasus, turun "
        "dibandingkan tahun 2024 yang mencapai sekitar 300 kasus.\n"
        "Capaian didukung oleh 130 tim TPK yang aktif.")
QUOTE = TEXT.split("\n")[0]


def item(value_text: str, value: float | None, period: str | None = "2025", **extra: object,
         ) -> Indicator:
    return Indicator(name="kasus stunting", value=value, value_text=value_text, unit="kasus",
                     period=period, quote=QUOTE, **extra)  # type: ignore[arg-type]


def record(article_id: str, value: float, *, region: str | None = "Kota Metro",
           approximate: bool = False, period: str = "2025") -> ArticleRecord:
    written = str(int(value))
    text = QUOTE.replace("242", written)
    return ArticleRecord(id=article_id, source_path=f"{article_id}.txt", region=region, text=text,
                         date="2025-07-29",
                         indicators=[Indicator(name="kasus stunting", value=value,
                                               value_text=written, period=period,
                                               approximate=approximate, quote=text,
                                               id=f"I{article_id}")])


def test_flags_sorted_most_severe_first_with_stable_ids() -> None:
    extraction = Extraction(indicators=[item("243", 243), item("242", 2420)])
    flags = check(TEXT, extraction, article_id="a")
    ranks = [SEVERITY_RANK[f.severity] for f in flags]
    assert ranks == sorted(ranks) and flags[0].severity is Severity.error
    assert [f.id for f in flags] == [f.id for f in check(TEXT, extraction, article_id="a")]
    assert len({f.id for f in flags}) == len(flags)
    assert all(f.id.startswith("F") for f in flags)


def test_check_does_not_change_the_extraction() -> None:
    extraction = Extraction(indicators=[item("243", 243)])
    before = extraction.model_dump()
    check(TEXT, extraction)
    assert extraction.model_dump() == before


def test_check_record_uses_its_text_id_and_date() -> None:
    rec = record("r1", 242)
    assert check_record(rec) == check(rec.text, Extraction(indicators=rec.indicators),
                                      article_id="r1", date=rec.date)


def test_sort_flags_drops_duplicates() -> None:
    flag = Flag(article_id="a", field="text", kind="coverage.unused_number",
                severity=Severity.info, message="m.").with_id()
    assert sort_flags([flag, flag]) == [flag]


def conflicts(records: list[ArticleRecord]) -> list[Flag]:
    return [f for f in check_records(records) if f.kind == "across.conflict"]


def test_conflict_flagged_on_both_articles_with_links() -> None:
    found = conflicts([record("a", 242), record("b", 241), record("c", 242)])
    by_article = {f.article_id: f for f in found}
    assert set(by_article) == {"a", "b", "c"}
    assert by_article["b"].related == ["a", "c"]
    assert by_article["a"].related == ["b"]
    assert by_article["a"].item_id == "Ia" and by_article["a"].severity is Severity.warning
    assert "241" in by_article["a"].message


def test_conflict_across_wordings_of_the_same_indicator() -> None:
    other = record("b", 241)
    other.indicators[0].name = "Jumlah kasus stunting"
    assert len(conflicts([record("a", 242), other])) == 2


def test_no_conflict_when_region_period_or_precision_differ() -> None:
    assert conflicts([record("a", 242), record("b", 242)]) == []
    assert conflicts([record("a", 242), record("b", 241, region="Kota Kediri")]) == []
    assert conflicts([record("a", 242), record("b", 241, period="2024")]) == []
    assert conflicts([record("a", 242), record("b", 241, approximate=True)]) == []
    assert conflicts([record("a", 242, region=None), record("b", 241, region=None)]) == []


def indonesian(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**9))
def test_any_value_absent_from_the_text_is_flagged(value: int) -> None:
    written = indonesian(value)
    assume(not locate(TEXT, written, whole_words=True, fuzzy=False).found)
    flags = check(TEXT, Extraction(indicators=[item(written, value)]))
    assert "grounding.value_not_found" in {f.kind for f in flags}


@settings(max_examples=200)
@given(st.sampled_from(["242", "300", "130"]), st.integers(min_value=-10**6, max_value=10**6))
def test_any_value_unlike_its_text_is_flagged(written: str, value: int) -> None:
    assume(value != int(written))
    flags = check(TEXT, Extraction(indicators=[item(written, value)]))
    assert "grounding.value_mismatch" in {f.kind for f in flags}


@settings(max_examples=200)
@given(st.text(max_size=40), st.text(max_size=80), st.one_of(st.none(), st.floats(
    allow_nan=False, allow_infinity=False)))
def test_check_never_crashes_and_spans_stay_in_the_text(value_text: str, quote: str,
                                                         value: float | None) -> None:
    extraction = Extraction(indicators=[Indicator(name="x", value=value, value_text=value_text,
                                                  quote=quote)])
    for flag in check(TEXT, extraction):
        assert flag.message
        assert all(0 <= s.start <= s.end <= len(TEXT) for s in flag.spans), flag


def test_spans_of_a_flag_point_at_the_value() -> None:
    [flag] = [f for f in check(TEXT, Extraction(indicators=[item("242", 2420)]))
              if f.kind == "grounding.value_mismatch"]
    start = TEXT.index("242")
    assert flag.spans == [Span(start=start, end=start + 3)]


def test_recheck_run_rewrites_flags_without_a_model(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from llmextract.cli import main
    from llmextract.runs import recheck_run
    from llmextract.store import append_record, load_flags, write_flags

    for rec in (record("a", 242), record("b", 241)):
        append_record(tmp_path, rec)
    stale = Flag(article_id="a", field="text", kind="old.rule", severity=Severity.info,
                 message="An old flag.").with_id()
    write_flags(tmp_path, [stale])
    result = recheck_run(tmp_path)
    # two conflicts (one per article) and the '300' neither extracted (info), one stale flag gone
    assert (result.articles, result.added, result.removed) == (2, 4, 1)
    assert {f.kind for f in load_flags(tmp_path)} == {"across.conflict", "coverage.unused_number"}
    out = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("2 articles checked: 0 errors, 2 warnings, 2 info (0 new, 0 gone)")


def test_check_command_refuses_a_folder_without_a_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from llmextract.cli import main

    out = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert out.exit_code == 2


def _domain_folder(tmp_path: Path) -> Path:
    """The repository's prompts with a second domain whose only topic word is 'malaria'."""
    import shutil

    import yaml

    from llmextract.resources import prompts_dir

    folder = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), folder)
    words = yaml.safe_load((folder / "vocab" / "stunting.yaml").read_text("utf-8"))
    words["topic_words"] = ["malaria"]
    (folder / "vocab" / "malaria.yaml").write_text(yaml.safe_dump(words), "utf-8")
    return folder


MALARIA = "Kasus malaria di Kota Contoh tercatat 120 kasus pada 2025."


def test_checks_read_the_vocabulary_of_the_domain_they_are_given(tmp_path: Path,
                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LLMEXTRACT_PROMPTS_DIR", str(_domain_folder(tmp_path)))
    empty = Extraction()
    assert [f.kind for f in check(MALARIA, empty, domain="malaria")] == ["coverage.unused_number"]
    assert check(MALARIA, empty) == []  # 'malaria' is no stunting word


def test_recheck_uses_the_domain_the_run_recorded(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from llmextract.runs import recheck_run
    from llmextract.store import append_record

    monkeypatch.setenv("LLMEXTRACT_PROMPTS_DIR", str(_domain_folder(tmp_path)))
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    append_record(run_dir, record("a", 120).model_copy(update={"text": MALARIA, "indicators": []}))
    assert recheck_run(run_dir).flags == []
    (run_dir / "run.json").write_text(json.dumps({"domain": "malaria"}), "utf-8")
    assert [f.kind for f in recheck_run(run_dir).flags] == ["coverage.unused_number"]
