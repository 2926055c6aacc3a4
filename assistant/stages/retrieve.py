"""Stage: find the guidance sections that best match the question (with the previous turn for follow-ups)."""

from __future__ import annotations

from assistant import intents
from assistant.context import TurnContext
from knowledge_base.search import HybridSearcher


def search_queries(ctx: TurnContext) -> list[str]:
    # "what about at night?" only makes sense with the question before it; searching both ways
    # lets the new words lead while the earlier question keeps the topic.
    if ctx.history and intents.is_follow_up(ctx.text):
        return [ctx.text, f"{ctx.history[-1]} {ctx.text}"]
    return [ctx.text]


# Enough for the answer, a second section and a when-to-get-help section further down the ranking.
RESULTS = 6


class Retrieve:
    """Given its searcher: the live index for parents, a draft snapshot for the editors' preview."""

    def __init__(self, searcher: HybridSearcher) -> None:
        self.searcher = searcher

    def __call__(self, ctx: TurnContext) -> None:
        queries = search_queries(ctx)
        ctx.search_query = queries[-1]
        if ctx.english:
            ctx.retrieved = self.searcher.search(queries, ctx.area, k=RESULTS)
        else:
            # The English ranker cannot read Polish or Urdu: multilingual-e5 finds the English section.
            ctx.multilingual = True
            ctx.retrieved = self.searcher.search_multilingual(queries, ctx.area, k=RESULTS)
