"""The ``read`` strategy: the parser proposes, the model reads, the rules verify.

Rules that decide relevance from the phrasings the team has seen do not hold on new articles, so
here they decide only what is certain: dates, times, years used as dates, ordinals, numbers on
bylines, captions, related-link lines and counters, number words inside a capitalised name, and
a headline or slogan restating the body (``candidates.find_candidates``'s sure rules). Every
other number goes to the model with a few words of context, in ONE structured call per article
(a long article in parts), together with the article itself. The model answers by candidate id
(an enum in the JSON schema, so llama.cpp's grammar cannot produce another id): a label from a
closed set, what is measured, scope, place and period; then, in a second question after the
same prefix (so the server evaluates the article once), the article's programs by name.

The model never writes a number. Values, units, spans and the target kind come from the parser
and the field rules. An id not shown or a program name not in the article makes instructor
re-ask; what it writes of a number (what, place, period) is kept only where the article has it,
and the checks flag the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from llmextract.client import Client
from llmextract.extract.base import SOURCE_PLACEHOLDER, StrategyResult
from llmextract.extract.candidates.fields import build_extraction
from llmextract.extract.candidates.label import Label, Labelled
from llmextract.extract.candidates.propose import Candidate, find_candidates
from llmextract.models import Extraction, Indicator, Program, Scope, Target, Usage
from llmextract.prompts import Prompt
from llmextract.resources import load_vocab
from llmextract.text.alignment import contains, locate
from llmextract.text.numbers import NumberMention
from llmextract.text.parsed import parse_article
from llmextract.text.sentences import split_sentences
from llmextract.text.words import years_in

_WORD = re.compile(r"\S+")


def _in_article(value: str | None, info: ValidationInfo, field: str) -> str | None:
    """A name, place or period the model wrote must be in the article (case and spacing aside):
    the message goes back to the model, which is re-asked."""
    ctx = info.context
    source = ctx.get("source") if isinstance(ctx, dict) else None
    if value is None or source is None or not value.strip():
        return value or None
    if not contains(source, value):
        raise ValueError(f"{field} {value!r} is not in the article; copy words from the article")
    return value


def _context(info: ValidationInfo, key: str) -> str | None:
    ctx = info.context
    value = ctx.get(key) if isinstance(ctx, dict) else None
    return value if isinstance(value, str) else None


class ProgramReading(BaseModel):
    name: str = Field(description="The program's name, copied from the article.")

    @field_validator("name")
    @classmethod
    def _name_in_article(cls, value: str, info: ValidationInfo) -> str:
        return _in_article(value, info, "program name") or value


class NumberReading(BaseModel):
    id: str = Field(description="The number's id from the list, e.g. n3.")
    label: Label
    what: str | None = Field(default=None, description="What is measured, copied from the article.")
    period: str | None = Field(default=None, description="When it holds, copied from the article.")
    scope: Scope = Field(default=Scope.local)
    place: str | None = Field(
        default=None, description="The place it is about, copied from the article."
    )

    @field_validator("id")
    @classmethod
    def _shown(cls, value: str, info: ValidationInfo) -> str:
        ids = _context(info, "ids")  # empty for the programs question: its numbers are ignored
        if ids and value not in ids.split():
            raise ValueError(f"id {value!r} is not in the list of numbers; use one of: {ids}")
        return value


class Reading(BaseModel):
    """The model's answer for one article (or part). One fixed schema for every article, so
    the instructions and the schema instructor adds to them are the same prefix every time and
    llama.cpp evaluates them once; the ids are checked against the list by a validator."""

    numbers: list[NumberReading] = Field(default_factory=list)
    programs: list[ProgramReading] = Field(default_factory=list)


@dataclass(frozen=True)
class Shown:
    """A candidate as the model sees it: an id and a few words either side of the marked number."""

    id: str
    candidate: Candidate
    line: str


def show(text: str, candidates: list[Candidate], mark: str, words: int) -> list[Shown]:
    open_, _, close = mark.partition(" ")
    out = []
    for n, c in enumerate(candidates, 1):
        m = c.mention
        before = _WORD.findall(text[c.sentence.start : m.start])[-words:]
        after = _WORD.findall(text[m.end : c.sentence.end])[:words]
        context = " ".join([*before, f"{open_}{m.text}{close}", *after])
        out.append(Shown(f"n{n}", c, f"n{n}: {context}"))
    return out


def year_of(period: str | None) -> int | None:
    """The year a period names ('akhir 2024' -> 2024); the last one for a span ('2023-2024')."""
    found = years_in(period)
    return found[-1] if found else None


def topic_of(prompt: Prompt) -> str:
    """The topic word of the prompt's domain, as the instructions name it."""
    return load_vocab(prompt.domain).text("topic")


class ReadStrategy:
    """Parser candidates and the article, read by the model in one call; the default for
    instruct models, embedded or remote."""

    name = "read"

    def extract(self, text: str, client: Client, prompt: Prompt) -> StrategyResult:
        mentions = parse_article(text).mentions  # the pipeline's parse, shared with the checks
        candidates, _ = find_candidates(
            text, prompt.domain, mentions=mentions, language=prompt.language, sure_only=True
        )
        cfg: dict[str, Any] = prompt.data.get("reading") or {}
        shown = show(
            text, candidates, str(cfg.get("mark", "[[ ]]")), int(cfg.get("context_words", 9))
        )
        size = max(1, int(cfg.get("max_candidates", 40)))
        parts = [shown[i : i + size] for i in range(0, len(shown), size)]
        usage, problems = Usage(), list[str]()
        readings: dict[str, tuple[NumberReading, Candidate]] = {}
        for part in parts:
            got = self._ask(text, part, client, prompt)
            usage, problems = usage.add(got[2]), [*problems, *got[1]]
            if got[0] is None:
                continue
            by_id = {s.id: s for s in part}
            for reading in got[0].numbers:
                s = by_id.get(reading.id)
                if s is None or s.id in readings or reading.label is Label.other:
                    continue  # one label per number: the first the model gave
                readings[s.id] = (reading, s.candidate)
        got = self._ask(text, [], client, prompt)
        usage, problems = usage.add(got[2]), [*problems, *got[1]]
        found = [p.name for p in got[0].programs] if got[0] is not None else []
        programs = quoted_programs(text, found, prompt.language)
        extraction = build_read(text, list(readings.values()), prompt, programs, mentions)
        return StrategyResult(extraction, problems, usage)

    def _ask(
        self, text: str, part: list[Shown], client: Client, prompt: Prompt
    ) -> tuple[Reading | None, list[str], Usage]:
        """One question about the article: the numbers of ``part``, or (no part) its programs.
        Both share the system message, the schema and the article, so llama.cpp evaluates the
        article once for both; only the question after it is new."""
        topic = topic_of(prompt)
        question = ("user", {"numbers": "{{ numbers }}"}) if part else ("programs_user", {})
        messages = [
            {"role": "system", "content": prompt.render("system", topic=topic)},
            {
                "role": "user",
                "content": prompt.render(
                    question[0], source=SOURCE_PLACEHOLDER, topic=topic, **question[1]
                ),
            },
        ]
        listing = "\n".join(s.line for s in part) or "(none)"
        got = client.structured(
            messages,
            Reading,
            source=text,
            params=prompt.params,
            prompt_version=prompt.id,
            context={"numbers": listing, "ids": " ".join(s.id for s in part)},
        )
        return got.value if isinstance(got.value, Reading) else None, got.problems, got.usage


def build_read(
    text: str,
    readings: list[tuple[NumberReading, Candidate]],
    prompt: Prompt,
    programs: list[Program],
    mentions: list[NumberMention],
) -> Extraction:
    """The record of what the model read: one item per number it labelled, its value, unit,
    span and kind from the parser and the field rules, the words it wrote (what, period, scope,
    place) applied where the article has them. Shared by ``direct``, whose model names the
    numbers by quoting them instead of by id."""
    ordered = sorted(readings, key=lambda pair: pair[1].mention.start)
    labelled = [Labelled(candidate, reading.label) for reading, candidate in ordered]
    extraction = build_extraction(text, labelled, prompt, programs, mentions=mentions)
    _apply(text, extraction, ordered, topic_of(prompt))
    return extraction


def quoted_programs(text: str, names: list[str], language: str) -> list[Program]:
    """Each program the model named, quoted by the sentence that first names it (the rules
    quote: the model only has to copy a name). A name not in the article is skipped: ``read``
    re-asked it already, ``direct`` names it in the problems."""
    sentences = split_sentences(text, language)
    out = []
    for written in names:
        name = " ".join(written.split())
        match = locate(text, name, fuzzy=False)
        if match.span is None:
            continue
        at = match.span.start
        sentence = next((s for s in sentences if s.start <= at < s.end), None)
        if sentence is None or sentence.headline:
            sentence = next(
                (s for s in sentences if not s.headline and name.lower() in s.text.lower()),
                sentence,
            )
        if sentence is not None:
            out.append(Program(name=name, quote=sentence.text, span=sentence.span))
    return out


def _grounded(text: str, words: str | None) -> str | None:
    """A name, place or period the model wrote, kept only when the article has it (case and
    spacing aside). Not a re-ask: on 2 CPU cores one costs as much as the answer itself, and
    the rules already gave the item a name and a period."""
    if not words or not words.strip():
        return None
    words = " ".join(words.split())
    return words if contains(text, words) else None


def _apply(
    text: str, extraction: Extraction, readings: list[tuple[NumberReading, Candidate]], topic: str
) -> None:
    """The model's reading of each number onto the item the rules built for it (both in text
    order): the scope and place it gave, its name when the rules found only the topic word, its
    period when the rules found none; the year as an integer from the period."""
    indicators = iter(extraction.indicators)
    targets = iter(extraction.targets)
    for reading, candidate in readings:
        what, place, period = (
            _grounded(text, v) for v in (reading.what, reading.place, reading.period)
        )
        item: Indicator | Target | None = next(
            indicators if reading.label is Label.indicator else targets, None
        )
        if item is None:
            continue
        item.unit = item.unit or candidate.mention.unit  # 'rupiah' for money
        item.scope = reading.scope
        item.place = place
        if isinstance(item, Indicator):
            if what and item.name in (topic, ""):
                item.name = what
            if item.period is None and period:
                item.period = period
            item.year = year_of(item.period)
        elif item.deadline_year is None:
            item.deadline_year = year_of(period)
