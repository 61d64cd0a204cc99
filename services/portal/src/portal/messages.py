"""What a refusal means, in plain French, from the rule ``code`` of the service's problem.

The services explain in English for developers; a person reads the phrase of the rule that
refused, in the words of the membership charter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.clients.base import ApiProblem
from portal.formats import date_fr, hour

PHRASES: dict[str, str] = {
    # Membership
    "M1": "Le numéro SIREN ou SIRET n'est pas valide, ou la structure n'est pas située en "
    "Nouvelle-Aquitaine (le siège ou l'établissement qui adhère doit s'y trouver).",
    "M2": "La formule choisie n'existe pas, ou les tarifs de cette année ne sont pas encore fixés.",
    "M3": "Une demande d'adhésion existe déjà pour cette année, ou l'année choisie n'est pas "
    "ouverte aux demandes.",
    "M4": "La fin des droits ne peut être constatée que pour un jour passé ou aujourd'hui.",
    "M5": "Une première adhésion demande une présentation de la structure, de son activité et "
    "de ses motivations (quelques phrases chacune) ; un refus doit être motivé ; une demande "
    "déjà décidée ne peut plus l'être.",
    "M6": "Un renouvellement ne passe pas devant le conseil d'administration : il est traité "
    "directement.",
    "M7": "Cet établissement ne peut pas être déclaré comme ayant droit : son SIRET doit "
    "commencer par le SIREN de la structure, et il ne doit pas être déjà déclaré.",
    "M8": "L'appel à cotisations de l'année suivante n'est pas encore ouvert.",
    "M9": "La certification Qualiopi ne peut être enregistrée que pour un organisme de "
    "formation déclaré, avec son numéro et une date d'échéance plausible.",
    "M10": "Le passage à la formule premium n'est possible qu'une fois par an, pour une "
    "adhésion simple déjà payée de l'année en cours.",
    "M11": "Cette action sur l'assemblée générale ou les badges n'est pas possible (droit de "
    "vote, procurations ou délais de convocation).",
    # ParcoursPro training
    "T1": "Cette action de formation ou cette session n'est pas valide au catalogue : une "
    "formation dure de 1 à 3 jours, un parcours d'autoformation se suit à distance, une session "
    "ne finit pas avant de commencer ; ou ses inscriptions ne sont pas encore ouvertes.",
    "T2": "Seuls les salariés d'une structure adhérente à jour (ou en période de "
    "renouvellement) à la date de la session peuvent s'inscrire, depuis un de ses "
    "établissements.",
    "T3": "Ce salarié a atteint sa limite annuelle d'actions (4 par an, dont 3 formations au "
    "plus), ou les limites de cette année ne sont pas encore fixées par l'agence.",
    "T4": "Deux salariés de la même structure sont déjà inscrits à cette session : la demande "
    "passe en liste d'attente.",
    "T5": "La session est complète : la demande est placée en liste d'attente.",
    "T6": "Les préinscriptions sont closes : elles ferment 15 jours avant le début de la session.",
    "T7": "Le désistement se fait avant le début de la session (moins de 10 jours avant, il reste "
    "compté dans la limite annuelle, comme une absence non justifiée) ; la présence se saisit "
    "pour une place confirmée, à partir du premier jour de la session.",
    "T8": "Cette session a été annulée par l'agence, ou elle a commencé et ne peut plus l'être.",
    "T9": "L'adhésion de la structure a pris fin : ses places aux sessions à venir sont annulées.",
    "T10": "Ce salarié est déjà inscrit à une autre session de la même action.",
    # Room booking
    "B1": "Cet espace n'existe pas au site de Pessac, n'est pas ouvert à la réservation en ce "
    "moment, ou le nombre de participants attendus dépasse sa capacité.",
    "B2": "Les salles de réunion sont réservées aux adhérents premium, dans la limite de 5 "
    "réservations par année d'adhésion (une réservation annulée avant son jour est rendue).",
    "B3": "L'auditorium est réservé aux adhérents premium ; il est facturé 250 € par date.",
    "B4": "L'objet de la réservation doit relever de l'orientation, de la formation ou de "
    "l'emploi (décrit en quelques mots), sans activité commerciale ni activité récurrente (une "
    "série, ou le même créneau plusieurs semaines de suite) ; cet espace peut demander une "
    "certification Qualiopi valide.",
    "B5": "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre.",
    "B6": "Le Lab Studio est réservé aux organismes de formation adhérents, trois créneaux par "
    "an au plus pour chaque participant.",
    "B7": "Les cartes de stationnement TBM se demandent à raison d'une par participant attendu "
    "au plus.",
    "B8": "Le site est fermé à ce moment-là : réservations les jours ouvrés, aux heures "
    "d'ouverture, hors week-ends et jours fériés, au quart d'heure près, pour 30 minutes au "
    "moins et un créneau encore à venir.",
    "B9": "L'adhésion de la structure a pris fin : ses réservations à venir sont annulées.",
    # Billing
    "F1": "Cette facture ne correspond à rien de facturable.",
    "F2": "Un avoir doit être motivé et ne peut dépasser ce qui reste de la facture ; une "
    "facture émise ne change jamais.",
    "F3": "Les mentions obligatoires de la facture sont incomplètes.",
    "F4": "Le règlement est refusé : vérifiez le montant, le mode, la date (pas dans le futur) "
    "et la référence bancaire, ou, pour une affectation, ce qui reste à affecter.",
    "F5": "Cette facture est déjà entièrement réglée : rien ne reste à payer.",
    "F6": "Le rapprochement de cette période n'a pas pu être établi.",
    "F7": "L'export comptable n'a pas pu être produit pour cette période.",
    "F8": "Les références Chorus Pro de cet organisme public sont incomplètes.",
    # Across services and technical refusals
    "X3": "Vous n'avez pas accès à cette information avec votre compte.",
    "validation": "Certaines informations saisies ne sont pas au bon format : vérifiez les "
    "champs et réessayez.",
    "not_found": "Cette information est introuvable, ou vous n'y avez pas accès.",
    "conflict": "Cette action n'est plus possible en l'état : l'information a changé entre-temps "
    "(déjà annulée, déjà terminée ou modifiée par quelqu'un d'autre). Rechargez la page.",
    "too_large": "Le fichier est trop volumineux : réduisez-le ou découpez-le, puis importez "
    "chaque partie.",
    "unsupported_media_type": "Ce type de fichier n'est pas accepté.",
}

FALLBACK = "La demande n'a pas pu aboutir. Réessayez, ou contactez l'agence si cela persiste."

#: Why a site is closed on a day (B8's ``closed_because``).
CLOSED_BECAUSE = {
    "weekend": "c'est un week-end",
    "public_holiday": "c'est un jour férié",
    "closure": "le site ou l'espace est fermé ces jours-là",
    "no_opening_hours": "le site n'ouvre pas ce jour de la semaine",
    "resource_inactive": "l'espace n'est pas ouvert à la réservation",
}


def phrase(code: str | None) -> str:
    """The plain French explanation of a refusal's ``code`` (a rule id or a technical code)."""
    if code is None:
        return FALLBACK
    return PHRASES.get(code, FALLBACK)


def wait_reason(reason: str | None) -> str:
    """Why a request waits (training's ``waiting_reason``: ``full`` or ``T4``), as its rule."""
    if not reason:
        return ""
    return phrase("T5" if reason == "full" else reason)


def refusal(problem: ApiProblem) -> str:
    """A service's refusal as a person reads it: the rule's phrase and its particulars."""
    more = particulars(problem.code, problem.body)
    return f"{phrase(problem.code)} {more}" if more else phrase(problem.code)


def particulars(code: str | None, facts: Mapping[str, Any]) -> str:
    """What the refusal's problem says beyond its rule, in French: the date pre-registration
    closed (T6) or opens (T1), the credits used (B2, B6), a capacity (B1), the hours or why the
    site is closed (B8), the weeks in a row (B4). Empty when there is nothing more."""
    said: list[str] = []
    if code == "T6" and facts.get("deadline"):
        said.append(f"Elles ont fermé le {date_fr(facts['deadline'])}.")
    if code == "T1" and facts.get("opens_on"):
        said.append(f"Les inscriptions ouvrent le {date_fr(facts['opens_on'])}.")
    if code in ("B2", "B6") and facts.get("allowed") is not None:
        said.append(f"Déjà utilisé : {facts.get('used')} sur {facts['allowed']}.")
    if code == "B1" and facts.get("capacity"):
        said.append(f"Cet espace accueille {facts['capacity']} personnes au plus.")
    if code == "B4" and facts.get("consecutive_weeks"):
        said.append(f"Ce serait le même créneau {facts['consecutive_weeks']} semaines de suite.")
    if code == "B8" and facts.get("closed_because") in CLOSED_BECAUSE:
        said.append(f"Ce jour-là, {CLOSED_BECAUSE[str(facts['closed_because'])]}.")
    if code == "B8" and facts.get("opens_at") and facts.get("closes_at"):
        said.append(
            f"Ce jour-là, le site ouvre de {hour(facts['opens_at'])} à {hour(facts['closes_at'])}."
        )
    return " ".join(said)
