"""The PDF worker processes alive under this one."""

from __future__ import annotations

import psutil


def pdf_workers() -> list[psutil.Process]:
    """The processes reading PDFs: children of this process's forkserver."""
    workers: list[psutil.Process] = []
    for child in psutil.Process().children():
        try:
            if "forkserver" in " ".join(child.cmdline()):
                workers.extend(child.children(recursive=True))
        except psutil.Error:
            continue
    return workers
