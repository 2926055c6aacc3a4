"""Read an ORUK feed from a JSON file or an API (GET /services pages, then /services/{id})."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from core.settings import get_settings
from knowledge_base.directory.safe_url import FetchRefused, PinnedTransport

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5  # each hop is checked like the first (safe_url); a feed needs one or two at most

# What an editor is told when a feed cannot be fetched: never a host, port, status or response text, which
# would let the import form be used to map the council's network. Operators get `detail` at the command line.
EDITOR_MESSAGES = {
    "blocked_address": "That address is not on the public internet, so it cannot be imported from here.",
    "dns_failed": "We could not find that address. Check it and try again.",
    "fetch_failed": "We could not fetch the feed from that address. Check it is the feed's address and try again.",
}


class FeedError(RuntimeError):
    """The whole feed is unusable; nothing is imported."""


class FeedFetchError(FeedError):
    """The feed could not be fetched. str() is safe to show an editor; `detail` is for operators (CLI) and
    `reason` is a short code for logs and the audit trail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(EDITOR_MESSAGES.get(reason, EDITOR_MESSAGES["fetch_failed"]))
        self.reason, self.detail = reason, detail


def max_bytes() -> int:
    return int(get_settings().directory_max_feed_mb * 1024 * 1024)


def records_in(document: Any, source: str) -> tuple[list[Any], dict[str, Any]]:
    """Service records plus paging info from a v3 page, a v1 page, a list or one service."""
    if isinstance(document, list):
        return document, {}
    if isinstance(document, dict):
        for key in ("contents", "content"):  # v3 page, v1 page
            if isinstance(document.get(key), list):
                return document[key], document
        if isinstance(document.get("services"), list):  # an organization with its services
            org = {k: v for k, v in document.items() if k != "services"}
            return [{"organization": org, **s} if isinstance(s, dict) else s for s in document["services"]], {}
        if "id" in document and ("status" in document or "service" in document or "service_at_locations" in document):
            return [document], {}
    raise FeedError(f"{source} is not an ORUK feed: expected a page with 'contents', a list of services "
                    "or one service")


def parse_json(raw: bytes, source: str) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"{source} is not valid JSON ({exc})") from None


def load_file(path: Path) -> list[Any]:
    if not path.is_file():
        raise FeedError(f"{path} does not exist")
    size = path.stat().st_size
    if size > max_bytes():
        raise FeedError(f"{path} is {size / 1e6:.1f} MB, over the {get_settings().directory_max_feed_mb:g} MB "
                        "limit (DIRECTORY_MAX_FEED_MB)")
    return records_in(parse_json(path.read_bytes(), str(path)), str(path))[0]


def fetch_failed(reason: str, host: str, detail: str) -> FeedFetchError:
    # The reason code and host go to the log; the response body never does.
    log.warning("directory feed fetch failed: reason=%s host=%s", reason, host)
    return FeedFetchError(reason, detail)


def network_reason(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect_failed"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "bad_url"
    return "network_error"


def host_of(url: str) -> str:
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return ""


def get_json(client: httpx.Client, url: str, budget: list[int]) -> Any:
    # Stream so a huge response is refused before it is all in memory; budget is shared across pages.
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise fetch_failed("http_status", response.url.host,
                                   f"{url} answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise FeedError(f"{url}: the feed is over the {get_settings().directory_max_feed_mb:g} MB "
                                    "limit (DIRECTORY_MAX_FEED_MB)")
    except FetchRefused as exc:
        raise fetch_failed(exc.reason, exc.host, f"could not fetch {url}: {exc}") from None
    except httpx.TooManyRedirects:
        raise fetch_failed("too_many_redirects", host_of(url),
                           f"{url} redirected more than {MAX_REDIRECTS} times") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise fetch_failed(network_reason(exc), host_of(url),
                           f"could not reach {url}: {exc.__class__.__name__}: {exc}") from None
    return parse_json(bytes(body), url)


def load_url(url: str, progress: Callable[[int], None] | None = None) -> list[Any]:
    base = url.rstrip("/").removesuffix("/services")
    budget, summaries, page = [max_bytes()], [], 1
    client = httpx.Client(transport=PinnedTransport(https_only=url.startswith("https://")), trust_env=False,
                          timeout=20.0, follow_redirects=True, max_redirects=MAX_REDIRECTS)
    with client:
        while True:
            records, paging = records_in(get_json(client, f"{base}/services?page={page}&per_page=50", budget), url)
            summaries += records
            last = paging.get("last_page", paging.get("last", True)) or not records
            if last or page >= int(paging.get("total_pages", paging.get("totalPages", page)) or page):
                break
            page += 1
        full = []
        for summary in summaries:
            service_id = summary.get("id") if isinstance(summary, dict) else None
            # A summary without an id is kept as is, so the importer reports it as a bad record.
            full.append(get_json(client, f"{base}/services/{service_id}", budget) if service_id else summary)
            if progress:
                progress(1)
    return full


def load_feed(source: str, progress: Callable[[int], None] | None = None) -> list[Any]:
    if source.startswith(("http://", "https://")):
        return load_url(source, progress)
    return load_file(Path(source))
