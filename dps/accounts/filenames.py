"""The name an uploaded file is stored and offered under: never a path, never a disguise.

The bytes are stored under a random key; the client's file name is kept only to show people and to
name the download, so it must be safe to show and to save (issue 13, item 10).
"""

from __future__ import annotations

import re
import unicodedata

from dps.accounts.domain import safe_filename

MAX_FILENAME_LENGTH = 120
# The extensions a download may carry for each sniffed type; the first is added when none fits.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
# Names Windows treats as devices whatever their extension ("CON.pdf" cannot be saved).
_DEVICE_NAMES = re.compile(r"^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def stored_filename(raw: str | None, media_type: str) -> str:
    """`raw` without path, control or bidi characters, leading dots or a misleading extension,
    at most `MAX_FILENAME_LENGTH` characters, ending in an extension of `media_type`."""
    name = unicodedata.normalize("NFC", safe_filename(raw))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in ";,/\\")
    name = _SPACES.sub(" ", name).strip().lstrip(". ").rstrip(". ")
    extensions = EXTENSIONS.get(media_type, ())
    suffix = next((e for e in extensions if name.lower().endswith(e)), None)
    if suffix is None:
        # "invoice.pdf.exe" holding a PDF is offered as "invoice.pdf.exe.pdf", never as an .exe.
        stem, suffix = name, (extensions[0] if extensions else "")
    else:
        stem = name[: -len(suffix)]
    stem = stem.rstrip(". ")[: MAX_FILENAME_LENGTH - len(suffix)].rstrip(". ") or "upload"
    if _DEVICE_NAMES.match(stem):
        stem = f"_{stem}"
    return stem + suffix.lower()
