"""Content, chunking and the incremental index, against real Chroma and the packaged model."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import get_settings
from knowledge_base.chunking import chunk_document
from knowledge_base.documents import ContentError, load_document, load_documents


def test_every_guidance_file_is_valid_and_covers_each_area():
    documents = load_documents(get_settings().content_dir)
    assert len(documents) >= 40
    topics = {d.topic for d in documents}
    assert topics == {"speech_language", "toileting", "development", "family_hubs"}
    for area in ("leeds", "hammersmith-fulham", "liverpool-city-region"):
        local = [d for d in documents if d.area == area]
        assert len(local) >= 4 and all(d.verify for d in local), area
    assert all(d.review_by > d.last_reviewed for d in documents)


def test_chunks_have_stable_ids_heading_paths_and_digests():
    document = load_documents(get_settings().content_dir)[0]
    first, second = chunk_document(document), chunk_document(document)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert [c.digest for c in first] == [c.digest for c in second]
    assert len({c.chunk_id for c in first}) == len(first)
    assert all(c.title == document.title for c in first)
    assert any(c.heading for c in first)


def test_invalid_front_matter_is_rejected_with_the_file_name(tmp_path: Path):
    bad = tmp_path / "bad-doc.md"
    bad.write_text("---\nid: bad-doc\ntitle: x\ntopic: astrology\n---\nBody\n")
    with pytest.raises(ContentError, match="bad-doc.md"):
        load_document(bad)


def test_reindexing_one_changed_document_touches_only_its_changed_chunk(app_client):
    from knowledge_base.build import reindex_document
    from knowledge_base.search import get_searcher

    document = load_documents(get_settings().content_dir)[0]
    chunks = chunk_document(document)
    original_last = chunks[-1].text
    edited_body = document.body.replace(original_last, original_last + "\n\nZebracorn fact: this line is new.")
    edited = document.model_copy(update={"body": edited_body})
    try:
        report = reindex_document(edited)
        assert (report.added, report.updated, report.removed) == (0, 1, 0)
        assert report.unchanged == len(chunks) - 1
        # The changed section is served with its new text (asked by its own heading).
        hits = get_searcher().search(chunks[-1].heading.split(" > ")[-1], area=None, k=3)
        assert any("Zebracorn" in h.text for h in hits)
    finally:
        restored = reindex_document(document)
        assert restored.updated == 1


def test_hybrid_search_respects_the_area_filter(app_client):
    from knowledge_base.search import get_searcher

    hits = get_searcher().search("speech and language therapy referral", area="leeds", k=8)
    assert hits and {h.area for h in hits} <= {"national", "leeds"}
    assert any(h.area == "leeds" for h in hits)
