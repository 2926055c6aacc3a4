"""The Presidio engines, built once from config.yaml and shared by all threads."""

from __future__ import annotations

import threading
from functools import lru_cache

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NerModelConfiguration
from presidio_analyzer.recognizer_registry import RecognizerRegistryProvider
from presidio_anonymizer import AnonymizerEngine

import guardrails.pii.recognizers  # noqa: F401  (registers our classes so the YAML can name them)
from guardrails.pii.nlp import NerOnlySpacyNlpEngine
from guardrails.pii.settings import load_config, spacy_model_name

_build_lock = threading.Lock()


@lru_cache(maxsize=1)
def _build_analyzer() -> AnalyzerEngine:
    config = load_config()
    nlp_engine = NerOnlySpacyNlpEngine(
        model_name=spacy_model_name(),
        exclude_pipes=list(config["spacy_exclude_pipes"]),
        ner_model_configuration=NerModelConfiguration(**config["ner_model_configuration"]),
    )
    nlp_engine.load()
    registry = RecognizerRegistryProvider(registry_configuration=config["registry"]).create_recognizer_registry()
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=float(config["score_threshold"]),
    )


def get_analyzer() -> AnalyzerEngine:
    with _build_lock:  # two first requests at once must not load spaCy twice
        return _build_analyzer()


@lru_cache(maxsize=1)
def get_anonymizer() -> AnonymizerEngine:
    return AnonymizerEngine()


def clear_engine_cache() -> None:
    """For tests that must prove a fresh start-up (e.g. with the network blocked)."""
    _build_analyzer.cache_clear()
    get_anonymizer.cache_clear()
