"""Which language a message in Latin letters is in, learned from the project's own labelled lines.

Why: a general detector knows each language's standard spelling. Parents write romanised Urdu, Punjabi and
Bengali, Arabizi, and mix English service words into Polish or Somali ("czy w family hub jest stay and play"):
to lingua those read as Turkish, Somali or English. Every safety training line carries the language it was
written in, in exactly those registers, so a character n-gram reader trained on them knows these forms.

It only ever claims another language: its threshold is chosen on held-out folds so that English lines are
almost never called another language (data/languages.yaml), and below it the detector in
guardrails/language.py decides as before. Seeded, cached under MODEL_CACHE_DIR by a digest of its inputs."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.cache_files import read_or_build
from core.char_ngrams import CharNgramModel, char_ngrams_out_of_fold, fit_char_ngrams
from core.classifier import threshold_for_false_alarms
from core.settings import get_settings

log = logging.getLogger("guardrails.language_learned")
_lock = threading.Lock()


@dataclass(frozen=True)
class LearnedLanguage:
    languages: tuple[str, ...]
    reader: CharNgramModel
    threshold: float  # a language other than English is claimed at or above this probability
    report: dict

    def claim(self, text: str) -> str | None:
        """The language other than English the message is in, when the reader is sure enough; else None."""
        probs = self.reader.probabilities([text])[0]
        best = int(probs.argmax())
        language = self.languages[best]
        return language if language != "en" and probs[best] >= self.threshold else None


def is_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters) / len(letters) >= 0.5


def _settings() -> dict:
    from guardrails.language import settings

    return settings()["learned_reader"]


def _lines() -> tuple[list[str], list[str]]:
    """Latin-script training lines and their languages; English thinned to a seeded sample (it outnumbers every
    other language many times over, and the balanced class weights do the rest)."""
    from guardrails.safety.learned import labelled_lines

    config = _settings()
    lines = labelled_lines()
    pairs = [(t, lang) for t, lang in zip(lines.texts, lines.languages) if is_latin(t)]
    counts: dict[str, int] = {}
    for _, lang in pairs:
        counts[lang] = counts.get(lang, 0) + 1
    kept = [(t, lang) for t, lang in pairs if counts[lang] >= int(config["min_lines"])]
    english = [i for i, (_, lang) in enumerate(kept) if lang == "en"]
    rng = np.random.default_rng(int(config["seed"]))
    dropped = set(rng.permutation(english)[int(config["english_lines"]):].tolist()) if len(english) > int(config["english_lines"]) else set()
    kept = [pair for i, pair in enumerate(kept) if i not in dropped]
    return [t for t, _ in kept], [lang for _, lang in kept]


def train() -> LearnedLanguage:
    config = _settings()
    texts, langs = _lines()
    languages = tuple(sorted(set(langs)))
    y = np.array([languages.index(lang) for lang in langs])
    held = char_ngrams_out_of_fold(texts, y, len(languages), config, int(config["folds"]), int(config["seed"]))
    english = languages.index("en")
    best = held.argmax(axis=1)
    other_best = np.where(best != english, held.max(axis=1), 0.0)
    threshold = threshold_for_false_alarms(other_best[y == english], float(config["english_false_alarm"]),
                                           float(config["min_probability"]))
    claimed = (best != english) & (other_best >= threshold)
    report = {"lines": {lang: int((y == i).sum()) for i, lang in enumerate(languages)}, "threshold": threshold,
              "held_out_english_called_other": round(float(claimed[y == english].mean()), 4)}
    for i, lang in enumerate(languages):
        if lang != "en":
            mine = y == i
            report[f"held_out_{lang}_claimed_right"] = round(float((claimed & (best == i))[mine].mean()), 3)
    return LearnedLanguage(languages, fit_char_ngrams(texts, y, config), threshold, report)


def _digest() -> str:
    texts, langs = _lines()
    parts = [json.dumps(_settings(), sort_keys=True), *texts, *langs]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:24]


def _save(model: LearnedLanguage, out) -> None:  # type: ignore[no-untyped-def]
    meta = json.dumps({"languages": model.languages, "threshold": model.threshold, "report": model.report,
                       "ngram_range": model.reader.ngram_range})
    np.savez(out, meta=np.array(meta), vocabulary=np.array(model.reader.vocabulary, dtype=str),
             idf=model.reader.idf, weights=model.reader.weights, bias=model.reader.bias)


def _load(path: Path) -> LearnedLanguage:
    with np.load(path, allow_pickle=False) as saved:
        meta = json.loads(str(saved["meta"]))
        reader = CharNgramModel(tuple(saved["vocabulary"].tolist()), saved["idf"], saved["weights"], saved["bias"],
                                tuple(meta["ngram_range"]))
        return LearnedLanguage(tuple(meta["languages"]), reader, float(meta["threshold"]), meta["report"])


@lru_cache(maxsize=1)
def model() -> LearnedLanguage:
    path = get_settings().model_cache_dir / f"language-learned-{_digest()}.npz"
    with _lock:
        return read_or_build(path, _load, _train_logged, _save, "language-learned-*.npz")


def _train_logged() -> LearnedLanguage:
    log.info("training the learned language reader")
    return train()
