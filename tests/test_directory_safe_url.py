"""Editors may only point the server at public https feeds. The form checks the address's shape; where it
leads is checked when it is fetched, on the one DNS answer then connected to (tests/test_directory_fetch_security.py
covers every address form, DNS rebinding and redirects)."""

from __future__ import annotations

import pytest

from knowledge_base.directory.safe_url import public_feed_url_problem


@pytest.mark.parametrize("url", ["http://example.org/api", "ftp://example.org/feed.json", "https:///services", "feed"])
def test_only_https_addresses_pass_the_form(url):
    problem = public_feed_url_problem(url)
    assert problem and "https://" in problem


def test_an_https_address_passes_the_form():
    assert public_feed_url_problem("https://93.184.215.14/api") is None


@pytest.mark.parametrize("url", ["https://127.0.0.1/api", "https://localhost:8000/api",
                                 "https://169.254.169.254/latest/meta-data", "https://10.1.2.3/services",
                                 "https://[::1]/services"])
def test_private_feeds_are_refused_when_fetched(url):
    # Literal addresses and localhost resolve without the network, and nothing is connected to.
    from knowledge_base.directory.fetch import FeedFetchError, load_feed

    with pytest.raises(FeedFetchError) as refused:
        load_feed(url)
    assert refused.value.reason == "blocked_address" and "not on the public internet" in str(refused.value)
