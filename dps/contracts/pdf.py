"""PDF copies of generated documents through LibreOffice headless, converted in batches.

One `soffice` start costs a second or two, so many files go through one invocation
(`soffice --headless --convert-to pdf --outdir OUT a.docx b.docx ...`). Each converter has its
own LibreOffice profile (`-env:UserInstallation=file:///tmp/...`), so it neither touches a user's
profile nor collides with another process's, and calls are serialised per converter because one
profile cannot be used by two soffice processes at once. Everything blocking runs in a worker
thread. When the binary is missing the converter says so (`available`), and the contract's PDF
simply stays `pending`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 180
DEFAULT_BATCH_SIZE = 100  # each soffice start costs seconds; more files per start amortise it


class PdfConverter:
    def __init__(
        self,
        binary: str = "soffice",
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.binary = binary
        self.timeout_seconds = timeout_seconds
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._profile: Path | None = None

    def __repr__(self) -> str:
        return f"PdfConverter(binary={self.binary!r})"

    @property
    def executable(self) -> str | None:
        """The binary's full path, or None when LibreOffice is not installed here."""
        return shutil.which(self.binary)

    @property
    def available(self) -> bool:
        return self.executable is not None

    async def convert(self, documents: Sequence[bytes]) -> list[bytes | None]:
        """A PDF for each .docx (None where that one failed); all None when LibreOffice is absent."""
        if not documents or not self.available:
            return [None] * len(documents)
        return await asyncio.to_thread(self._convert_all, list(documents))

    def _convert_all(self, documents: list[bytes]) -> list[bytes | None]:
        results: list[bytes | None] = []
        with self._lock:
            for start in range(0, len(documents), self.batch_size):
                results.extend(self._convert_batch(documents[start : start + self.batch_size]))
        return results

    def _profile_dir(self) -> Path:
        if self._profile is None:
            self._profile = Path(tempfile.mkdtemp(prefix="dps-soffice-profile-"))
        return self._profile

    def _convert_batch(self, documents: list[bytes]) -> list[bytes | None]:
        executable = self.executable
        if executable is None:
            return [None] * len(documents)
        with tempfile.TemporaryDirectory(prefix="dps-pdf-") as work:
            source, out = Path(work, "in"), Path(work, "out")
            source.mkdir()
            out.mkdir()
            names = [f"doc{i:05d}" for i in range(len(documents))]
            for name, data in zip(names, documents, strict=True):
                (source / f"{name}.docx").write_bytes(data)
            command = [
                executable,
                f"-env:UserInstallation={self._profile_dir().as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *(str(source / f"{name}.docx") for name in names),
            ]
            try:
                completed = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                    command,
                    capture_output=True,
                    timeout=self.timeout_seconds,
                    check=False,
                    env={**os.environ, "HOME": str(self._profile_dir())},
                )
            except subprocess.TimeoutExpired:
                log.error("soffice did not finish %d conversions within %s s", len(documents), self.timeout_seconds)
                return [None] * len(documents)
            if completed.returncode != 0:
                log.error("soffice exited with %s: %s", completed.returncode, completed.stderr[-2000:])
            results: list[bytes | None] = []
            for name in names:
                pdf = out / f"{name}.pdf"
                results.append(pdf.read_bytes() if pdf.is_file() else None)
            return results


@cache
def default_converter() -> PdfConverter:
    """The process's converter: `soffice` on the PATH (DPS_SOFFICE names another binary)."""
    return PdfConverter(os.environ.get("DPS_SOFFICE", "soffice"))
