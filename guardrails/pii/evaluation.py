"""Scores for `python -m guardrails eval-pii`: our redaction against vanilla Presidio."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from guardrails.pii.redactor import redact
from guardrails.pii.vanilla import vanilla_analyze, vanilla_redact

# presidio-research synth types we score, and which of each system's outputs count as them.
SYNTH_TYPES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS")
OUR_KIND_TO_SYNTH = {"NAME": "PERSON", "EMAIL": "EMAIL_ADDRESS", "PHONE": "PHONE_NUMBER",
                     "ADDRESS": "STREET_ADDRESS", "POSTCODE": "STREET_ADDRESS"}
# Vanilla has no street-address recognizer; its LOCATION is the nearest thing.
VANILLA_TO_SYNTH = {"PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PHONE_NUMBER": "PHONE_NUMBER",
                    "LOCATION": "STREET_ADDRESS"}
_TOKEN = re.compile(r"\w+")

Span = tuple[str, int, int]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def survives(fragment: str, text: str) -> bool:
    """Whole-word presence, so "mo" is not "found" inside "more"."""
    return re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text) is not None


@dataclass
class PiiScore:
    pii_total: int = 0
    leaked: list[dict[str, str]] = field(default_factory=list)
    keep_total: int = 0
    lost: list[dict[str, str]] = field(default_factory=list)
    recall_by_type: dict[str, float] = field(default_factory=dict)

    @property
    def leak_rate(self) -> float:
        return len(self.leaked) / self.pii_total if self.pii_total else 0.0

    @property
    def keep_loss(self) -> float:
        return len(self.lost) / self.keep_total if self.keep_total else 0.0


def score_pii(records: list[dict[str, Any]], redact_text: Callable[[str], str]) -> PiiScore:
    score = PiiScore()
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # type -> [removed, total]
    for record in records:
        redacted = redact_text(record["message"])
        for pii in record["pii"]:
            score.pii_total += 1
            per_type[pii["type"]][1] += 1
            if survives(pii["text"], redacted):
                score.leaked.append({"id": record["id"], "type": pii["type"], "text": pii["text"]})
            else:
                per_type[pii["type"]][0] += 1
        for keep in record["keep"]:
            score.keep_total += 1
            if keep not in redacted:
                score.lost.append({"id": record["id"], "text": keep, "redacted": redacted})
    score.recall_by_type = {kind: removed / total for kind, (removed, total) in sorted(per_type.items())}
    return score


def _token_labels(text: str, spans: Iterable[Span]) -> list[str]:
    labels = []
    span_list = list(spans)
    for token in _TOKEN.finditer(text):
        label = "O"
        for kind, start, end in span_list:
            if token.start() < end and start < token.end():
                label = kind
                break
        labels.append(label)
    return labels


@dataclass
class PrfScore:
    precision: float
    recall: float
    f2: float
    support: int


def _prf(tp: int, fp: int, fn: int) -> PrfScore:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
    return PrfScore(round(precision, 4), round(recall, 4), round(f2, 4), tp + fn)


def score_synth(samples: list[dict[str, Any]], predict: Callable[[str], list[Span]]) -> dict[str, PrfScore]:
    """Token-level (\\w+ tokens) precision/recall/F2 per type and overall (type must match)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # type -> [tp, fp, fn]
    for sample in samples:
        text = sample["full_text"]
        gold = [(s["entity_type"], s["start_position"], s["end_position"]) for s in sample["spans"]
                if s["entity_type"] in SYNTH_TYPES]
        for gold_label, predicted in zip(_token_labels(text, gold), _token_labels(text, predict(text))):
            for kind in (gold_label, predicted):
                counts.setdefault(kind, [0, 0, 0]) if kind != "O" else None
            if gold_label == predicted != "O":
                counts[gold_label][0] += 1
                continue
            if predicted != "O":
                counts[predicted][1] += 1
            if gold_label != "O":
                counts[gold_label][2] += 1
    scores = {kind: _prf(*counts[kind]) for kind in SYNTH_TYPES}
    scores["ALL"] = _prf(*(sum(values[i] for values in counts.values()) for i in range(3)))
    return scores


def our_synth_spans(text: str) -> list[Span]:
    return [(OUR_KIND_TO_SYNTH[kind], start, end) for kind, start, end in redact(text).entities
            if kind in OUR_KIND_TO_SYNTH]


def vanilla_synth_spans(text: str) -> list[Span]:
    return [(VANILLA_TO_SYNTH[r.entity_type], r.start, r.end) for r in vanilla_analyze(text)
            if r.entity_type in VANILLA_TO_SYNTH]


def run_evaluation(pii_path: Path, synth_path: Path | None) -> dict[str, Any]:
    records = read_jsonl(pii_path)
    report: dict[str, Any] = {"pii_file": str(pii_path), "messages": len(records)}
    for system, redact_text in (("ours", lambda text: redact(text).text), ("vanilla", vanilla_redact)):
        score = score_pii(records, redact_text)
        report[system] = {"leak_rate": round(score.leak_rate, 4), "keep_loss": round(score.keep_loss, 4),
                          **asdict(score)}
    if synth_path is not None and synth_path.exists():
        samples = json.loads(synth_path.read_text(encoding="utf-8"))
        report["synth"] = {
            "file": str(synth_path),
            "samples": len(samples),
            "scoring": "token level (\\w+ tokens), entity type must match; other types ignored",
            "ours": {kind: asdict(value) for kind, value in score_synth(samples, our_synth_spans).items()},
            "vanilla": {kind: asdict(value) for kind, value in score_synth(samples, vanilla_synth_spans).items()},
        }
    return report


def format_report(report: dict[str, Any]) -> str:
    ours, vanilla = report["ours"], report["vanilla"]
    lines = [f"PII redaction on {report['pii_file']} ({report['messages']} messages)",
             f"{'':28}{'ours':>10}{'vanilla':>10}",
             f"{'leak rate (lower is better)':28}{ours['leak_rate']:>10.1%}{vanilla['leak_rate']:>10.1%}",
             f"{'keep-word loss':28}{ours['keep_loss']:>10.1%}{vanilla['keep_loss']:>10.1%}",
             f"{'recall by type:':28}"]
    for kind in ours["recall_by_type"]:
        lines.append(f"{'  ' + kind:28}{ours['recall_by_type'][kind]:>10.1%}{vanilla['recall_by_type'][kind]:>10.1%}")
    lines.append(f"ours leaked: {[(item['id'], item['text']) for item in ours['leaked']]}")
    lines.append(f"ours lost keep words: {[(item['id'], item['text']) for item in ours['lost']]}")
    if "synth" in report:
        synth = report["synth"]
        lines += ["", f"presidio-research synth_dataset_v2 ({synth['samples']} samples), {synth['scoring']}",
                  f"{'':18}{'ours P':>8}{'R':>8}{'F2':>8}   {'vanilla P':>9}{'R':>8}{'F2':>8}{'support':>9}"]
        for kind, our_score in synth["ours"].items():
            theirs = synth["vanilla"][kind]
            lines.append(f"{kind:18}{our_score['precision']:>8.3f}{our_score['recall']:>8.3f}{our_score['f2']:>8.3f}"
                         f"   {theirs['precision']:>9.3f}{theirs['recall']:>8.3f}{theirs['f2']:>8.3f}"
                         f"{our_score['support']:>9}")
    return "\n".join(lines)
