"""reveal.js for the offline deck: fetched once (SHA-512 checked), then found in the cache, offline.

The npm registry is stood in for by an HTTP server on this machine, serving
the tarball ``make`` fetched during set-up (or a tampered copy of it): the
test never reaches the network.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ae_explainer.deliver import lecture
from aecore.errors import AecoreError


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder served over HTTP as the registry, and an empty cache in ``tmp_path / "cache"``."""
    (installed,) = [p for p in lecture.reveal_cache_paths() if p.is_file()][:1] or [None]
    assert installed is not None, "reveal.js is not installed: run 'make setup'"
    served = tmp_path / "served"
    served.mkdir()
    (served / installed.name).write_bytes(installed.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cache = tmp_path / "cache" / installed.name
    monkeypatch.setattr(lecture, "_REVEAL_URL", f"http://127.0.0.1:{server.server_port}/{installed.name}")
    monkeypatch.setattr(lecture, "reveal_cache_paths", lambda: [cache])
    monkeypatch.delenv("AE_EXPLAINER_OFFLINE")
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def test_reveal_is_fetched_once_then_found_offline(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (cache,) = lecture.reveal_cache_paths()
    assert lecture.fetch_reveal() == cache and cache.read_bytes() == next(registry.iterdir()).read_bytes()
    next(registry.iterdir()).unlink()  # the registry is gone: the cached copy is used
    monkeypatch.setenv("AE_EXPLAINER_OFFLINE", "1")
    assert lecture.fetch_reveal() == cache
    assert (lecture.reveal_assets(cache.parent / "deck") / "dist" / "reveal.js").stat().st_size > 10_000


def test_a_tampered_download_is_refused_and_not_kept(registry: Path) -> None:
    served = next(registry.iterdir())
    served.write_bytes(served.read_bytes()[:-1] + b"!")
    with pytest.raises(AecoreError, match=r"^slides: reveal.js \S+ from the npm registry failed its SHA-512"):
        lecture.fetch_reveal()
    (cache,) = lecture.reveal_cache_paths()
    assert not cache.parent.exists() or list(cache.parent.iterdir()) == []


def test_offline_without_a_cache_or_with_a_corrupt_one_is_one_line(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AE_EXPLAINER_OFFLINE", "1")
    (cache,) = lecture.reveal_cache_paths()
    with pytest.raises(
        AecoreError, match=r"^slides: reveal.js \S+ is not cached .* run 'make setup' or use --cdn$"
    ):
        lecture.fetch_reveal()
    cache.parent.mkdir()
    cache.write_bytes(b"not a tarball")
    with pytest.raises(AecoreError, match="is not cached"):
        lecture.fetch_reveal()


def test_no_registry_is_one_line_naming_what_to_do(registry: Path) -> None:
    next(registry.iterdir()).unlink()  # the server answers 404
    with pytest.raises(
        AecoreError, match=r"^slides: could not fetch reveal.js .*connect once, or use --cdn$"
    ) as e:
        lecture.fetch_reveal()
    assert "\n" not in str(e.value)
