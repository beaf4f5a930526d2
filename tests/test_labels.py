"""Labels the rules settle before the model is asked, on small made-up texts, one rule each
(the seeds' cases are in test_candidates.py)."""

from __future__ import annotations

import pytest

from llmextract.extract.candidates.label import Label, LabelRules, allowed_labels, on_topic
from llmextract.prompts import load_prompt
from llmextract.text.sentences import split_sentences

from .test_candidates import candidate

RULES = LabelRules.load(load_prompt("candidates"))

# 'Angka itu' / 'jumlahnya' point back to the sentence before, which names the topic.
ANAPHORA = (
    "Judul\n\nPrevalensi stunting kabupaten itu 27,4 persen pada 2023. "
    "Angka itu turun dari 31,6 persen pada 2022."
)
ANAPHORA_CHAIN = (
    "Judul\n\nPada 2023 terdapat 2.480 balita stunting. Pada 2024 jumlahnya 2.200 balita.\n\n"
    "\"Juni 2025 jumlahnya kini 1.962 balita, atau 4,7 persen dari 41.745 balita,\" katanya."
)
PART_OF_THE_PREVIOUS = (
    "Judul\n\nTercatat 6.160 keluarga berisiko stunting. "
    "Sebanyak 1.208 di antaranya merupakan keluarga dengan ibu hamil."
)
NO_ANAPHORA = "Judul\n\nPrevalensi stunting turun tajam. Realisasi kegiatan itu mencapai 85 persen."
# A word of intent in an opening clause of purpose does not make the main clause a goal.
PURPOSE_CLAUSE = (
    "Judul\n\nUntuk mengejar target daerah, pemkab menyalurkan makanan tambahan "
    "bagi 1.850 balita gizi kurang."
)
INTENT_AFTER_PURPOSE = "Judul\n\nUntuk itu, pemkab menargetkan prevalensi stunting 10 persen."
# People doing the work are counted like the people they help.
WORKFORCE = "Judul\n\nSekarang sudah ada 173 orang tua asuh dan 62 ahli gizi."
# A share in brackets after a count of the topic is that count's, in a markdown list too.
MARKDOWN_BREAKDOWN = "Judul\n\nSebaran per kecamatan:\n\n- **Kecamatan Utara**: 312 balita (5,6%)"
# Once a quotation ends, its word of intent does not reach the numbers after it.
QUOTE_ENDED = (
    "Judul\n\n\"Kami menargetkan prevalensi stunting 10 persen,\" kata Bupati yang didampingi "
    "40 relawan."
)
# The starting point of a goal is measured, not a goal.
BASELINE = (
    "Judul\n\nBupati menargetkan prevalensi stunting turun menjadi 12 persen, dari saat ini "
    "17,3 persen."
)

# A figure the headline gives, under a headline naming the topic, is about the topic, and so is
# the sentence pointing back to it; a figure the headline does not give is not.
HEADLINE_ECHO = (
    "Angka stunting Kota Baru turun 2,8 poin persen\n\nWali kota menyebut penurunan 2,8 poin "
    "persen itu berkat kerja kader. Angka itu lebih baik dari rata-rata provinsi, 19,5 persen."
)
NO_HEADLINE_ECHO = (
    "Angka stunting Kota Baru turun\n\nWali kota menyebut penurunan 2,8 poin persen itu berkat "
    "kader."
)
# After a clause of purpose naming a goal, the pace that reaches it is a goal.
PACE_AFTER_PURPOSE = (
    "Judul\n\nUntuk mengejar target itu, penurunan 1,5 poin persen per tahun wajib dijaga."
)

# A list row naming a place takes its subject from the line opening the list: the topic when
# that line names it (after ':' or directly above the rows), nothing otherwise.
PLACE_ROWS = (
    "Judul\n\nPrevalensi stunting di dua kabupaten menurut SKI 2023 dan SSGI 2024:\n\n"
    "1. Kabupaten A: 31,2 persen → 27,5 persen\n2. Kabupaten B: 26,8 persen → 22,9 persen"
)
ROWS_DIRECTLY_BELOW = (
    "Judul\n\nAngka stunting per kecamatan turun tahun ini.\n- Kecamatan Barat: 4,1 persen"
)
ROWS_OF_ANOTHER_TOPIC = "Judul\n\nTingkat kemiskinan per kabupaten:\n\n1. Kabupaten A: 11,2 persen"
ROWS_AFTER_A_PARAGRAPH = (
    "Judul\n\nAngka stunting per kecamatan turun tahun ini.\n\n- Kecamatan Barat: 4,1 persen"
)
# A sentence pointing back to the one before it, which names the topic.
POINTING_BACK_TO_THE_TOPIC = (
    "Judul\n\nPrevalensi stunting provinsi 24,1 persen pada 2024. Angka itu masih di "
    "atas rata-rata nasional SSGI 2024 yang tercatat 19,8 persen."
)

# People counted by the role they take are the workforce.
TAKING_A_ROLE = (
    "Judul\n\nSebanyak 120 mahasiswa dan dosen direkrut sebagai kader pendamping di desa."
)


@pytest.mark.parametrize(
    "text, value_text, expected",
    [
        (ANAPHORA, "31,6 persen", [Label.indicator]),
        (ANAPHORA_CHAIN, "4,7 persen", [Label.indicator]),
        (PART_OF_THE_PREVIOUS, "1.208", [Label.indicator]),
        (NO_ANAPHORA, "85 persen", [Label.indicator, Label.other]),
        (PURPOSE_CLAUSE, "1.850", [Label.indicator]),
        (INTENT_AFTER_PURPOSE, "10 persen", [Label.target]),
        (WORKFORCE, "173", [Label.indicator]),
        (WORKFORCE, "62", [Label.indicator]),
        (MARKDOWN_BREAKDOWN, "5,6%", [Label.indicator]),
        (QUOTE_ENDED, "40", [Label.indicator, Label.other]),
        (BASELINE, "17,3 persen", [Label.indicator]),
        (BASELINE, "12 persen", [Label.target]),
        (HEADLINE_ECHO, "2,8", [Label.indicator]),
        (HEADLINE_ECHO, "19,5 persen", [Label.indicator]),
        (NO_HEADLINE_ECHO, "2,8", [Label.indicator, Label.other]),
        (PACE_AFTER_PURPOSE, "1,5", [Label.target]),
        (TAKING_A_ROLE, "120", [Label.indicator]),
        (PLACE_ROWS, "31,2 persen", [Label.indicator]),
        (PLACE_ROWS, "22,9 persen", [Label.indicator]),
        (ROWS_DIRECTLY_BELOW, "4,1 persen", [Label.indicator]),
        (ROWS_OF_ANOTHER_TOPIC, "11,2 persen", [Label.indicator, Label.other]),
        (ROWS_AFTER_A_PARAGRAPH, "4,1 persen", [Label.indicator, Label.other]),
        (POINTING_BACK_TO_THE_TOPIC, "19,8 persen", [Label.indicator]),
    ],
)
def test_labels_the_rules_leave_open(text: str, value_text: str, expected: list[Label]) -> None:
    assert allowed_labels(candidate(text, value_text), RULES) == expected


DENGUE = ("Kasus DBD di Kota Maju Capai 318\n\nMAJU - Dinas Kesehatan mencatat 318 kasus demam "
          "berdarah sejak Januari. Jumlah itu melonjak dari 97 kasus tahun lalu.\n\nSebelumnya, "
          "Dinkes memusatkan perhatian pada penurunan stunting. Kini fokus dialihkan ke DBD.")
IN_THE_BODY = ("Rakor Kesehatan Kota Maju\n\nMAJU - Pemkot menggelar rapat koordinasi. Jumlah "
               "balita stunting turun menjadi 242 anak.\n\nWali Kota meminta penanganan "
               "stunting dipercepat.")


@pytest.mark.parametrize(("text", "topical"), [
    pytest.param(DENGUE, False, id="another-topic-naming-stunting-once-in-passing"),
    pytest.param(IN_THE_BODY, True, id="the-topic-in-two-sentences-of-the-body"),
    pytest.param("Stunting di Kota Maju Turun\n\nMAJU - Jumlahnya 242 anak.", True,
                 id="the-topic-in-the-headline"),
])
def test_an_article_is_on_topic_by_its_opening_or_two_sentences(text: str, topical: bool) -> None:
    assert on_topic(split_sentences(text), RULES) is topical

