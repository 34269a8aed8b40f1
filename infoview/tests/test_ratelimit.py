"""Rate limits: counted per client address in the cache, 429 with Retry-After past the limit."""

import os

import pytest
import redis
from django.http import HttpResponse
from django.test import RequestFactory

from infoview.clientip import client_ip
from infoview.ratelimit import ratelimit

factory = RequestFactory()


@ratelimit("signup")
def _view(request):
    return HttpResponse("ok")


def _post(address="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.post("/", **extra)


def test_the_forwarded_header_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_post("10.0.0.1", forwarded="198.51.100.7")) == "10.0.0.1"


def test_behind_one_trusted_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A client may send its own X-Forwarded-For; the proxy appends the address it saw.
    request = _post("10.0.0.1", forwarded="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_past_the_limit_the_answer_is_429_with_retry_after(settings, db):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "3/m"}
    answers = [_view(_post()).status_code for _ in range(3)]
    refused = _view(_post())
    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert b"Too many requests" in refused.content
    # Another address has its own count.
    assert _view(_post("203.0.113.6")).status_code == 200


def test_an_empty_rate_turns_the_limit_off(settings, db):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": ""}
    assert all(_view(_post()).status_code == 200 for _ in range(20))


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_the_count_lives_in_redis_where_every_node_sees_it(settings, db):
    prefix = f"test-ratelimit-{os.getpid()}"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/m"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    address = f"192.0.2.{os.getpid() % 250}"
    assert _view(_post(address)).status_code == 200
    assert _view(_post(address)).status_code == 200
    # Another node reads the same Redis: the count is there, not in this process's memory.
    other_node = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = other_node.keys(f"{prefix}:*")
    assert [int(other_node.get(key)) for key in keys] == [2]
    assert _view(_post(address)).status_code == 429
    other_node.delete(*keys)


def test_with_the_cache_down_requests_go_through_uncounted(settings, db):
    """Redis restarting must not turn every sign-up and log-in into a server error."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "1/m"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
        }
    }
    assert [_view(_post()).status_code for _ in range(3)] == [200, 200, 200]
