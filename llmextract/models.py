"""The record format every step reads and writes.

Everything downstream (checks, store, review, export, eval) consumes exactly these objects, so
they carry their evidence: each extracted item has the verbatim ``quote`` it came from and the
``span`` of that quote in the cleaned article text; each flag names its kind, severity, the
item and field it concerns and the spans involved.

Offsets are character offsets into ``ArticleRecord.text`` (the cleaned text), half-open
``[start, end)``. ``ArticleRecord.segments`` maps them back to the original file.
"""

from __future__ import annotations

import hashlib
import json
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from .text.alignment import MatchStatus, locate
from .text.spans import Segment, Span

SCHEMA_VERSION = "1"


class TargetKind(str, Enum):
    """How a target is phrased: reach a level, reduce by an amount, or reduce by an amount a year."""

    level = "level"
    reduce_by = "reduce_by"
    per_year = "per_year"


class Scope(str, Enum):
    """Whose figure it is: the article's own region (or a place in it), or a province or the
    nation quoted for comparison (an item with a scope, not an error)."""

    local = "local"
    provincial = "provincial"
    national = "national"


def _require_in_source(value: str, info: ValidationInfo) -> str:
    """Reject a ``value_text`` or ``quote`` that is not in the article.

    Active only when instructor passes the article as validation context (``{"source": text}``):
    the error message then goes back to the model, which is re-asked. Reading a stored record
    (no context) never fails here; the checks report grounding problems instead."""
    ctx = info.context
    source = ctx.get("source") if isinstance(ctx, dict) else None
    if source is None:
        return value
    if locate(source, value).status not in (MatchStatus.exact, MatchStatus.normalized):
        raise ValueError(
            f"{info.field_name} {value!r} does not appear in the article; copy it verbatim"
        )
    return value


class Indicator(BaseModel):
    """A measured quantity reported by the article (a count, a prevalence, a number of teams)."""

    id: str = Field(default="", description="Stable item id, filled in by the pipeline.")
    name: str = Field(description="What is measured, in the article's words, e.g. 'kasus stunting'.")
    value: float | None = Field(description="The number as a plain number: '292.095' -> 292095.")
    value_text: str = Field(description="The number exactly as written in the article.")
    unit: str | None = Field(default=None, description="e.g. 'kasus', 'persen', 'keluarga', 'tim'.")
    population: str | None = Field(
        default=None, description="Who is counted: balita, baduta, bumil, catin, keluarga..."
    )
    period: str | None = Field(default=None, description="Year or period as written, e.g. '2024'.")
    year: int | None = Field(default=None, description="The year the period names, when it names one.")
    scope: Scope = Field(default=Scope.local, description="local, provincial or national.")
    place: str | None = Field(default=None, description="The place the figure is about, as written.")
    approximate: bool = Field(
        default=False, description="True when hedged: sekitar, lebih dari, hampir, kurang dari."
    )
    quote: str = Field(description="The sentence or clause of the article, copied verbatim.")
    span: Span | None = Field(default=None, description="Offsets of the quote in the text.")
    doubt: str | None = Field(
        default=None, description="Why the extraction itself doubts the item: the model read it "
        "as no figure where the rules could not tell (checks: roles.model_doubt).")

    _grounded = field_validator("value_text", "quote")(_require_in_source)


class Target(BaseModel):
    """A goal the article states: a level to reach, or a reduction, optionally by a deadline."""

    id: str = Field(default="", description="Stable item id, filled in by the pipeline.")
    indicator: str = Field(description="What the target is about, e.g. 'prevalensi stunting'.")
    value: float | None = Field(description="Target value; lower bound when a range. 0 for zero stunting.")
    value_max: float | None = Field(default=None, description="Upper bound when a range (1 sampai 2).")
    value_text: str = Field(description="The target exactly as written, e.g. '1 sampai 2 persen'.")
    unit: str | None = Field(default=None, description="e.g. 'persen', 'kasus'.")
    kind: TargetKind = Field(default=TargetKind.level)
    deadline_year: int | None = Field(default=None, description="Year by which, when given.")
    scope: Scope = Field(default=Scope.local, description="local, provincial or national.")
    place: str | None = Field(default=None, description="The place the target is for, as written.")
    quote: str = Field(description="The sentence or clause of the article, copied verbatim.")
    span: Span | None = Field(default=None, description="Offsets of the quote in the text.")

    _grounded = field_validator("value_text", "quote")(_require_in_source)


class Program(BaseModel):
    """A named program or initiative (Bapak Asuh Anak Stunting, Sate Sami...)."""

    id: str = Field(default="", description="Stable item id, filled in by the pipeline.")
    name: str = Field(description="Program name as written.")
    description: str | None = Field(default=None, description="What it does.")
    run_by: str | None = Field(default=None, description="Who runs or funds it.")
    beneficiaries: str | None = Field(default=None, description="Who it targets.")
    quote: str = Field(description="The sentence or clause of the article, copied verbatim.")
    span: Span | None = Field(default=None, description="Offsets of the quote in the text.")

    _grounded = field_validator("quote")(_require_in_source)


Item = Indicator | Target | Program
"""Any extracted item: every list of mixed items in the package is typed with this one union."""


class Extraction(BaseModel):
    """What a strategy produces for one article: the three lists."""

    indicators: list[Indicator] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    programs: list[Program] = Field(default_factory=list)

    def items_copied(self) -> Extraction:
        """A copy whose items can be given new field values (a span, an id) while the caller's
        stay as they were. Each item is copied, not what it holds: a deep copy of the whole
        was a tenth of a cached re-run's time in a cProfile of 1,000 articles, and nothing
        here changes an item's parts."""
        return Extraction(indicators=[i.model_copy() for i in self.indicators],
                          targets=[t.model_copy() for t in self.targets],
                          programs=[p.model_copy() for p in self.programs])


class Usage(BaseModel):
    """Token counts and model calls, summed over every call made for one article."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cached_calls: int = 0

    def add(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cached_calls=self.cached_calls + other.cached_calls,
        )


class Source(BaseModel):
    """What the input said about the article besides its text (JSONL fields, CSV or Parquet
    columns), kept as given: where it was published matters to whoever reads the dataset, and
    the reader's values are facts the rules can only guess at."""

    id: str | None = Field(default=None, description="The article's id in the input (--id-column).")
    url: str | None = None
    title: str | None = None
    date: str | None = Field(default=None, description="The date as the input wrote it.")
    region: str | None = None
    outlet: str | None = None
    extra: dict[str, str] = Field(
        default_factory=dict, description="Every other field or column, as text."
    )


class ArticleRecord(BaseModel):
    """One line of ``extractions.jsonl``: an article, its cleaned text and what was extracted."""

    schema_version: str = SCHEMA_VERSION
    id: str = Field(description="sha256 of the source name, a NUL byte and the text, first 16 hex "
                                "digits (docs/gold.md).")
    source_path: str
    source: Source = Field(default_factory=Source, description="What the input said about it.")
    title: str | None = None
    region: str | None = Field(default=None, description="Kota/kabupaten/provinsi as written.")
    date: str | None = Field(default=None, description="ISO date of publication or event.")
    guessed: dict[str, str] = Field(
        default_factory=dict,
        description="What the rules read from the text (title, region, date) where the input "
                    "said otherwise: the input wins, the reading stays for the reviewer.",
    )
    language: str = Field(default="id", description="The vocabulary language the article reads "
                                                    "as, or 'other'.")
    text: str = Field(description="The cleaned text all spans point into.")
    segments: list[Segment] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    programs: list[Program] = Field(default_factory=list)
    strategy: str = ""
    model: str = ""
    prompt: str = ""
    problems: list[str] = Field(
        default_factory=list,
        description="Validation errors still standing after the model's retries.",
    )
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0

    def items(self) -> list[Item]:
        return [*self.indicators, *self.targets, *self.programs]


class Severity(str, Enum):
    """``error``: the dataset is wrong unless a human fixes it; ``warning``: probably wrong;
    ``info``: worth a look (e.g. a number the model did not use)."""

    error = "error"
    warning = "warning"
    info = "info"


SEVERITY_RANK = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


class Flag(BaseModel):
    """One discrepancy found by the checks: one line of ``flags.jsonl``."""

    id: str = Field(default="", description="Stable id: hash of article, item, field, kind, spans.")
    article_id: str
    item_id: str | None = Field(default=None, description="The item concerned, None for article-level.")
    field: str = Field(description="e.g. 'indicators[0].value_text', or 'text' for coverage.")
    kind: str = Field(description="Machine-readable, dotted: 'grounding.value_not_found'.")
    severity: Severity
    message: str = Field(description="One plain sentence a reviewer understands.")
    spans: list[Span] = Field(default_factory=list)
    related: list[str] = Field(
        default_factory=list, description="Other article ids involved (cross-article conflicts)."
    )
    arithmetic: str | None = Field(
        default=None,
        description="The computation behind a consistency flag, written so a reviewer can redo "
        "it: '412 + 356 + 293 + 151 = 1.212, not 1.248'.",
    )

    def with_id(self) -> Flag:
        """The flag with its id set, in place: every caller builds a flag only to give it its
        id, and a copy of the model cost as much as the hash (the checks raise a flag or two
        an article)."""
        key = [self.article_id, self.item_id, self.field, self.kind,
               [(s.start, s.end) for s in self.spans], sorted(self.related)]
        self.id = "F" + short_hash(key, 10)
        return self


ItemType = Literal["indicator", "target", "program"]


# One encoder for every hash: ``json.dumps`` with options builds a new one at each call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def short_hash(obj: object, length: int = 16) -> str:
    """sha256 of the canonical JSON of ``obj`` (sorted keys, no spaces), first ``length`` hex."""
    canonical = _CANONICAL.encode(obj)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


def item_type(item: Item) -> ItemType:
    """The type name of an item (a subclass, e.g. a gold indicator, is its parent type)."""
    if isinstance(item, Indicator):
        return "indicator"
    return "target" if isinstance(item, Target) else "program"


def assign_item_ids(article_id: str, extraction: Extraction) -> Extraction:
    """Give every item an id that stays the same when the same item is extracted again, so review
    decisions stay attached after ``check`` or a resumed run. Repeats get a counter suffix."""
    seen: dict[str, int] = {}
    out = extraction.items_copied()
    for item in [*out.indicators, *out.targets, *out.programs]:
        kind = item_type(item)
        anchor = item.name if isinstance(item, Program) else item.value_text
        start = item.span.start if item.span else None
        base = kind[0].upper() + short_hash([article_id, kind, anchor, item.quote, start], 8)
        n = seen.get(base, 0)
        seen[base] = n + 1
        item.id = base if n == 0 else f"{base}-{n}"
    return out

