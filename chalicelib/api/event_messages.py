"""What an event says, in French first and English second (``domain.events``: each kind's message key and the
parameters it carries). Sentences name people in the third person, so that one event reads the same in every feed
and in the structure's history."""

from chalicelib.domain import events, invoices

SENTENCES = {
    "fr": {
        events.MEMBERSHIP_REQUESTED: "{person} a demandé un rattachement à {structure}.",
        events.MEMBERSHIP_VALIDATED: "{actor} a validé le rattachement de {person} à {structure}.",
        events.MEMBERSHIP_REFUSED: "{actor} a refusé le rattachement de {person} à {structure}.",
        events.MEMBERSHIP_WITHDRAWN: "{person} a retiré sa demande de rattachement à {structure}.",
        events.MEMBERSHIP_DELETED: "{actor} a supprimé le rattachement de {person} à {structure}.",
        events.MEMBERSHIP_ADDED: "{actor} a rattaché {person} à {structure}.",
        events.ROLE_CHANGED: "{actor} a donné à {person} le rôle « {role} » sur {structure}.",
        events.PRINCIPAL_TRANSFERRED: "{actor} a transmis le rôle de gestionnaire principal de {structure} à "
                                      "{person}.",
        events.SUBSCRIPTION_REQUESTED: "{person} a demandé l'espace « {space} » de {structure}.",
        events.SUBSCRIPTION_VALIDATED: "{actor} a validé l'abonnement de {person} à l'espace « {space} » de "
                                       "{structure}.",
        events.SUBSCRIPTION_REFUSED: "{actor} a refusé l'abonnement de {person} à l'espace « {space} » de "
                                     "{structure}.",
        events.SUBSCRIPTION_WITHDRAWN: "{person} a retiré sa demande d'abonnement à l'espace « {space} » de "
                                       "{structure}.",
        events.SUBSCRIPTION_REMOVED: "{person} a supprimé son abonnement à l'espace « {space} » de {structure}.",
        events.STRUCTURE_CREATED: "{person} a créé la structure {structure}.",
        events.STRUCTURE_SPACE_SET: "{actor} a paramétré l'espace « {space} » pour toute la structure {structure}.",
        events.STRUCTURE_SPACE_REMOVED: "{actor} a retiré l'espace « {space} » de la structure {structure}.",
        events.ATTACHMENT_ADDED: "Pièce jointe ajoutée : {attachment}.",
        events.ATTACHMENT_DELETED: "Pièce jointe supprimée : {attachment}.",
        events.PASSWORD_CHANGED: "Votre mot de passe a été modifié.",
        events.ACCOUNT_DEACTIVATED: "Votre compte a été désactivé.",
        events.ACCOUNT_REACTIVATED: "Votre compte a été réactivé.",
        events.NEW_DEVICE_LOGIN: "Connexion depuis un nouvel appareil : {device}.",
        events.INVOICE_STATUS: "Facture {number} ({amount} €, service {service_id}) : {status} le {date}.",
        events.MEMBERSHIP_ENDING: "Le rattachement de {person} à {structure} prend fin le {date}.",
        events.MEMBERSHIP_EXTENDED: "{actor} a prolongé le rattachement de {person} à {structure} jusqu'au {date}.",
        events.MEMBERSHIP_EXPIRED: "Le rattachement de {person} à {structure} a pris fin le {date}.",
    },
    "en": {
        events.MEMBERSHIP_REQUESTED: "{person} asked to join {structure}.",
        events.MEMBERSHIP_VALIDATED: "{actor} approved {person}'s membership of {structure}.",
        events.MEMBERSHIP_REFUSED: "{actor} refused {person}'s membership of {structure}.",
        events.MEMBERSHIP_WITHDRAWN: "{person} withdrew the request to join {structure}.",
        events.MEMBERSHIP_DELETED: "{actor} ended {person}'s membership of {structure}.",
        events.MEMBERSHIP_ADDED: "{actor} added {person} to {structure}.",
        events.ROLE_CHANGED: "{actor} gave {person} the role “{role}” in {structure}.",
        events.PRINCIPAL_TRANSFERRED: "{actor} handed the principal manager role of {structure} over to {person}.",
        events.SUBSCRIPTION_REQUESTED: "{person} asked for the “{space}” space of {structure}.",
        events.SUBSCRIPTION_VALIDATED: "{actor} approved {person}'s subscription to the “{space}” space of "
                                       "{structure}.",
        events.SUBSCRIPTION_REFUSED: "{actor} refused {person}'s subscription to the “{space}” space of "
                                     "{structure}.",
        events.SUBSCRIPTION_WITHDRAWN: "{person} withdrew the request for the “{space}” space of {structure}.",
        events.SUBSCRIPTION_REMOVED: "{person} gave up the “{space}” space of {structure}.",
        events.STRUCTURE_CREATED: "{person} created the structure {structure}.",
        events.STRUCTURE_SPACE_SET: "{actor} set the “{space}” space for the whole of {structure}.",
        events.STRUCTURE_SPACE_REMOVED: "{actor} took the “{space}” space off {structure}.",
        events.ATTACHMENT_ADDED: "Attachment added: {attachment}.",
        events.ATTACHMENT_DELETED: "Attachment deleted: {attachment}.",
        events.PASSWORD_CHANGED: "Your password was changed.",
        events.ACCOUNT_DEACTIVATED: "Your account was deactivated.",
        events.ACCOUNT_REACTIVATED: "Your account was reactivated.",
        events.NEW_DEVICE_LOGIN: "Login from a new device: {device}.",
        events.INVOICE_STATUS: "Invoice {number} (€{amount}, service {service_id}): {status} on {date}.",
        events.MEMBERSHIP_ENDING: "{person}'s membership of {structure} ends on {date}.",
        events.MEMBERSHIP_EXTENDED: "{actor} extended {person}'s membership of {structure} until {date}.",
        events.MEMBERSHIP_EXPIRED: "{person}'s membership of {structure} ended on {date}.",
    },
}

ROLES = {
    "fr": {"GESTIONNAIRE_PRINCIPAL": "Gestionnaire principal", "GESTIONNAIRE_SECONDAIRE": "Gestionnaire secondaire",
           "UTILISATEUR": "Utilisateur"},
    "en": {"GESTIONNAIRE_PRINCIPAL": "Principal manager", "GESTIONNAIRE_SECONDAIRE": "Secondary manager",
           "UTILISATEUR": "User"},
}

# Labels of ``invoices.STATUSES``, in the same order.
INVOICE_STATUSES = {
    "fr": dict(zip(invoices.STATUSES, (
        "déposée", "en cours d'acheminement", "mise à disposition", "à recycler", "suspendue", "rejetée",
        "service fait", "mandatée", "mise à disposition comptable", "comptabilisée", "mise en paiement"), strict=True)),
    "en": dict(zip(invoices.STATUSES, (
        "submitted", "being routed", "made available", "to be recycled", "suspended", "rejected", "service done",
        "mandated", "made available to accounting", "accounted", "payment issued"), strict=True)),
}

CSV_HEADERS = {
    "fr": {
        "history": ["Date", "Événement", "Auteur", "Personne", "Description", "Motif"],
        "members": ["Nom", "Prénom", "Adresse électronique", "Rôle", "Portée", "Statut", "Date de début de validité",
                    "Date de fin de validité", "Services", "Espaces"],
    },
    "en": {
        "history": ["Date", "Event", "Author", "Person", "Description", "Reason"],
        "members": ["Last name", "First name", "E-mail address", "Role", "Scope", "Status", "Valid from",
                    "Valid until", "Services", "Spaces"],
    },
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def sentence(event: events.Event, language: str) -> str:
    """The event's sentence in ``language``; a parameter an older item lacks reads as blank."""
    params = _Blank(event.params)
    if "role" in params:
        params["role"] = ROLES[language].get(params["role"], params["role"])
    if event.kind == events.INVOICE_STATUS:
        params["status"] = INVOICE_STATUSES[language].get(params["status"], params["status"])
        params["service_id"] = params["service_id"] or "—"
    if language == "fr" and len(params.get("date", "")) == 10:
        params["date"] = "/".join(reversed(params["date"].split("-")))
    return SENTENCES[language][event.kind].format_map(params)
