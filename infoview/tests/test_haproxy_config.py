"""`make cluster`'s HAProxy configuration: valid, and it routes reads around a dying node.

The cluster itself is not part of the suite (`make cluster` runs it); this starts HAProxy
in front of two tiny HTTP servers, one of which drops what it is sent, and checks what a
client sees.
"""

import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.haproxy import Node, config

pytestmark = pytest.mark.skipif(not shutil.which("haproxy"), reason="haproxy is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Node(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.server.name == "dying" and self.path != "/healthz":
            # Accepted, then gone without an answer: a node killed in the middle of a request,
            # while its health check has not noticed yet.
            self.server.dropped += 1
            self.close_connection = True
            return
        body = (
            f"{self.server.name} for={self.headers.get('X-Forwarded-For')} "
            f"proto={self.headers.get('X-Forwarded-Proto')}"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posts += 1
        self.do_GET()

    def log_message(self, *args):
        pass


def _serve(name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), _Node)
    server.name = name
    server.posts = 0
    server.dropped = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy(tmp_path):
    """HAProxy in front of a good node and one that drops every request but its health check."""
    good, dying = _serve("good"), _serve("dying")
    port = _free_port()
    path = tmp_path / "haproxy.cfg"
    nodes = [
        Node("web1", "127.0.0.1", good.server_port),
        Node("web2", "127.0.0.1", dying.server_port),
    ]
    path.write_text(
        config(bind=f"127.0.0.1:{port}", nodes=nodes, admin_socket=str(tmp_path / "admin.sock"))
    )
    process = subprocess.Popen(["haproxy", "-f", str(path)], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            break
        except OSError:
            assert time.monotonic() < deadline, "haproxy did not answer"
            time.sleep(0.1)
    yield base, good, dying
    process.terminate()
    process.wait(timeout=10)
    good.shutdown()
    dying.shutdown()


def test_the_generated_configuration_is_valid(tmp_path):
    path = tmp_path / "haproxy.cfg"
    nodes = [Node("web1", "127.0.0.1", 8001), Node("web2", "127.0.0.1", 8002)]
    path.write_text(config(bind="127.0.0.1:8000", nodes=nodes, admin_socket=str(tmp_path / "s")))
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = path.read_text()
    assert "uri /healthz" in text and "option redispatch 1" in text and "retry-on" in text


def test_a_read_that_a_node_dropped_is_answered_by_the_other(proxy):
    base, _good, dying = proxy
    answers = []
    for _ in range(20):
        with urllib.request.urlopen(f"{base}/page", timeout=10) as response:
            answers.append((response.status, response.read().decode()))
    assert {status for status, _ in answers} == {200}
    assert all(body.startswith("good for=127.0.0.1 proto=http") for _, body in answers)
    assert dying.dropped > 0  # the dying node was tried, and its drops were retried


def test_a_write_that_reached_a_node_is_never_sent_twice(proxy):
    base, good, dying = proxy
    statuses = []
    for _ in range(10):
        request = urllib.request.Request(f"{base}/page", data=b"note=1", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    # The dying node received some POSTs and answered none: those clients see 502, and no
    # POST was replayed on the good node.
    assert dying.posts > 0
    assert statuses.count(502) == dying.posts
    assert good.posts == statuses.count(200) == 10 - dying.posts
