"""The document stores behave alike: a local folder and S3 (a real moto server, not a patch)."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from dps.core.errors import NotFound
from dps.core.storage import (
    PDF,
    DocumentStore,
    LocalDocumentStore,
    S3DocumentStore,
    StorageUnavailable,
    build_document_store,
)

REGION = "eu-west-2"
CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}
# A body that is not all one byte, so a truncated or shifted copy cannot compare equal.
BLOB = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    # port=0 lets the OS choose a free port; get_host_and_port() reports the one it chose.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str):
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    ).client("s3", endpoint_url=endpoint)


async def make_s3_store(endpoint: str, prefix: str = "") -> S3DocumentStore:
    store = S3DocumentStore(
        bucket=f"dps-test-{uuid.uuid4().hex[:12]}",
        prefix=prefix,
        endpoint_url=endpoint,
        region=REGION,
        **CREDENTIALS,
    )
    await store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    if request.param == "local":
        yield LocalDocumentStore(tmp_path / "documents")
    else:
        # A bucket per test keeps tests independent without emptying buckets afterwards.
        yield await make_s3_store(request.getfixturevalue("s3_endpoint"))


def a_key() -> str:
    return f"documents/2026/11/{uuid.uuid4().hex}"


# --- the same behaviour from both stores ------------------------------------------------------


async def test_put_then_get_returns_the_same_bytes_with_digest_and_size(store: DocumentStore) -> None:
    key = a_key()

    blob = await store.put(key, BLOB, PDF)

    assert blob.key == key
    assert blob.sha256 == hashlib.sha256(BLOB).hexdigest()
    assert blob.size == len(BLOB)
    assert await store.get(key) == BLOB


async def test_put_replaces_an_existing_blob(store: DocumentStore) -> None:
    key = a_key()
    await store.put(key, b"%PDF-first", PDF)

    blob = await store.put(key, b"%PDF-second version", PDF)

    assert await store.get(key) == b"%PDF-second version"
    assert blob.sha256 == hashlib.sha256(b"%PDF-second version").hexdigest()


async def test_an_empty_blob_round_trips(store: DocumentStore) -> None:
    key = a_key()

    blob = await store.put(key, b"", PDF)

    assert blob.size == 0
    assert blob.sha256 == hashlib.sha256(b"").hexdigest()
    assert await store.get(key) == b""


async def test_get_of_a_missing_key_is_not_found(store: DocumentStore) -> None:
    key = a_key()

    with pytest.raises(NotFound) as raised:
        await store.get(key)

    assert raised.value.extra == {"key": key}


async def test_a_prefix_of_stored_keys_is_not_a_blob(store: DocumentStore) -> None:
    # On disk "documents/2026" is a directory; it must look as absent as it does in S3.
    await store.put("documents/2026/11/abc", BLOB, PDF)

    assert not await store.exists("documents/2026")
    with pytest.raises(NotFound):
        await store.get("documents/2026")
    await store.delete("documents/2026")
    assert await store.get("documents/2026/11/abc") == BLOB


async def test_delete_is_idempotent_and_exists_follows_it(store: DocumentStore) -> None:
    key = a_key()
    assert not await store.exists(key)
    await store.put(key, BLOB, PDF)
    assert await store.exists(key)

    await store.delete(key)
    await store.delete(key)

    assert not await store.exists(key)
    with pytest.raises(NotFound):
        await store.get(key)


async def test_delete_leaves_other_blobs_alone(store: DocumentStore) -> None:
    kept, removed = a_key(), a_key()
    await store.put(kept, b"%PDF-kept", PDF)
    await store.put(removed, b"%PDF-removed", PDF)

    await store.delete(removed)

    assert await store.get(kept) == b"%PDF-kept"


BAD_KEYS = [
    "../etc/passwd",
    "documents/../../secret",
    "documents/..",
    "/etc/passwd",
    "",
    "documents/with space",
    "documents\\windows",
    "documents/caf\u00e9",
    "documents/x?y",
    "documents//double",
    "documents/trailing/",
    "documents/./dot",
    "documents/" + "a" * 1100,
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_bad_keys_are_refused_by_every_operation(store: DocumentStore, key: str) -> None:
    with pytest.raises(ValueError):
        await store.put(key, BLOB, PDF)
    with pytest.raises(ValueError):
        await store.get(key)
    with pytest.raises(ValueError):
        await store.delete(key)
    with pytest.raises(ValueError):
        await store.exists(key)


async def test_a_working_store_passes_its_check(store: DocumentStore) -> None:
    await store.check()


# --- local folder specifics -------------------------------------------------------------------


async def test_local_store_creates_directories_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = LocalDocumentStore(tmp_path / "documents")

    await store.put("documents/2026/11/abc", BLOB, PDF)

    folder = tmp_path / "documents" / "documents" / "2026" / "11"
    assert sorted(p.name for p in folder.iterdir()) == ["abc"]
    assert (folder / "abc").read_bytes() == BLOB


async def test_local_store_never_leaves_half_a_blob_when_a_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a blob already stored, when rewriting it fails before the rename (a full disk, a crash
    # at fsync), the old blob is intact and no temporary file is left behind.
    store = LocalDocumentStore(tmp_path)
    await store.put("documents/abc", b"%PDF-original", PDF)

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        await store.put("documents/abc", BLOB, PDF)
    with pytest.raises(OSError, match="No space left"):
        await store.put("documents/new", BLOB, PDF)
    monkeypatch.undo()

    assert await store.get("documents/abc") == b"%PDF-original"
    assert not await store.exists("documents/new")
    assert sorted(p.name for p in (tmp_path / "documents").iterdir()) == ["abc"]


async def test_local_store_check_fails_when_the_root_cannot_be_a_folder(tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_bytes(b"not a folder")

    with pytest.raises(StorageUnavailable):
        await LocalDocumentStore(occupied / "documents").check()


# --- S3 specifics -----------------------------------------------------------------------------


async def test_s3_object_carries_its_sha256_and_media_type(s3_endpoint: str) -> None:
    store = await make_s3_store(s3_endpoint)
    key = a_key()

    blob = await store.put(key, BLOB, PDF)

    head = s3_client(s3_endpoint).head_object(Bucket=store.bucket, Key=key)
    assert head["Metadata"] == {"sha256": blob.sha256}
    assert head["ContentType"] == PDF
    assert head["ContentLength"] == len(BLOB)


async def test_s3_store_keeps_its_objects_under_its_prefix(s3_endpoint: str) -> None:
    store = await make_s3_store(s3_endpoint, prefix="/consortium-nw/")
    key = a_key()

    await store.put(key, BLOB, PDF)

    listed = s3_client(s3_endpoint).list_objects_v2(Bucket=store.bucket)
    assert [o["Key"] for o in listed["Contents"]] == [f"consortium-nw/{key}"]
    assert await store.get(key) == BLOB


async def test_ensure_bucket_is_idempotent(s3_endpoint: str) -> None:
    store = await make_s3_store(s3_endpoint)

    await store.ensure_bucket()

    await store.check()


async def test_s3_check_fails_when_the_bucket_is_missing(s3_endpoint: str) -> None:
    store = S3DocumentStore(
        bucket=f"dps-missing-{uuid.uuid4().hex[:12]}", endpoint_url=s3_endpoint, region=REGION, **CREDENTIALS
    )

    with pytest.raises(StorageUnavailable):
        await store.check()


def closed_port() -> int:
    # Bind to get a port the OS considers free, then close it so nothing listens there.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_s3_check_fails_quickly_when_the_endpoint_is_unreachable() -> None:
    store = S3DocumentStore(
        bucket="dps-documents",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        region=REGION,
        **CREDENTIALS,
        config=Config(connect_timeout=0.5, read_timeout=0.5, retries={"max_attempts": 1}),
    )

    with pytest.raises(StorageUnavailable):
        await store.check()


# --- configuration ----------------------------------------------------------------------------


def test_a_file_url_builds_a_local_store(tmp_path: Path) -> None:
    store = build_document_store(f"file://{tmp_path}/docs")

    assert isinstance(store, LocalDocumentStore)
    assert store.root == tmp_path / "docs"


def test_a_bare_path_builds_a_local_store(tmp_path: Path) -> None:
    store = build_document_store(str(tmp_path / "docs"))

    assert isinstance(store, LocalDocumentStore)
    assert store.root == tmp_path / "docs"


def test_an_s3_url_builds_an_s3_store_with_its_prefix() -> None:
    store = build_document_store(
        "s3://dps-documents/north-west/",
        s3_endpoint_url="http://127.0.0.1:9000",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
    )

    assert isinstance(store, S3DocumentStore)
    assert (store.bucket, store.prefix) == ("dps-documents", "north-west/")


@pytest.mark.parametrize("url", ["", "s3://", "http://example.org/docs", "file://remote-host/docs"])
def test_unusable_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        build_document_store(url)
