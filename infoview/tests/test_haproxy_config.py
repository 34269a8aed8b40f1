"""`make cluster`'s HAProxy configuration: valid, and it routes around a dead node.

The cluster itself is not part of the suite (`make cluster` runs it); this starts HAProxy
in front of two tiny HTTP servers, one of which dies, and checks what a client sees.
"""

import shutil
import socket
import subprocess
import threading
import time
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
        body = (
            f"{self.server.name} for={self.headers.get('X-Forwarded-For')} "
            f"proto={self.headers.get('X-Forwarded-Proto')}"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), _Node)
    server.name = name
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_generated_configuration_is_valid(tmp_path):
    path = tmp_path / "haproxy.cfg"
    nodes = [Node("web1", "127.0.0.1", 8001), Node("web2", "127.0.0.1", 8002)]
    path.write_text(config(bind="127.0.0.1:8000", nodes=nodes, admin_socket=str(tmp_path / "s")))
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = path.read_text()
    assert "uri /healthz" in text and "option redispatch 1" in text and "retry-on" in text


def test_clients_see_no_error_when_a_node_dies(tmp_path):
    one, two = _serve("web1"), _serve("web2")
    port = _free_port()
    path = tmp_path / "haproxy.cfg"
    nodes = [Node("web1", "127.0.0.1", one.server_port), Node("web2", "127.0.0.1", two.server_port)]
    path.write_text(
        config(bind=f"127.0.0.1:{port}", nodes=nodes, admin_socket=str(tmp_path / "admin.sock"))
    )
    proxy = subprocess.Popen(["haproxy", "-f", str(path)], stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 10
        while True:
            try:
                first = urllib.request.urlopen(base, timeout=2).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "haproxy did not answer"
                time.sleep(0.1)
        assert "for=127.0.0.1" in first and "proto=http" in first
        answered = {urllib.request.urlopen(base, timeout=2).read().decode()[:4] for _ in range(6)}
        assert answered == {"web1", "web2"}

        # web2 dies; before the health check notices, its requests are sent to web1 instead.
        two.shutdown()
        two.server_close()
        statuses = []
        for _ in range(20):
            with urllib.request.urlopen(base, timeout=5) as response:
                statuses.append((response.status, response.read().decode()[:4]))
        assert statuses == [(200, "web1")] * 20
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        one.shutdown()
