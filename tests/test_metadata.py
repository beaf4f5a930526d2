from __future__ import annotations

import pytest

from llmextract.metadata import (
    Metadata,
    as_iso_date,
    find_date,
    find_region,
    merge_metadata,
    read_metadata,
    reads_as,
)
from llmextract.models import Source
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


def test_the_inputs_metadata_wins_and_a_differing_reading_is_kept() -> None:
    read = Metadata(title="Judul dari teks", region="Kota Metro", date="2025-07-01")
    given = Source(title="Judul dari situs", region="kota  metro", date="29/07/2025")
    chosen, guessed = merge_metadata(given, read)
    assert chosen == Metadata("Judul dari situs", "kota  metro", "2025-07-29")
    assert guessed == {"title": "Judul dari teks", "date": "2025-07-01"}  # same region: not kept
    assert merge_metadata(Source(), read) == (read, {})


def test_a_date_the_input_writes_oddly_leaves_the_rules_date() -> None:
    assert as_iso_date("2025-07-29T08:00:00+07:00") == "2025-07-29"
    assert as_iso_date("5 Desember 2024") == "2024-12-05"
    assert as_iso_date("2025-13-40") is None
    odd = Source(date="kemarin sore")
    chosen, guessed = merge_metadata(odd, Metadata(None, None, "2025-01-02"))
    assert chosen.date == "2025-01-02" and guessed == {}


def test_reads_as_tells_indonesian_from_english_and_spares_short_texts() -> None:
    assert reads_as((SEEDS / "000_739030ce90c421ba.txt").read_text("utf-8"))
    english = ("The prevalence of stunting in the city reached 10.6 percent in 2024, down from "
               "12 percent a year before, and the mayor wants it below 5 percent by 2026.")
    assert not reads_as(english)
    assert reads_as("Stunting 10,6% (2024)")
