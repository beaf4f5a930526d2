"""Where prompt templates and vocabulary files live.

Domain words (indicator names, units, boilerplate patterns, few-shot examples) are data in
``prompts/``, not code, so a second domain is a new folder of files. Installed from a wheel they
sit in ``llmextract/_data/prompts``; from a checkout, in the repository's ``prompts/``.
``LLMEXTRACT_PROMPTS_DIR`` points the tool at a folder of one's own.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent

# The domain vocabulary (``prompts/vocab/<domain>.yaml``) used when a prompt names none.
DEFAULT_DOMAIN = "stunting"


def prompts_dir() -> Path:
    override = os.environ.get("LLMEXTRACT_PROMPTS_DIR")
    if override:
        return Path(override)
    installed = _PACKAGE / "_data" / "prompts"
    return installed if installed.is_dir() else _PACKAGE.parent / "prompts"


@lru_cache(maxsize=None)
def _load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_vocab(name: str) -> dict[str, Any]:
    """The vocabulary file ``prompts/vocab/<name>.yaml`` as a dict (cached per path)."""
    return _load_yaml(prompts_dir() / "vocab" / f"{name}.yaml")
