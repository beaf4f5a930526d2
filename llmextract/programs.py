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
from dataclasses import dataclass
from typing import Any

from .candidates import Sentence, split_sentences
from .llm import ModelClient
from .models import Program, Usage
from .prompts import Prompt

_CAP = r"[A-Z][\w-]*"
_LINK = r"(?:dan|untuk|bagi|di|ke|&)"
_NAME = rf"{_CAP}(?:\s+(?:{_LINK}\s+)?{_CAP})*"
_ACRONYM_NAME = rf"(?P<name>{_NAME}\s+\([A-Z][\w ]{{1,20}}\))"


def _alternation(words: list[str]) -> str:
    """Case-insensitive words inside an otherwise case-sensitive pattern (names are capitalised)."""
    return "(?i:" + ("|".join(re.escape(w) for w in words) or "(?!)") + ")"


@dataclass(frozen=True)
class Proposal:
    """A program name found by a rule. ``sure`` proposals (a bracketed acronym in a list of
    programs, a bullet of a list introduced as programs) are kept as they are; the others (a
    capitalised name after a program word, an item of an enumeration, 'program ... adalah X')
    go to the model to confirm when the prompt asks for it."""

    program: Program
    rule: str
    sure: bool


def propose_programs(text: str, config: dict[str, Any]) -> list[Proposal]:
    """Program proposals in order of appearance, one per name (the first sentence naming it)."""
    words = _alternation(list(config.get("program_words", [])))
    openers = _alternation(list(config.get("list_openers", [])))
    program_words = re.compile(rf"(?<!\w){words}(?!\w)")
    after_word = re.compile(rf"(?<!\w){words}\s+(?P<name>{_NAME})")
    # A bracketed acronym names a program only as an item of a list of programs
    # ("Program CSR seperti Gerakan ... (Genting), Satu Telur Satu Minggu (Sate Sami)").
    listed = re.compile(rf"(?:(?<!\w){openers}\s+|,\s+){_ACRONYM_NAME}")
    enumeration = re.compile(rf"(?<!\w){openers}\s+(?P<items>[A-Z].*)")
    is_program = re.compile(rf"(?<!\w){words}\b[^.]*?\s(?i:{'|'.join(map(re.escape, config.get('copulas', [])))})"
                            r"\s+(?P<name>[^,.;]+)")
    bullets = tuple(config.get("bullets", []))
    min_words = int(config.get("min_name_words", 2))
    max_words = int(config.get("max_name_words", 12))
    found: dict[str, Proposal] = {}

    not_heads = {w.lower() for w in config.get("not_program_heads", [])}

    def add(name: str, sentence: Sentence, rule: str, sure: bool) -> None:
        name = name.strip(" .,;:")
        if (min_words <= len(name.split()) <= max_words and name.lower() not in found
                and name.split()[0].lower() not in not_heads):
            found[name.lower()] = Proposal(Program(name=name, quote=sentence.text, span=sentence.span), rule, sure)

    list_open = False
    for s in split_sentences(text):
        if s.headline:
            continue
        stripped = s.line.strip()
        if bullets and stripped.startswith(bullets):
            if list_open:
                add(stripped.lstrip("".join(bullets)).strip(), s, "bullet", True)
            continue
        list_open = stripped.endswith(":") and bool(program_words.search(s.text))
        if not program_words.search(s.text):
            continue
        for m in listed.finditer(s.text):
            add(m.group("name"), s, "acronym", True)
        for m in after_word.finditer(s.text):
            add(m.group("name"), s, "after_program_word", False)
        for m in enumeration.finditer(s.text):
            for item in m.group("items").split(", "):
                if item[:1].isupper() and not re.search(openers, item) and "(" not in item:
                    add(item, s, "enumeration", False)
        for m in is_program.finditer(s.text):
            add(m.group("name"), s, "copula", False)
    # A name inside a longer one (the name without its acronym, a cut-off repeat) is the same program.
    return [p for key, p in found.items() if not any(key != other and key in other for other in found)]


def confirm_programs(proposals: list[Proposal], client: ModelClient, prompt: Prompt) -> tuple[list[Program], list[str], Usage]:
    """Keep the sure proposals; ask the model (labels ``program`` / ``other``) about the rest when
    the prompt's ``programs.confirm`` is on."""
    from .labels import ask_label

    confirm = bool((prompt.data.get("programs") or {}).get("confirm", False))
    kept: list[Program] = []
    problems: list[str] = []
    usage = Usage()
    for proposal in proposals:
        if proposal.sure or not confirm:
            kept.append(proposal.program)
            continue
        shown = proposal.program.quote.replace(proposal.program.name, f"[[{proposal.program.name}]]", 1)
        answer, why, used = ask_label(client, prompt, shown, ["program", "other"], kind="program_")
        usage = usage.add(used)
        problems.extend(f"program {proposal.program.name!r}: {w}" for w in why)
        if answer == "program":
            kept.append(proposal.program)
    return kept, problems, usage
