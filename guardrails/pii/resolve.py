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
    among those the longer span wins ("+44 (0) 113 496 0123" over the NHS-shaped "113 496 0123"),
    then the higher score; among names the higher score, then the longer span."""
    def rank(item: RecognizerResult) -> tuple[bool, float, float]:
        length = item.end - item.start
        if item.entity_type == "PERSON":
            return False, item.score, length
        return True, length, item.score

    ranked = sorted(_merge_same_type(results), key=rank, reverse=True)
    chosen: list[RecognizerResult] = []
    for candidate in ranked:
        if not any(_overlaps(candidate, kept) for kept in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda item: item.start)
