"""The search rule (ctgdesk.services.search_terms) and the search of the whole base."""

from __future__ import annotations

from ctgdesk.services import meetings
from ctgdesk.services.search import search_base
from ctgdesk.services.search_terms import query_words, search_text, text_matches


def test_abbreviations_count_both_ways():
    assert text_matches("Comité de pilotage CTG", "copil")
    assert text_matches("COPIL de printemps", "Comité de pilotage")
    assert text_matches("Groupe thématique Jeunesse", "GT jeunesse")
    assert text_matches("GT jeunesse", "groupe thématique")
    assert text_matches("Comité technique CTG", "COTECH")
    assert text_matches("Relais Petite Enfance de Carvin", "rpe")
    assert text_matches("Projet d'EAJE", "établissement d'accueil du jeune enfant")
    assert not text_matches("Comité technique CTG", "copil")
    assert not text_matches("Groupe thématique Parentalité", "GT jeunesse")


def test_case_accents_hyphens_and_apostrophes_are_ignored():
    assert query_words("Hénin-Carvin") == ["henin", "carvin"]
    assert text_matches("Communauté d'Agglomération Hénin-Carvin", "henin carvin")
    assert text_matches("Groupe d'élus CTG", "GROUPE D ELUS")
    assert text_matches("Lieu d’accueil enfants-parents", "laep")
    assert search_text("") == ""


def _meeting_instances(session, query: str, year: int | None) -> list[str]:
    hits = [h for h in search_base(session, query) if h.kind == "meeting"]
    return sorted(h.detail.split(" — ")[0] for h in hits if year is None or h.when.year == year)


def test_search_base_finds_every_copil_whatever_it_is_called(demo_db):
    with demo_db.transaction() as s:
        every = meetings.list_meetings(s)
        copil = [m for m in every if m.instance == "Comité de pilotage CTG"]
        cotech = [m for m in every if m.instance == "Comité technique CTG"]
        jeunesse = [m for m in every if m.instance == "Groupe thématique Jeunesse"]
        assert len(copil) == 4 and len(cotech) == 3 and len(jeunesse) == 6  # 2025 and 2026
        for query in ("copil", "COPIL", "Comité de pilotage", "comite-de-pilotage"):
            assert _meeting_instances(s, query, None) == ["Comité de pilotage CTG"] * 4, query
            assert _meeting_instances(s, query, 2026) == ["Comité de pilotage CTG"] * 2, query
        assert _meeting_instances(s, "cotech", None) == ["Comité technique CTG"] * 3
        assert _meeting_instances(s, "GT jeunesse", None) == ["Groupe thématique Jeunesse"] * 6
        kinds = {h.kind for h in search_base(s, "carvin")}
        assert {"organisation", "meeting"} <= kinds
        decision = next(h for h in search_base(s, "COPIL") if h.kind == "decision")
        assert decision.meeting_id is not None
        assert search_base(s, "   ") == []
        assert search_base(s, "zzzz introuvable") == []
