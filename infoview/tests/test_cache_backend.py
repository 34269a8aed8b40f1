"""The shared cache's backend (infoview/cache.py): Django's Redis backend, its clients kept."""

import pytest

from infoview.cache import KeptClientsRedisCache
from infoview.testing.services import RedisServer


@pytest.fixture(scope="module")
def redis_url():
    server = RedisServer().start()
    yield server.url
    server.stop()


def test_one_redis_client_serves_every_operation_and_the_cache_works(redis_url):
    cache = KeptClientsRedisCache(redis_url, {"KEY_PREFIX": "kept"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client  # one server: reads and writes share it
    cache.set("a", {"x": 1}, 30)
    cache.set_many({"b": 2, "c": "three"}, 30)
    assert cache.get("a") == {"x": 1}
    assert cache.get_many(["b", "c", "none"]) == {"b": 2, "c": "three"}
    assert cache.incr("b") == 3
    assert cache.add("a", "other") is False
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None and cache.get("c") == "three"
    assert cache._cache.get_client(write=True) is client


def test_each_server_has_its_own_client(redis_url):
    cache = KeptClientsRedisCache(f"{redis_url[:-2]}/0,{redis_url[:-2]}/1", {"OPTIONS": {}})
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()  # with two servers, reads go to the second
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["db"] == 0
    assert reader.connection_pool.connection_kwargs["db"] == 1
    assert cache._cache.get_client() is reader
    cache.set("written", 1)
    assert writer.exists(":1:written") and not reader.exists(":1:written")
