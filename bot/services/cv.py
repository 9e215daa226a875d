"""A CV's text, read offline: PDF (pypdf), DOCX (python-docx) or plain text, and the language
it is written in (py3langid). No Telegram types here.

Every way a file can fail to be read ends in a `CVError` whose message tells the person what
to do instead: a file too big for a bot to download (checked from the size Telegram reports,
before anything is downloaded), a kind of file we cannot read, a PDF with no text layer (a
scan or a photo), a damaged or password-protected file. Nothing is stored: the text lives
only until the draft is made from it, and leaves the machine only to the configured LLM.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Literal

from bot.errors import InputError

log = logging.getLogger(__name__)

# Bot API, getFile: "bots can download files of up to 20MB in size" (python-telegram-bot's
# FileSizeLimit.FILESIZE_DOWNLOAD is the same 20e6 bytes).
MAX_DOWNLOAD_BYTES = 20_000_000
MAX_PAGES = 12  # a CV is one to three pages; the rest of a long PDF is appendix
MAX_TEXT_CHARS = 20_000  # what drafting reads of it
# A DOCX is a zip: one that unpacks to more than this is not a CV (a zip bomb, or pictures).
MAX_DOCX_UNPACKED = 100_000_000
# Fewer letters than this over the whole file: there is no text layer to speak of (a scan).
MIN_LETTERS = 60
# Shorter than this, a language guess is noise (a name and an address are not a language).
MIN_LETTERS_FOR_LANGUAGE = 200

Kind = Literal["pdf", "docx", "text"]

_BY_SUFFIX: dict[str, Kind] = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "text"}
_BY_MIME: dict[str, Kind] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text",
    "text/markdown": "text",
}
_OLD_WORD = {".doc", ".rtf", ".odt", ".pages"}
_IMAGES = {".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif", ".tif", ".tiff"}
TYPE_INSTEAD = "or type your answers instead (/setup)"
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


class CVError(InputError):
    """A CV that cannot be read; the message is for the person and says what to do."""


@dataclass(frozen=True)
class CV:
    """A CV's text and the language it looks written in."""

    text: str
    kind: Kind
    language: str  # ISO 639-1 code ("en", "de"), "" when too short to tell
    language_name: str  # "German"; "" when unknown

    @property
    def english(self) -> bool:
        return self.language in ("en", "")


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def too_big(size: int | None) -> CVError:
    """The answer to a file over what a bot may download."""
    shown = f"That file is {megabytes(size)}; " if size else "That file is too big: "
    return CVError(
        f"{shown}Telegram lets a bot download files of up to {megabytes(MAX_DOWNLOAD_BYTES)}. "
        "Send a smaller one (a CV saved as PDF from a word processor is usually well under "
        f"1 MB), {TYPE_INSTEAD}."
    )


def check_size(size: int | None) -> None:
    """Refuse, before downloading, a file a bot cannot download (over 20 MB) or an empty one."""
    if size is None:
        return  # Telegram did not say: the download itself will tell
    if size > MAX_DOWNLOAD_BYTES:
        raise too_big(size)
    if size == 0:
        raise CVError(f"That file is empty. Send your CV as PDF, DOCX or text, {TYPE_INSTEAD}.")


def kind_of(file_name: str | None, mime_type: str | None) -> Kind:
    """PDF, DOCX or text, from the file's name (else its MIME type); CVError for anything else."""
    suffix = PurePosixPath(file_name or "").suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix in _OLD_WORD:
        raise CVError(
            f"I can't read {suffix} files. Save the CV as PDF or DOCX and send that, "
            f"{TYPE_INSTEAD}."
        )
    if suffix in _IMAGES or (mime_type or "").startswith("image/"):
        raise CVError(
            "That is a picture, and I read text only. Send the CV as PDF, DOCX or text, "
            f"{TYPE_INSTEAD}."
        )
    mime = (mime_type or "").split(";")[0].strip().lower()
    if mime in _BY_MIME:
        return _BY_MIME[mime]
    shown = suffix or mime or "this kind of"
    raise CVError(f"I can't read {shown} files. Send your CV as PDF, DOCX or text, {TYPE_INSTEAD}.")


def text_of(data: bytes, kind: Kind) -> str:
    """The text of a CV file (at most MAX_TEXT_CHARS). Blocking: call it off the event loop
    (`read_cv`). Raises CVError when the file holds no readable text."""
    if kind == "pdf":
        text = _pdf_text(data)
    elif kind == "docx":
        text = _docx_text(data)
    else:
        text = _plain_text(data)
    text = _tidy(text)
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        if kind == "pdf":
            raise CVError(
                "This PDF has no text I can read: it looks like a scan or a photo of the pages. "
                "Send the PDF your word processor saves (with selectable text), or type your "
                "answers instead: /setup asks six short questions."
            )
        raise CVError(f"I found almost no text in that file. Send your CV again, {TYPE_INSTEAD}.")
    return text[:MAX_TEXT_CHARS]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # imported here: it must not slow `jobpicks --help`

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CVError(
                f"That PDF is protected by a password. Send a copy without one, {TYPE_INSTEAD}."
            )
        pages = []
        for page in reader.pages[:MAX_PAGES]:
            pages.append(page.extract_text() or "")
    except CVError:
        raise
    except Exception as exc:  # noqa: BLE001 — an untrusted file; pypdf fails in many ways
        log.info("unreadable PDF: %s: %s", type(exc).__name__, exc)
        raise CVError(
            f"That PDF looks damaged: I can't open it. Save it again and resend it, {TYPE_INSTEAD}."
        ) from None
    return "\n".join(pages)


def _docx_text(data: bytes) -> str:
    import docx  # python-docx; imported here for the same reason as pypdf

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_DOCX_UNPACKED:
            raise CVError(
                f"That DOCX unpacks to {megabytes(unpacked)}, far more than a CV; send it as "
                f"PDF, {TYPE_INSTEAD}."
            )
        document = docx.Document(io.BytesIO(data))
    except CVError:
        raise
    except Exception as exc:  # noqa: BLE001 — an untrusted file; python-docx fails in many ways
        log.info("unreadable DOCX: %s: %s", type(exc).__name__, exc)
        raise CVError(
            f"That DOCX looks damaged: I can't open it. Save it again and resend it, {TYPE_INSTEAD}."
        ) from None
    lines = [p.text for p in document.paragraphs]
    # Many CV templates lay out skills and dates in tables.
    for table in document.tables:
        for row in table.rows:
            cells = _unique(cell.text.strip() for cell in row.cells)
            lines.append(" | ".join(c for c in cells if c))
    return "\n".join(lines)


def _unique(items: Any) -> list[str]:
    """Merged table cells repeat their text once per column they span: keep one."""
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _plain_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    # Old editors write Latin-1 / Windows-1252; every byte decodes, so this never fails.
    return data.decode("cp1252", errors="replace")


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# -- language ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid  # its model loads at import (about half a second): only when needed

    return py3langid


def language_of(text: str) -> tuple[str, str]:
    """(ISO 639-1 code, English name) of the language the text is written in; ("", "") when
    it is too short to tell. CPU-bound: call it off the event loop (`read_cv` does)."""
    if len(_LETTER.findall(text)) < MIN_LETTERS_FOR_LANGUAGE:
        return "", ""
    code, _score = _identifier().classify(text[:MAX_TEXT_CHARS])
    return code, language_name(code)


def language_name(code: str) -> str:
    """ "de" → "German", "el" → "Greek" (pycountry's ISO 639 names, without qualifiers)."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    name = getattr(found, "name", "") or code
    return re.sub(r"^Modern\s+|\s*\(.*\)$", "", name).split(";")[0].strip()


def read_text(data: bytes, kind: Kind) -> CV:
    """The CV (text and language) of a file's bytes. Blocking; raises CVError."""
    text = text_of(data, kind)
    code, name = language_of(text)
    return CV(text=text, kind=kind, language=code, language_name=name)


async def read_cv(data: bytes, kind: Kind) -> CV:
    """`read_text` in a worker thread: a long PDF takes pypdf a while, and the bot keeps
    answering everyone else meanwhile."""
    return await asyncio.to_thread(read_text, data, kind)


async def cv_from_message(text: str) -> CV:
    """A CV pasted as a message (plain text)."""
    return await read_cv(text.encode("utf-8"), "text")
