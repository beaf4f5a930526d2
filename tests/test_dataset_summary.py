"""The summary by place, indicator and year: values as written, conflicts kept apart, national
figures not given to the district, spelling variants of one indicator summed up together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.reviewed import RunView
from llmextract.dataset.summary import summarize

TWO_PLACES = Path(__file__).parent / "fixtures" / "run_two_places"
METRO, UJI, UJI_DINKES = "dcb6a8872f9a5d24", "8adbd7136b628fa0", "26ad7ee833d0808a"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TWO_PLACES, tmp_path / "run"))


def decide(run_dir: Path, key: str, article: str, action: Action) -> None:
    RunView(run_dir).store.record(key=key, article_id=article, action=action, reviewer="ana")


def cells(run_dir: Path, **kw: bool) -> list[tuple[object, ...]]:
    return [(r.place, r.indicator, r.unit, r.year, r.value, r.conflict, r.reviewed)
            for r in summarize(RunView(run_dir).review(), **kw)]


def test_values_by_place_indicator_and_year(run_dir: Path) -> None:
    assert cells(run_dir) == [
        ("Kabupaten Uji", "balita stunting", "balita", 2024, 300.0, False, 0),
        ("Kabupaten Uji", "prevalensi stunting", "persen", 2023, 25.0, False, 0),
        ("Kabupaten Uji", "prevalensi stunting", "persen", 2024, 22.5, True, 0),
        ("Kabupaten Uji", "prevalensi stunting", "persen", 2024, 23.0, True, 0),
        ("Kota Metro", "prevalensi stunting", "persen", 2023, 20.1, False, 0),
        ("Kota Metro", "prevalensi stunting", "persen", 2024, 15.2, False, 0),
        ("national", "prevalensi stunting", "persen", 2023, 21.5, False, 0),
    ]


def test_a_row_says_where_it_comes_from_and_how_it_was_written(run_dir: Path) -> None:
    rows = summarize(RunView(run_dir).review())
    balita = rows[0]
    assert (balita.value_text, balita.approximate, balita.articles) == ("300", True, (UJI,))
    conflict = [r for r in rows if r.conflict]
    assert [r.articles for r in conflict] == [(UJI,), (UJI_DINKES,)]


def test_decisions_count_and_rejected_values_leave(run_dir: Path) -> None:
    decide(run_dir, "Imetro2023", METRO, Action.accept)
    decide(run_dir, "Iujidinkes2024", UJI_DINKES, Action.reject)
    rows = cells(run_dir)
    assert ("Kota Metro", "prevalensi stunting", "persen", 2023, 20.1, False, 1) in rows
    assert ("Kabupaten Uji", "prevalensi stunting", "persen", 2024, 22.5, False, 0) in rows
    assert all(r[4] != 23.0 for r in rows)
    assert cells(run_dir, only_reviewed=True) == [
        ("Kota Metro", "prevalensi stunting", "persen", 2023, 20.1, False, 1)
    ]
