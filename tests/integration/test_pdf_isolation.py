"""Limited child processes (issue 13, item 3): killed at the deadline, out of memory instead of the
server, refusals carried back intact, and a server that is told to stop stops with its children."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from dps.compliance.pdf import PdfUnreadable, read_pdf_text
from dps.core.isolation import IsolatedTimeout, run_isolated
from dps.core.pdfguard import PdfRefused, read_page_texts
from tests.support import pdfs
from tests.support.pdf_workers import pdf_workers

MEGABYTE = 1024 * 1024


async def test_a_child_is_killed_at_its_deadline() -> None:
    with pytest.raises(IsolatedTimeout):
        await run_isolated(time.sleep, 60, seconds=0.5, memory_bytes=256 * MEGABYTE)
    assert pdf_workers() == []


async def test_a_child_runs_out_of_its_own_memory() -> None:
    with pytest.raises(MemoryError):
        await run_isolated(bytearray, 2 * 1024 * MEGABYTE, seconds=10, memory_bytes=256 * MEGABYTE)
    assert pdf_workers() == []


async def test_a_childs_refusal_arrives_with_its_code() -> None:
    with pytest.raises(PdfRefused) as refused:
        await run_isolated(read_page_texts, pdfs.bomb(50), 30, 400_000, seconds=10, memory_bytes=512 * MEGABYTE)
    assert refused.value.code == "pdf_too_large_when_decompressed"


async def test_a_slow_pdf_is_abandoned_and_its_reader_killed() -> None:
    with pytest.raises(PdfUnreadable) as refused:
        await read_pdf_text(pdfs.slow(), time_limit=1.0)
    assert refused.value.code == "pdf_too_slow"
    assert pdf_workers() == []


SERVER = textwrap.dedent(
    """
    import asyncio, signal, sys
    from dps.compliance.pdf import read_pdf_text
    from tests.support import pdfs

    async def main():
        data = pdfs.slow()
        tasks = [asyncio.create_task(read_pdf_text(data, time_limit=120, organisation=n)) for n in range(3)]
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("reading", flush=True)
        await stop.wait()
        for task in tasks:  # what a server does with requests in flight when it shuts down
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
    """
)


def test_a_server_reading_pdfs_stops_on_sigterm_and_leaves_no_child() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "reading"
        readers: list[psutil.Process] = []
        for _ in range(400):  # until the three readers run
            readers = [p for p in psutil.Process(server.pid).children(recursive=True) if p.ppid() != server.pid]
            if len(readers) >= 3:
                break
            time.sleep(0.025)
        assert len(readers) == 3
        server.send_signal(signal.SIGTERM)
        # The readers had 120 s left; SIGTERM must end the server and them now (30 s is generous).
        assert server.wait(timeout=30) == 0
        _gone, alive = psutil.wait_procs(readers, timeout=10)
        assert alive == []
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
