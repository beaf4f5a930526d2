"""The ``direct`` strategy: the model writes the record (for capable chat models).

The model reads the article alone (no list of numbers) and writes each figure as the article
says it: the sentence it stands in (first, so that the rest is written from it), the number as
written, what is measured and when. It never gives a value: each figure is matched to a number
the parser found in its quote (else anywhere in the article), and the value, unit, span and
target kind come from the parser and the field rules, as in ``read``. A figure the parser did
not find (or set aside as a date, a year, an ordinal...) is left out and named in the record's
problems. The answer has only the fields the model writes, so the schema instructor adds to
the instructions is short; the prompt gives the shape by an example.

With llama.cpp, a grammar built from the response schema made Qwen2.5-Coder-1.5B close every
list at once (docs/quality.md), so the prompt asks for ``response_format: json_object``
without a grammar (``text``): the generic JSON grammar (``json``) cost 2.2 s a token on 2
shared CPU cores, against 0.32 s without. The endpoint's ``--answer-format`` overrides that.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from llmextract.client import Client
from llmextract.extract.base import SOURCE_PLACEHOLDER, StrategyResult
from llmextract.extract.candidates.label import Label
from llmextract.extract.candidates.propose import Candidate, find_candidates
from llmextract.extract.read import NumberReading, build_read, quoted_programs, topic_of
from llmextract.models import Scope
from llmextract.prompts import Prompt
from llmextract.text.alignment import locate
from llmextract.text.parsed import parse_article


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


def _matches(candidate: Candidate, value_text: str) -> bool:
    """The parser's number is the one written: either text holds the other ('242' in
    '242 kasus', or '1 sampai 2 persen' for a written '1 sampai 2')."""
    mine, theirs = _squeezed(candidate.mention.text), _squeezed(value_text)
    return bool(mine and theirs) and (mine in theirs or theirs in mine)


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


def _left_out(label: Label, figure: Figure) -> str:
    """Why a figure of the answer is not in the record, for its problems."""
    if not figure.value_text.strip():
        quote = figure.quote.strip()[:100]
        return f"the model gave an {label.value} without a number ({quote!r}); left out"
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
        for label, figures in ((Label.indicator, answer.indicators),
                               (Label.target, answer.targets)):
            for figure in figures:
                candidate = match_figure(text, figure, candidates, taken)
                if candidate is None:
                    problems.append(_left_out(label, figure))
                    continue
                taken.add(candidate.mention.start)
                reading = NumberReading(id="", label=label, what=figure.what,
                                        period=figure.period, scope=figure.scope_read,
                                        place=figure.place)
                readings.append((reading, candidate))
        programs = quoted_programs(text, [p.name for p in answer.programs], prompt.language)
        problems += [f"the model's program {p.name!r} is not named in the article; left out"
                     for p in answer.programs if p.name.strip() and
                     not any(_squeezed(q.name) == _squeezed(p.name) for q in programs)]
        extraction = build_read(text, readings, prompt, programs, mentions)
        return StrategyResult(extraction, problems, got.usage)
