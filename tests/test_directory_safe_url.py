"""Editors may only point the server at public https feeds."""

from __future__ import annotations

import pytest

from knowledge_base.directory.safe_url import public_feed_url_problem


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://example.org/api", "https://"),
        ("ftp://example.org/feed.json", "https://"),
        ("https://127.0.0.1/api", "not on the public internet"),
        ("https://localhost:8000/api", "not on the public internet"),
        ("https://169.254.169.254/latest/meta-data", "not on the public internet"),
        ("https://10.1.2.3/services", "not on the public internet"),
        ("https://[::1]/services", "not on the public internet"),
    ],
)
def test_private_or_plain_http_feeds_are_refused(url, words):
    problem = public_feed_url_problem(url)
    assert problem and words in problem


def test_a_public_address_is_allowed():
    # A literal public address needs no DNS, so this runs offline.
    assert public_feed_url_problem("https://93.184.215.14/api") is None
