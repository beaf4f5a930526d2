"""The ``direct`` strategy: the model writes the record (for capable chat models).

The model reads the article alone (no list of numbers) and writes each figure as the article
says it: the sentence it stands in (first, so that the rest is written from it), the number as
written, what is measured and when. It never gives a value: each figure is matched to a number
the parser found in its quote (else anywhere in the article), and the value, unit, span and
target kind come from the parser and the field rules, as in ``read``. A figure whose number
the parser did not find (or set aside as a date, a year, an ordinal...) is left out and named in
the record's problems.

Qwen2.5-Coder-1.5B quotes the right sentences but mostly leaves the number null or writes a word
there (docs/quality.md). Such a figure takes its number from its quote, when the quote is in the
article: the quote's only number the parser keeps; of several, the one whose clause has the
words the model wrote (``what``, the word in ``value_text``); else one each when the answer
gives as many such figures with that quote as it holds numbers. Otherwise it is left out and
said: the model never chooses a number the answer does not point at.

The answer has only the fields the model writes, so the schema instructor adds to the
instructions is short; the prompt gives the shape by an example.

With llama.cpp, a grammar built from the response schema made Qwen2.5-Coder-1.5B close every
list at once (docs/quality.md), so the prompt asks for ``response_format: json_object``
without a grammar (``text``): the generic JSON grammar (``json``) cost 2.2 s a token on 2
shared CPU cores, against 0.32 s without. The endpoint's ``--answer-format`` overrides that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, Field, field_validator

from llmextract.client import Client
from llmextract.extract.base import SOURCE_PLACEHOLDER, StrategyResult
from llmextract.extract.candidates.label import Label
from llmextract.extract.candidates.propose import Candidate, clause_bounds, find_candidates
from llmextract.extract.read import NumberReading, build_read, quoted_programs, topic_of
from llmextract.models import Scope, Span
from llmextract.prompts import Prompt
from llmextract.text.alignment import locate
from llmextract.text.numbers import parse_numbers
from llmextract.text.parsed import parse_article

_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more, to name a clause by


class Figure(BaseModel):
    """A number as the model found it, in writing order: the sentence, then the number. Odd
    values cost no re-ask (one costs as much as the answer on 2 CPU cores): a figure without a
    number the parser found is left out and said, an unknown scope is local."""

    quote: str = Field(description="The sentence, copied from the article.")
    value_text: str = Field(description="The number as written.")
    what: str | None = None
    period: str | None = None
    scope: str | None = None
    place: str | None = None

    @field_validator("quote", "value_text", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        """A null is taken as nothing written. The schema still says string: when it said
        string-or-null, Qwen2.5-Coder-1.5B wrote null for the number of 13 figures of 14 on
        one seed."""
        return "" if value is None else value

    @property
    def scope_read(self) -> Scope:
        return next((s for s in Scope if s.value == self.scope), Scope.local)


class Named(BaseModel):
    """A program by its name; a name not in the article is dropped, not re-asked (a re-ask
    costs as much as the answer on 2 CPU cores)."""

    name: str


class DirectAnswer(BaseModel):
    """Only what the model writes; no offsets, ids, values or years (the parser gives those)."""

    indicators: list[Figure] = Field(default_factory=list)
    targets: list[Figure] = Field(default_factory=list)
    programs: list[Named] = Field(default_factory=list)


def _squeezed(words: str) -> str:
    return " ".join(words.lower().split())


def _digit_at(text: str, i: int, step: int) -> bool:
    """A digit at ``i``, or a decimal or thousands mark there with a digit beyond it: the
    number written there goes on."""
    if not 0 <= i < len(text):
        return False
    if text[i].isdigit():
        return True
    beyond = i + step
    return text[i] in ".," and 0 <= beyond < len(text) and text[beyond].isdigit()


def _holds(outer: str, inner: str) -> bool:
    """``inner`` stands in ``outer`` as a whole number: not '2' inside '242' or '4,1' inside
    '24,1', which a plain substring test would take."""
    at = outer.find(inner)
    while at >= 0:
        end = at + len(inner)
        if not _digit_at(outer, at - 1, -1) and not _digit_at(outer, end, 1):
            return True
        at = outer.find(inner, at + 1)
    return False


def _matches(candidate: Candidate, value_text: str) -> bool:
    """The parser's number is the one written: either text holds the other as a whole number
    ('242' in '242 kasus', or '1 sampai 2 persen' for a written '1 sampai 2')."""
    mine, theirs = _squeezed(candidate.mention.text), _squeezed(value_text)
    return bool(mine and theirs) and (_holds(theirs, mine) or _holds(mine, theirs))


def match_figure(
    text: str, figure: Figure, candidates: list[Candidate], taken: set[int]
) -> Candidate | None:
    """The parser's number the model wrote: inside its quote when the quote is found, else the
    first one not yet taken anywhere in the article."""
    fitting = [c for c in candidates if c.mention.start not in taken
               and _matches(c, figure.value_text)]
    quoted = locate(text, figure.quote).span if figure.quote.strip() else None
    if quoted is not None:
        inside = [c for c in fitting
                  if quoted.start <= c.mention.start and c.mention.end <= quoted.end]
        fitting = inside or fitting
    return fitting[0] if fitting else None


def writes_a_number(figure: Figure) -> bool:
    """The model wrote a number (the parser reads one in ``value_text``), even one the parser
    sets aside ('3 Maret 2025'): such a figure stands or falls by that number. Null or a word
    ('komitmen', 'OPD') is no number: the figure may take one from its quote."""
    return bool(parse_numbers(figure.value_text))


def _in_quote(text: str, figure: Figure) -> Span | None:
    """Where the figure's quote is in the article, exactly or with spacing and quote marks
    aside; not a fuzzy match: its numbers become the record's, so it must be the article's."""
    return locate(text, figure.quote, fuzzy=False).span if figure.quote.strip() else None


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def named_by(text: str, figure: Figure, choices: list[Candidate]) -> Candidate | None:
    """The one of ``choices`` whose clause has the most of the words the model wrote for the
    figure (``what``, and ``value_text`` when it is a word); None when no clause has any, or
    two have as many."""
    wanted = _words(f"{figure.what or ''} {figure.value_text}")
    if not wanted:
        return None
    scores = [len(wanted & _words(text[slice(*clause_bounds(c.sentence, c.mention))]))
              for c in choices]
    best = max(scores, default=0)
    return choices[scores.index(best)] if best and scores.count(best) == 1 else None


@dataclass
class Pending:
    """A figure whose number the model did not write, waiting for one from its quote."""

    label: Label
    figure: Figure
    quote: Span | None


def from_quotes(
    text: str, pending: list[Pending], candidates: list[Candidate], taken: set[int]
) -> tuple[list[tuple[Pending, Candidate]], list[str]]:
    """The numbers of the figures that wrote none, from their quotes (figures with the same
    quote together, in answer order; their numbers in text order): a quote's only number; of
    several, the one a figure's words name; the rest one each when there are as many figures
    left as numbers. Every other figure is left out, with why. Adds what it takes to ``taken``."""
    found: list[tuple[Pending, Candidate]] = []
    problems: list[str] = []
    groups: dict[tuple[int, int], list[Pending]] = {}
    for p in pending:
        if p.quote is None:
            problems.append(_left_out(p, "its quote is not in the article"))
        else:
            groups.setdefault((p.quote.start, p.quote.end), []).append(p)
    for (start, end), group in groups.items():
        inside = [c for c in candidates if start <= c.mention.start and c.mention.end <= end]
        free = [c for c in inside if c.mention.start not in taken]
        left: list[Pending] = []
        for p in group:
            chosen = free[0] if len(inside) == 1 and free else None
            if chosen is None and len(inside) > 1:
                chosen = named_by(text, p.figure, free)
            if chosen is None:
                left.append(p)
                continue
            free.remove(chosen)
            found.append((p, chosen))
        if left and len(left) == len(free):
            found += list(zip(left, free, strict=True))
        elif left:
            why = (f"its quote holds numbers {', '.join(repr(c.value_text) for c in free)} "
                   "and the answer does not say which" if free else
                   "its quote's numbers are another figure's already" if inside else
                   "its quote holds no number the parser keeps")
            problems += [_left_out(p, why) for p in left]
        taken.update(c.mention.start for _, c in found)
    return found, problems


def _left_out(p: Pending, why: str) -> str:
    """Why a figure without a number of its own is not in the record, for its problems."""
    written = (f"wrote {p.figure.value_text!r} for the number" if p.figure.value_text.strip()
               else "gave no number")
    return (f"the model's {p.label.value} {p.figure.quote.strip()[:100]!r} {written}, and {why}; "
            "left out")


def _not_found(label: Label, figure: Figure) -> str:
    """Why a figure whose number the model wrote is not in the record, for its problems."""
    return (f"the model's {label.value} {figure.value_text!r} is not a number the parser found "
            "in the article (or one it sets aside); left out")


class DirectStrategy:
    """One call: the model writes the figures and programs; the parser and rules give values."""

    name = "direct"

    def extract(self, text: str, client: Client, prompt: Prompt) -> StrategyResult:
        # The article reaches the model through instructor's context as {{ source }}: pasting it
        # into the message would break instructor's template rendering on a literal "{{".
        messages = [
            {"role": "system", "content": prompt.render("system", topic=topic_of(prompt))},
            {"role": "user", "content": prompt.render("user", source=SOURCE_PLACEHOLDER)},
        ]
        got = client.structured(messages, DirectAnswer, source=text, params=prompt.params,
                                prompt_version=prompt.id)
        answer = got.value if isinstance(got.value, DirectAnswer) else DirectAnswer()
        mentions = parse_article(text).mentions
        candidates, _ = find_candidates(
            text, prompt.domain, mentions=mentions, language=prompt.language, sure_only=True
        )
        problems = list(got.problems)
        taken: set[int] = set()
        readings: list[tuple[NumberReading, Candidate]] = []
        pending: list[Pending] = []
        for label, figures in ((Label.indicator, answer.indicators),
                               (Label.target, answer.targets)):
            for figure in figures:
                if not writes_a_number(figure):
                    pending.append(Pending(label, figure, _in_quote(text, figure)))
                    continue
                candidate = match_figure(text, figure, candidates, taken)
                if candidate is None:
                    problems.append(_not_found(label, figure))
                    continue
                taken.add(candidate.mention.start)
                readings.append((_reading(label, figure), candidate))
        # After every figure that wrote its number: those take theirs first.
        quoted, why = from_quotes(text, pending, candidates, taken)
        readings += [(_reading(p.label, p.figure), c) for p, c in quoted]
        problems += why
        programs = quoted_programs(text, [p.name for p in answer.programs], prompt.language)
        problems += [f"the model's program {p.name!r} is not named in the article; left out"
                     for p in answer.programs if p.name.strip() and
                     not any(_squeezed(q.name) == _squeezed(p.name) for q in programs)]
        extraction = build_read(text, readings, prompt, programs, mentions)
        return StrategyResult(extraction, problems, got.usage)


def _reading(label: Label, figure: Figure) -> NumberReading:
    """The figure as ``read``'s model would have given it, for the shared record builder."""
    return NumberReading(id="", label=label, what=figure.what, period=figure.period,
                         scope=figure.scope_read, place=figure.place)
