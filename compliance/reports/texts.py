"""Short phrases of the letters to requesters, per language (en, nl, fr, it).

The letter bodies are whole templates per language (templates/reports/letters/<lang>/), so that
the legal wording can be reviewed as text in each language; the phrases below are the pieces
those templates and the shared letter layout have in common (labels, names of request types and
refusal grounds, the footer).
"""

LANGUAGES = ("en", "nl", "fr", "it")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "transfer_safeguards": "the standard data protection clauses adopted by the "
        "European Commission (GDPR Art. 46(2)(c))",
        "our_reference": "Our reference",
        "date": "Date",
        "subject": "Subject",
        "to": "To",
        "page": "Page",
        "of": "of",
        "report": "Document",
        "generated": "generated",
        "by": "by",
        "from": "For request",
        "verify": "Check this file: python manage.py verify_report FILE (its SHA-256 is in the audit trail)",
        "type_access": "access to your personal data (GDPR Art. 15)",
        "type_erasure": "erasure of your personal data (GDPR Art. 17)",
        "type_both": "access to and erasure of your personal data (GDPR Art. 15 and 17)",
        "basis_art_12_5_manifestly_unfounded": "the request is manifestly unfounded (GDPR Art. 12(5)(b))",
        "basis_art_12_5_excessive": "the request is excessive, in particular because of its repetitive character "
        "(GDPR Art. 12(5)(b))",
        "basis_identity_not_established": "we could not establish that you are the person the data is about "
        "(GDPR Art. 11(2) and 12(6))",
        "basis_other": "the reason stated below",
        "yes": "yes",
        "no": "no",
        "none": "none",
        "unknown": "unknown",
        "system": "the request service (automatic)",
    },
    "nl": {
        "transfer_safeguards": "de door de Europese Commissie vastgestelde standaardbepalingen "
        "inzake gegevensbescherming (AVG art. 46, lid 2, onder c)",
        "our_reference": "Ons kenmerk",
        "date": "Datum",
        "subject": "Onderwerp",
        "to": "Aan",
        "page": "Pagina",
        "of": "van",
        "report": "Document",
        "generated": "gemaakt",
        "by": "door",
        "from": "Bij verzoek",
        "verify": "Controle van dit bestand: python manage.py verify_report BESTAND (de SHA-256 staat in het "
        "auditlogboek)",
        "type_access": "inzage in uw persoonsgegevens (AVG art. 15)",
        "type_erasure": "wissing van uw persoonsgegevens (AVG art. 17)",
        "type_both": "inzage in en wissing van uw persoonsgegevens (AVG art. 15 en 17)",
        "basis_art_12_5_manifestly_unfounded": "het verzoek is kennelijk ongegrond (AVG art. 12, lid 5, onder b)",
        "basis_art_12_5_excessive": "het verzoek is buitensporig, met name vanwege het repetitieve karakter "
        "(AVG art. 12, lid 5, onder b)",
        "basis_identity_not_established": "wij konden niet vaststellen dat u de persoon bent op wie de gegevens "
        "betrekking hebben (AVG art. 11, lid 2, en art. 12, lid 6)",
        "basis_other": "de hieronder vermelde reden",
        "yes": "ja",
        "no": "nee",
        "none": "geen",
        "unknown": "onbekend",
        "system": "de verzoekendienst (automatisch)",
    },
    "fr": {
        "transfer_safeguards": "les clauses types de protection des données adoptées par la "
        "Commission européenne (RGPD, art. 46, § 2, c)",
        "our_reference": "Notre référence",
        "date": "Date",
        "subject": "Objet",
        "to": "À",
        "page": "Page",
        "of": "sur",
        "report": "Document",
        "generated": "produit le",
        "by": "par",
        "from": "Pour la demande",
        "verify": "Vérifier ce fichier : python manage.py verify_report FICHIER (son SHA-256 figure dans le "
        "journal d'audit)",
        "type_access": "accès à vos données personnelles (RGPD, art. 15)",
        "type_erasure": "effacement de vos données personnelles (RGPD, art. 17)",
        "type_both": "accès à vos données personnelles et leur effacement (RGPD, art. 15 et 17)",
        "basis_art_12_5_manifestly_unfounded": "la demande est manifestement infondée (RGPD, art. 12, § 5, b)",
        "basis_art_12_5_excessive": "la demande est excessive, notamment en raison de son caractère répétitif "
        "(RGPD, art. 12, § 5, b)",
        "basis_identity_not_established": "nous n'avons pas pu établir que vous êtes la personne concernée par "
        "les données (RGPD, art. 11, § 2, et art. 12, § 6)",
        "basis_other": "le motif indiqué ci-dessous",
        "yes": "oui",
        "no": "non",
        "none": "aucun",
        "unknown": "inconnu",
        "system": "le service des demandes (automatique)",
    },
    "it": {
        "transfer_safeguards": "le clausole tipo di protezione dei dati adottate dalla "
        "Commissione europea (RGPD, art. 46, par. 2, lett. c)",
        "our_reference": "Nostro riferimento",
        "date": "Data",
        "subject": "Oggetto",
        "to": "A",
        "page": "Pagina",
        "of": "di",
        "report": "Documento",
        "generated": "generato il",
        "by": "da",
        "from": "Per la richiesta",
        "verify": "Verifica di questo file: python manage.py verify_report FILE (il suo SHA-256 è nel registro "
        "di audit)",
        "type_access": "accesso ai suoi dati personali (RGPD, art. 15)",
        "type_erasure": "cancellazione dei suoi dati personali (RGPD, art. 17)",
        "type_both": "accesso ai suoi dati personali e loro cancellazione (RGPD, artt. 15 e 17)",
        "basis_art_12_5_manifestly_unfounded": "la richiesta è manifestamente infondata (RGPD, art. 12, par. 5, "
        "lett. b)",
        "basis_art_12_5_excessive": "la richiesta è eccessiva, in particolare per il suo carattere ripetitivo "
        "(RGPD, art. 12, par. 5, lett. b)",
        "basis_identity_not_established": "non abbiamo potuto accertare che lei sia la persona cui i dati si "
        "riferiscono (RGPD, art. 11, par. 2, e art. 12, par. 6)",
        "basis_other": "il motivo indicato di seguito",
        "yes": "sì",
        "no": "no",
        "none": "nessuno",
        "unknown": "sconosciuto",
        "system": "il servizio richieste (automatico)",
    },
}


def text_for(language: str) -> dict[str, str]:
    return TEXT.get(language) or TEXT["en"]


def letter_language(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"
