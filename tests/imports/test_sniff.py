"""What a file is, settled before anything is imported (imports/sniff.py)."""

from __future__ import annotations

import codecs

import pytest

from imports.models import Format
from imports.sniff import FileProblem, sniff
from tests.imports.conftest import uploaded

LIMIT = 10 * 1024 * 1024


def sniffed(name: str, content: bytes | None = None, *, chosen: str = "", limit: int = LIMIT):
    upload = uploaded(name, content)
    return sniff(upload, size=upload.size, max_bytes=limit, chosen=chosen)


def problem(name: str, content: bytes | None = None, **kw) -> str:
    with pytest.raises(FileProblem) as caught:
        sniffed(name, content, **kw)
    return str(caught.value)


def test_it_finds_the_linkedin_header_after_the_notes_preamble():
    found = sniffed("linkedin_connections.csv")
    assert found.format == Format.LINKEDIN
    assert found.header_line == 4
    assert found.columns[:3] == ["First Name", "Last Name", "URL"]
    assert found.encoding == "utf-8"
    assert found.notices == []


def test_it_reads_semicolons_and_a_utf8_bom():
    found = sniffed("linkedin_semicolon_bom.csv")
    assert (found.format, found.delimiter, found.encoding) == (Format.LINKEDIN, ";", "utf-8-sig")
    assert found.columns[0] == "First Name"


def test_it_falls_back_to_latin1_and_says_so():
    found = sniffed("linkedin_latin1.csv")
    assert found.encoding == "cp1252"
    assert "not UTF-8" in found.notices[0]


def test_it_reads_utf16_with_a_bom():
    found = sniffed("outlook_utf16.csv")
    assert (found.format, found.encoding) == (Format.OUTLOOK, "utf-16")


def test_it_reads_utf16_without_a_bom():
    text = "First Name,Last Name,URL,Company,Position,Connected On\r\nDana,Reyes,,,,\r\n"
    found = sniffed("c.csv", text.encode("utf-16-le"))
    assert (found.format, found.encoding) == (Format.LINKEDIN, "utf-16-le")


def test_it_recognises_google_and_generic_csv():
    assert sniffed("google_contacts.csv").format == Format.GOOGLE
    assert sniffed("generic.csv").format == Format.CSV


def test_it_recognises_a_vcard_by_its_content():
    assert sniffed("apple_contacts.vcf").format == Format.VCARD
    assert sniffed("cards.txt", (codecs.BOM_UTF8 + b"\r\nBEGIN:VCARD\r\n")).format == Format.VCARD


def test_it_names_the_missing_required_column():
    message = problem("linkedin_missing_column.csv")
    assert "“Last Name”" in message
    assert "nothing was imported" in message


def test_a_file_said_to_be_linkedin_without_its_columns_names_them():
    message = problem("generic.csv", chosen=Format.LINKEDIN)
    assert "“First Name” or “Last Name”" in message


def test_it_refuses_an_empty_file():
    assert problem("empty.csv") == "The file is empty."
    assert problem("blank.csv", b"\n\n   \n") == "The file is empty."


def test_it_says_the_size_limit():
    message = problem("linkedin_connections.csv", limit=100)
    assert "the limit is 100" in message


def test_it_refuses_binary_garbage_in_words():
    assert "does not look like text" in problem("garbage.bin")


def test_it_tells_an_excel_file_from_a_csv():
    assert "Excel" in problem("spreadsheet.xlsx")


def test_it_refuses_a_single_column_file():
    assert "single column" in problem("one.csv", b"name\nDana\n")


def test_a_file_said_to_be_a_vcard_must_be_one():
    assert "BEGIN:VCARD" in problem("generic.csv", chosen=Format.VCARD)
