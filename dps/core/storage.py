"""Where uploaded documents' bytes live: one `DocumentStore` interface, a local folder or S3.

Services see only `DocumentStore`; the blocking work (file I/O, boto3) runs in the storage thread
pool (`dps.core.blocking.run_io`), so the event loop never waits on a disk or the network (STYLE.md
rule 8) and other blocking work cannot make storage (or `/health`) wait. Every blob's SHA-256 is
computed here, on the bytes actually stored, so callers record a digest they did not have to trust.

The type of an upload is decided by `check_upload` from the bytes themselves: a client's declared
`Content-Type` or file extension is never trusted.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from dps.core.blocking import run_io
from dps.core.errors import NotFound, PayloadTooLarge, UnsupportedMediaType

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
ALLOWED_MEDIA_TYPES: tuple[str, ...] = (PDF, DOCX, PNG, JPEG)

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"

# S3 allows 1024 bytes of key; our characters are ASCII, so 1024 characters.
_MAX_KEY_LENGTH = 1024
_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9/_.-]+")


class StorageUnavailable(RuntimeError):
    """The document store cannot be reached or used (disk missing, S3 down); /health reports 503."""


# --- content sniffing -------------------------------------------------------------------------


def sniff_media_type(data: bytes) -> str | None:
    """The media type of `data` judged from its content (whole body needed for .docx), or None."""
    if data.startswith(_PDF_MAGIC):
        return PDF
    if data.startswith(_PNG_MAGIC):
        return PNG
    if data.startswith(_JPEG_MAGIC):
        return JPEG
    if data.startswith(_ZIP_MAGIC) and _is_word_document(data):
        return DOCX
    return None


def _is_word_document(data: bytes) -> bool:
    # .docx, .xlsx, .pptx, .jar and plain archives all start with the same ZIP header; only the
    # central directory says which one this is. Reading the names decompresses nothing.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        return False
    # A Word package has its content-types part and its main document part; a macro-enabled one
    # (.docm) also carries vbaProject.bin, which we refuse rather than store and hand to councils.
    return "[Content_Types].xml" in names and "word/document.xml" in names and "word/vbaProject.bin" not in names


def check_upload(data: bytes, max_bytes: int) -> str:
    """The sniffed media type of an upload; 413 when over `max_bytes`, 415 when not an allowed type."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the file is {len(data)} bytes; the limit is {max_bytes} bytes", limit_bytes=max_bytes)
    media_type = sniff_media_type(data)
    if media_type is None:
        raise UnsupportedMediaType(
            "the file is not a PDF, Word (.docx), PNG or JPEG document", allowed=list(ALLOWED_MEDIA_TYPES)
        )
    return media_type


# --- the interface ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredBlob:
    key: str
    sha256: str
    size: int


class DocumentStore(Protocol):
    """Blob storage for documents, addressed by keys such as "documents/2026/11/<uuid>"."""

    async def put(self, key: str, data: bytes, media_type: str) -> StoredBlob:
        """Store `data` under `key` (replacing any blob there) and return its digest and size."""
        ...

    async def get(self, key: str) -> bytes:
        """The blob under `key`; `NotFound` when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the blob under `key`; deleting a missing blob is not an error."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""
        ...

    async def check(self) -> None:
        """Raise `StorageUnavailable` when the backend cannot be used (for /health)."""
        ...


def validate_key(key: str) -> None:
    """Refuse keys that could escape the store's root or differ between backends (`ValueError`)."""
    if not key or len(key) > _MAX_KEY_LENGTH:
        raise ValueError(f"a storage key must be 1 to {_MAX_KEY_LENGTH} characters long")
    if not _KEY_CHARACTERS.fullmatch(key):
        raise ValueError(f"storage key {key!r} may contain only A-Z, a-z, 0-9, '/', '_', '.' and '-'")
    if key.startswith("/"):
        raise ValueError(f"storage key {key!r} must be relative (no leading '/')")
    if ".." in key:
        raise ValueError(f"storage key {key!r} must not contain '..'")
    # Empty or "." segments name the same file twice on disk but different objects in S3.
    if any(segment in ("", ".") for segment in key.split("/")):
        raise ValueError(f"storage key {key!r} has an empty or '.' path segment")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- local folder -----------------------------------------------------------------------------


class LocalDocumentStore:
    """Blobs as files under `root`; each write is atomic, so a crash never leaves half a blob."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalDocumentStore(root={str(self.root)!r})"

    def _path(self, key: str) -> Path:
        validate_key(key)
        return self.root / key

    async def put(self, key: str, data: bytes, media_type: str) -> StoredBlob:
        """Write `data` to a temporary file beside the target, fsync it, then rename it into place."""
        path = self._path(key)
        return await run_io(self._put_blocking, key, path, data)

    def _put_blocking(self, key: str, path: Path, data: bytes) -> StoredBlob:
        digest = _sha256(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Same directory as the target: os.replace is atomic only within one file system.
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_directory(path.parent)
        return StoredBlob(key=key, sha256=digest, size=len(data))

    async def get(self, key: str) -> bytes:
        """The file's bytes; `NotFound` when there is no such blob."""
        path = self._path(key)
        try:
            return await run_io(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            # A "directory" key (a prefix of other keys) is not a blob either, as in S3.
            raise NotFound(f"no document is stored under {key!r}", key=key) from None

    async def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        path = self._path(key)
        await run_io(_unlink_file, path)

    async def exists(self, key: str) -> bool:
        """Whether a file (not a directory) is stored under `key`."""
        path = self._path(key)
        return await run_io(path.is_file)

    async def check(self) -> None:
        """Create the root if needed and make sure it is a writable directory."""
        try:
            await run_io(self._check_blocking)
        except OSError as exc:
            raise StorageUnavailable(f"document folder {self.root} is not usable: {exc}") from exc

    def _check_blocking(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.root} is not writable")


def _unlink_file(path: Path) -> None:
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass
    except IsADirectoryError:
        # A key that is only a prefix of other keys holds no blob; there is nothing to delete.
        pass


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk (POSIX); Windows cannot open
    # a directory for fsync, and there os.replace is already as durable as it gets.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- S3 ---------------------------------------------------------------------------------------

_MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_MISSING_BUCKET_CODES = frozenset({"NoSuchBucket", "404", "NotFound"})


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def default_s3_config(endpoint_url: str | None) -> Config:
    """boto3 settings that work against AWS and S3-compatible servers (MinIO, Ceph, moto)."""
    return Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"mode": "standard", "max_attempts": 3},
        # Path-style addressing needs no wildcard DNS, which self-hosted endpoints rarely have.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        # botocore >= 1.36 adds CRC32 checksums by default, which several S3-compatible servers
        # reject; we send Content-MD5 ourselves and verify SHA-256 on download instead.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


class S3DocumentStore:
    """Blobs as objects in one S3 bucket (AWS or any S3-compatible endpoint), under `prefix`."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "eu-west-2",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        *,
        config: Config | None = None,
    ) -> None:
        if not bucket:
            raise ValueError("an S3 document store needs a bucket name")
        self.bucket = bucket
        prefix = prefix.strip("/")
        if prefix:
            validate_key(prefix)
        self.prefix = f"{prefix}/" if prefix else ""
        self.region = region
        # A client (unlike a Session) is thread-safe, so one serves every worker thread. Our own
        # Session keeps us off boto3's module-level default session, which is not.
        session = boto3.session.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self._client: S3Client = session.client(
            "s3",
            endpoint_url=endpoint_url,
            config=config if config is not None else default_s3_config(endpoint_url),
        )

    def __repr__(self) -> str:
        return f"S3DocumentStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _object_key(self, key: str) -> str:
        validate_key(key)
        return self.prefix + key

    async def put(self, key: str, data: bytes, media_type: str) -> StoredBlob:
        """Upload `data` with its media type and its SHA-256 in the object's metadata."""
        object_key = self._object_key(key)
        digest = _sha256(data)
        # Content-MD5 is understood by every S3 implementation and makes the server refuse a body
        # damaged in transit; the SHA-256 travels as metadata so the object describes itself.
        content_md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")
        await run_io(
            self._client.put_object,
            Bucket=self.bucket,
            Key=object_key,
            Body=data,
            ContentType=media_type,
            ContentMD5=content_md5,
            Metadata={"sha256": digest},
        )
        return StoredBlob(key=key, sha256=digest, size=len(data))

    async def get(self, key: str) -> bytes:
        """The object's bytes; `NotFound` when there is no such object."""
        object_key = self._object_key(key)
        try:
            return await run_io(self._get_blocking, object_key)
        except ClientError as exc:
            if _error_code(exc) in _MISSING_OBJECT_CODES:
                raise NotFound(f"no document is stored under {key!r}", key=key) from None
            raise

    def _get_blocking(self, object_key: str) -> bytes:
        response = self._client.get_object(Bucket=self.bucket, Key=object_key)
        body = response["Body"]
        try:
            return body.read()
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        """Delete the object; S3 already treats deleting a missing object as success."""
        object_key = self._object_key(key)
        await run_io(self._client.delete_object, Bucket=self.bucket, Key=object_key)

    async def exists(self, key: str) -> bool:
        """Whether the object exists (a HEAD request)."""
        object_key = self._object_key(key)
        try:
            await run_io(self._client.head_object, Bucket=self.bucket, Key=object_key)
        except ClientError as exc:
            if _error_code(exc) in _MISSING_OBJECT_CODES:
                return False
            raise
        return True

    async def check(self) -> None:
        """HEAD the bucket: proves the endpoint answers, the credentials work and the bucket exists."""
        try:
            await run_io(self._client.head_bucket, Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"S3 bucket {self.bucket!r} is not usable: {exc}") from exc

    async def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet (tests, the demo, first start on MinIO)."""
        await run_io(self._ensure_bucket_blocking)

    def _ensure_bucket_blocking(self) -> None:
        try:
            self._client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _error_code(exc) not in _MISSING_BUCKET_CODES:
                raise
        try:
            if self.region == "us-east-1":
                # us-east-1 is the default location and refuses an explicit LocationConstraint.
                self._client.create_bucket(Bucket=self.bucket)
            else:
                self._client.create_bucket(
                    Bucket=self.bucket,
                    CreateBucketConfiguration={"LocationConstraint": self.region},  # type: ignore[typeddict-item]
                )
        except ClientError as exc:
            # Another process may have created it between our HEAD and CREATE.
            if _error_code(exc) != "BucketAlreadyOwnedByYou":
                raise


# --- configuration ----------------------------------------------------------------------------


def build_document_store(
    url: str,
    s3_endpoint_url: str | None = None,
    s3_region: str = "eu-west-2",
    s3_access_key_id: str | None = None,
    s3_secret_access_key: str | None = None,
) -> DocumentStore:
    """The store named by `url`: "file:///abs/path" or a bare path (local), "s3://bucket/prefix"."""
    if not url:
        raise ValueError("the documents URL is empty; use a folder path, file:///path or s3://bucket")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"documents URL {url!r} names no bucket; use s3://bucket/prefix")
        return S3DocumentStore(
            bucket=parts.netloc,
            prefix=unquote(parts.path),
            endpoint_url=s3_endpoint_url,
            region=s3_region,
            access_key_id=s3_access_key_id,
            secret_access_key=s3_secret_access_key,
        )
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"documents URL {url!r} names a remote host; file URLs must be local")
        if not parts.path:
            raise ValueError(f"documents URL {url!r} names no folder")
        return LocalDocumentStore(Path(unquote(parts.path)))
    # A Windows drive ("C:\\docs") parses as a one-letter scheme; treat it as the path it is.
    if scheme and len(scheme) > 1:
        raise ValueError(f"documents URL {url!r} has an unsupported scheme {scheme!r}; use file:// or s3://")
    return LocalDocumentStore(Path(url).expanduser().absolute())
