"""Who answers the requests and on what basis the store is run, as every letter states it.

The controller of the biometric store (its name, address, contact, data protection officer, and
its representative in the Union when it is established outside it, GDPR Art. 27) and the
store's declared legal bases (Art. 6(1) and 9(2)), retention policy (Art. 5(1)(e)) and data
protection impact assessment (Art. 35) are settings (config/settings.py). They are required:
`controller_problems()` lists what is missing, the system check `compliance.E001` reports it
when DEBUG is off, and compliance.workflow.documents issues no final document without them.

The legal bases are codes, so that each letter can name them in its own language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

ART6 = {
    "6(1)(a)": {
        "en": "consent (GDPR Art. 6(1)(a))",
        "nl": "toestemming (AVG art. 6, lid 1, onder a)",
        "fr": "le consentement (RGPD, art. 6, paragraphe 1, point a)",
        "it": "il consenso (RGPD, art. 6, par. 1, lett. a)",
        "de": "die Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)",
        "es": "el consentimiento (RGPD, art. 6, apdo. 1, letra a)",
        "el": "η συγκατάθεση (ΓΚΠΔ, άρθρο 6 παρ. 1 στοιχ. α)",
    },
    "6(1)(b)": {
        "en": "a contract (GDPR Art. 6(1)(b))",
        "nl": "een overeenkomst (AVG art. 6, lid 1, onder b)",
        "fr": "un contrat (RGPD, art. 6, paragraphe 1, point b)",
        "it": "un contratto (RGPD, art. 6, par. 1, lett. b)",
        "de": "ein Vertrag (Art. 6 Abs. 1 lit. b DSGVO)",
        "es": "un contrato (RGPD, art. 6, apdo. 1, letra b)",
        "el": "σύμβαση (ΓΚΠΔ, άρθρο 6 παρ. 1 στοιχ. β)",
    },
    "6(1)(c)": {
        "en": "a legal obligation (GDPR Art. 6(1)(c))",
        "nl": "een wettelijke verplichting (AVG art. 6, lid 1, onder c)",
        "fr": "une obligation légale (RGPD, art. 6, paragraphe 1, point c)",
        "it": "un obbligo legale (RGPD, art. 6, par. 1, lett. c)",
        "de": "eine rechtliche Verpflichtung (Art. 6 Abs. 1 lit. c DSGVO)",
        "es": "una obligación legal (RGPD, art. 6, apdo. 1, letra c)",
        "el": "νομική υποχρέωση (ΓΚΠΔ, άρθρο 6 παρ. 1 στοιχ. γ)",
    },
    "6(1)(d)": {
        "en": "vital interests (GDPR Art. 6(1)(d))",
        "nl": "vitale belangen (AVG art. 6, lid 1, onder d)",
        "fr": "des intérêts vitaux (RGPD, art. 6, paragraphe 1, point d)",
        "it": "interessi vitali (RGPD, art. 6, par. 1, lett. d)",
        "de": "lebenswichtige Interessen (Art. 6 Abs. 1 lit. d DSGVO)",
        "es": "intereses vitales (RGPD, art. 6, apdo. 1, letra d)",
        "el": "ζωτικά συμφέροντα (ΓΚΠΔ, άρθρο 6 παρ. 1 στοιχ. δ)",
    },
    "6(1)(e)": {
        "en": "a task in the public interest (GDPR Art. 6(1)(e))",
        "nl": "een taak van algemeen belang (AVG art. 6, lid 1, onder e)",
        "fr": "une mission d'intérêt public (RGPD, art. 6, paragraphe 1, point e)",
        "it": "un compito di interesse pubblico (RGPD, art. 6, par. 1, lett. e)",
        "de": "eine Aufgabe im öffentlichen Interesse (Art. 6 Abs. 1 lit. e DSGVO)",
        "es": "una misión realizada en interés público (RGPD, art. 6, apdo. 1, letra e)",
        "el": "καθήκον που εκτελείται προς το δημόσιο συμφέρον (ΓΚΠΔ, άρθρο 6 παρ. 1 στοιχ. ε)",
    },
    "6(1)(f)": {
        "en": "legitimate interests (GDPR Art. 6(1)(f))",
        "nl": "gerechtvaardigde belangen (AVG art. 6, lid 1, onder f)",
        "fr": "des intérêts légitimes (RGPD, art. 6, paragraphe 1, point f)",
        "it": "il legittimo interesse (RGPD, art. 6, par. 1, lett. f)",
        "de": "berechtigte Interessen (Art. 6 Abs. 1 lit. f DSGVO)",
        "es": "intereses legítimos (RGPD, art. 6, apdo. 1, letra f)",
        "el": "έννομα συμφέροντα (ΓΚΠΔ, άρθρο 6 παρ. 1 στοιχ. στ)",
    },
}
ART9 = {
    "9(2)(a)": {
        "en": "explicit consent (GDPR Art. 9(2)(a))",
        "nl": "uitdrukkelijke toestemming (AVG art. 9, lid 2, onder a)",
        "fr": "le consentement explicite (RGPD, art. 9, paragraphe 2, point a)",
        "it": "il consenso esplicito (RGPD, art. 9, par. 2, lett. a)",
        "de": "die ausdrückliche Einwilligung (Art. 9 Abs. 2 lit. a DSGVO)",
        "es": "el consentimiento explícito (RGPD, art. 9, apdo. 2, letra a)",
        "el": "η ρητή συγκατάθεση (ΓΚΠΔ, άρθρο 9 παρ. 2 στοιχ. α)",
    },
    "9(2)(e)": {
        "en": "data manifestly made public by the person concerned (GDPR Art. 9(2)(e))",
        "nl": "gegevens die kennelijk door de betrokkene openbaar zijn gemaakt (AVG art. 9, lid 2, onder e)",
        "fr": "des données manifestement rendues publiques par la personne concernée (RGPD, art. 9, "
        "paragraphe 2, point e)",
        "it": "dati resi manifestamente pubblici dall'interessato (RGPD, art. 9, par. 2, lett. e)",
        "de": "von der betroffenen Person offensichtlich öffentlich gemachte Daten (Art. 9 Abs. 2 lit. e DSGVO)",
        "es": "datos que el interesado ha hecho manifiestamente públicos (RGPD, art. 9, apdo. 2, letra e)",
        "el": "δεδομένα που έχουν προδήλως δημοσιοποιηθεί από το υποκείμενο των δεδομένων (ΓΚΠΔ, άρθρο 9 "
        "παρ. 2 στοιχ. ε)",
    },
    "9(2)(f)": {
        "en": "legal claims (GDPR Art. 9(2)(f))",
        "nl": "rechtsvorderingen (AVG art. 9, lid 2, onder f)",
        "fr": "des droits en justice (RGPD, art. 9, paragraphe 2, point f)",
        "it": "l'accertamento, l'esercizio o la difesa di un diritto in sede giudiziaria (RGPD, art. 9, par. 2, "
        "lett. f)",
        "de": "die Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen (Art. 9 Abs. 2 lit. f DSGVO)",
        "es": "la formulación, el ejercicio o la defensa de reclamaciones (RGPD, art. 9, apdo. 2, letra f)",
        "el": "η θεμελίωση, άσκηση ή υποστήριξη νομικών αξιώσεων (ΓΚΠΔ, άρθρο 9 παρ. 2 στοιχ. στ)",
    },
    "9(2)(g)": {
        "en": "substantial public interest under Union or Member State law (GDPR Art. 9(2)(g))",
        "nl": "zwaarwegend algemeen belang op grond van het recht van de Unie of een lidstaat (AVG art. 9, lid 2, "
        "onder g)",
        "fr": "un intérêt public important sur la base du droit de l'Union ou d'un État membre (RGPD, art. 9, "
        "paragraphe 2, point g)",
        "it": "motivi di interesse pubblico rilevante sulla base del diritto dell'Unione o degli Stati membri "
        "(RGPD, art. 9, par. 2, lett. g)",
        "de": "ein erhebliches öffentliches Interesse auf der Grundlage des Unionsrechts oder des Rechts eines "
        "Mitgliedstaats (Art. 9 Abs. 2 lit. g DSGVO)",
        "es": "razones de un interés público esencial sobre la base del Derecho de la Unión o de los Estados "
        "miembros (RGPD, art. 9, apdo. 2, letra g)",
        "el": "λόγοι ουσιαστικού δημόσιου συμφέροντος βάσει του δικαίου της Ένωσης ή κράτους μέλους (ΓΚΠΔ, "
        "άρθρο 9 παρ. 2 στοιχ. ζ)",
    },
}
BASES = {**ART6, **ART9}
RETENTION_UNTIL_ERASED = {
    "en": "until they are erased, for example at the request of the person concerned",
    "nl": "totdat ze worden gewist, bijvoorbeeld op verzoek van de betrokkene",
    "fr": "jusqu'à leur effacement, par exemple à la demande de la personne concernée",
    "it": "fino alla loro cancellazione, ad esempio su richiesta dell'interessato",
    "de": "bis zu ihrer Löschung, zum Beispiel auf Antrag der betroffenen Person",
    "es": "hasta su supresión, por ejemplo a petición del interesado",
    "el": "έως ότου διαγραφούν, για παράδειγμα κατόπιν αιτήματος του υποκειμένου των δεδομένων",
}
RETENTION_DAYS = {
    "en": "{days} days after they were collected, unless they are erased earlier",
    "nl": "{days} dagen na het verzamelen, tenzij ze eerder worden gewist",
    "fr": "{days} jours après leur collecte, sauf effacement antérieur",
    "it": "{days} giorni dopo la raccolta, salvo cancellazione anticipata",
    "de": "{days} Tage nach ihrer Erfassung, sofern sie nicht früher gelöscht werden",
    "es": "{days} días después de su recopilación, salvo supresión anterior",
    "el": "{days} ημέρες μετά τη συλλογή τους, εκτός αν διαγραφούν νωρίτερα",
}


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str
    dpo_name: str
    dpo_email: str
    eu_representative: str
    dpia_reference: str


def controller() -> Controller:
    return Controller(
        name=settings.CONTROLLER_NAME,
        address=settings.CONTROLLER_ADDRESS,
        email=settings.CONTROLLER_EMAIL,
        dpo_name=settings.CONTROLLER_DPO_NAME,
        dpo_email=settings.CONTROLLER_DPO_EMAIL,
        eu_representative=settings.CONTROLLER_EU_REPRESENTATIVE,
        dpia_reference=settings.STORE_DPIA_REFERENCE,
    )


def controller_problems() -> list[str]:
    """What is missing or wrong in the controller's settings (empty when complete)."""
    problems = [
        f"{name} is not set"
        for name in (
            "CONTROLLER_NAME",
            "CONTROLLER_ADDRESS",
            "CONTROLLER_EMAIL",
            "CONTROLLER_DPO_EMAIL",
            "STORE_RETENTION",
            "STORE_DPIA_REFERENCE",
        )
        if not str(getattr(settings, name)).strip()
    ]
    bases = list(settings.STORE_LAWFUL_BASIS)
    if not bases:
        problems.append("STORE_LAWFUL_BASIS is not set")
    problems += [f"STORE_LAWFUL_BASIS: unknown code {code!r}" for code in bases if code not in BASES]
    if bases and not any(code in ART9 for code in bases):
        problems.append("STORE_LAWFUL_BASIS names no Art. 9(2) condition: face templates are special-category data")
    retention = settings.STORE_RETENTION
    if retention and retention != "until_erased" and not (retention.isdigit() and int(retention) > 0):
        problems.append('STORE_RETENTION must be "until_erased" or a number of days')
    return problems


def lawful_basis_texts(lang: str) -> list[str]:
    return [BASES[code].get(lang, BASES[code]["en"]) for code in settings.STORE_LAWFUL_BASIS if code in BASES]


def retention_text(lang: str) -> str:
    retention = settings.STORE_RETENTION
    if retention.isdigit():
        return RETENTION_DAYS.get(lang, RETENTION_DAYS["en"]).format(days=int(retention))
    return RETENTION_UNTIL_ERASED.get(lang, RETENTION_UNTIL_ERASED["en"])
