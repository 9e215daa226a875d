"""Reading a CV offline: real small PDF and DOCX files made here with pypdf and python-docx,
and every way a file can fail, each with the reply a person gets."""

from __future__ import annotations

import pytest

from bot.services import cv
from bot.services.cv import CVError
from tests.bot.cv_files import (
    ENGLISH_CV,
    GERMAN_CV,
    docx_file,
    locked_pdf,
    scanned_pdf,
    text_pdf,
)


async def test_a_pdf_with_a_text_layer_is_read_with_its_language():
    got = await cv.read_cv(text_pdf(ENGLISH_CV), "pdf")
    assert "backend or data engineering internship" in got.text
    assert "Python, PostgreSQL, Docker, Airflow" in got.text
    assert (got.language, got.language_name, got.english) == ("en", "English", True)


async def test_a_docx_is_read_with_its_tables_and_a_german_one_is_named_german():
    data = docx_file(GERMAN_CV, table=[["Sprachen", "Deutsch, Englisch"]])
    got = await cv.read_cv(data, "docx")
    assert "Backend-Entwicklerin" in got.text and "Sprachen | Deutsch, Englisch" in got.text
    assert (got.language, got.language_name, got.english) == ("de", "German", False)


async def test_a_scanned_pdf_says_it_has_no_text_and_suggests_typing():
    with pytest.raises(CVError, match="no text I can read.*scan.*type your answers"):
        await cv.read_cv(scanned_pdf(), "pdf")


@pytest.mark.parametrize(
    ("data", "kind", "says"),
    [
        (b"%PDF-1.7 not really a pdf", "pdf", "PDF looks damaged"),
        (b"PK\x03\x04 not really a zip", "docx", "DOCX looks damaged"),
        (b"   \n\n  ", "text", "almost no text"),
    ],
)
def test_a_damaged_or_empty_file_gets_a_clear_reply(data, kind, says):
    with pytest.raises(CVError, match=says):
        cv.read_text(data, kind)


def test_a_pdf_behind_a_password_is_refused_with_what_to_do():
    with pytest.raises(CVError, match="protected by a password"):
        cv.read_text(locked_pdf(ENGLISH_CV), "pdf")


def test_too_big_for_a_bot_to_download_is_refused_before_downloading():
    with pytest.raises(CVError, match=r"25\.0 MB.*up to 20\.0 MB"):
        cv.check_size(25_000_000)
    cv.check_size(20_000_000)  # exactly the limit is fine
    cv.check_size(None)  # Telegram did not say: the download will tell
    with pytest.raises(CVError, match="empty"):
        cv.check_size(0)


@pytest.mark.parametrize(
    ("name", "mime", "kind"),
    [
        ("cv.pdf", None, "pdf"),
        ("CV.DOCX", None, "docx"),
        ("cv.txt", "text/plain", "text"),
        (None, "application/pdf", "pdf"),
        ("lebenslauf", "text/plain; charset=utf-8", "text"),
    ],
)
def test_kind_from_name_or_mime_type(name, mime, kind):
    assert cv.kind_of(name, mime) == kind


@pytest.mark.parametrize(
    ("name", "mime", "says"),
    [
        ("cv.doc", "application/msword", "can't read .doc files.*PDF or DOCX"),
        ("scan.jpg", "image/jpeg", "picture"),
        ("cv.zip", "application/zip", "can't read .zip files"),
    ],
)
def test_a_kind_we_cannot_read_is_named(name, mime, says):
    with pytest.raises(CVError, match=says):
        cv.kind_of(name, mime)


def test_plain_text_in_old_encodings_is_read():
    english = "\n".join(ENGLISH_CV)
    assert cv.text_of(english.encode("utf-16"), "text").startswith("Ada Lovelace")
    german = "\n".join(GERMAN_CV)
    assert "München" in cv.text_of(german.encode("cp1252"), "text")


def test_a_short_text_has_no_language_guess():
    assert cv.language_of("Ada Lovelace, Boston") == ("", "")


def test_a_docx_that_unpacks_to_far_more_than_a_cv_is_refused(monkeypatch):
    monkeypatch.setattr(cv, "MAX_DOCX_UNPACKED", 1000)  # a real CV unpacks to more than that
    with pytest.raises(CVError, match="unpacks to .* far more than a CV"):
        cv.text_of(docx_file(ENGLISH_CV), "docx")
