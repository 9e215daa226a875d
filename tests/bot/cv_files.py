"""Small CV files made in the test with the libraries the bot reads them with: a PDF with a
text layer (pypdf, the standard Helvetica font, WinAnsi encoding), a "scanned" PDF whose page
is only drawn shapes (no text layer, as a scan's image is), a DOCX (python-docx)."""

from __future__ import annotations

import io

import docx
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

ENGLISH_CV = [
    "Ada Lovelace",
    "Boston, MA | ada@example.com | +1 617 555 0100 | linkedin.com/in/ada",
    "Summary",
    "Final-year computer science student looking for a backend or data engineering "
    "internship. I build APIs and data pipelines in Python and SQL.",
    "Skills",
    "Python, PostgreSQL, Docker, Airflow",
    "Experience",
    "Data engineering intern, Initech (2025): moved nightly reports to Airflow pipelines.",
    "Languages",
    "English (native), Spanish (B2)",
    "US citizen",
]

GERMAN_CV = [
    "Jana Schmidt",
    "München | jana@example.de | +49 89 1234 5678",
    "Profil",
    "Softwareentwicklerin mit drei Jahren Erfahrung in der Entwicklung von Webanwendungen "
    "mit Python und Django. Ich suche eine Stelle als Backend-Entwicklerin in München oder "
    "remote, gerne in einem kleinen Team mit viel Verantwortung.",
    "Berufserfahrung",
    "Backend-Entwicklerin bei der Beispiel GmbH in München: Schnittstellen, Datenbanken und "
    "die Betreuung der Auszubildenden. Davor Werkstudentin in der Datenanalyse.",
    "Sprachen",
    "Deutsch (Muttersprache), Englisch (fließend)",
]


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose lines are real text (selectable, extractable)."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    ops = ["BT", "/F1 10 Tf", "13 TL", "54 740 Td"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({safe}) Tj T*")
    ops.append("ET")
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("cp1252"))
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page of grey blocks and no text layer, as a scanner's PDF looks to a text reader."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    ops = []
    for row in range(40):
        for col in range(30):
            grey = ((row * 7 + col * 13) % 10) / 10
            ops.append(f"{grey:.1f} g {40 + col * 18} {60 + row * 17} 16 15 re f")
    content = DecodedStreamObject()
    content.set_data("\n".join(ops).encode("ascii"))
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def locked_pdf(lines: list[str]) -> bytes:
    """A text PDF that opens only with a password."""
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(lines))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.rows[r].cells[c].text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
