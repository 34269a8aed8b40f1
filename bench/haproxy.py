"""The HAProxy configuration `make cluster` runs: one front door, health-checked web nodes.

- Health: ``GET /healthz`` every second, 5 s to answer; three failures mark a node down, two
  successes up; one refused connection from real traffic marks it down at once. Each node
  takes as many requests as it has workers; HAProxy queues the rest.
- Retries: a request whose connection is refused or reset before the node answered is sent
  again, to another node (``option redispatch 1``: redispatch on every retry). Only GET and
  HEAD, which change nothing, are also retried after a node accepted them and then died or
  answered 502/503/504; a POST that reached a node is never sent twice (a note saved twice).
- ``X-Forwarded-For`` is appended (the app's ``TRUSTED_PROXY_COUNT=1``) and
  ``X-Forwarded-Proto`` says whether the client spoke TLS to the proxy.
- An admin socket lets the drill take a node out (the step test with one node) and make its
  health check flap.

A production proxy would bind ``:443 ssl crt /etc/haproxy/infoview.pem`` instead of a plain
port; everything else stays the same (docs/operations.md).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    name: str
    host: str
    port: int
    # The node's worker count: HAProxy queues the rest itself (and sends them to whichever node
    # frees up first), instead of piling them into a busy node's socket backlog, where the
    # health check would wait behind them and time out.
    maxconn: int | None = None


def config(
    *, bind: str, nodes: list[Node], admin_socket: str, host_header: str = "127.0.0.1"
) -> str:
    servers = "\n".join(
        f"    server {n.name} {n.host}:{n.port} check"
        + (f" maxconn {n.maxconn}" if n.maxconn else "")
        for n in nodes
    )
    return f"""\
global
    maxconn 4096
    stats socket {admin_socket} mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    timeout http-request 10s
    # A node busy with slow pages is slow, not dead: a check gets 5 s, and three must fail.
    timeout check 5s
    option forwardfor
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503 504

frontend infoview
    bind {bind}
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Proto https if {{ ssl_fc }}
    # A request a node has already started on is sent again only if it changes nothing.
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend web

backend web
    balance leastconn
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {host_header}
    http-check expect status 200
    # A refused connection from real traffic marks the node down at once, and the requests
    # queued for it go to the other node, instead of waiting out three failed checks.
    default-server inter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down
{servers}
"""
