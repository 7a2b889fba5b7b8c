"""fold() (search without case or accents) gives what the character-by-character version gave."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.services.parsing import fold


def reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_fold_is_the_character_by_character_fold(text):
    assert fold(text) == reference(text)


def test_french_words():
    samples = ["École", "Hénin-Beaumont", "chargé·e de coopération", "« Comité »\u202fCTG", "Œuvre", "ÇA",
               "Évin-Malmaison  Noyelles", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 é\U0001d167"]
    for text in samples:
        assert fold(text) == reference(text)
    assert fold("École  Jean-Macé") == "ecole jean-mace"
