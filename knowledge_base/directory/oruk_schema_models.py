"""The official ORUK v3.0 schemas as pydantic models, only so that an OpenAPI document can carry them.

FastAPI puts a response model's JSON schema under components/schemas. Each model here replaces its generated
schema with the official one (unchanged but for `$ref`s, which point at the sibling components instead of
openreferraluk.org), so the API's /openapi.json describes its responses exactly and needs no network to read.
Each model has one field per schema it refers to: that is what makes FastAPI publish those components too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from knowledge_base.directory.oruk_conformance import BUNDLED_SCHEMAS, SCHEMA_BASE

COMPONENTS = "#/components/schemas/"


def component_name(schema_name: str) -> str:
    """service_at_location -> OrukServiceAtLocation."""
    return "Oruk" + "".join(part.title() for part in schema_name.split("_"))


def official(schema_name: str) -> dict[str, Any]:
    return json.loads((BUNDLED_SCHEMAS / f"{schema_name}.json").read_text())


def referred_name(ref: str) -> str | None:
    match = re.fullmatch(re.escape(SCHEMA_BASE) + r"(\w+)\.json", ref)
    return match.group(1) if match else None


def referred(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {referred_name(node["$ref"])} if isinstance(node.get("$ref"), str) else set()
        return {name for name in own if name} | {n for value in node.values() for n in referred(value)}
    if isinstance(node, list):
        return {n for value in node for n in referred(value)}
    return set()


def pointing_at_components(node: Any) -> Any:
    if isinstance(node, dict):
        name = referred_name(node.get("$ref", "")) if isinstance(node.get("$ref"), str) else None
        if name:
            return {**node, "$ref": COMPONENTS + component_name(name)}
        return {key: pointing_at_components(value) for key, value in node.items()}
    if isinstance(node, list):
        return [pointing_at_components(value) for value in node]
    return node


@cache
def schema_model(schema_name: str) -> type[BaseModel]:
    """The pydantic model whose OpenAPI component is the official schema `schema_name`."""
    document = pointing_at_components(official(schema_name))

    def use_official(schema: dict[str, Any], _model: type) -> None:
        schema.clear()
        schema.update(document)

    fields: dict[str, Any] = {f"refers_to_{name}": (schema_model(name) | None, None)
                              for name in sorted(referred(official(schema_name)))}
    return create_model(component_name(schema_name), __config__=ConfigDict(json_schema_extra=use_official), **fields)
