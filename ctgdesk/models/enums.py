"""Closed lists of the domain. Values are stored; labels are the French words users see."""

from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):
    """A str enum whose members carry their French label."""

    @property
    def label(self) -> str:
        return _LABELS[type(self)][self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_label(cls, text: str):
        wanted = text.strip().casefold()
        for member in cls:
            if member.label.casefold() == wanted or member.value == wanted:
                return member
        raise ValueError(text)


class OrganisationKind(LabelledEnum):
    COMMUNE = "commune"
    EPCI = "epci"
    SIVOM = "sivom"
    CAF = "caf"
    DEPARTEMENT = "departement"
    MSA = "msa"
    ASSOCIATION = "association"
    CENTRE_SOCIAL = "centre_social"
    ECOLE = "ecole"
    AUTRE = "autre"


class EtpStatus(LabelledEnum):
    FIXED = "fixe"
    PENDING = "en_cours"


class InstanceKind(LabelledEnum):
    COPIL = "copil"
    COTECH = "cotech"
    COMITE_OPERATIONNEL = "comite_operationnel"
    GROUPE_PROJET = "groupe_projet"
    GROUPE_ELUS = "groupe_elus"
    GROUPE_THEMATIQUE = "groupe_thematique"
    COMMISSION = "commission"
    VEILLE = "veille"
    RESEAU_COORDINATEURS = "reseau_coordinateurs"
    REUNION_PUBLIQUE = "reunion_publique"


class MeetingStatus(LabelledEnum):
    PLANNED = "prevue"
    HELD = "tenue"
    CANCELLED = "annulee"


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    EXCUSED = "excuse"
    ABSENT = "absent"


class DecisionStatus(LabelledEnum):
    OPEN = "a_faire"
    IN_PROGRESS = "en_cours"
    DONE = "realisee"
    DROPPED = "abandonnee"


class FicheStatus(LabelledEnum):
    TO_COME = "a_venir"
    IN_PROGRESS = "en_cours"
    DONE = "realisee"
    BLOCKED = "bloquee"
    DROPPED = "abandonnee"


class FicheIndicatorKind(LabelledEnum):
    RESULT = "resultat"
    MEANS = "moyens"


class RefIndicatorKind(LabelledEnum):
    SUIVI = "suivi"
    EVALUATION = "evaluation"


class JournalKind(LabelledEnum):
    SUPPORT_INFORMATION = "support_information"
    SUPPORT_RESEAU = "support_reseau"
    CONSEIL_APPUI = "conseil_appui"
    RELAIS_CAF = "relais_caf"
    ENJEU_EXPLICITE = "enjeu_explicite"
    NOUVEAU_SUJET = "nouveau_sujet"
    NOUVELLE_PROBLEMATIQUE = "nouvelle_problematique"
    INITIATIVE_CITOYENNE = "initiative_citoyenne"
    PROJET_FACILITE = "projet_facilite"
    PROJET_HABITANTS = "projet_habitants"
    INGENIERIE = "ingenierie"
    DECISION_FACILITEE = "decision_facilitee"
    AUTRE = "autre"


_LABELS: dict[type, dict] = {
    OrganisationKind: {
        OrganisationKind.COMMUNE: "Commune",
        OrganisationKind.EPCI: "EPCI",
        OrganisationKind.SIVOM: "SIVOM / syndicat",
        OrganisationKind.CAF: "CAF",
        OrganisationKind.DEPARTEMENT: "Département",
        OrganisationKind.MSA: "MSA",
        OrganisationKind.ASSOCIATION: "Association",
        OrganisationKind.CENTRE_SOCIAL: "Centre social",
        OrganisationKind.ECOLE: "École / collège",
        OrganisationKind.AUTRE: "Autre",
    },
    EtpStatus: {EtpStatus.FIXED: "Fixé", EtpStatus.PENDING: "En cours"},
    InstanceKind: {
        InstanceKind.COPIL: "COPIL",
        InstanceKind.COTECH: "COTECH",
        InstanceKind.COMITE_OPERATIONNEL: "Comité opérationnel",
        InstanceKind.GROUPE_PROJET: "Groupe projet",
        InstanceKind.GROUPE_ELUS: "Groupe d'élus",
        InstanceKind.GROUPE_THEMATIQUE: "Groupe thématique",
        InstanceKind.COMMISSION: "Commission",
        InstanceKind.VEILLE: "Réunion de veille",
        InstanceKind.RESEAU_COORDINATEURS: "Réseau des chargés de coopération",
        InstanceKind.REUNION_PUBLIQUE: "Réunion publique / concertation",
    },
    MeetingStatus: {
        MeetingStatus.PLANNED: "Prévue",
        MeetingStatus.HELD: "Tenue",
        MeetingStatus.CANCELLED: "Annulée",
    },
    AttendanceStatus: {
        AttendanceStatus.PRESENT: "Présent",
        AttendanceStatus.EXCUSED: "Excusé",
        AttendanceStatus.ABSENT: "Absent",
    },
    DecisionStatus: {
        DecisionStatus.OPEN: "À faire",
        DecisionStatus.IN_PROGRESS: "En cours",
        DecisionStatus.DONE: "Réalisée",
        DecisionStatus.DROPPED: "Abandonnée",
    },
    FicheStatus: {
        FicheStatus.TO_COME: "À venir",
        FicheStatus.IN_PROGRESS: "En cours",
        FicheStatus.DONE: "Réalisée",
        FicheStatus.BLOCKED: "Bloquée",
        FicheStatus.DROPPED: "Abandonnée",
    },
    FicheIndicatorKind: {
        FicheIndicatorKind.RESULT: "Résultat",
        FicheIndicatorKind.MEANS: "Moyens",
    },
    RefIndicatorKind: {
        RefIndicatorKind.SUIVI: "Suivi",
        RefIndicatorKind.EVALUATION: "Évaluation",
    },
    JournalKind: {
        JournalKind.SUPPORT_INFORMATION: "Support d'information (habitants)",
        JournalKind.SUPPORT_RESEAU: "Support commun du réseau",
        JournalKind.CONSEIL_APPUI: "Conseil / appui à un partenaire",
        JournalKind.RELAIS_CAF: "Relais Caf – partenaires",
        JournalKind.ENJEU_EXPLICITE: "Enjeu ou dispositif explicité",
        JournalKind.NOUVEAU_SUJET: "Nouveau sujet pris en compte",
        JournalKind.NOUVELLE_PROBLEMATIQUE: "Nouvelle problématique prise en compte",
        JournalKind.INITIATIVE_CITOYENNE: "Initiative citoyenne",
        JournalKind.PROJET_FACILITE: "Projet facilité",
        JournalKind.PROJET_HABITANTS: "Projet mobilisant les habitants",
        JournalKind.INGENIERIE: "Ingénierie mise à disposition",
        JournalKind.DECISION_FACILITEE: "Décision facilitée auprès des élus",
        JournalKind.AUTRE: "Autre",
    },
}
