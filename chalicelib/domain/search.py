"""Structure search: criteria with ``*`` wildcards, matched ignoring case and accents.

The store reads candidates from index items (one criterion, the most selective: the *driver*); every criterion is then
checked here on the candidate's projected values, so that a result is exactly what the person asked for.
"""

import re
import unicodedata
from dataclasses import dataclass

from .errors import InvalidInput, Problem, SearchNeedsCriterion  # noqa: F401 (raised here, imported from here)

# Criteria that have index items, most selective first when several are given.
INDEXED = ("identifier", "postal_code", "designation", "label", "last_name", "first_name", "city")
# Fields whose words are indexed by every suffix too, so that ``*term*`` finds a term inside a word.
INFIX_FIELDS = ("designation", "label", "last_name", "first_name", "city")
EXACT = ("identifier_type", "structure_type", "status", "country")
MIN_WILDCARD_TOKEN = 3
MAX_RESULTS = 1000


# Ligatures Unicode does not decompose, written as French typists write them without the ligature.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def normalise_text(value: str | None) -> str:
    """Lower case, no accents, words of letters and digits separated by one space."""
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z*]+", " ", plain).split())


def words(value: str | None) -> list[str]:
    return normalise_text(value).replace("*", " ").split()


def index_tokens(field: str, value: str | None) -> tuple[set[str], set[str]]:
    """(words, inner suffixes) of a value, as the index stores them."""
    if field in ("identifier", "postal_code"):
        compact = re.sub(r"\s+", "", (value or "")).casefold()
        return ({compact} if compact else set()), set()
    found = set(words(value))
    inner = set()
    if field in INFIX_FIELDS:
        for word in found:
            inner.update(word[i:] for i in range(1, len(word) - MIN_WILDCARD_TOKEN + 1))
    return found, inner


@dataclass(frozen=True)
class Lookup:
    """One read of the index: ``token`` as a whole word, as a word prefix, or anywhere inside a word."""

    field: str
    token: str
    mode: str  # "word", "prefix" or "infix"


@dataclass(frozen=True)
class Criterion:
    field: str
    raw: str
    pattern: re.Pattern
    lookup: Lookup

    def matches(self, candidate: dict) -> bool:
        value = candidate.get(self.field)
        text = re.sub(r"\s+", "", value or "").casefold() if self.field in ("identifier", "postal_code") else (
            normalise_text(value))
        return bool(self.pattern.search(text))


def _criterion(field: str, raw: str) -> Criterion:
    compact_field = field in ("identifier", "postal_code")
    term = re.sub(r"\s+", "", raw).casefold() if compact_field else normalise_text(raw)
    wildcard = "*" in term
    tokens = [t for t in re.split(r"[\s*]+", term) if t]
    if not tokens or (wildcard and max(len(t) for t in tokens) < MIN_WILDCARD_TOKEN):
        raise InvalidInput(fields={field: Problem("search.term_too_short", {"min": MIN_WILDCARD_TOKEN})})

    if not wildcard:
        if compact_field:
            pattern = re.compile(rf"^{re.escape(term)}$")
        else:
            # Every word must be a whole word of the value, in any order.
            pattern = re.compile("".join(rf"(?=.*\b{re.escape(t)}\b)" for t in tokens))
        longest = max(tokens, key=len)
        return Criterion(field, raw, pattern, Lookup(field, longest, "word"))

    regex = ".*".join(re.escape(part) for part in term.split("*"))
    prefix = "" if term.startswith("*") else (r"^" if compact_field else r"\b")
    suffix = "" if term.endswith("*") else (r"$" if compact_field else r"\b")
    pattern = re.compile(prefix + regex + suffix)
    # The driver token: the longest piece. One of its occurrences starts a word when nothing but a space or the start
    # precedes it, and is a whole word when it also ends one: the same occurrence must do both (``anne*anne`` has
    # one that starts a word and another that ends one, and is only a prefix).
    longest = max(tokens, key=len)
    bounds = [(m.start() == 0 or term[m.start() - 1] == " ", m.end() == len(term) or term[m.end()] == " ")
              for m in re.finditer(re.escape(longest), term)]
    starts_word = any(starts for starts, _ in bounds)
    if compact_field and not starts_word:
        raise InvalidInput(fields={field: Problem("search.prefix_only")})
    mode = "word" if (True, True) in bounds else ("prefix" if starts_word else "infix")
    return Criterion(field, raw, pattern, Lookup(field, longest, mode))


@dataclass(frozen=True)
class Search:
    criteria: tuple[Criterion, ...]
    exact: dict

    @property
    def driver(self) -> Lookup:
        by_field = {c.field: c for c in self.criteria}
        for field in ("identifier", "postal_code"):
            if field in by_field:
                return by_field[field].lookup
        return max(self.criteria, key=lambda c: (c.lookup.mode == "word", len(c.lookup.token))).lookup

    def matches(self, candidate: dict) -> bool:
        return all(candidate.get(k) == v for k, v in self.exact.items()) and all(
            c.matches(candidate) for c in self.criteria
        )


def build_search(params: dict) -> Search:
    """Criteria from the query (empty values ignored); raises InvalidInput naming the field that is wrong."""
    criteria, problems = [], {}
    for field in INDEXED:
        raw = (params.get(field) or "").strip()
        if raw:
            try:
                criteria.append(_criterion(field, raw))
            except InvalidInput as error:
                problems.update(error.fields)
    if problems:
        raise InvalidInput(fields=problems)
    if not criteria:
        raise SearchNeedsCriterion()
    exact = {k: params[k] for k in EXACT if params.get(k)}
    return Search(tuple(criteria), exact)
