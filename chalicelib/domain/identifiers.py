"""Structure identifiers: one structure per identifier (« 1 fiche structure = 1 SIRET »)."""

import re

from stdnum.eu import vat
from stdnum.fr import siret

from .errors import Problem

IDENTIFIER_TYPES = ("SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "AUTRE", "PARTICULIER")
# Formats of the identifiers that have no check digit library: RIDET (New Caledonia) is 6 or 7 digits plus a 3-digit
# establishment number; a TAHITI number is 6 characters plus 3 digits; others are free but bounded.
_FORMATS = {
    "RIDET": re.compile(r"^[0-9]{9,10}$"),
    "TAHITI": re.compile(r"^[A-Z0-9]{6}[0-9]{3}$"),
    "HORS_UE": re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{1,39}$"),
    "AUTRE": re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{1,79}$"),
    "PARTICULIER": re.compile(r"^[A-Z0-9][A-Z0-9.\-/@_]{1,79}$"),
}


def normalise_identifier(identifier_type: str, value: str) -> tuple[str | None, Problem | None]:
    """The identifier as stored (upper case, no spaces), or why it is not one of its type."""
    compact = re.sub(r"[\s]", "", value or "").upper()
    if not compact:
        return None, Problem("field.required")
    if identifier_type == "SIRET":
        # Stored as its 14 digits however it was typed (spaces, dots), so that one SIRET is one structure.
        return (siret.compact(compact), None) if siret.is_valid(compact) else (None, Problem("identifier.siret"))
    if identifier_type == "UE_HORS_FRANCE":
        if compact.startswith("FR") or not vat.is_valid(compact):
            return None, Problem("identifier.eu_vat")
        return vat.compact(compact), None
    pattern = _FORMATS[identifier_type]
    return (compact, None) if pattern.match(compact) else (None, Problem(f"identifier.{identifier_type.lower()}"))
