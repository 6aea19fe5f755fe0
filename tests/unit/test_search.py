"""Structure search: normalisation, index tokens, criteria, driver choice and matching (pure rules, no store)."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search import (
    MIN_WILDCARD_TOKEN,
    SearchNeedsCriterion,
    build_search,
    index_tokens,
    normalise_text,
)

FAST = settings(max_examples=60, derandomize=True, deadline=None)

# Letters a French designation is made of (œ and æ apart: see test_oe_ligature_is_read_as_oe).
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöùûüçÉÈÊÀÂÎÔÛÇ0123456789"
word_strategy = st.text(alphabet=LETTERS, min_size=1, max_size=12)
separator_strategy = st.sampled_from([" ", "  ", "-", "'", ", ", " & ", ". ", " / "])


@st.composite
def designations(draw):
    words = draw(st.lists(word_strategy, min_size=1, max_size=5))
    text = words[0]
    for word in words[1:]:
        text += draw(separator_strategy) + word
    return text


def index_finds(lookup, value) -> bool:
    """Whether the index items of ``value`` hold the driver's token as the store reads them: the token as a whole word,
    a word starting with it, or (infix) a word or an inner suffix starting with it."""
    whole, inner = index_tokens(lookup.field, value)
    if lookup.mode == "word":
        return lookup.token in whole
    if lookup.mode == "prefix":
        return any(token.startswith(lookup.token) for token in whole)
    return any(token.startswith(lookup.token) for token in whole | inner)


def problem_fields(params) -> dict:
    with pytest.raises(InvalidInput) as raised:
        build_search(params)
    return raised.value.fields


# --- normalise_text -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("  Menuiserie   DUPONT & Fils  ", "menuiserie dupont fils"),
    ("Saint-Étienne-du-Rouvray", "saint etienne du rouvray"),
    ("L'Hôpital Ça Va À Noël", "l hopital ca va a noel"),
    ("Straße", "strasse"),
    ("ﬁnances", "finances"),  # compatibility ligature
    ("N°12, rue du 8-Mai", "n 12 rue du 8 mai"),
    ("menui*", "menui*"),
    ("*  uis* ", "* uis*"),
    ("!!!", ""),
    ("", ""),
    (None, ""),
])
def test_normalise_text_lowers_strips_accents_and_punctuation_but_keeps_the_wildcard(raw, expected):
    assert normalise_text(raw) == expected


@FAST
@given(st.text(max_size=40))
def test_normalise_text_is_idempotent_and_yields_single_spaced_ascii_words(raw):
    once = normalise_text(raw)
    assert normalise_text(once) == once
    assert re.fullmatch(r"([0-9a-z*]+( [0-9a-z*]+)*)?", once)


@FAST
@given(designations())
def test_normalise_text_ignores_case(text):
    assert normalise_text(text.upper()) == normalise_text(text.lower()) == normalise_text(text)


def test_oe_ligature_is_read_as_oe():
    assert normalise_text("Les Œuvres du Cœur") == "les oeuvres du coeur"
    assert build_search({"designation": "oeuvres"}).matches({"designation": "Les Œuvres du Cœur"})


# --- index_tokens ---------------------------------------------------------------------------------------------------


def test_index_tokens_are_the_normalised_words_and_their_inner_suffixes_of_three_or_more():
    whole, inner = index_tokens("designation", "La Menuiserie d'Étienne")
    assert whole == {"la", "menuiserie", "d", "etienne"}
    assert {"enuiserie", "serie", "rie", "tienne", "nne"} <= inner
    # A word is not its own inner suffix, and no suffix is shorter than a wildcard term may be.
    assert "menuiserie" not in inner and "etienne" not in inner
    assert all(len(token) >= MIN_WILDCARD_TOKEN for token in inner)
    assert all(any(word.endswith(token) and word != token for word in whole) for token in inner)


def test_short_words_have_no_inner_suffix():
    assert index_tokens("city", "Aÿ Oô") == ({"ay", "oo"}, set())
    assert index_tokens("last_name", "Roy") == ({"roy"}, set())
    assert index_tokens("last_name", "Rémy") == ({"remy"}, {"emy"})


def test_the_wildcard_character_of_a_value_is_not_a_token():
    whole, inner = index_tokens("designation", "A*B Conseil")
    assert whole == {"a", "b", "conseil"}
    assert not any("*" in token for token in whole | inner)


@pytest.mark.parametrize("field, value, token", [
    ("identifier", "732 829 320 00074", "73282932000074"),
    ("identifier", "CHE-123.456.789", "che-123.456.789"),
    ("postal_code", "SW1A 1AA", "sw1a1aa"),
    ("postal_code", "75001", "75001"),
])
def test_identifiers_and_postal_codes_are_one_compact_token(field, value, token):
    assert index_tokens(field, value) == ({token}, set())


@pytest.mark.parametrize("field", ["identifier", "postal_code", "designation", "city"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_empty_value_has_no_token(field, value):
    assert index_tokens(field, value) == (set(), set())


# --- build_search: criteria and wildcard modes ----------------------------------------------------------------------


@pytest.mark.parametrize("term, token, mode", [
    ("Menuiserie", "menuiserie", "word"),
    ("dupont MENUISERIE", "menuiserie", "word"),
    ("menui*", "menui", "prefix"),
    ("MÉNUI*", "menui", "prefix"),
    ("menui*rie", "menui", "prefix"),
    ("*serie", "serie", "infix"),
    ("*uiser*", "uiser", "infix"),
    ("menuiserie du*", "menuiserie", "word"),
    ("la *menuiserie", "menuiserie", "infix"),
    ("ab* menuiserie", "menuiserie", "word"),
])
def test_the_longest_piece_of_a_term_is_read_as_a_word_a_prefix_or_an_infix(term, token, mode):
    lookup = build_search({"designation": term}).driver
    assert (lookup.field, lookup.token, lookup.mode) == ("designation", token, mode)


@pytest.mark.parametrize("field, term, token, mode", [
    ("identifier", "732 829 320 00074", "73282932000074", "word"),
    ("identifier", "7328 2932*", "73282932", "prefix"),
    ("postal_code", "750*", "750", "prefix"),
])
def test_identifiers_and_postal_codes_are_read_whole_or_by_prefix(field, term, token, mode):
    lookup = build_search({field: term}).driver
    assert (lookup.field, lookup.token, lookup.mode) == (field, token, mode)


@pytest.mark.parametrize("field, term", [("identifier", "*2932"), ("identifier", "*00074*"), ("postal_code", "*001")])
def test_identifiers_and_postal_codes_take_the_wildcard_only_at_the_end(field, term):
    fields = problem_fields({field: term})
    assert list(fields) == [field]
    assert fields[field].key == "search.prefix_only"


@pytest.mark.parametrize("field, term", [
    ("designation", "ab*"),
    ("designation", "*a*b*"),
    ("designation", "***"),
    ("city", "*é-*"),
    ("last_name", "a b*"),
    ("designation", "!!!"),
    ("identifier", "73*"),
    ("postal_code", "*75"),
])
def test_too_short_wildcard_terms_are_refused_naming_the_field(field, term):
    fields = problem_fields({field: term})
    assert list(fields) == [field]
    assert fields[field].key == "search.term_too_short"
    assert fields[field].params == {"min": MIN_WILDCARD_TOKEN}


def test_every_wrong_field_is_named_at_once_even_next_to_a_good_one():
    fields = problem_fields({"designation": "ab*", "city": "*x*", "last_name": "Dupont", "identifier": "*2932"})
    assert set(fields) == {"designation", "city", "identifier"}
    assert fields["identifier"].key == "search.prefix_only"


@pytest.mark.parametrize("term", ["a", "d", "ab", "l'a"])
def test_short_terms_without_wildcard_are_whole_words_and_accepted(term):
    search = build_search({"designation": term})
    assert search.driver.mode == "word"
    assert search.matches({"designation": f"Chez {term.upper()} et fils"})
    assert not search.matches({"designation": f"Chez {term}x et fils"})


@pytest.mark.parametrize("params", [
    {},
    {"designation": "", "city": None},
    {"designation": "   ", "last_name": "\t"},
    {"status": "ACTIVE", "country": "FR", "structure_type": "PUBLIQUE", "identifier_type": "SIRET"},
    {"unknown": "menuiserie"},
])
def test_a_search_needs_at_least_one_criterion(params):
    with pytest.raises(SearchNeedsCriterion):
        build_search(params)


# --- build_search: the driver is the most selective criterion --------------------------------------------------------


@pytest.mark.parametrize("params, field, token", [
    ({"designation": "menuiserie", "postal_code": "75001", "identifier": "73282932000074"}, "identifier",
     "73282932000074"),
    ({"identifier": "7328*", "designation": "menuiserie dupont"}, "identifier", "7328"),
    ({"designation": "menuiserie", "city": "paris", "postal_code": "750*"}, "postal_code", "750"),
    ({"designation": "bois", "city": "marseille"}, "city", "marseille"),
    ({"designation": "menuiserie dupont", "city": "paris"}, "designation", "menuiserie"),
    ({"designation": "*menuiseries*", "city": "paris"}, "city", "paris"),
    ({"label": "menuiseries*", "first_name": "Jean"}, "first_name", "jean"),
    ({"designation": "*abc*", "city": "marsei*"}, "city", "marsei"),
    ({"designation": "*menuiserie", "city": "mar*"}, "designation", "menuiserie"),
])
def test_the_driver_is_the_identifier_then_the_postal_code_then_the_longest_whole_word(params, field, token):
    lookup = build_search(params).driver
    assert (lookup.field, lookup.token) == (field, token)


# --- matches --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("term, value, expected", [
    ("etienne", "Saint-Étienne", True),
    ("SAINT ÉTIENNE", "saint-etienne", True),
    ("etienne saint", "Saint-Étienne", True),  # whole words, in any order
    ("menuiserie", "Menuiseries Dupont", False),  # whole words only
    ("menuiserie durand", "Menuiserie Dupont", False),  # every word
    ("menui*", "La Menuiserie", True),
    ("menui*", "Xmenuiserie", False),  # a prefix starts a word
    ("*erie", "Menuiserie Dupont", True),
    ("*erie", "Menuiseries", False),  # without a trailing * the term ends a word
    ("*uis*", "Menuiserie", True),
    ("*uis*", "Menuserie", False),
    ("menui*rie", "Menuiserie", True),
    ("menuiserie du*", "Menuiserie Dupont", True),
    ("menuiserie du*", "Menuiserie Bois Dupont", False),  # the words of a wildcard term follow each other
    ("dupont", None, False),
])
def test_matches_checks_the_criterion_on_the_normalised_value(term, value, expected):
    assert build_search({"designation": term}).matches({"designation": value}) is expected


@pytest.mark.parametrize("field, term, value, expected", [
    ("identifier", "732 829 320 00074", "73282932000074", True),
    ("identifier", "73282932000074", "732 829 320 00074", True),
    ("identifier", "73282932000075", "73282932000074", False),
    ("identifier", "7328293200007", "73282932000074", False),  # whole identifier, not a prefix
    ("identifier", "732829*", "73282932000074", True),
    ("identifier", "829320*", "73282932000074", False),
    ("identifier", "che-123*", "CHE-123.456.789", True),
    ("postal_code", "75001", "75001", True),
    ("postal_code", "750*", "75001", True),
    ("postal_code", "750*", "17500", False),
    ("postal_code", "sw1a 1aa", "SW1A1AA", True),
    ("postal_code", "75001", None, False),
])
def test_identifiers_and_postal_codes_match_compacted_and_anchored(field, term, value, expected):
    assert build_search({field: term}).matches({field: value}) is expected


def test_every_criterion_and_every_exact_value_must_match():
    search = build_search({"designation": "menuiserie", "city": "paris", "status": "ACTIVE", "country": "FR",
                           "structure_type": ""})
    row = {"designation": "Menuiserie Dupont", "city": "Paris", "status": "ACTIVE", "country": "FR",
           "structure_type": "PRIVEE"}
    assert search.matches(row)
    assert not search.matches({**row, "city": "Lyon"})
    assert not search.matches({**row, "designation": "Ébénisterie Dupont"})
    assert not search.matches({**row, "status": "INACTIVE"})
    assert not search.matches({**row, "country": "BE"})
    # Exact values are compared as given, not normalised like search terms.
    assert not search.matches({**row, "country": "fr"})
    assert not search.matches({key: value for key, value in row.items() if key != "status"})


# --- properties: what the index holds finds what the criteria accept -------------------------------------------------


@FAST
@given(designations(), st.data())
def test_a_designation_is_found_by_each_of_its_words(designation, data):
    words = normalise_text(designation).split()
    raw_word = data.draw(st.sampled_from(re.split(r"[^0-9A-Za-zÀ-ÿ]+", designation.strip())).filter(bool))
    for term in words + [raw_word, raw_word.upper()]:
        search = build_search({"designation": term})
        assert search.matches({"designation": designation}), term
        assert search.driver.mode == "word"
        assert index_finds(search.driver, designation), term


@FAST
@given(designations(), st.data())
def test_a_designation_is_found_by_any_infix_of_three_or_more_characters_of_a_word(designation, data):
    words = [w for w in normalise_text(designation).split() if len(w) >= MIN_WILDCARD_TOKEN]
    if not words:
        words = ["menuiserie"]
        designation += " Menuiserie"
    word = data.draw(st.sampled_from(words))
    start = data.draw(st.integers(0, len(word) - MIN_WILDCARD_TOKEN))
    end = data.draw(st.integers(start + MIN_WILDCARD_TOKEN, len(word)))
    infix = word[start:end]
    search = build_search({"designation": f"*{infix}*"})
    assert search.driver.mode == "infix"
    assert search.matches({"designation": designation})
    assert index_finds(search.driver, designation)
    # The same piece as a prefix, when it starts the word.
    search = build_search({"designation": f"{word[:end]}*"})
    assert search.driver.mode == "prefix"
    assert search.matches({"designation": designation})
    assert index_finds(search.driver, designation)


@FAST
@given(designations(), word_strategy)
def test_a_word_the_designation_lacks_does_not_find_it(designation, word):
    term = normalise_text(word)
    if term in normalise_text(designation).split():
        term += "x" * 30
    assert not build_search({"designation": term}).matches({"designation": designation})


@FAST
@given(st.from_regex(r"[0-9]{14}", fullmatch=True), st.integers(MIN_WILDCARD_TOKEN, 14))
def test_an_identifier_is_found_whole_or_by_any_prefix_however_it_is_spaced(identifier, length):
    spaced = " ".join(identifier[i:i + 3] for i in range(0, 14, 3))
    for term in (spaced, identifier[:length] + "*"):
        search = build_search({"identifier": term})
        assert search.matches({"identifier": identifier})
        assert index_finds(search.driver, identifier)


@pytest.mark.parametrize("field, term, value", [
    ("designation", "anne*anne", "Annexe Marianne"),
    ("designation", "*anne anne*", "Lanne Annexe"),
    ("identifier", "1234*1234", "12345671234"),
])
def test_the_driver_finds_every_row_the_criterion_accepts(field, term, value):
    search = build_search({field: term})
    assert search.matches({field: value})
    assert index_finds(search.driver, value)
