"""A publish bumps the content version in the database; every other server's searcher sees the newer version
(one cheap read, at most once a second) and refreshes from the shared index."""

from __future__ import annotations

import pytest

from knowledge_base import content_version, search
from knowledge_base.build import current_documents, reindex_document
from knowledge_base.search import HybridSearcher

MARKER = "zorblefrump"  # a word no guidance uses


@pytest.fixture
def other_server(app_client, monkeypatch):
    """A second server's searcher over the same database and index, built before the publish."""
    searcher = HybridSearcher()
    searcher.corpus()
    monkeypatch.setattr(search, "VERSION_CHECK_SECONDS", 0.0)  # check on every search, so nothing waits
    return searcher


def test_a_publish_elsewhere_is_searchable_here(other_server):
    original = current_documents()[0]
    before = content_version.current()
    changed = original.model_copy(update={"body": original.body + f"\n\n## {MARKER} club\n\nThe {MARKER} club meets on Mondays.\n"})
    try:
        reindex_document(changed)  # the publishing server: writes the shared index, bumps the version
        assert content_version.current() == before + 1
        hits = other_server.search(f"when does the {MARKER} club meet", area=None, k=10)
        assert any(MARKER in hit.text for hit in hits)
    finally:
        reindex_document(original)


def test_no_refresh_without_a_newer_version(other_server):
    corpus = other_server.corpus()
    other_server.search("how many words should a two year old say", area=None)
    assert other_server.corpus() is corpus  # unchanged version: the in-memory index is kept


def test_a_change_that_leaves_the_index_alone_does_not_bump():
    before = content_version.current()
    reindex_document(current_documents()[0])
    assert content_version.current() == before
