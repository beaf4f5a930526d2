"""The Jinja environment of the review page and the report: autoescaping always on (article
text is untrusted), and the filters both use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).parent


def num(value: object) -> str:
    """A number as a reader writes it: 242 not 242.0; blank for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@lru_cache(maxsize=1)
def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = num
    return env


def stylesheet() -> str:
    return (HERE / "static" / "review.css").read_text(encoding="utf-8")
