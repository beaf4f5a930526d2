"""Lists and tables in article text: which lines are rows, and which line introduces them.

A row names a place or a group ('1. Kabupaten A: 31,2 persen → 27,5 persen', '- Kecamatan
Barat: 231 balita (5,1%)'), not the topic; the topic is in the line that opens the list
('Prevalensi stunting di empat kabupaten menurut SKI 2023 dan SSGI 2024:'). The labelling rules
and the coverage check both read the row's subject from that line, so they share this module
of the text layer.
"""

from __future__ import annotations

import re

# '- ', '• ', '* ' (not markdown bold), '1. ', '2) ': a list marker.
_MARKER = r"(?:[-•·]|\*(?!\*)|[0-9]{1,2}[.)])"
# '| 1 | Kapan | 212 |': a table's first cell numbering its rows, under a header cell 'No'.
_ROW_NUMBER = r"\|\s*[0-9]{1,3}\.?\s*\|\s*"
TABLE_ROW_NUMBER = re.compile(rf"[ \t]*{_ROW_NUMBER}")
# 'Ibu Hamil (Bumil): 1.022 didampingi', '- **Kecamatan Utara**: 312 balita', or a table's
# 'Kabupaten Muna | 29,4% | 30,6%' (its first cell): a row's label, its list marker, a leading
# pipe, a row's number and bold type left out.
TABLE_ROW = re.compile(
    rf"^\s*(?:{_MARKER}\s+|{_ROW_NUMBER}|\|\s*)?(?P<label>[^:|\n]{{2,60}}?)\s*[:|]\s*")
# '|---|:---:|', a Markdown table's line under its header: neither a row nor an opener.
_TABLE_RULE = re.compile(r"^[\s|:-]*-[\s|:-]*$")
_LIST_MARKER = re.compile(rf"^\s*{_MARKER}\s+")
# '1. **Dashat** ...', '2) PMT lokal': the number of a list item, at the start of its line.
LIST_NUMBER = re.compile(r"[ \t]*[0-9]{1,2}[.)][ \t]")
# A row is short: a paragraph of prose that happens to open with 'Label:' is not one.
_ROW_MAX_CHARS = 100
_ROW_MAX_WORDS = 12


def is_list_row(line: str) -> bool:
    """A short line with a figure that opens with a list marker or a 'Label:' without digits."""
    stripped = line.strip()
    if not stripped or len(stripped) > _ROW_MAX_CHARS or len(stripped.split()) > _ROW_MAX_WORDS:
        return False
    if not any(map(str.isdigit, stripped)):  # no Python frame per character
        return False
    if _LIST_MARKER.match(stripped):
        return True
    label = TABLE_ROW.match(stripped)
    return bool(label and not any(map(str.isdigit, label["label"])))


def is_table_head(line: str) -> bool:
    """A table's line above its rows: its header naming the columns without a figure
    ('| Kecamatan | Balita stunting |', 'Kecamatan | Balita stunting') or the rule under it
    ('|---|---|'). Part of the table, not a row."""
    stripped = line.strip()
    return "|" in stripped and (
        bool(_TABLE_RULE.match(stripped)) or not any(ch.isdigit() for ch in stripped))


def list_intro(text: str, line_start: int) -> tuple[int, int] | None:
    """For a row starting at ``line_start``, the line introducing its list: the nearest line
    above the rows of the block that is not a row itself, when it ends with ':' or stands
    directly above the first row (no blank line between). As ``(start, end)`` offsets, trimmed;
    None for a line that is not a row or a list with no such opener."""
    end = text.find("\n", line_start)
    if not is_list_row(text[line_start:len(text) if end < 0 else end]):
        return None
    blank_after = False  # a blank line between the candidate opener and the rows below it
    pos = line_start
    while pos > 0:
        start = text.rfind("\n", 0, pos - 1) + 1
        line = text[start:pos - 1]
        pos = start
        if not line.strip():
            blank_after = True
            continue
        if is_list_row(line) or _TABLE_RULE.match(line):
            blank_after = False
            continue
        body = line.rstrip(" \t*_")
        if body.endswith(":") or not blank_after:
            lead = len(line) - len(line.lstrip())
            return start + lead, start + len(line.rstrip())
        return None
    return None


def table_header(text: str, line_start: int) -> tuple[int, int] | None:
    """For a row of a table written with pipes ('Kota Lasolo | 22,7% | 18,4%'), the table's
    first line ('Kabupaten/Kota | SKI 2023 | SSGI 2024'), which names each column, as
    ``(start, end)`` offsets; None for the first line itself or a line without pipes."""
    header = None
    pos = line_start
    while pos > 0:
        start = text.rfind("\n", 0, pos - 1) + 1
        line = text[start:pos - 1]
        if "|" not in line:
            break
        if not _TABLE_RULE.match(line):
            header = (start, start + len(line.rstrip()))
        pos = start
    line_end = text.find("\n", line_start)
    return header if "|" in text[line_start:len(text) if line_end < 0 else line_end] else None


def header_cell(text: str, line_start: int) -> str | None:
    """The first cell of the header of the pipe table whose row starts at ``line_start``
    ('Kecamatan' over 'Luwuk | 212'): what kind of thing its rows' labels name. None outside
    a pipe table or for a header without one."""
    header = table_header(text, line_start)
    if header is None:
        return None
    line = text[header[0]:header[1]]
    if TABLE_ROW_NUMBER.match(text, line_start):  # the rows' own first cell is their number's
        line = line.lstrip().removeprefix("|").partition("|")[2]
    cell = TABLE_ROW.match(line)
    label = cell["label"].strip(" *") if cell else ""
    return label or None
