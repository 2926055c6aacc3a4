"""Turn overlapping finds into one clean, non-overlapping list."""

from __future__ import annotations

from presidio_analyzer import RecognizerResult


def _overlaps(first: RecognizerResult, second: RecognizerResult) -> bool:
    return first.start < second.end and second.start < first.end


def _merge_same_type(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Overlapping finds of one type become their union ("Emma" + "Emma Clarke")."""
    merged: list[RecognizerResult] = []
    for result in sorted(results, key=lambda item: (item.entity_type, item.start)):
        last = merged[-1] if merged else None
        if last and last.entity_type == result.entity_type and result.start < last.end:
            last.end = max(last.end, result.end)
            last.score = max(last.score, result.score)
        else:
            merged.append(RecognizerResult(result.entity_type, result.start, result.end, result.score))
    return merged


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Structured finds (email, phone, address, dates...) beat a name over the same characters;
    among the rest the higher score, then the longer span, wins."""
    ranked = sorted(
        _merge_same_type(results),
        key=lambda item: (item.entity_type != "PERSON", item.score, item.end - item.start),
        reverse=True,
    )
    chosen: list[RecognizerResult] = []
    for candidate in ranked:
        if not any(_overlaps(candidate, kept) for kept in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda item: item.start)
