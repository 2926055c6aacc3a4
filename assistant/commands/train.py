"""`train`: train (or find in the cache) the learned safety routers, the guidance ranker, the conversation
classifiers (English, and other languages), the language reader and the name tagger, and print their
held-out figures.

`make install` runs it, so neither a server's start nor the first parent waits for training; a changed
training line retrains, an unchanged one is read from MODEL_CACHE_DIR."""

from __future__ import annotations

import argparse
import json
import time


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("train", help="train the learned safety routers, guidance ranker, conversation classifier and name tagger from the project's own lines")
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    from guardrails.safety import exemplars, learned

    started = time.perf_counter()
    model = learned.model()
    print(f"learned safety model ready in {time.perf_counter() - started:.1f}s; held-out (out-of-fold) figures:")
    print(json.dumps(model.report, indent=1))
    exemplars.index()  # the exemplar vectors and route model share the cache
    from knowledge_base import ranking

    started = time.perf_counter()
    ranker = ranking.model()
    print(f"guidance ranker ready in {time.perf_counter() - started:.1f}s; held-out (out-of-fold) figures:")
    print(json.dumps(ranker.report, indent=1))
    from assistant import conversation

    print("conversation classifier, held-out figures:", json.dumps(conversation.model().report))
    from assistant import conversation_multilingual
    from guardrails.language_learned import model as learned_language

    print("conversation classifier in other languages, held-out figures:",
          json.dumps(conversation_multilingual.model().report))
    print("language reader for Latin letters, held-out figures:", json.dumps(learned_language().report))
    from guardrails.pii import learned_names

    print("name tagger, held-out figures:", json.dumps(learned_names.tagger().report))
    return 0
