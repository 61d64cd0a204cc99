"""What a refusal means, in plain French, from the rule ``code`` of the service's problem.

The services explain in English for developers; a person reads the phrase of the rule that
refused, in the words of the membership charter.
"""

from __future__ import annotations

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
    "T1": "Cette action de formation ou cette session n'existe pas au catalogue.",
    "T2": "Seuls les salariés d'une structure adhérente à jour (ou en période de "
    "renouvellement) peuvent s'inscrire.",
    "T3": "Ce salarié a atteint sa limite annuelle d'actions (4 par an, dont 3 formations au "
    "plus).",
    "T4": "Deux salariés de la même structure sont déjà inscrits à cette session : la demande "
    "passe en liste d'attente.",
    "T5": "La session est complète : la demande est placée en liste d'attente.",
    "T6": "Les préinscriptions sont closes : elles ferment 15 jours avant le début de la session.",
    "T7": "Un désistement moins de 10 jours avant la session, ou une absence non justifiée, "
    "reste compté dans la limite annuelle.",
    "T8": "Cette session a été annulée par l'agence.",
    "T9": "L'adhésion de la structure a pris fin : ses places aux sessions à venir sont annulées.",
    "T10": "Ce salarié est déjà inscrit à une autre session de la même action.",
    # Room booking
    "B1": "Cette salle ou cet espace n'existe pas au site de Pessac.",
    "B2": "Les salles de réunion sont réservées aux adhérents premium, dans la limite de 5 "
    "réservations par année d'adhésion.",
    "B3": "L'auditorium est réservé aux adhérents premium ; il est facturé 250 € par date.",
    "B4": "L'objet de la réservation doit relever de l'orientation, de la formation ou de "
    "l'emploi, sans activité commerciale ni activité récurrente ; cet espace peut demander "
    "une certification Qualiopi valide.",
    "B5": "Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre.",
    "B6": "Le Lab Studio est réservé aux organismes de formation, trois créneaux par an au plus.",
    "B7": "Le nombre de cartes de stationnement demandé n'est pas valide.",
    "B8": "Le site est fermé à ce moment-là : réservations les jours ouvrés, aux heures "
    "d'ouverture, hors week-ends et jours fériés.",
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
    "conflict": "Cette information vient d'être modifiée par quelqu'un d'autre : rechargez la "
    "page et réessayez.",
    "too_large": "Le fichier est trop volumineux (5 Mo au plus) : découpez-le et importez "
    "chaque partie.",
    "unsupported_media_type": "Ce type de fichier n'est pas accepté.",
}

FALLBACK = "La demande n'a pas pu aboutir. Réessayez, ou contactez l'agence si cela persiste."


def phrase(code: str | None) -> str:
    """The plain French explanation of a refusal's ``code`` (a rule id or a technical code)."""
    if code is None:
        return FALLBACK
    return PHRASES.get(code, FALLBACK)
