"""The answer to the secret question is compared after normalisation, so « Toto », « toto » and « TÔTO » match."""

import unicodedata


def normalise_answer(answer: str) -> str:
    decomposed = unicodedata.normalize("NFKD", answer)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.casefold().split())
