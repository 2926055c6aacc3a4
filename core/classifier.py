"""Small learned classifiers over sentence vectors: a logistic regression, its out-of-fold probabilities, and
thresholds chosen on them against a false-alarm budget (used by safety routing and conversation turns)."""

from __future__ import annotations

import numpy as np


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
    model.fit(x, y)
    return model.coef_.astype(np.float32), model.intercept_.astype(np.float32)


def out_of_fold(x: np.ndarray, y: np.ndarray, n_classes: int, settings: dict) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold

    probs = np.zeros((len(y), n_classes), dtype=np.float32)
    folds = StratifiedKFold(n_splits=int(settings["folds"]), shuffle=True, random_state=int(settings["seed"]))
    for train, held in folds.split(x, y):
        weights, bias = fit_logistic(x[train], y[train], float(settings["c"]), int(settings["seed"]))
        logits = x[held] @ weights.T + bias
        logits -= logits.max(axis=1, keepdims=True)
        held_probs = np.exp(logits)
        probs[held] = held_probs / held_probs.sum(axis=1, keepdims=True)
    return probs


def threshold_for_false_alarms(scores_ordinary: np.ndarray, allowed_false_alarm: float, floor: float) -> float:
    """Lowest probability at which at most `allowed_false_alarm` of ordinary lines score at or above it."""
    if len(scores_ordinary) == 0:
        return max(floor, 0.5)
    ranked = np.sort(scores_ordinary)[::-1]
    allowed = int(np.floor(allowed_false_alarm * len(ranked)))
    above = ranked[allowed] if allowed < len(ranked) else 0.0  # the first ordinary score we must stay above
    return float(max(floor, np.nextafter(np.float32(above), np.float32(1.0))))
