"""A logistic regression over character n-grams: a second, independent reader next to the sentence encoders.

Why: a sentence vector smooths a message into its overall gist, so a short alarming clause ("lips gone
blue", "سانس نہیں") can be outweighed by the ordinary words around it, and the 4-bit multilingual encoder
reads some scripts (Gurmukhi, Bengali, romanised Urdu) weakly. Character n-grams see word pieces in any
script and spelling, typos included; held out, averaging the two beats either alone.

The fitted model is kept as plain arrays (n-gram vocabulary, idf, weights), so the cache is an .npz read
with allow_pickle=False, never a pickle.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class CharNgramModel:
    vocabulary: tuple[str, ...]
    idf: np.ndarray  # (features,)
    weights: np.ndarray  # (classes, features)
    bias: np.ndarray  # (classes,)
    ngram_range: tuple[int, int]

    @cached_property
    def _analyser(self):
        # Built once per model: the vocabulary dict alone takes tens of ms to build.
        from sklearn.feature_extraction.text import CountVectorizer

        analyse = CountVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, lowercase=True).build_analyzer()
        return analyse, {gram: i for i, gram in enumerate(self.vocabulary)}

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The message's TF-IDF row as (columns, values): sublinear tf times idf, L2-normalised, as sklearn's
        TfidfVectorizer computes it at training time. Done by hand because sklearn's per-call checks cost
        ~2 ms a message, ten times the arithmetic."""
        analyse, vocabulary = self._analyser
        counts = Counter(vocabulary[gram] for gram in analyse(text) if gram in vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[columns]
        return columns, values / np.linalg.norm(values)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        logits = np.empty((len(texts), len(self.bias)), dtype=np.float32)
        for row, text in enumerate(texts):
            columns, values = self._features(text)
            logits[row] = self.weights[:, columns] @ values + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return (probs / probs.sum(axis=1, keepdims=True)).astype(np.float32)


def fit_char_ngrams(texts: list[str], y: np.ndarray, settings: dict) -> CharNgramModel:
    """settings: ngram_range [lo, hi], min_df, max_features, c, seed."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    low, high = settings["ngram_range"]
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(int(low), int(high)), lowercase=True,
                                 min_df=int(settings["min_df"]), max_features=int(settings["max_features"]),
                                 sublinear_tf=True, dtype=np.float32)
    features = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=float(settings["c"]), class_weight="balanced", max_iter=3000,
                               random_state=int(settings["seed"]))
    model.fit(features, y)
    vocabulary = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
    return CharNgramModel(tuple(vocabulary), vectoriser.idf_.astype(np.float32), model.coef_.astype(np.float32),
                          model.intercept_.astype(np.float32), (int(low), int(high)))


def char_ngrams_out_of_fold(texts: list[str], y: np.ndarray, n_classes: int, settings: dict, folds: int,
                            seed: int) -> np.ndarray:
    """Held-out probabilities for every line (the same stratified folds as core.classifier.out_of_fold)."""
    from sklearn.model_selection import StratifiedKFold

    probs = np.zeros((len(y), n_classes), dtype=np.float32)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, held in splitter.split(np.zeros(len(y)), y):
        fitted = fit_char_ngrams([texts[i] for i in train], y[train], settings)
        probs[held] = fitted.probabilities([texts[i] for i in held])
    return probs
