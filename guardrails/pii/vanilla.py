"""Out-of-the-box Presidio with the same spaCy model: the baseline our figures are compared with."""

from __future__ import annotations

from functools import lru_cache

import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_anonymizer import AnonymizerEngine

from guardrails.pii.recognizers.email import OFFLINE_TLD_EXTRACTOR
from guardrails.pii.settings import spacy_model_name


@lru_cache(maxsize=1)
def vanilla_engines() -> tuple[AnalyzerEngine, AnonymizerEngine]:
    # Vanilla's email check would fetch the public suffix list; point it at the bundled copy so the
    # comparison runs offline. Detection is unchanged (tldextract falls back to that copy anyway).
    tldextract.tldextract.TLD_EXTRACTOR = OFFLINE_TLD_EXTRACTOR
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": spacy_model_name()}],
        }
    ).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine), AnonymizerEngine()


def vanilla_analyze(text: str) -> list[RecognizerResult]:
    analyzer, _ = vanilla_engines()
    return analyzer.analyze(text=text, language="en")


def vanilla_redact(text: str) -> str:
    """Default analyze (no threshold) and the anonymizer's default replace ("<PERSON>")."""
    _, anonymizer = vanilla_engines()
    return anonymizer.anonymize(text=text, analyzer_results=vanilla_analyze(text)).text
