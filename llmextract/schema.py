"""The published JSON Schemas of what a run writes, generated from the Pydantic models.

``schemas/`` holds them for people who read the output without Python; a test fails when the
files and the models disagree, and ``llmextract schema`` rewrites them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmextract.models import ArticleRecord, Flag

SCHEMAS: dict[str, type] = {"article-record.schema.json": ArticleRecord, "flag.schema.json": Flag}


def schema_text(model: Any) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written
