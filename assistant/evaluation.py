"""`eval`: score a questions file (shared JSONL format) against the real /api/chat contract, in-process."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.types import ORDINARY_ROUTES, SAFETY_ROUTES, URGENT_ROUTES


@dataclass
class LineResult:
    id: str
    message: str
    expected_routes: list[str]
    expected_statuses: list[str]
    topic: str
    language: str  # the line's "lang" when the file gives one ("en" otherwise)
    route: str
    status: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    # Lines not in English: does some paragraph of the reply read (lingua) as the parent's language? None in English.
    in_parents_language: bool | None = None


def has_parents_language_paragraph(answer: str, language: str) -> bool:
    """Some paragraph (blank-line separated) of the reply is in `language`, by the language detector."""
    from guardrails.language import language_of

    return any(language_of(part) == language for part in answer.split("\n\n") if part.strip())


def score_line(line: dict, response: dict) -> LineResult:
    expect = line["expect"]
    language = line.get("lang", "en")
    answer = response.get("answer", "").lower()
    problems = []
    if response.get("status") not in expect["status"]:
        problems.append(f"status {response.get('status')} not in {expect['status']}")
    if response.get("route") not in expect["route"]:
        problems.append(f"route {response.get('route')} not in {expect['route']}")
    for group in expect.get("answer_all", []):
        if not any(phrase.lower() in answer for phrase in group):
            problems.append(f"answer lacks any of {group}")
    for phrase in expect.get("answer_none", []):
        if phrase.lower() in answer:
            problems.append(f"answer contains {phrase!r}")
    return LineResult(
        id=line["id"], message=line["message"], expected_routes=expect["route"], expected_statuses=expect["status"],
        topic=expect.get("topic", ""), language=language, route=response.get("route", ""), status=response.get("status", ""),
        passed=not problems, problems=problems,
        in_parents_language=None if language == "en" else has_parents_language_paragraph(response.get("answer", ""), language),
    )


def _rate(results: list[LineResult]) -> str:
    passed = sum(r.passed for r in results)
    return f"{passed}/{len(results)} ({100 * passed / len(results):.1f}%)" if results else "-"


def parents_language_figure(results: list[LineResult]) -> dict[str, str]:
    checked = [r for r in results if r.in_parents_language is not None]
    if not checked:
        return {}
    ok = sum(bool(r.in_parents_language) for r in checked)
    return {"reply has a paragraph in the parent's language": f"{ok}/{len(checked)} ({100 * ok / len(checked):.1f}%)"}


def safety_figures(results: list[LineResult]) -> dict[str, str]:
    """Recall per safety route, and the false-alarm rate on near misses (ordinary lines sent to a safety route)."""
    figures = {}
    for route in SAFETY_ROUTES:
        lines = [r for r in results if r.expected_routes[0] == route]
        if lines:
            caught = [r for r in lines if r.route in r.expected_routes and r.status in r.expected_statuses]
            figures[f"recall {route}"] = f"{len(caught)}/{len(lines)} ({100 * len(caught) / len(lines):.1f}%)"
    near = [r for r in results if all(x in ORDINARY_ROUTES for x in r.expected_routes)]
    if near:
        alarms = [r for r in near if r.route in SAFETY_ROUTES or r.route == "out_of_scope"]
        figures["near-miss false alarms"] = f"{len(alarms)}/{len(near)} ({100 * len(alarms) / len(near):.1f}%)"
    return figures


def evaluate(path: Path) -> list[LineResult]:
    from assistant import chat, startup

    lines = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text.strip()]
    startup.prepare()
    # The same turn and the same response model as POST /api/chat, in-process.
    return [
        score_line(line, chat.to_response(chat.handle_turn(line["message"], None, line.get("area"))).model_dump())
        for line in lines
    ]


def print_report(path: Path, results: list[LineResult]) -> dict:
    by_route: dict[str, list[LineResult]] = defaultdict(list)
    by_topic: dict[str, list[LineResult]] = defaultdict(list)
    by_language: dict[str, list[LineResult]] = defaultdict(list)
    for r in results:
        by_route[r.expected_routes[0]].append(r)
        by_topic[r.topic].append(r)
        by_language[r.language].append(r)
    summary = {
        "file": str(path),
        "overall": _rate(results),
        "by_expected_route": {k: _rate(v) for k, v in sorted(by_route.items())},
        "by_topic": {k: _rate(v) for k, v in sorted(by_topic.items())},
        "safety": safety_figures(results),
        "by_language": {lang: {"overall": _rate(v), **safety_figures(v), **parents_language_figure(v)}
                        for lang, v in sorted(by_language.items())},
        **parents_language_figure(results),
    }
    print(f"Overall: {summary['overall']}")
    for title, key in (("By expected route", "by_expected_route"), ("By topic", "by_topic"), ("Safety", "safety")):
        print(f"\n{title}:")
        for name, value in summary[key].items():
            print(f"  {name:28} {value}")
    if len(summary["by_language"]) > 1:
        print("\nBy language (overall; urgent recall):")
        for lang, figures in summary["by_language"].items():
            urgent = "; ".join(f"{k.removeprefix('recall ')} {v.split(' ')[0]}" for k, v in figures.items()
                               if k.startswith("recall ") and k.removeprefix("recall ") in URGENT_ROUTES)
            own = figures.get("reply has a paragraph in the parent's language", "")
            notes = "; ".join(part for part in (urgent, f"in own language {own.split(' ')[0]}" if own else "") if part)
            print(f"  {lang:6} {figures['overall']:18} {notes}")
    for name, value in parents_language_figure(results).items():
        print(f"\n{name}: {value}")
    failures = [r for r in results if not r.passed]
    print(f"\nFailures ({len(failures)}):")
    for r in failures:
        print(f"  {r.id} [{r.route}/{r.status}] {r.message[:70]!r}: {'; '.join(r.problems)}")
    missing = [r for r in results if r.in_parents_language is False]
    if missing:
        print(f"\nReplies with no paragraph in the parent's language ({len(missing)}):")
        for r in missing:
            print(f"  {r.id} [{r.language}] {r.route}/{r.status}")
    return summary


def load_labels(path: Path | None) -> dict[str, list[str]]:
    """Line id -> the sections (doc::heading slug) that answer it, best first; [] where none does."""
    if path is None or not path.is_file():
        return {}
    rows = (json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text.strip())
    return {row["id"]: row["sections"] for row in rows}


def retrieval_figures(path: Path, results: list[LineResult], labels: dict[str, list[str]]) -> dict:
    """recall@1, recall@5, MRR and the wrong-section rate (answered from a section no label names), per topic,
    for the lines of this file that have section labels."""
    from knowledge_base import ranking
    from knowledge_base.search import get_searcher

    lines = {row["id"]: row for row in (json.loads(t) for t in path.read_text(encoding="utf-8").splitlines() if t.strip())}
    answered = {r.id: r.status == "answered" and r.route == "guidance" for r in results}
    threshold = ranking.model().answer_threshold
    per_topic: dict[str, list[tuple[int, bool, bool]]] = defaultdict(list)
    no_section = {"lines": 0, "answered_as_sure": 0}
    for line_id, wanted in labels.items():
        line = lines.get(line_id)
        if line is None:
            continue
        found = get_searcher().search(line["message"], line.get("area"), k=10)
        if not wanted:
            no_section["lines"] += 1
            no_section["answered_as_sure"] += bool(answered.get(line_id) and found and found[0].relevance >= threshold)
            continue
        ids = [c.chunk_id for c in found]
        rank = next((i + 1 for i, cid in enumerate(ids) if cid in wanted), 0)
        wrong = bool(answered.get(line_id)) and (not ids or ids[0] not in wanted)
        for topic in ("all", line["expect"].get("topic", "")):
            per_topic[topic].append((rank, wrong, bool(answered.get(line_id))))

    def figures(rows: list[tuple[int, bool, bool]]) -> dict:
        n, answered_n = len(rows), sum(a for _, _, a in rows)
        return {"lines": n, "recall@1": round(sum(r == 1 for r, _, _ in rows) / n, 3),
                "recall@5": round(sum(1 <= r <= 5 for r, _, _ in rows) / n, 3),
                "mrr": round(sum(1 / r for r, _, _ in rows if r) / n, 3),
                "wrong_section_rate": round(sum(w for _, w, _ in rows) / answered_n, 3) if answered_n else None}

    return {"by_topic": {t: figures(rows) for t, rows in sorted(per_topic.items())}, "no_section_lines": no_section}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="score a questions file in the shared JSONL format")
    parser.add_argument("questions", type=Path)
    parser.add_argument("--report", type=Path, default=None, help="JSON report path (default reports/eval-NAME.json)")
    parser.add_argument("--labels", type=Path, default=Path("benchmarks/data/section_labels.jsonl"),
                        help="section labels (JSONL: id, sections) for retrieval figures on the lines they name")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.questions.is_file():
        print(f"No such file: {args.questions}")
        return 2
    results = evaluate(args.questions)
    summary = print_report(args.questions, results)
    labels = load_labels(args.labels)
    if any(r.id in labels for r in results):
        summary["retrieval"] = retrieval_figures(args.questions, results, labels)
        print("\nRetrieval (labelled lines; wrong_section_rate = answered from a section no label names):")
        for topic, figures in summary["retrieval"]["by_topic"].items():
            print(f"  {topic:18} {figures}")
        print(f"  lines no section answers: {summary['retrieval']['no_section_lines']}")
    report = args.report or Path("reports") / f"eval-{args.questions.stem}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({**summary, "lines": [asdict(r) for r in results]}, indent=2), encoding="utf-8")
    print(f"\nReport written to {report}")
    return 0
