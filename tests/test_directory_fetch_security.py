"""Directory import must not be a way into the council's network (issue 12, SSRF): each host is resolved once
and only that checked answer is connected to; every redirect hop is checked the same way; non-public IPv4 and
IPv6 forms are refused; editors see a generic error and the log a reason code; DIRECTORY_FEED_ALLOWED_HOSTS lets
a council (and these tests) use its own host.

Nothing here reaches the network: a fake resolver answers for the *.example / *.test names below, and a fake
connect reaches loopback only, records every attempt, and can stand a loopback server in for a public address.
"""

from __future__ import annotations

import datetime as dt
import errno
import ipaddress
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection
PUBLIC = "93.184.215.14"  # a global address; never really connected to
TLS_NAME = "feed.council.test"
SECRET_BODY = "internal-admin-panel-secret"

BLOCKED_FORMS = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "192.0.0.8", "198.18.0.1", "240.0.0.1", "255.255.255.255", "224.0.0.1", "233.252.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "ff0e::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:93.184.215.14",  # IPv4-mapped, whatever it maps to
    "::127.0.0.1", "::ffff:0:7f00:1",  # IPv4-compatible, IPv4-translated
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1",  # NAT64 to loopback, metadata, private
    "64:ff9b:1::a00:1",  # local-use NAT64
    "2002:7f00:1::1", "2002:a00:1::1", "2002:a9fe:a9fe::1",  # 6to4 around loopback, private, metadata
    "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 127/8, 10/8
]
PUBLIC_FORMS = [PUBLIC, "2606:4700::1111", "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"]


# ---- a fake resolver and network ------------------------------------------------------------------------

class FakeDNS:
    """Answers for test names, one answer per call in turn (the last repeats); other names (and numeric
    addresses) go to the real resolver, which resolves numbers without the network."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.calls: list[str] = []

    def set(self, host: str, *answers: str | list[str]) -> None:
        self.answers[host] = [[a] if isinstance(a, str) else list(a) for a in answers]

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # socket.getaddrinfo's signature
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return REAL_GETADDRINFO(host, port, family, type, proto, flags)
        self.calls.append(name)
        queue = self.answers[name]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        port = int(port or 0)
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]


def reaches_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


class FakeNetwork:
    """socket.create_connection (what httpx uses) that reaches loopback only. Each attempt is recorded as the
    (host, port) it was asked for; `routes` stands a loopback server in for a public address."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.routes: dict[tuple[str, int], tuple[str, int]] = {}

    def create_connection(self, address, timeout=None, source_address=None, **kwargs):
        host, port = address[0], address[1]
        self.attempts.append((host, port))
        for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):  # a name resolves again
            if (sockaddr[0], port) in self.routes:
                return REAL_CREATE_CONNECTION(self.routes[sockaddr[0], port], timeout)
            if reaches_loopback(sockaddr[0]):
                return REAL_CREATE_CONNECTION((sockaddr[0], port), timeout)
        raise OSError(errno.ENETUNREACH, "no network in tests")


@pytest.fixture
def net(monkeypatch):
    dns, network = FakeDNS(), FakeNetwork()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", network.create_connection)
    return SimpleNamespace(dns=dns, network=network)


@pytest.fixture(autouse=True)
def no_allowed_hosts(monkeypatch):
    from core.settings import get_settings

    monkeypatch.delenv("DIRECTORY_FEED_ALLOWED_HOSTS", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def allow(monkeypatch, *hosts: str) -> None:
    from core.settings import get_settings

    monkeypatch.setenv("DIRECTORY_FEED_ALLOWED_HOSTS", ",".join(hosts))
    get_settings.cache_clear()


# ---- loopback servers -----------------------------------------------------------------------------------

class Tripwire:
    """A loopback port standing for an internal service: counts connections and drops them at once."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.05)
        self.port, self.count, self.stopped = self.sock.getsockname()[1], 0, False
        threading.Thread(target=self.run, daemon=True).start()

    def run(self) -> None:
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            conn.close()

    def hits(self) -> int:
        time.sleep(0.1)  # let the accept loop see a connection made just now
        return self.count

    def close(self) -> None:
        self.stopped = True
        self.sock.close()


@pytest.fixture
def tripwire():
    wire = Tripwire()
    yield wire
    wire.close()


def service(service_id: str, name: str) -> dict:
    return {"id": service_id, "name": name, "status": "active",
            "schedules": [{"id": f"{service_id}-s", "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00"}]}


class FeedHandler(BaseHTTPRequestHandler):
    """An ORUK API (one service per page) that records each request's Host; HTTP/1.0, so every request is a
    new connection, which gives a re-resolving client the chance to resolve again."""

    def do_GET(self):
        feed = self.server
        feed.requests.append((self.headers.get("Host"), self.path))
        path, _, query = self.path.partition("?")
        if feed.redirect:
            location = feed.redirect(path, query)
            if location:
                return self.reply(302, b"", {"Location": location})
        if feed.failure:
            return self.reply(feed.failure, SECRET_BODY.encode())
        ids = sorted(feed.services)
        if path.endswith("/services"):
            page = int(dict(p.split("=") for p in query.split("&") if p).get("page", 1))
            body = {"total_pages": len(ids), "page_number": page, "last_page": page == len(ids),
                    "contents": [{"id": ids[page - 1], "name": "summary"}]}
        else:
            body = feed.services[path.rsplit("/", 1)[-1]]
        self.reply(200, json.dumps(body).encode())

    def reply(self, status: int, data: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {**(headers or {}), "Content-Length": str(len(data))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.services = {s["id"]: s for s in (service("web-1", "Web one"), service("web-2", "Web two"))}
        self.requests: list[tuple[str, str]] = []
        self.redirect, self.failure, self.server_names = None, 0, []
        if context is not None:
            context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
            self.socket = context.wrap_socket(self.socket, server_side=True)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def feed():
    server = FeedServer()
    yield server
    server.shutdown()
    server.server_close()


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "feed-cert.pem", directory / "feed-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_feed(tmp_path, monkeypatch, net):
    """A public https feed: TLS_NAME resolves to PUBLIC, which the fake network plays on loopback; its
    self-signed certificate is trusted through SSL_CERT_FILE."""
    cert, key = self_signed(tmp_path, TLS_NAME)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    net.dns.set(TLS_NAME, PUBLIC)
    server = FeedServer(context)
    net.network.routes[PUBLIC, server.port] = ("127.0.0.1", server.port)
    server.url = f"https://{TLS_NAME}:{server.port}/"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def editor(monkeypatch, tmp_path):
    """A signed-in editor on a fresh database (the editor import audits and writes the directory)."""
    from directory_db import forget_fresh_db, use_fresh_db
    from editorial_support import make_content_user, user

    use_fresh_db(monkeypatch, tmp_path)
    yield user(make_content_user("ed", "editor"))
    forget_fresh_db()


def ids(records: list) -> list[str]:
    return [r["id"] for r in records]


# ---- address rules --------------------------------------------------------------------------------------

@pytest.mark.parametrize("address", BLOCKED_FORMS)
def test_non_public_address_forms_are_not_public(address):
    from knowledge_base.directory.safe_url import is_public_address

    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC_FORMS)
def test_public_addresses_and_translations_of_them_are_public(address):
    from knowledge_base.directory.safe_url import is_public_address

    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", BLOCKED_FORMS)
def test_a_host_resolving_to_any_blocked_form_is_refused_before_connecting(net, address):
    from knowledge_base.directory.fetch import FeedError, load_feed

    net.dns.set("feed.example", address)
    with pytest.raises(FeedError) as refused:
        load_feed("https://feed.example/services")
    assert net.network.attempts == [] and getattr(refused.value, "reason", None) == "blocked_address"


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1", "017700000001", "[::ffff:7f00:1]",
                                  "[64:ff9b::a9fe:a9fe]", "169.254.169.254", "localhost"])
def test_addresses_written_in_odd_forms_are_refused(net, host):
    from knowledge_base.directory.fetch import FeedError, load_feed

    net.dns.set("localhost", ["127.0.0.1", "::1"])
    with pytest.raises(FeedError) as refused:
        load_feed(f"https://{host}/services")
    assert net.network.attempts == [] and getattr(refused.value, "reason", None) == "blocked_address"


def test_one_private_answer_among_public_ones_refuses_the_host(net):
    from knowledge_base.directory.fetch import FeedError, load_feed

    net.dns.set("mixed.example", [PUBLIC, "10.0.0.1"])
    with pytest.raises(FeedError) as refused:
        load_feed("https://mixed.example/")
    assert net.network.attempts == [] and "not on the public internet" in str(refused.value)


# ---- allow-list and pinning -----------------------------------------------------------------------------

def test_a_loopback_feed_is_refused_unless_its_host_is_allowed(net, feed, editor, monkeypatch):
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.directory.importer import import_feed

    url = f"http://127.0.0.1:{feed.port}/services"
    with pytest.raises(FeedError):
        import_feed(url, "leeds")
    assert feed.requests == []
    allow(monkeypatch, "127.0.0.1")
    report = import_feed(url, "leeds")
    assert report.imported == 2 and len(feed.requests) == 4  # two pages, then each service


def test_a_second_dns_answer_is_never_used(net, feed, tripwire):
    """DNS rebinding: the first answer is public, every later one private. The whole fetch (every request a new
    connection) goes to the first, checked answer; the resolver is asked once."""
    from knowledge_base.directory.fetch import load_feed

    net.dns.set("rebind.example", PUBLIC, "127.0.0.1")
    net.network.routes[PUBLIC, tripwire.port] = ("127.0.0.1", feed.port)  # the public server, played locally
    records = load_feed(f"http://rebind.example:{tripwire.port}/services")
    assert ids(records) == ["web-1", "web-2"] and len(feed.requests) == 4
    assert tripwire.hits() == 0
    assert net.dns.calls == ["rebind.example"]
    assert set(net.network.attempts) == {(PUBLIC, tripwire.port)}
    assert {host for host, _path in feed.requests} == {f"rebind.example:{tripwire.port}"}


def test_the_editor_import_connects_only_to_the_answer_it_checked(net, tripwire, editor):
    """The form used to check one DNS answer and httpx to connect to another (a private one)."""
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.editorial import imports

    net.dns.set("rebind.example", PUBLIC, "127.0.0.1")
    with pytest.raises(FeedError) as failed:
        imports.stage_import("leeds", "url", f"https://rebind.example:{tripwire.port}/", editor)
    assert tripwire.hits() == 0
    assert net.dns.calls == ["rebind.example"]
    assert net.network.attempts == [(PUBLIC, tripwire.port)]
    message = str(failed.value)
    assert "rebind" not in message and str(tripwire.port) not in message and "127.0.0.1" not in message


def test_https_to_the_pinned_address_keeps_the_host_name_for_host_and_tls(tls_feed, net):
    from knowledge_base.directory.fetch import load_feed

    records = load_feed(tls_feed.url)
    assert ids(records) == ["web-1", "web-2"]
    assert set(net.network.attempts) == {(PUBLIC, tls_feed.port)}  # the checked address, not the name
    assert net.dns.calls == [TLS_NAME]
    assert {host for host, _path in tls_feed.requests} == {f"{TLS_NAME}:{tls_feed.port}"}
    assert set(tls_feed.server_names) == {TLS_NAME}  # SNI, and the certificate was verified for this name


def test_an_editor_can_import_from_an_allowed_council_host(tls_feed, net, editor, monkeypatch):
    from knowledge_base.editorial import imports

    net.dns.set(TLS_NAME, "127.0.0.1")  # the council's feed on its own network
    allow(monkeypatch, TLS_NAME)
    report = imports.stage_import("leeds", "url", tls_feed.url, editor)
    assert report.imported == 2


# ---- redirects ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/services", "http://internal.example:{port}/services",
                                    "http://[::ffff:127.0.0.1]:{port}/services", "http://localhost:{port}/x"])
def test_a_redirect_to_a_private_address_is_refused(net, feed, tripwire, monkeypatch, target):
    from knowledge_base.directory.fetch import FeedError, load_feed

    allow(monkeypatch, "feed.example")  # the first hop is trusted; where it redirects is not
    net.dns.set("feed.example", "127.0.0.1")
    net.dns.set("internal.example", "127.0.0.1")
    net.dns.set("localhost", "127.0.0.1")
    feed.redirect = lambda path, query: target.format(port=tripwire.port)
    with pytest.raises(FeedError) as refused:
        load_feed(f"http://feed.example:{feed.port}/services")
    assert tripwire.hits() == 0 and all(port != tripwire.port for _host, port in net.network.attempts)
    assert getattr(refused.value, "reason", None) == "blocked_address"


def test_a_redirect_on_an_allowed_host_is_followed(net, feed, monkeypatch):
    from knowledge_base.directory.fetch import load_feed

    allow(monkeypatch, "feed.example")
    net.dns.set("feed.example", "127.0.0.1")
    feed.redirect = lambda path, query: (path.removeprefix("/old") + f"?{query}" * bool(query)
                                         if path.startswith("/old") else None)
    assert ids(load_feed(f"http://feed.example:{feed.port}/old/services")) == ["web-1", "web-2"]


def test_endless_redirects_stop(net, feed, monkeypatch):
    from knowledge_base.directory.fetch import FeedError, load_feed

    allow(monkeypatch, "feed.example")
    net.dns.set("feed.example", "127.0.0.1")
    feed.redirect = lambda path, query: "/again"
    with pytest.raises(FeedError) as refused:
        load_feed(f"http://feed.example:{feed.port}/services")
    assert len(feed.requests) == 6  # the first request and 5 redirects
    assert getattr(refused.value, "reason", None) == "too_many_redirects"


def test_an_https_feed_cannot_redirect_to_plain_http(tls_feed, feed, net, monkeypatch):
    from knowledge_base.directory.fetch import FeedError, load_feed

    tls_feed.redirect = lambda path, query: f"http://{TLS_NAME}:{feed.port}{path}"
    net.network.routes[PUBLIC, feed.port] = ("127.0.0.1", feed.port)
    with pytest.raises(FeedError) as refused:
        load_feed(tls_feed.url)
    assert feed.requests == [] and getattr(refused.value, "reason", None) == "scheme_refused"


# ---- what editors, operators and the log are told -------------------------------------------------------

def test_editors_get_a_generic_error_and_the_log_a_reason_code(tls_feed, editor, monkeypatch, caplog):
    from core.audit import recent
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.editorial import imports

    tls_feed.failure = 500
    with caplog.at_level("INFO"), pytest.raises(FeedError) as failed:
        imports.stage_import("leeds", "url", tls_feed.url, editor)
    message = str(failed.value)
    assert message == "We could not fetch the feed from that address. Check it is the feed's address and try again."
    assert "reason=http_status" in caplog.text and SECRET_BODY not in caplog.text
    assert "reason=http_status" in recent(5)[0].detail and recent(5)[0].action == "directory_import_failed"


def test_a_closed_port_reveals_no_host_or_port(tls_feed, net, editor):
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.editorial import imports

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    net.network.routes[PUBLIC, closed] = ("127.0.0.1", closed)
    with pytest.raises(FeedError) as failed:
        imports.stage_import("leeds", "url", f"https://{TLS_NAME}:{closed}/", editor)
    message = str(failed.value)
    assert str(closed) not in message and TLS_NAME not in message and "Errno" not in message


def test_editors_are_told_a_private_address_is_not_public(net, editor):
    from knowledge_base.directory.fetch import FeedError
    from knowledge_base.editorial import imports

    net.dns.set("intranet.example", "10.20.30.40")
    with pytest.raises(FeedError) as failed:
        imports.stage_import("leeds", "url", "https://intranet.example:8443/admin", editor)
    assert str(failed.value) == "That address is not on the public internet, so it cannot be imported from here."


def test_the_command_line_tells_the_operator_what_to_do(net, capsys):
    from assistant.cli import main

    net.dns.set("directory.council.example", "10.0.0.9")
    assert main(["directory", "import", "https://directory.council.example/", "--area", "leeds", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "directory.council.example" in out and "DIRECTORY_FEED_ALLOWED_HOSTS" in out
