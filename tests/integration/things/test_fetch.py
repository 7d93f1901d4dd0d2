"""The fetcher against real HTTP servers on loopback."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ruisseau.things.fetch import FetchError, fetch


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        routes = {
            "/page": (200, "text/html; charset=iso-8859-1", "<title>Caf\xe9</title>".encode("latin-1")),
            "/hop": (302, None, b""),
            "/loop": (302, None, b""),
            "/big": (200, "text/html", b"x" * 300_000),
            "/image": (200, "image/png", b"\x89PNG"),
            "/gone": (404, "text/html", b"no"),
        }
        if self.path == "/slow":
            time.sleep(3)
        status, ctype, body = routes.get(self.path, (200, "text/html", b"<title>slow</title>"))
        self.send_response(status)
        if self.path == "/hop":
            self.send_header("Location", "/page")
        if self.path == "/loop":
            self.send_header("Location", "/loop")
        if ctype:
            self.send_header("Content-Type", ctype)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_loopback(settings):
    settings.FETCH_ALLOW_PRIVATE = True


def test_fetches_and_decodes_the_declared_charset(server, allow_loopback):
    page = fetch(server + "/page")
    assert page.title == "Café"
    assert page.url == server + "/page"


def test_follows_a_redirect_and_reports_where_it_landed(server, allow_loopback):
    assert fetch(server + "/hop").url == server + "/page"


def test_refuses_endless_redirects(server, allow_loopback):
    with pytest.raises(FetchError, match="redirects more than"):
        fetch(server + "/loop")


def test_refuses_bodies_over_the_limit(server, allow_loopback):
    with pytest.raises(FetchError, match="larger than"):
        fetch(server + "/big", max_bytes=100_000)


def test_refuses_what_is_not_a_page(server, allow_loopback):
    with pytest.raises(FetchError, match="not a web page"):
        fetch(server + "/image")


def test_reports_http_errors(server, allow_loopback):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(server + "/gone")


def test_gives_up_on_a_slow_server(server, allow_loopback):
    with pytest.raises(FetchError, match="too long"):
        fetch(server + "/slow", timeout=0.5)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://localhost/", "http://10.0.0.1/",
                                 "http://169.254.169.254/latest", "http://[::1]/"])
def test_private_addresses_are_refused_by_default(url, settings):
    settings.FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match="not on the public internet"):
        fetch(url)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "javascript:alert(1)", "http:///x"])
def test_only_http_urls_with_a_host(url):
    with pytest.raises(FetchError):
        fetch(url)

