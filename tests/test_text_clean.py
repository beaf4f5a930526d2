from __future__ import annotations

import pytest

from llmextract.text.clean import clean_text

from .conftest import SEEDS


@pytest.mark.parametrize("path", sorted(SEEDS.iterdir()), ids=lambda p: p.name[:3])
def test_every_kept_character_maps_back_to_the_original(path) -> None:
    raw = path.read_text(encoding="utf-8")
    cleaned = clean_text(raw)
    for seg in cleaned.segments:
        assert (
            cleaned.text[seg.clean_start : seg.clean_start + seg.length]
            == raw[seg.original_start : seg.original_start + seg.length]
        )
    for offset in (0, len(cleaned.text) // 2, len(cleaned.text) - 1):
        assert raw[cleaned.to_original(offset)] == cleaned.text[offset]


@pytest.mark.parametrize(
    ("raw", "gone", "kept"),
    [
        (
            "Kasus 242.\nBACA JUGA:Tim Tekab 308 Polres Metro\nTarget 14 persen.",
            "308",
            "Target 14 persen.",
        ),
        ("A 1.\nBaca juga: Persik Kediri 2-1\nB 2.", "Persik", "B 2."),
        ("Isi.\nCek Berita dan Artikel lainnya di Google News", "Google News", "Isi."),
        ("Isi.\nTinggalkan Balasan\nKomentar", "Balasan", "Isi."),
    ],
    ids=["baca-juga-caps", "baca-juga", "cek-berita", "comment-widget"],
)
def test_navigation_lines_are_dropped(raw: str, gone: str, kept: str) -> None:
    text = clean_text(raw).text
    assert gone not in text
    assert kept in text


def test_title_repeated_many_times_is_kept_once() -> None:
    title = "Pemkot Perkuat Aksi Cegah Stunting Hingga Kelurahan"
    raw = "\n".join([title] * 14 + ["", "Isi berita 30.000 keluarga."])
    cleaned = clean_text(raw)
    assert cleaned.text.count(title) == 1
    assert cleaned.dropped.count(title) == 13
