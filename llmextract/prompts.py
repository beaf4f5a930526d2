"""Prompt templates are files: ``prompts/<name>.yaml``, Jinja2 inside, versioned.

A template names the strategy it serves, its version, its sampling parameters and its text.
``Prompt.hash`` is the sha256 of the file's bytes: it goes into ``run.json`` and into every cache
key, so editing a prompt can never replay an answer to the old one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from llmextract.errors import UsageError
from llmextract.resources import DEFAULT_DOMAIN, DEFAULT_LANGUAGE, prompts_dir

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    strategy: str
    hash: str
    data: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        """``name@version#hash12``: what ``run.json`` records and cache keys include."""
        return f"{self.name}@{self.version}#{self.hash[:12]}"

    @property
    def domain(self) -> str:
        """The vocabulary file (``prompts/vocab/<domain>.yaml``) the rules and checks read for
        this prompt: a second domain is a new prompt and vocabulary, not new code."""
        return str(self.data.get("domain") or DEFAULT_DOMAIN)

    @property
    def language(self) -> str:
        """The language file (``prompts/vocab/<language>.yaml``) of the article's words."""
        return str(self.data.get("language") or DEFAULT_LANGUAGE)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.data.get("params") or {})

    def render(self, key: str, **variables: Any) -> str:
        """Render the template stored under ``key`` with ``variables``."""
        try:
            return _template(self.data[key]).render(**variables)
        except KeyError:
            raise UsageError(f"prompt {self.name!r} has no {key!r} template") from None
        except jinja2.TemplateError as exc:
            raise UsageError(f"prompt {self.name!r}, template {key!r}: {exc}") from None


@lru_cache(maxsize=256)
def _template(source: str) -> jinja2.Template:
    """A template compiled once: compiling took more time than a cached re-run's whole model
    step (bench/RESULTS.md)."""
    return _ENV.from_string(source)


def available_prompts() -> list[str]:
    return sorted(p.stem for p in prompts_dir().glob("*.yaml"))


def load_prompt(name: str) -> Prompt:
    """Load ``prompts/<name>.yaml`` (or a path to a YAML file of one's own)."""
    path = Path(name) if name.endswith(".yaml") else prompts_dir() / f"{name}.yaml"
    if not path.is_file():
        raise UsageError(
            f"prompt {name!r} not found in {prompts_dir()}; "
            f"available: {', '.join(available_prompts())}"
        )
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    for key in ("version", "strategy"):
        if key not in data:
            raise UsageError(f"{path}: prompt file lacks {key!r}")
    return Prompt(
        path.stem,
        str(data["version"]),
        str(data["strategy"]),
        hashlib.sha256(raw).hexdigest(),
        data,
    )
