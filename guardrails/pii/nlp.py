"""spaCy for Presidio with only the NER pipe: the rest costs time and is not used."""

from __future__ import annotations

import threading

import spacy
from thinc.api import use_ops
from threadpoolctl import threadpool_limits
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("lemma_from_lower")
def lemma_from_lower(doc: Doc) -> Doc:
    """Presidio's context enhancer matches lemmas; without the lemmatizer, the lowercase word will do."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class NerOnlySpacyNlpEngine(SpacyNlpEngine):
    """Loads an installed spaCy package (never downloads) with the unused pipes excluded."""

    def __init__(
        self,
        model_name: str,
        exclude_pipes: list[str],
        ner_model_configuration: NerModelConfiguration,
    ) -> None:
        super().__init__(
            models=[{"lang_code": "en", "model_name": model_name}],
            ner_model_configuration=ner_model_configuration,
        )
        self.exclude_pipes = exclude_pipes
        # spaCy's shared Vocab is not documented as thread-safe for writes; one doc at a time.
        self._lock = threading.Lock()

    def load(self) -> None:
        model_name = self.models[0]["model_name"]
        if not spacy.util.is_package(model_name):
            raise RuntimeError(f"spaCy model package {model_name!r} is not installed (no downloads at run time)")
        # thinc's bundled BLIS kernel is slower than numpy's BLAS on the small matrices of one chat message
        # (measured: NER p50 4.7 -> 3.9 ms, identical entities); a model takes its ops when it is built.
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(model_name, exclude=self.exclude_pipes)
        # One BLAS thread, as torch has (core.embeddings): on two cores, multi-threaded BLAS on matrices this small
        # spins against the other requests' threads (a 4 ms matrix product became 4 ms x cores under load).
        threadpool_limits(limits=1, user_api="blas")
        # The shared tok2vec feeds only the excluded tagger/parser when NER has its own (as in en_core_web_*).
        if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
            nlp.remove_pipe("tok2vec")
        nlp.add_pipe("lemma_from_lower")
        self.nlp = {"en": nlp}

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        with self._lock:
            return super().process_text(text, language)
