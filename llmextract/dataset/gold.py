"""The gold format: hand-made answers a run is scored against (documented in ``docs/gold.md``).

A gold article is an ``Extraction`` plus what a reader knows and a model should not invent:
other fair names for a program (``aliases``) and the numbers of the article that are not facts
(``not_facts``: dates, view counts, related links), so a false item can be told apart from a
misread one, and the article's own contradictions (``inconsistencies``), which the checks
must flag. Review decisions are turned into gold by writing these models with ``write_gold``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, field_validator

from llmextract.errors import UsageError
from llmextract.models import Indicator, Program, Target

GOLD_FORMAT: Final = "llmextract-gold/1"


class Unreviewed(BaseModel):
    """``unreviewed: true`` marks an item no person decided, written only on request
    (``llmextract gold --include-unreviewed``): it is the extraction's word, not a reader's."""

    unreviewed: bool = False


class GoldIndicator(Indicator, Unreviewed):
    pass


class GoldTarget(Target, Unreviewed):
    pass


def _fields(value: Any) -> Any:
    """A plain Indicator or Target (a test, a reviewed item) is read as its fields."""
    return value.model_dump() if isinstance(value, BaseModel) else value


class GoldProgram(Program, Unreviewed):
    """A gold program may list other names a reader could fairly give it."""

    aliases: list[str] = Field(default_factory=list)


class NotFact(BaseModel):
    """A number in the article that must not become an item (a date, a view count...)."""

    value_text: str
    quote: str
    why: str = ""


class Inconsistency(BaseModel):
    """Numbers of the article that contradict each other (parts that do not add up to their
    total, a change that does not match its values): the checks must flag them, while the
    items keep the figures as the article gives them."""

    what: str
    numbers: list[str] = Field(description="The value texts involved, as written.")


METADATA_FIELDS: Final = ("title", "region", "date")
"""The article-level fields a gold article may state; each is scored only where it is given."""


class GoldArticle(BaseModel):
    """An article's items, and optionally what it is (``title``, ``region``, ``date``): a field
    left out is not scored, one given as null says the article does not tell (a run must leave
    it empty, not guess)."""

    article_id: str | None = None
    title: str | None = None
    region: str | None = None
    date: str | None = Field(default=None, description="Publication date, ISO YYYY-MM-DD.")
    indicators: list[Annotated[GoldIndicator, BeforeValidator(_fields)]] = Field(
        default_factory=list
    )
    targets: list[Annotated[GoldTarget, BeforeValidator(_fields)]] = Field(default_factory=list)
    programs: list[Annotated[GoldProgram, BeforeValidator(_fields)]] = Field(default_factory=list)
    not_facts: list[NotFact] = Field(default_factory=list)
    inconsistencies: list[Inconsistency] = Field(default_factory=list)

    @field_validator("date")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None and (len(value) != 10 or _not_a_date(value)):
            raise ValueError(f"date {value!r} is not an ISO date YYYY-MM-DD (or null)")
        return value

    def metadata(self) -> dict[str, str | None]:
        """The article-level fields this gold states (a null among them: 'the article does not
        tell')."""
        stated = self.model_fields_set
        return {name: getattr(self, name) for name in METADATA_FIELDS if name in stated}


def _not_a_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return True
    return False


class Gold(BaseModel):
    format: Literal["llmextract-gold/1"] = GOLD_FORMAT
    articles: dict[str, GoldArticle] = Field(default_factory=dict)


def load_gold(path: Path) -> Gold:
    """Read a gold file; any problem is one ``UsageError`` line naming the file and the place."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such gold file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read gold file ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    try:
        return Gold.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise UsageError(
            f"{path}: not a gold file ({GOLD_FORMAT}): {where}: {first['msg']}"
        ) from None


def dump_gold(gold: Gold) -> str:
    """The gold as the JSON text of a gold file: readable, stable key order, UTF-8 kept."""
    data = gold.model_dump(
        mode="json",
        exclude={
            "articles": {
                "__all__": {
                    kind: {"__all__": {"id", "span"}}
                    for kind in ("indicators", "targets", "programs")
                }
            }
        },
    )
    for name, article in data["articles"].items():
        for field in METADATA_FIELDS:
            if field not in gold.articles[name].model_fields_set:
                del article[field]  # not stated is not the same as null (unknown)
        for kind in ("indicators", "targets", "programs"):
            for item in article[kind]:
                if not item["unreviewed"]:
                    del item["unreviewed"]  # hand-made gold stays as it was written
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_gold(gold: Gold, path: Path) -> None:
    path.write_text(dump_gold(gold), encoding="utf-8")
