"""The report's charts: one per indicator with two years or more, a line per place, plain SVG
that loads nothing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from llmextract.dataset.reviewed import RunView
from llmextract.dataset.summary import summarize
from llmextract.review.charts import MAX_PLACES, UNREVIEWED_COLOR, summary_charts

TWO_PLACES = Path(__file__).parent / "fixtures" / "run_two_places"


def test_one_chart_per_indicator_with_two_years_a_line_per_place() -> None:
    charts = summary_charts(summarize(RunView(TWO_PLACES).review()))
    # balita stunting has one year only: a chart of one point says nothing
    assert [(c.indicator, c.unit) for c in charts] == [("prevalensi stunting", "persen")]
    chart = charts[0]
    assert set(chart.places) == {"Kota Metro", "Kabupaten Uji", "national"}
    svg = ET.fromstring(chart.svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert len(svg.findall(".//s:path", ns)) == 3  # one line per place
    dots = svg.findall(".//s:circle", ns)
    assert len(dots) == 6  # every value, the two of the 2024 conflict included
    assert {d.get("fill") for d in dots} == {UNREVIEWED_COLOR}  # nobody reviewed any yet
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert {"2023", "2024", "Kota Metro", "Kabupaten Uji"} <= set(labels)
    assert not re.search(r"<script|href|src=", chart.svg)


def test_a_crowded_chart_says_how_many_places_it_left_to_the_table() -> None:
    from llmextract.dataset.summary import SummaryRow

    rows = [SummaryRow(f"Kab {n}", "prevalensi stunting", "persen", year, 20.0 + n, "x", False,
                       1, 1, False, ("a",))
            for n in range(MAX_PLACES + 2) for year in (2023, 2024)]
    (chart,) = summary_charts(rows)
    assert (len(chart.places), chart.left_out) == (MAX_PLACES, 2)
