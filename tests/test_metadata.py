from __future__ import annotations

import pytest

from llmextract.metadata import find_date, find_region, read_metadata
from llmextract.text.clean import clean_text

from .conftest import SEEDS


@pytest.mark.parametrize(
    ("prefix", "title", "region", "date"),
    [
        ("000", "Kasus Stunting di Kota Metro Turun Pada 2025", "Kota Metro", None),
        ("001", "Turunkan Angka Stunting di Metro", "Kota Metro", "2024-12-05"),
        ("002", "Gelar Rapat Koordinasi Penurunan Stunting", "Kota Pangkalpinang", "2025-07-29"),
        ("003", "Gelar Rakor, Pemkot Kediri Optimalkan", "Kota Kediri", "2024-04-23"),
        ("004", "Pemkot Perkuat Aksi Cegah Stunting", "Kota Tangerang", "2025-07-22"),
    ],
)
def test_seed_metadata(prefix: str, title: str, region: str, date: str | None) -> None:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    meta = read_metadata(clean_text(path.read_text(encoding="utf-8")))
    assert meta.title is not None and meta.title.startswith(title)
    assert meta.region == region
    assert meta.date == date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Selasa (23/4/2024)", "2024-04-23"),
        ("31/02/2024 lalu 5 Mei 2023", "2023-05-05"),
        ("tahun 2025", None),
    ],
    ids=["slash", "skips-impossible-date", "year-only"],
)
def test_find_date(text: str, iso: str | None) -> None:
    assert find_date(text) == iso


def test_pemkot_names_the_city() -> None:
    assert find_region("Pemkot Bogor menggelar rapat.") == "Kota Bogor"
