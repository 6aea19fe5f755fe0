"""« Pièces jointes » (guide §6): what a user may keep in its library, and how a file is judged before it is kept.

Pure rules: the API and the services ask; the store and S3 never decide.
"""

import posixpath
import unicodedata

from .errors import Problem

# « Type de pièce jointe » (DOMAIN.md).
TYPES = (
    "Bon de commande", "Bon de livraison", "Bordereau de suivi", "Carte grise", "Devis",
    "Procès-verbal de réception", "Brochure", "Justificatif de frais", "Divers",
)

# Accepted extensions and the one content type each is stored and served with (an allow-list: nothing the browser
# declares is ever trusted, and nothing is served as HTML or script).
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rtf": "application/rtf",
    "csv": "text/csv",
    "txt": "text/plain",
    "xml": "application/xml",
    "zip": "application/zip",
}
EXTENSIONS = tuple(CONTENT_TYPES)

MAX_SIZE = 4 * 1024 * 1024  # 4 MiB: exactly this many bytes is accepted
DEFAULT_PER_USER = 100
MAX_FILE_NAME = 255
MAX_DESIGNATION = 100
SNIFF_BYTES = 8192  # how much of the file the content check reads

# What the first bytes must be, per extension. Signatures are checked here rather than trusted to a guess: the
# office formats are containers (OpenDocument and OOXML are zip files, doc/xls/ppt are OLE2 compound files), and
# csv/txt/xml have no magic at all, so for those the bytes must be text (UTF-8 or Latin-1 without NUL) and an
# xml must start with « < » (after an optional BOM and white space).
_ZIP = (b"PK\x03\x04",)
_OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "bmp": (b"BM",),
    "odt": _ZIP, "ods": _ZIP, "odp": _ZIP, "docx": _ZIP, "xlsx": _ZIP, "pptx": _ZIP, "zip": _ZIP,
    "doc": _OLE2, "xls": _OLE2, "ppt": _OLE2,
    "rtf": (b"{\\rtf",),
}
TEXT_EXTENSIONS = ("csv", "txt", "xml")

# An upload is announced (a presigned POST to a temporary key), then recorded once its bytes are checked; the
# temporary object is never trusted and disappears after TEMPORARY_HOURS if it is not recorded.
TEMPORARY_HOURS = 1
UPLOAD_SECONDS = 5 * 60
DOWNLOAD_SECONDS = 60


def extension_of(file_name: str) -> str:
    _, dot, extension = file_name.rpartition(".")
    return extension.lower() if dot else ""


def clean_file_name(raw: str) -> tuple[str | None, Problem | None]:
    """The name kept for a file: its last path part (a browser may send « C:\\fakepath\\x.pdf »), NFC, accents kept;
    control characters refused; at most 255 characters."""
    name = posixpath.basename((raw or "").replace("\\", "/")).strip()
    name = unicodedata.normalize("NFC", name)
    if not name or name in (".", ".."):
        return None, Problem("field.required")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs") for char in name):
        return None, Problem("field.control_characters")
    if len(name) > MAX_FILE_NAME:
        return None, Problem("field.too_long", {"max": MAX_FILE_NAME})
    return name, None


def file_problems(file_name: str, size: int | None = None, attachment_type: str | None = None,
                  designation: str | None = None) -> tuple[str | None, dict[str, Problem]]:
    """The cleaned file name and what is wrong, by field, with what a person declares of a file."""
    problems: dict[str, Problem] = {}
    name, problem = clean_file_name(file_name)
    if problem:
        problems["file_name"] = problem
    elif extension_of(name) not in CONTENT_TYPES:
        problems["file_name"] = Problem("attachment.extension", {"extensions": ", ".join(EXTENSIONS)})
    if size is not None:
        if size <= 0:
            problems["size"] = Problem("attachment.empty")
        elif size > MAX_SIZE:
            problems["size"] = Problem("attachment.too_large", {"max_mb": MAX_SIZE // (1024 * 1024)})
    problems.update(description_problems(attachment_type, designation))
    return name, problems


def description_problems(attachment_type: str | None, designation: str | None) -> dict[str, Problem]:
    problems = {}
    if attachment_type is not None and attachment_type not in TYPES:
        problems["attachment_type"] = Problem("field.choice")
    if designation is not None and not designation.strip():
        problems["designation"] = Problem("field.required")
    return problems


def content_matches(extension: str, head: bytes) -> bool:
    """Whether the first bytes of a file are what its extension says (see SIGNATURES)."""
    if extension in TEXT_EXTENSIONS:
        if b"\x00" in head:
            return False
        if extension == "xml":
            return head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<")
        return True
    signatures = SIGNATURES.get(extension, ())
    if not any(head.startswith(signature) for signature in signatures):
        return False
    return _magic_agrees(extension, head)


def _magic_agrees(extension: str, head: bytes) -> bool:
    """A second opinion from puremagic for the formats it recognises by a unique signature (images, pdf): a
    file whose own signature names another format is refused. Containers (zip, OLE2) and rtf are left to
    SIGNATURES: puremagic would need the whole file to tell a docx from a zip."""
    if extension not in ("pdf", "jpg", "jpeg", "png", "gif", "tif", "tiff", "bmp"):
        return True
    import puremagic

    try:
        guesses = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return False
    wanted = CONTENT_TYPES[extension]
    return any(guess.mime_type == wanted or guess.extension.lstrip(".").lower() == extension
               or (extension in ("jpg", "jpeg") and guess.extension.lstrip(".").lower() in ("jpg", "jpeg"))
               for guess in guesses) or not guesses


def ascii_fallback(file_name: str) -> str:
    """The file name in plain ASCII for ``filename=`` (accents dropped, quotes and backslashes replaced)."""
    plain = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(char if 32 <= ord(char) < 127 and char not in '"\\' else "_" for char in plain)
    return plain or "piece-jointe"


def content_disposition(file_name: str) -> str:
    """RFC 6266 with the RFC 5987 ``filename*`` for the real name (accents included)."""
    from urllib.parse import quote

    return f"attachment; filename=\"{ascii_fallback(file_name)}\"; filename*=UTF-8''{quote(file_name, safe='')}"
