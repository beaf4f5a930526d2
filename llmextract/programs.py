"""Program names proposed by rules for the ``candidates`` strategy.

A small model cannot be asked to find programs, but articles name them in a few regular ways:
a capitalised name after a program word ("gerakan program Bapak Asuh dan Ibu Asuh Anak
Stunting"), a capitalised name with its acronym in brackets in a sentence about programs
("Gerakan Orang Tua Asuh Cegah Stunting (Genting)", "Satu Telur Satu Minggu (Sate Sami)"), and
the bullet items of a list introduced by a program word. Each proposal keeps its sentence as the
quote. The program words and list markers are data (the prompt's ``programs`` section).
"""

from __future__ import annotations

import re
from typing import Any

from .candidates import Sentence, split_sentences
from .models import Program

_CAP = r"[A-Z][\w-]*"
_LINK = r"(?:dan|untuk|bagi|di|ke|&)"
_NAME = rf"{_CAP}(?:\s+(?:{_LINK}\s+)?{_CAP})*"
_ACRONYM_NAME = rf"(?P<name>{_NAME}\s+\([A-Z][\w ]{{1,20}}\))"


def _alternation(words: list[str]) -> str:
    """Case-insensitive words inside an otherwise case-sensitive pattern (names are capitalised)."""
    return "(?i:" + ("|".join(re.escape(w) for w in words) or "(?!)") + ")"


def propose_programs(text: str, config: dict[str, Any]) -> list[Program]:
    """Program candidates in order of appearance, one per name (the first sentence naming it)."""
    words = _alternation(list(config.get("program_words", [])))
    program_words = re.compile(rf"(?<!\w){words}(?!\w)")
    after_word = re.compile(rf"(?<!\w){words}\s+(?P<name>{_NAME})")
    # A bracketed acronym names a program only as an item of a list of programs
    # ("Program CSR seperti Gerakan ... (Genting), Satu Telur Satu Minggu (Sate Sami)").
    listed = re.compile(rf"(?:(?<!\w){_alternation(list(config.get('list_openers', [])))}\s+|,\s+){_ACRONYM_NAME}")
    bullets = tuple(config.get("bullets", []))
    min_words = int(config.get("min_name_words", 2))
    found: dict[str, Program] = {}

    def add(name: str, sentence: Sentence) -> None:
        name = name.strip(" .,;:")
        if len(name.split()) >= min_words and name.lower() not in found:
            found[name.lower()] = Program(name=name, quote=sentence.text, span=sentence.span)

    sentences = split_sentences(text)
    list_open = False
    for s in sentences:
        if s.headline:
            continue
        stripped = s.line.strip()
        if bullets and stripped.startswith(bullets):
            if list_open:
                add(stripped.lstrip("".join(bullets)).strip(), s)
            continue
        list_open = stripped.endswith(":") and bool(program_words.search(s.text))
        if not program_words.search(s.text):
            continue
        for m in after_word.finditer(s.text):
            add(m.group("name"), s)
        for m in listed.finditer(s.text):
            add(m.group("name"), s)
    # A name inside a longer one (the name without its acronym, a cut-off repeat) is the same program.
    return [p for key, p in found.items() if not any(key != other and key in other for other in found)]
