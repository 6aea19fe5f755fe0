"""The rules of « Pièces jointes » that need no AWS: file names, the content check per extension, download names."""

import pytest

from chalicelib.domain.attachments import (
    CONTENT_TYPES,
    EXTENSIONS,
    SIGNATURES,
    TEXT_EXTENSIONS,
    clean_file_name,
    content_disposition,
    content_matches,
    file_problems,
)

HEADS = {
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20,
    "tif": b"II*\x00\x08\x00\x00\x00" + b"\x00" * 20,
    "tiff": b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 20,
    "bmp": b"BM" + b"\x00" * 40,
    "pdf": b"%PDF-1.4\n" + b"x" * 20,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20,
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20,
    "odt": b"PK\x03\x04" + b"\x00" * 26,
    "rtf": b"{\\rtf1\\ansi ",
    "txt": "Été 2026\n".encode(),
    "xml": b"  <facture/>",
}


def test_every_extension_has_a_content_type_and_a_rule_for_its_bytes():
    assert set(EXTENSIONS) == set(SIGNATURES) | set(TEXT_EXTENSIONS)
    assert all(not CONTENT_TYPES[e].startswith("text/html") for e in EXTENSIONS)


@pytest.mark.parametrize("extension", sorted(HEADS))
def test_bytes_that_match_their_extension_are_accepted_and_others_refused(extension):
    assert content_matches(extension, HEADS[extension])
    other = HEADS["png"] if extension != "png" else HEADS["pdf"]
    if extension in ("txt",):
        other = b"\x00\x01binary"
    assert not content_matches(extension, other)


@pytest.mark.parametrize(("raw", "kept"), [
    ("C:\\fakepath\\Procès-verbal.pdf", "Procès-verbal.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("  devis.pdf ", "devis.pdf"),
    ("Pre\u0301sentation.pdf", "Présentation.pdf"),  # NFC: one character for « é »
])
def test_a_file_name_keeps_its_last_part_and_its_accents(raw, kept):
    assert clean_file_name(raw) == (kept, None)


@pytest.mark.parametrize("raw", ["", "/", "..", "a\x00.pdf", "a\u202e.pdf", "x" * 252 + ".pdf"])
def test_an_empty_controlled_or_overlong_file_name_is_refused(raw):
    name, problem = clean_file_name(raw)
    assert name is None and problem is not None


def test_the_size_limit_is_4_mib_inclusive():
    assert "size" not in file_problems("a.pdf", 4 * 1024 * 1024)[1]
    assert file_problems("a.pdf", 4 * 1024 * 1024 + 1)[1]["size"].key == "attachment.too_large"
    assert file_problems("a.pdf", 0)[1]["size"].key == "attachment.empty"


def test_the_download_name_follows_rfc_6266_with_an_ascii_fallback():
    assert content_disposition('Devis "final" n°2.pdf') == (
        "attachment; filename=\"Devis _final_ n2.pdf\"; filename*=UTF-8''Devis%20%22final%22%20n%C2%B02.pdf")
