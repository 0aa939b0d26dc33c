"""PDF copies of generated documents through LibreOffice headless, converted in batches and in
parallel.

One `soffice` start costs a second or two, so many files go through one invocation
(`soffice --headless --convert-to pdf --outdir OUT a.docx b.docx ...`). One soffice converts on
one CPU, so a batch is split between `workers` soffice processes (one per CPU by default,
DPS_PDF_WORKERS to choose), each with its own LibreOffice profile
(`-env:UserInstallation=file:///tmp/...`): a profile cannot be used by two soffice processes at
once, and a private one never touches a user's. Profiles are made once per converter and reused
(the first start in a fresh profile is the slow one); a worker holds its profile for the whole of
its share, so concurrent calls never share one. Everything blocking runs in worker threads. When
the binary is missing the converter says so (`available`), and the contract's PDF simply stays
`pending`; a batch that overruns its timeout comes back as failures, not a hang.

`soffice` is a launcher that starts `soffice.bin`; killing only the launcher on a timeout left
`soffice.bin` running and holding its profile, so every later conversion hung too (issue 13,
item 5). Each soffice therefore starts in a session (and process group) of its own, the whole
group is killed on a timeout, and the profile it used is deleted and replaced by a fresh one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from dps.core import documents
from dps.core.context import Context

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 180
DEFAULT_BATCH_SIZE = 100  # each soffice start costs seconds; more files per start amortise it


def default_workers() -> int:
    """One soffice per CPU (DPS_PDF_WORKERS overrides)."""
    configured = os.environ.get("DPS_PDF_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    return max(1, os.cpu_count() or 1)


class PdfConverter:
    def __init__(
        self,
        binary: str = "soffice",
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int | None = None,
    ) -> None:
        self.binary = binary
        self.timeout_seconds = timeout_seconds
        self.batch_size = batch_size
        self.workers = workers if workers is not None else default_workers()
        if self.workers < 1 or self.batch_size < 1:
            raise ValueError("a converter needs at least one worker and a batch of at least one file")
        self._free_profiles: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._profiles_made = 0
        self._profiles_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PdfConverter(binary={self.binary!r}, workers={self.workers})"

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

    def shares(self, count: int) -> list[range]:
        """Positions of `count` documents split into contiguous shares, one per soffice process: as
        many processes as there are workers and files, each share as even as it can be."""
        parts = min(self.workers, count)
        if parts == 0:
            return []
        size = math.ceil(count / parts)
        return [range(start, min(start + size, count)) for start in range(0, count, size)]

    def _convert_all(self, documents: list[bytes]) -> list[bytes | None]:
        shares = self.shares(len(documents))
        if len(shares) == 1:
            return self._convert_share([documents[i] for i in shares[0]])
        with ThreadPoolExecutor(max_workers=len(shares), thread_name_prefix="soffice") as pool:
            converted = pool.map(self._convert_share, [[documents[i] for i in share] for share in shares])
            return [pdf for share in converted for pdf in share]

    def _convert_share(self, documents: list[bytes]) -> list[bytes | None]:
        """One worker's share, in batches through one soffice profile held throughout (replaced by
        a fresh one after a timeout: a killed soffice may leave it locked or half written)."""
        profile = self._take_profile()
        try:
            results: list[bytes | None] = []
            for start in range(0, len(documents), self.batch_size):
                converted, timed_out = self._convert_batch(documents[start : start + self.batch_size], profile)
                results.extend(converted)
                if timed_out:
                    profile = self._retire_profile(profile)
            return results
        finally:
            self._free_profiles.put(profile)

    @staticmethod
    def _retire_profile(profile: Path) -> Path:
        """Delete a profile a killed soffice used and make a fresh one in its place."""
        shutil.rmtree(profile, ignore_errors=True)
        log.warning("retired LibreOffice profile %s after a timeout", profile)
        return Path(tempfile.mkdtemp(prefix="dps-soffice-profile-"))

    def _take_profile(self) -> Path:
        """A free profile; a new one while fewer than `workers` exist, else wait for one."""
        try:
            return self._free_profiles.get_nowait()
        except queue.Empty:
            pass
        with self._profiles_lock:
            if self._profiles_made < self.workers:
                self._profiles_made += 1
                return Path(tempfile.mkdtemp(prefix="dps-soffice-profile-"))
        return self._free_profiles.get()

    def _convert_batch(self, documents: list[bytes], profile: Path) -> tuple[list[bytes | None], bool]:
        """PDFs of one batch through one soffice, and whether it timed out (and was killed)."""
        executable = self.executable
        if executable is None:
            return [None] * len(documents), False
        with tempfile.TemporaryDirectory(prefix="dps-pdf-") as work:
            source, out = Path(work, "in"), Path(work, "out")
            source.mkdir()
            out.mkdir()
            names = [f"doc{i:05d}" for i in range(len(documents))]
            for name, data in zip(names, documents, strict=True):
                (source / f"{name}.docx").write_bytes(data)
            command = [
                executable,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *(str(source / f"{name}.docx") for name in names),
            ]
            process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env={**os.environ, "HOME": str(profile)},
                start_new_session=True,  # its own process group: soffice.bin dies with it
            )
            try:
                _, stderr = process.communicate(timeout=self.timeout_seconds)
            except subprocess.TimeoutExpired:
                kill_group(process)
                log.error("soffice did not finish %d conversions within %s s", len(documents), self.timeout_seconds)
                return [None] * len(documents), True
            finally:
                kill_group(process)  # whatever it left behind (a finished launcher's children too)
            if process.returncode != 0:
                log.error("soffice exited with %s: %s", process.returncode, stderr[-2000:])
            results: list[bytes | None] = []
            for name in names:
                pdf = out / f"{name}.pdf"
                results.append(pdf.read_bytes() if pdf.is_file() else None)
            return results, False


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill every process of `process`'s group (it leads its own session) and reap the leader."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be ignored
        log.error("soffice (pid %s) did not die after SIGKILL", process.pid)


@cache
def default_converter() -> PdfConverter:
    """The process's converter: `soffice` on the PATH (DPS_SOFFICE names another binary)."""
    return PdfConverter(os.environ.get("DPS_SOFFICE", "soffice"))


def converter_for(ctx: Context) -> documents.PdfConverter:
    """The Context's converter (tests inject one), else the process's `default_converter()`."""
    return ctx.converter or default_converter()
