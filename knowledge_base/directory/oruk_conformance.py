"""Check JSON against the official ORUK v3.0 schemas (draft 2020-12, formats checked), offline.

The schemas are unchanged copies in data/oruk-v3-schema; their `$ref`s name openreferraluk.org addresses, which
a `referencing` registry maps to those files, so nothing is fetched over the network.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"
BUNDLED_SCHEMAS = Path(__file__).parent / "data" / "oruk-v3-schema"
# The formats the specification uses; each needs its checker installed (see format_checker).
CHECKED_FORMATS = ("uuid", "uri", "email", "date-time")


def schema_uri(name: str) -> str:
    return f"{SCHEMA_BASE}{name}.json"


def format_checker() -> FormatChecker:
    """jsonschema's checker, refusing to run if a format would silently pass unchecked.

    date-time needs rfc3339-validator and uri needs rfc3986-validator; without them jsonschema skips the check.
    """
    checker = Draft202012Validator.FORMAT_CHECKER
    missing = [name for name in CHECKED_FORMATS if name not in checker.checkers]
    if missing:
        raise RuntimeError(f"format checks unavailable: {', '.join(missing)} (install rfc3339-validator and "
                           "rfc3986-validator)")
    return checker


def _refuse_unknown(uri: str) -> Resource:
    # A $ref outside the bundled files is a gap in the copy, never a reason to go online.
    raise NoSuchResource(ref=uri)


@cache
def registry(schema_dir: Path = BUNDLED_SCHEMAS) -> Registry:
    resources = [(schema_uri(path.stem), Resource.from_contents(json.loads(path.read_text()),
                                                                default_specification=DRAFT202012))
                 for path in sorted(schema_dir.glob("*.json"))]
    return Registry(retrieve=_refuse_unknown).with_resources(resources)


@cache
def validator(name: str, schema_dir: Path = BUNDLED_SCHEMAS) -> Draft202012Validator:
    """A validator for one official schema by name (`service`, `service_list`, `taxonomy_term`, ...)."""
    return Draft202012Validator({"$ref": schema_uri(name)}, registry=registry(schema_dir),
                                format_checker=format_checker())


def describe(error: ValidationError) -> str:
    """`path: problem` in words, without quoting the value (feeds can hold personal contact details)."""
    where = "/".join(str(part) for part in error.absolute_path) or "record"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        problem = error.message.replace(" is a required property", " is required")
    elif error.validator == "format":
        problem = f"is not a valid {schema.get('format')}"
    elif error.validator == "enum":
        problem = "must be one of: " + ", ".join(str(v) for v in schema.get("enum", []))
    elif error.validator == "type":
        problem = f"must be of type {schema.get('type')}"
    else:
        problem = f"breaks the schema's {error.validator} rule"
    return f"{where}: {problem}"


def problems(instance: Any, name: str, schema_dir: Path = BUNDLED_SCHEMAS) -> list[str]:
    """Every way `instance` breaks the official schema `name`, in document order; empty when it conforms."""
    errors = sorted(validator(name, schema_dir).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [describe(error) for error in errors]


def conforms(value: Any, format_name: str) -> bool:
    """True when a string value passes the official format check (uri, email, uuid, date-time)."""
    return isinstance(value, str) and format_checker().conforms(value, format_name)


def is_uuid(value: Any) -> bool:
    # The same test as jsonschema's uuid format: a hyphenated 8-4-4-4-12 UUID.
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return all(value[i] == "-" for i in (8, 13, 18, 23))
