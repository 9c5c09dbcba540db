"""Short phrases of the letters to requesters, per language (en, nl, fr, it, de, es, el).

The letter bodies are whole templates per language (templates/reports/letters/<lang>/), so that
the legal wording can be reviewed as text in each language; the phrases below are the pieces
those templates and the shared letter layout have in common (labels, names of request types and
refusal grounds, the footer).
"""

LANGUAGES = ("en", "nl", "fr", "it", "de", "es", "el")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "dpo": "Data protection officer",
        "eu_representative": "Representative in the EU (GDPR Art. 27)",
        "legal_basis": "The legal basis we rely on",
        "dpia": "Data protection impact assessment (GDPR Art. 35)",
        "draft": "DRAFT for staff review — not sent to the requester",
        "transfer_adequacy": "an adequacy decision of the European Commission for this country (GDPR Art. 45)",
        "transfer_adequacy_in_scope": "the European Commission's adequacy decision for this country, which covers "
        "%(scope)s; the recipient is recorded as one of them (GDPR Art. 45)",
        "transfer_sccs": "standard data protection clauses adopted by the European Commission (GDPR Art. 46(2)(c)), "
        "signed on %(date)s; you may ask us for a copy",
        "transfer_derogation": "a derogation for a specific situation (GDPR Art. 49(1)): %(derogation)s",
        "transfer_none": "none: no adequacy decision, safeguard or derogation covers this transfer",
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
        "type_rectification": "rectification of your personal data (GDPR Art. 16)",
        "type_restriction": "restriction of the processing of your personal data (GDPR Art. 18)",
        "type_objection": "objection to the processing of your personal data (GDPR Art. 21)",
        "basis_art_12_5_manifestly_unfounded": "the request is manifestly unfounded (GDPR Art. 12(5)(b))",
        "basis_art_12_5_excessive": "the request is excessive, in particular because of its repetitive character "
        "(GDPR Art. 12(5)(b))",
        "basis_identity_not_established": "we could not establish that you are the person the data is about "
        "(GDPR Art. 11(2) and 12(6))",
        "basis_art_17_3_a_expression": "erasure is not required where the processing is necessary for exercising "
        "the right of freedom of expression and information (GDPR Art. 17(3)(a))",
        "basis_art_17_3_b_legal_obligation": "erasure is not required where the processing is necessary for "
        "compliance with a legal obligation under Union or Member State law to which we are subject, or for the "
        "performance of a task carried out in the public interest or in the exercise of official authority vested "
        "in us (GDPR Art. 17(3)(b))",
        "basis_art_17_3_c_public_health": "erasure is not required where the processing is necessary for reasons "
        "of public interest in the area of public health (GDPR Art. 17(3)(c), with Art. 9(2)(h) and (i) and 9(3))",
        "basis_art_17_3_d_archiving_research": "erasure is not required where the processing is necessary for "
        "archiving purposes in the public interest, scientific or historical research purposes or statistical "
        "purposes, in so far as erasure is likely to render impossible or seriously impair the achievement of "
        "those purposes (GDPR Art. 17(3)(d), with Art. 89(1))",
        "basis_art_17_3_e_legal_claims": "erasure is not required where the processing is necessary for the "
        "establishment, exercise or defence of legal claims (GDPR Art. 17(3)(e))",
        "basis_art_23_restriction": "a law of the European Union or of a Member State restricts this right, as "
        "GDPR Art. 23 allows, for example so that the investigation or prosecution of criminal offences is not "
        "prejudiced",
        "refusal_law": "The provision of law we rely on",
        "partial_title": "Part of your request we do not act on",
        "partial_intro": "We answer the rest of your request in this document, but not the part described below "
        "(GDPR Art. 12(4)).",
        "partial_scope": "What we do not act on",
        "partial_basis": "Ground",
        "partial_reason": "Our reasons",
        "partial_late": "This reaches you after the one month in which the law asks us to tell you of a refusal "
        "(GDPR Art. 12(4)). Why it comes late",
        "partial_remedies": "If you disagree, you have the right to lodge a complaint with a supervisory authority "
        "and to go to court (GDPR Art. 12(4), 77 and 79): see “Your right to complain and to go to court” below.",
        "basis_other": "the reason stated below",
        "late_refusal": "This answer reaches you after the one month in which the law asks us to tell you of a "
        "refusal (GDPR Art. 12(4)); an extension of the time to answer does not extend it. Why it comes late:",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "We have rectified your personal data (GDPR Art. 16). What we corrected:",
        "decision_not_rectified": "We have not rectified your personal data: we consider them accurate (GDPR Art. "
        "16). Our reasons:",
        "decision_not_restricted": "We have not restricted the processing of your personal data: none of the "
        "conditions of GDPR Art. 18(1) applies. Our reasons:",
        "decision_objection_rejected": "We reject your objection (GDPR Art. 21(1)): we have compelling legitimate "
        "grounds for the processing which override your interests, rights and freedoms, or the processing is needed "
        "for the establishment, exercise or defence of legal claims. These grounds are:",
        "decision_restricted": "We have restricted the processing of your personal data (GDPR Art. 18).",
        "decision_restricted_notice": "We will tell you before we lift it (GDPR Art. 18(3)).",
        "decision_objection_upheld": "We uphold your objection (GDPR Art. 21(1)): we stop processing your personal "
        "data.",
        "decision_cite_withheld": " (GDPR Art. 18(1)(d))",
        "decision_cite_lift": " (GDPR Art. 18(3))",
        "decision_recipients_rectified": "Recipients told of the rectification (Art. 19)",
        "decision_recipients_restricted": "Recipients told of the restriction (Art. 19)",
        "yes": "yes",
        "no": "no",
        "none": "none",
        "unknown": "unknown",
        "system": "the request service (automatic)",
    },
    "nl": {
        "dpo": "Functionaris voor gegevensbescherming",
        "eu_representative": "Vertegenwoordiger in de EU (AVG art. 27)",
        "legal_basis": "De rechtsgrond waarop wij ons beroepen",
        "dpia": "Gegevensbeschermingseffectbeoordeling (AVG art. 35)",
        "draft": "CONCEPT ter controle door medewerkers — niet verzonden aan de verzoeker",
        "transfer_adequacy": "een adequaatheidsbesluit van de Europese Commissie voor dit land (AVG art. 45)",
        "transfer_adequacy_in_scope": "het adequaatheidsbesluit van de Europese Commissie voor dit land, dat geldt "
        "voor %(scope)s; de ontvanger is als zodanig geregistreerd (AVG art. 45)",
        "transfer_sccs": "door de Europese Commissie vastgestelde standaardbepalingen inzake gegevensbescherming "
        "(AVG art. 46, lid 2, onder c), ondertekend op %(date)s; u kunt ons om een kopie vragen",
        "transfer_derogation": "een afwijking voor een specifieke situatie (AVG art. 49, lid 1): %(derogation)s",
        "transfer_none": "geen: geen adequaatheidsbesluit, waarborg of afwijking dekt deze doorgifte",
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
        "type_rectification": "rectificatie van uw persoonsgegevens (AVG art. 16)",
        "type_restriction": "beperking van de verwerking van uw persoonsgegevens (AVG art. 18)",
        "type_objection": "bezwaar tegen de verwerking van uw persoonsgegevens (AVG art. 21)",
        "basis_art_12_5_manifestly_unfounded": "het verzoek is kennelijk ongegrond (AVG art. 12, lid 5, onder b)",
        "basis_art_12_5_excessive": "het verzoek is buitensporig, met name vanwege het repetitieve karakter "
        "(AVG art. 12, lid 5, onder b)",
        "basis_identity_not_established": "wij konden niet vaststellen dat u de persoon bent op wie de gegevens "
        "betrekking hebben (AVG art. 11, lid 2, en art. 12, lid 6)",
        "basis_art_17_3_a_expression": "wissing is niet vereist voor zover de verwerking nodig is voor het "
        "uitoefenen van het recht op vrijheid van meningsuiting en informatie (AVG art. 17, lid 3, onder a)",
        "basis_art_17_3_b_legal_obligation": "wissing is niet vereist voor zover de verwerking nodig is om te "
        "voldoen aan een wettelijke verwerkingsverplichting die op ons rust krachtens het Unierecht of het "
        "lidstatelijke recht, of voor de vervulling van een taak van algemeen belang of van een taak in het kader "
        "van de uitoefening van het openbaar gezag dat aan ons is opgedragen (AVG art. 17, lid 3, onder b)",
        "basis_art_17_3_c_public_health": "wissing is niet vereist voor zover de verwerking nodig is om redenen "
        "van algemeen belang op het gebied van de volksgezondheid (AVG art. 17, lid 3, onder c, in samenhang met "
        "art. 9, lid 2, onder h en i, en lid 3)",
        "basis_art_17_3_d_archiving_research": "wissing is niet vereist voor zover de verwerking nodig is met het "
        "oog op archivering in het algemeen belang, wetenschappelijk of historisch onderzoek of statistische "
        "doeleinden, voor zover wissing de verwezenlijking van die doeleinden onmogelijk dreigt te maken of "
        "ernstig in het gedrang dreigt te brengen (AVG art. 17, lid 3, onder d, in samenhang met art. 89, lid 1)",
        "basis_art_17_3_e_legal_claims": "wissing is niet vereist voor zover de verwerking nodig is voor de "
        "instelling, uitoefening of onderbouwing van een rechtsvordering (AVG art. 17, lid 3, onder e)",
        "basis_art_23_restriction": "een wet van de Europese Unie of van een lidstaat beperkt dit recht, zoals AVG "
        "art. 23 toestaat, bijvoorbeeld om het onderzoek naar of de vervolging van strafbare feiten niet te "
        "schaden",
        "refusal_law": "De wettelijke bepaling waarop wij ons beroepen",
        "partial_title": "Het deel van uw verzoek waaraan wij geen gevolg geven",
        "partial_intro": "Wij beantwoorden de rest van uw verzoek in dit document, maar niet het hieronder "
        "beschreven deel (AVG art. 12, lid 4).",
        "partial_scope": "Waaraan wij geen gevolg geven",
        "partial_basis": "Grond",
        "partial_reason": "Onze redenen",
        "partial_late": "Dit bereikt u na de maand waarbinnen de wet ons vraagt u van een weigering op de hoogte "
        "te stellen (AVG art. 12, lid 4). Waarom het later komt",
        "partial_remedies": "Bent u het hier niet mee eens, dan hebt u het recht een klacht in te dienen bij een "
        "toezichthoudende autoriteit en naar de rechter te stappen (AVG art. 12, lid 4, art. 77 en 79): zie "
        "hieronder.",
        "basis_other": "de hieronder vermelde reden",
        "late_refusal": "Dit antwoord bereikt u na de maand waarin de wet ons verplicht u een weigering mee te delen "
        "(AVG art. 12, lid 4); een verlenging van de antwoordtermijn verlengt die maand niet. Waarom het laat komt:",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "Wij hebben uw persoonsgegevens gerectificeerd (AVG art. 16). Wat wij hebben verbeterd:",
        "decision_not_rectified": "Wij hebben uw persoonsgegevens niet gerectificeerd: wij achten ze juist (AVG art. "
        "16). Onze redenen:",
        "decision_not_restricted": "Wij hebben de verwerking van uw persoonsgegevens niet beperkt: geen van de "
        "voorwaarden van AVG art. 18, lid 1, is van toepassing. Onze redenen:",
        "decision_objection_rejected": "Wij wijzen uw bezwaar af (AVG art. 21, lid 1): wij hebben dwingende "
        "gerechtvaardigde gronden voor de verwerking die zwaarder wegen dan uw belangen, rechten en vrijheden, of de "
        "verwerking is nodig voor de instelling, uitoefening of onderbouwing van een rechtsvordering. Deze gronden "
        "zijn:",
        "decision_restricted": "Wij hebben de verwerking van uw persoonsgegevens beperkt (AVG art. 18).",
        "decision_restricted_notice": "Wij laten het u weten voordat wij die opheffen (AVG art. 18, lid 3).",
        "decision_objection_upheld": "Wij willigen uw bezwaar in (AVG art. 21, lid 1): wij stoppen met de verwerking "
        "van uw persoonsgegevens.",
        "decision_cite_withheld": " (AVG art. 18, lid 1, onder d)",
        "decision_cite_lift": " (AVG art. 18, lid 3)",
        "decision_recipients_rectified": "Ontvangers ingelicht over de rectificatie (art. 19)",
        "decision_recipients_restricted": "Ontvangers ingelicht over de beperking (art. 19)",
        "yes": "ja",
        "no": "nee",
        "none": "geen",
        "unknown": "onbekend",
        "system": "de verzoekendienst (automatisch)",
    },
    "fr": {
        "dpo": "Délégué à la protection des données",
        "eu_representative": "Représentant dans l'UE (RGPD, art. 27)",
        "legal_basis": "La base juridique que nous invoquons",
        "dpia": "Analyse d'impact relative à la protection des données (RGPD, art. 35)",
        "draft": "PROJET pour vérification par le personnel — non envoyé au demandeur",
        "transfer_adequacy": "une décision d'adéquation de la Commission européenne pour ce pays (RGPD, art. 45)",
        "transfer_adequacy_in_scope": "la décision d'adéquation de la Commission européenne pour ce pays, qui couvre "
        "%(scope)s ; le destinataire est enregistré comme tel (RGPD, art. 45)",
        "transfer_sccs": "les clauses types de protection des données adoptées par la Commission européenne (RGPD, "
        "art. 46, § 2, c), signées le %(date)s ; vous pouvez nous en demander une copie",
        "transfer_derogation": "une dérogation pour une situation particulière (RGPD, art. 49, § 1) : %(derogation)s",
        "transfer_none": "aucune : ni décision d'adéquation, ni garantie, ni dérogation ne couvre ce transfert",
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
        "type_rectification": "rectification de vos données personnelles (RGPD, art. 16)",
        "type_restriction": "limitation du traitement de vos données personnelles (RGPD, art. 18)",
        "type_objection": "opposition au traitement de vos données personnelles (RGPD, art. 21)",
        "basis_art_12_5_manifestly_unfounded": "la demande est manifestement infondée (RGPD, art. 12, § 5, b)",
        "basis_art_12_5_excessive": "la demande est excessive, notamment en raison de son caractère répétitif "
        "(RGPD, art. 12, § 5, b)",
        "basis_identity_not_established": "nous n'avons pas pu établir que vous êtes la personne concernée par "
        "les données (RGPD, art. 11, § 2, et art. 12, § 6)",
        "basis_art_17_3_a_expression": "l'effacement n'est pas requis dans la mesure où le traitement est "
        "nécessaire à l'exercice du droit à la liberté d'expression et d'information (RGPD, art. 17, § 3, a)",
        "basis_art_17_3_b_legal_obligation": "l'effacement n'est pas requis dans la mesure où le traitement est "
        "nécessaire pour respecter une obligation légale prévue par le droit de l'Union ou par le droit de l'État "
        "membre auquel nous sommes soumis, ou pour exécuter une mission d'intérêt public ou relevant de l'exercice "
        "de l'autorité publique dont nous sommes investis (RGPD, art. 17, § 3, b)",
        "basis_art_17_3_c_public_health": "l'effacement n'est pas requis dans la mesure où le traitement est "
        "nécessaire pour des motifs d'intérêt public dans le domaine de la santé publique (RGPD, art. 17, § 3, c, "
        "et art. 9, § 2, h et i, et § 3)",
        "basis_art_17_3_d_archiving_research": "l'effacement n'est pas requis dans la mesure où le traitement est "
        "nécessaire à des fins archivistiques dans l'intérêt public, à des fins de recherche scientifique ou "
        "historique ou à des fins statistiques, dans la mesure où l'effacement est susceptible de rendre "
        "impossible ou de compromettre gravement la réalisation des objectifs de ce traitement (RGPD, art. 17, "
        "§ 3, d, et art. 89, § 1)",
        "basis_art_17_3_e_legal_claims": "l'effacement n'est pas requis dans la mesure où le traitement est "
        "nécessaire à la constatation, à l'exercice ou à la défense de droits en justice (RGPD, art. 17, § 3, e)",
        "basis_art_23_restriction": "une loi de l'Union européenne ou d'un État membre limite ce droit, comme le "
        "permet l'article 23 du RGPD, par exemple pour ne pas nuire à la recherche ou à la poursuite "
        "d'infractions pénales",
        "refusal_law": "La disposition légale que nous invoquons",
        "partial_title": "La partie de votre demande à laquelle nous ne donnons pas suite",
        "partial_intro": "Nous répondons au reste de votre demande dans ce document, mais pas à la partie décrite "
        "ci-dessous (RGPD, art. 12, § 4).",
        "partial_scope": "Ce à quoi nous ne donnons pas suite",
        "partial_basis": "Motif",
        "partial_reason": "Nos raisons",
        "partial_late": "Cette réponse vous parvient après le délai d'un mois dans lequel la loi nous demande de "
        "vous informer d'un refus (RGPD, art. 12, § 4). Pourquoi elle arrive tard",
        "partial_remedies": "Si vous n'êtes pas d'accord, vous avez le droit d'introduire une réclamation auprès "
        "d'une autorité de contrôle et de former un recours juridictionnel (RGPD, art. 12, § 4, art. 77 et 79) : "
        "voir ci-dessous.",
        "basis_other": "le motif indiqué ci-dessous",
        "late_refusal": "Cette réponse vous parvient après le délai d'un mois dans lequel la loi nous impose de vous "
        "informer d'un refus (article 12, paragraphe 4, du RGPD) ; une prolongation du délai de réponse ne prolonge "
        "pas ce délai. Raison du retard :",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "Nous avons rectifié vos données personnelles (RGPD, art. 16). Ce que nous avons "
        "corrigé :",
        "decision_not_rectified": "Nous n'avons pas rectifié vos données personnelles : nous les considérons comme "
        "exactes (RGPD, art. 16). Nos motifs :",
        "decision_not_restricted": "Nous n'avons pas limité le traitement de vos données personnelles : aucune des "
        "conditions de l'article 18, § 1, du RGPD n'est remplie. Nos motifs :",
        "decision_objection_rejected": "Nous rejetons votre opposition (RGPD, art. 21, § 1) : nous avons des motifs "
        "légitimes et impérieux pour le traitement qui prévalent sur vos intérêts, droits et libertés, ou le "
        "traitement est nécessaire à la constatation, à l'exercice ou à la défense de droits en justice. Ces motifs "
        "sont :",
        "decision_restricted": "Nous avons limité le traitement de vos données personnelles (RGPD, art. 18).",
        "decision_restricted_notice": "Nous vous informerons avant de la lever (RGPD, art. 18, § 3).",
        "decision_objection_upheld": "Nous faisons droit à votre opposition (RGPD, art. 21, § 1) : nous cessons de "
        "traiter vos données personnelles.",
        "decision_cite_withheld": " (RGPD, art. 18, § 1, d))",
        "decision_cite_lift": " (RGPD, art. 18, § 3)",
        "decision_recipients_rectified": "Destinataires informés de la rectification (art. 19)",
        "decision_recipients_restricted": "Destinataires informés de la limitation (art. 19)",
        "yes": "oui",
        "no": "non",
        "none": "aucun",
        "unknown": "inconnu",
        "system": "le service des demandes (automatique)",
    },
    "it": {
        "dpo": "Responsabile della protezione dei dati",
        "eu_representative": "Rappresentante nell'UE (RGPD, art. 27)",
        "legal_basis": "La base giuridica su cui ci fondiamo",
        "dpia": "Valutazione d'impatto sulla protezione dei dati (RGPD, art. 35)",
        "draft": "BOZZA per il controllo del personale — non inviata al richiedente",
        "transfer_adequacy": "una decisione di adeguatezza della Commissione europea per questo Paese (RGPD, art. 45)",
        "transfer_adequacy_in_scope": "la decisione di adeguatezza della Commissione europea per questo Paese, che "
        "riguarda %(scope)s; il destinatario è registrato come tale (RGPD, art. 45)",
        "transfer_sccs": "le clausole tipo di protezione dei dati adottate dalla Commissione europea (RGPD, art. 46, "
        "par. 2, lett. c), firmate il %(date)s; può chiederci una copia",
        "transfer_derogation": "una deroga in una situazione specifica (RGPD, art. 49, par. 1): %(derogation)s",
        "transfer_none": "nessuna: nessuna decisione di adeguatezza, garanzia o deroga copre questo trasferimento",
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
        "type_rectification": "rettifica dei suoi dati personali (RGPD, art. 16)",
        "type_restriction": "limitazione del trattamento dei suoi dati personali (RGPD, art. 18)",
        "type_objection": "opposizione al trattamento dei suoi dati personali (RGPD, art. 21)",
        "basis_art_12_5_manifestly_unfounded": "la richiesta è manifestamente infondata (RGPD, art. 12, par. 5, "
        "lett. b)",
        "basis_art_12_5_excessive": "la richiesta è eccessiva, in particolare per il suo carattere ripetitivo "
        "(RGPD, art. 12, par. 5, lett. b)",
        "basis_identity_not_established": "non abbiamo potuto accertare che lei sia la persona cui i dati si "
        "riferiscono (RGPD, art. 11, par. 2, e art. 12, par. 6)",
        "basis_art_17_3_a_expression": "la cancellazione non è dovuta nella misura in cui il trattamento sia "
        "necessario per l'esercizio del diritto alla libertà di espressione e di informazione (RGPD, art. 17, "
        "par. 3, lett. a)",
        "basis_art_17_3_b_legal_obligation": "la cancellazione non è dovuta nella misura in cui il trattamento sia "
        "necessario per l'adempimento di un obbligo giuridico previsto dal diritto dell'Unione o dello Stato "
        "membro cui siamo soggetti, o per l'esecuzione di un compito svolto nel pubblico interesse oppure "
        "nell'esercizio di pubblici poteri di cui siamo investiti (RGPD, art. 17, par. 3, lett. b)",
        "basis_art_17_3_c_public_health": "la cancellazione non è dovuta nella misura in cui il trattamento sia "
        "necessario per motivi di interesse pubblico nel settore della sanità pubblica (RGPD, art. 17, par. 3, "
        "lett. c, e art. 9, par. 2, lett. h e i, e par. 3)",
        "basis_art_17_3_d_archiving_research": "la cancellazione non è dovuta nella misura in cui il trattamento "
        "sia necessario a fini di archiviazione nel pubblico interesse, di ricerca scientifica o storica o a fini "
        "statistici, nella misura in cui la cancellazione rischi di rendere impossibile o di pregiudicare "
        "gravemente il conseguimento degli obiettivi di tale trattamento (RGPD, art. 17, par. 3, lett. d, e "
        "art. 89, par. 1)",
        "basis_art_17_3_e_legal_claims": "la cancellazione non è dovuta nella misura in cui il trattamento sia "
        "necessario per l'accertamento, l'esercizio o la difesa di un diritto in sede giudiziaria (RGPD, art. 17, "
        "par. 3, lett. e)",
        "basis_art_23_restriction": "una legge dell'Unione europea o di uno Stato membro limita questo diritto, "
        "come consente l'art. 23 del RGPD, ad esempio per non pregiudicare l'accertamento o il perseguimento di "
        "reati",
        "refusal_law": "La disposizione di legge su cui ci fondiamo",
        "partial_title": "La parte della sua richiesta a cui non diamo seguito",
        "partial_intro": "Rispondiamo al resto della sua richiesta in questo documento, ma non alla parte descritta "
        "di seguito (RGPD, art. 12, par. 4).",
        "partial_scope": "Ciò a cui non diamo seguito",
        "partial_basis": "Motivo",
        "partial_reason": "Le nostre ragioni",
        "partial_late": "Questa risposta le giunge dopo il mese entro il quale la legge ci chiede di informarla di "
        "un rifiuto (RGPD, art. 12, par. 4). Perché arriva in ritardo",
        "partial_remedies": "Se non è d'accordo, ha il diritto di proporre reclamo a un'autorità di controllo e di "
        "proporre ricorso giurisdizionale (RGPD, art. 12, par. 4, artt. 77 e 79): si veda più avanti.",
        "basis_other": "il motivo indicato di seguito",
        "late_refusal": "Questa risposta le giunge dopo il mese entro il quale la legge ci impone di comunicarle un "
        "rifiuto (art. 12, par. 4, RGPD); una proroga del termine di risposta non proroga tale mese. Motivo del "
        "ritardo:",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "Abbiamo rettificato i suoi dati personali (RGPD, art. 16). Che cosa abbiamo corretto:",
        "decision_not_rectified": "Non abbiamo rettificato i suoi dati personali: li riteniamo esatti (RGPD, art. "
        "16). I nostri motivi:",
        "decision_not_restricted": "Non abbiamo limitato il trattamento dei suoi dati personali: non ricorre nessuna "
        "delle condizioni dell'articolo 18, paragrafo 1, del RGPD. I nostri motivi:",
        "decision_objection_rejected": "Respingiamo la sua opposizione (RGPD, art. 21, paragrafo 1): abbiamo motivi "
        "legittimi cogenti per il trattamento che prevalgono sui suoi interessi, diritti e libertà, oppure il "
        "trattamento è necessario per l'accertamento, l'esercizio o la difesa di un diritto in sede giudiziaria. Tali "
        "motivi sono:",
        "decision_restricted": "Abbiamo limitato il trattamento dei suoi dati personali (RGPD, art. 18).",
        "decision_restricted_notice": "La informeremo prima di revocarla (RGPD, art. 18, paragrafo 3).",
        "decision_objection_upheld": "Accogliamo la sua opposizione (RGPD, art. 21, paragrafo 1): cessiamo di "
        "trattare i suoi dati personali.",
        "decision_cite_withheld": " (RGPD, art. 18, paragrafo 1, lettera d)",
        "decision_cite_lift": " (RGPD, art. 18, paragrafo 3)",
        "decision_recipients_rectified": "Destinatari informati della rettifica (art. 19)",
        "decision_recipients_restricted": "Destinatari informati della limitazione (art. 19)",
        "yes": "sì",
        "no": "no",
        "none": "nessuno",
        "unknown": "sconosciuto",
        "system": "il servizio richieste (automatico)",
    },
    "de": {
        "dpo": "Datenschutzbeauftragter",
        "eu_representative": "Vertreter in der EU (Art. 27 DSGVO)",
        "legal_basis": "Die Rechtsgrundlage, auf die wir uns stützen",
        "dpia": "Datenschutz-Folgenabschätzung (Art. 35 DSGVO)",
        "draft": "ENTWURF zur Prüfung durch Mitarbeitende — nicht an die antragstellende Person gesendet",
        "transfer_adequacy": "ein Angemessenheitsbeschluss der Europäischen Kommission für dieses Land (Art. 45 DSGVO)",
        "transfer_adequacy_in_scope": "der Angemessenheitsbeschluss der Europäischen Kommission für dieses Land, der "
        "%(scope)s erfasst; der Empfänger ist als einer von ihnen erfasst (Art. 45 DSGVO)",
        "transfer_sccs": "von der Europäischen Kommission erlassene Standarddatenschutzklauseln (Art. 46 Abs. 2 "
        "lit. c DSGVO), unterzeichnet am %(date)s; Sie können eine Kopie bei uns anfordern",
        "transfer_derogation": "eine Ausnahme für einen bestimmten Fall (Art. 49 Abs. 1 DSGVO): %(derogation)s",
        "transfer_none": "keine: Weder ein Angemessenheitsbeschluss noch eine Garantie oder Ausnahme deckt diese "
        "Übermittlung",
        "our_reference": "Unser Zeichen",
        "date": "Datum",
        "subject": "Betreff",
        "to": "An",
        "page": "Seite",
        "of": "von",
        "report": "Dokument",
        "generated": "erstellt am",
        "by": "von",
        "from": "Zum Antrag",
        "verify": "Prüfung dieser Datei: python manage.py verify_report DATEI (ihr SHA-256 steht im Prüfprotokoll)",
        "type_access": "Auskunft über Ihre personenbezogenen Daten (Art. 15 DSGVO)",
        "type_erasure": "Löschung Ihrer personenbezogenen Daten (Art. 17 DSGVO)",
        "type_both": "Auskunft über Ihre personenbezogenen Daten und deren Löschung (Art. 15 und 17 DSGVO)",
        "type_rectification": "Berichtigung Ihrer personenbezogenen Daten (Art. 16 DSGVO)",
        "type_restriction": "Einschränkung der Verarbeitung Ihrer personenbezogenen Daten (Art. 18 DSGVO)",
        "type_objection": "Widerspruch gegen die Verarbeitung Ihrer personenbezogenen Daten (Art. 21 DSGVO)",
        "basis_art_12_5_manifestly_unfounded": "der Antrag ist offenkundig unbegründet (Art. 12 Abs. 5 Satz 2 "
        "lit. b DSGVO)",
        "basis_art_12_5_excessive": "der Antrag ist exzessiv, insbesondere im Fall häufiger Wiederholung "
        "(Art. 12 Abs. 5 Satz 2 lit. b DSGVO)",
        "basis_identity_not_established": "wir konnten nicht feststellen, dass Sie die Person sind, auf die sich "
        "die Daten beziehen (Art. 11 Abs. 2 und Art. 12 Abs. 6 DSGVO)",
        "basis_art_17_3_a_expression": "eine Löschung ist nicht geboten, soweit die Verarbeitung zur Ausübung des "
        "Rechts auf freie Meinungsäußerung und Information erforderlich ist (Art. 17 Abs. 3 lit. a DSGVO)",
        "basis_art_17_3_b_legal_obligation": "eine Löschung ist nicht geboten, soweit die Verarbeitung zur "
        "Erfüllung einer rechtlichen Verpflichtung erforderlich ist, die die Verarbeitung nach dem Recht der Union "
        "oder der Mitgliedstaaten, dem wir unterliegen, erfordert, oder zur Wahrnehmung einer Aufgabe, die im "
        "öffentlichen Interesse liegt oder in Ausübung öffentlicher Gewalt erfolgt, die uns übertragen wurde "
        "(Art. 17 Abs. 3 lit. b DSGVO)",
        "basis_art_17_3_c_public_health": "eine Löschung ist nicht geboten, soweit die Verarbeitung aus Gründen des "
        "öffentlichen Interesses im Bereich der öffentlichen Gesundheit erforderlich ist (Art. 17 Abs. 3 lit. c "
        "DSGVO in Verbindung mit Art. 9 Abs. 2 lit. h und i sowie Abs. 3)",
        "basis_art_17_3_d_archiving_research": "eine Löschung ist nicht geboten, soweit die Verarbeitung für im "
        "öffentlichen Interesse liegende Archivzwecke, wissenschaftliche oder historische Forschungszwecke oder "
        "für statistische Zwecke erforderlich ist, soweit die Löschung voraussichtlich die Verwirklichung der Ziele "
        "dieser Verarbeitung unmöglich macht oder ernsthaft beeinträchtigt (Art. 17 Abs. 3 lit. d DSGVO in "
        "Verbindung mit Art. 89 Abs. 1)",
        "basis_art_17_3_e_legal_claims": "eine Löschung ist nicht geboten, soweit die Verarbeitung zur "
        "Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen erforderlich ist (Art. 17 Abs. 3 lit. e "
        "DSGVO)",
        "basis_art_23_restriction": "eine Rechtsvorschrift der Europäischen Union oder eines Mitgliedstaats "
        "beschränkt dieses Recht, wie Art. 23 DSGVO es erlaubt, zum Beispiel damit die Ermittlung oder Verfolgung "
        "von Straftaten nicht beeinträchtigt wird",
        "refusal_law": "Die Rechtsvorschrift, auf die wir uns stützen",
        "partial_title": "Der Teil Ihres Antrags, dem wir nicht nachkommen",
        "partial_intro": "Den übrigen Teil Ihres Antrags beantworten wir in diesem Dokument, nicht aber den unten "
        "beschriebenen Teil (Art. 12 Abs. 4 DSGVO).",
        "partial_scope": "Dem wir nicht nachkommen",
        "partial_basis": "Grund",
        "partial_reason": "Unsere Gründe",
        "partial_late": "Dies erreicht Sie nach Ablauf des einen Monats, innerhalb dessen das Gesetz uns verpflichtet, "
        "Sie über eine Ablehnung zu unterrichten (Art. 12 Abs. 4 DSGVO). Warum es später kommt",
        "partial_remedies": "Wenn Sie nicht einverstanden sind, haben Sie das Recht auf Beschwerde bei einer "
        "Aufsichtsbehörde und das Recht, ein Gericht anzurufen (Art. 12 Abs. 4, Art. 77 und 79 DSGVO): siehe "
        "unten.",
        "basis_other": "der unten angegebene Grund",
        "late_refusal": "Diese Antwort erreicht Sie nach Ablauf des einen Monats, innerhalb dessen das Gesetz uns "
        "verpflichtet, Sie über eine Ablehnung zu unterrichten (Art. 12 Abs. 4 DSGVO); eine Verlängerung der "
        "Antwortfrist verlängert diesen Monat nicht. Warum sie verspätet kommt:",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "Wir haben Ihre personenbezogenen Daten berichtigt (Art. 16 DSGVO). Was wir berichtigt "
        "haben:",
        "decision_not_rectified": "Wir haben Ihre personenbezogenen Daten nicht berichtigt, da wir sie für richtig "
        "halten (Art. 16 DSGVO). Unsere Gründe:",
        "decision_not_restricted": "Wir haben die Verarbeitung Ihrer personenbezogenen Daten nicht eingeschränkt, da "
        "keine der Voraussetzungen des Art. 18 Abs. 1 DSGVO vorliegt. Unsere Gründe:",
        "decision_objection_rejected": "Wir weisen Ihren Widerspruch zurück (Art. 21 Abs. 1 DSGVO): Wir haben "
        "zwingende schutzwürdige Gründe für die Verarbeitung, die Ihre Interessen, Rechte und Freiheiten überwiegen, "
        "oder die Verarbeitung dient der Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen. Diese "
        "Gründe sind:",
        "decision_restricted": "Wir haben die Verarbeitung Ihrer personenbezogenen Daten eingeschränkt (Art. 18 "
        "DSGVO).",
        "decision_restricted_notice": "Wir unterrichten Sie, bevor wir sie aufheben (Art. 18 Abs. 3 DSGVO).",
        "decision_objection_upheld": "Wir geben Ihrem Widerspruch statt (Art. 21 Abs. 1 DSGVO): Wir verarbeiten Ihre "
        "personenbezogenen Daten nicht mehr.",
        "decision_cite_withheld": " (Art. 18 Abs. 1 Buchst. d DSGVO)",
        "decision_cite_lift": " (Art. 18 Abs. 3 DSGVO)",
        "decision_recipients_rectified": "Über die Berichtigung unterrichtete Empfänger (Art. 19)",
        "decision_recipients_restricted": "Über die Einschränkung unterrichtete Empfänger (Art. 19)",
        "yes": "ja",
        "no": "nein",
        "none": "keine",
        "unknown": "unbekannt",
        "system": "der Antragsdienst (automatisch)",
    },
    "es": {
        "dpo": "Delegado de protección de datos",
        "eu_representative": "Representante en la UE (RGPD, art. 27)",
        "legal_basis": "La base jurídica en la que nos basamos",
        "dpia": "Evaluación de impacto relativa a la protección de datos (RGPD, art. 35)",
        "draft": "BORRADOR para revisión del personal — no enviado al solicitante",
        "transfer_adequacy": "una decisión de adecuación de la Comisión Europea para este país (RGPD, art. 45)",
        "transfer_adequacy_in_scope": "la decisión de adecuación de la Comisión Europea para este país, que abarca "
        "%(scope)s; el destinatario consta registrado como tal (RGPD, art. 45)",
        "transfer_sccs": "cláusulas tipo de protección de datos adoptadas por la Comisión Europea (RGPD, art. 46, "
        "apdo. 2, letra c), firmadas el %(date)s; puede pedirnos una copia",
        "transfer_derogation": "una excepción para una situación específica (RGPD, art. 49, apdo. 1): %(derogation)s",
        "transfer_none": "ninguna: ninguna decisión de adecuación, garantía ni excepción ampara esta transferencia",
        "our_reference": "Nuestra referencia",
        "date": "Fecha",
        "subject": "Asunto",
        "to": "Destinatario",
        "page": "Página",
        "of": "de",
        "report": "Documento",
        "generated": "generado el",
        "by": "por",
        "from": "Para la solicitud",
        "verify": "Verificación de este archivo: python manage.py verify_report ARCHIVO (su SHA-256 figura en el "
        "registro de auditoría)",
        "type_access": "acceso a sus datos personales (RGPD, art. 15)",
        "type_erasure": "supresión de sus datos personales (RGPD, art. 17)",
        "type_both": "acceso a sus datos personales y su supresión (RGPD, arts. 15 y 17)",
        "type_rectification": "rectificación de sus datos personales (RGPD, art. 16)",
        "type_restriction": "limitación del tratamiento de sus datos personales (RGPD, art. 18)",
        "type_objection": "oposición al tratamiento de sus datos personales (RGPD, art. 21)",
        "basis_art_12_5_manifestly_unfounded": "la solicitud es manifiestamente infundada (RGPD, art. 12, apdo. 5, "
        "letra b)",
        "basis_art_12_5_excessive": "la solicitud es excesiva, en particular por su carácter repetitivo (RGPD, "
        "art. 12, apdo. 5, letra b)",
        "basis_identity_not_established": "no hemos podido determinar que usted sea la persona a la que se refieren "
        "los datos (RGPD, art. 11, apdo. 2, y art. 12, apdo. 6)",
        "basis_art_17_3_a_expression": "la supresión no procede en la medida en que el tratamiento sea necesario "
        "para ejercer el derecho a la libertad de expresión e información (RGPD, art. 17, apdo. 3, letra a)",
        "basis_art_17_3_b_legal_obligation": "la supresión no procede en la medida en que el tratamiento sea "
        "necesario para el cumplimiento de una obligación legal que requiera el tratamiento de datos impuesta por "
        "el Derecho de la Unión o de los Estados miembros que se nos aplique, o para el cumplimiento de una misión "
        "realizada en interés público o en el ejercicio de poderes públicos que se nos hayan conferido (RGPD, "
        "art. 17, apdo. 3, letra b)",
        "basis_art_17_3_c_public_health": "la supresión no procede en la medida en que el tratamiento sea necesario "
        "por razones de interés público en el ámbito de la salud pública (RGPD, art. 17, apdo. 3, letra c, en "
        "relación con el art. 9, apdo. 2, letras h e i, y apdo. 3)",
        "basis_art_17_3_d_archiving_research": "la supresión no procede en la medida en que el tratamiento sea "
        "necesario con fines de archivo en interés público, fines de investigación científica o histórica o fines "
        "estadísticos, en la medida en que la supresión pueda hacer imposible u obstaculizar gravemente el logro "
        "de los objetivos de dicho tratamiento (RGPD, art. 17, apdo. 3, letra d, en relación con el art. 89, "
        "apdo. 1)",
        "basis_art_17_3_e_legal_claims": "la supresión no procede en la medida en que el tratamiento sea necesario "
        "para la formulación, el ejercicio o la defensa de reclamaciones (RGPD, art. 17, apdo. 3, letra e)",
        "basis_art_23_restriction": "una norma de la Unión Europea o de un Estado miembro limita este derecho, como "
        "permite el RGPD, art. 23, por ejemplo para no perjudicar la investigación o el enjuiciamiento de "
        "infracciones penales",
        "refusal_law": "La disposición legal en la que nos basamos",
        "partial_title": "La parte de su solicitud a la que no damos curso",
        "partial_intro": "Respondemos al resto de su solicitud en este documento, pero no a la parte que se describe "
        "a continuación (RGPD, art. 12, apdo. 4).",
        "partial_scope": "A qué no damos curso",
        "partial_basis": "Motivo",
        "partial_reason": "Nuestras razones",
        "partial_late": "Esta respuesta le llega después del plazo de un mes en el que la ley nos exige informarle "
        "de una denegación (RGPD, art. 12, apdo. 4). Por qué llega tarde",
        "partial_remedies": "Si no está de acuerdo, tiene derecho a presentar una reclamación ante una autoridad de "
        "control y a la tutela judicial (RGPD, arts. 12, apdo. 4, 77 y 79): véase más abajo.",
        "basis_other": "el motivo indicado a continuación",
        "late_refusal": "Esta respuesta le llega después del plazo de un mes en el que la ley nos exige informarle de "
        "una denegación (RGPD, art. 12, apdo. 4); una prórroga del plazo de respuesta no prorroga ese mes. Por qué "
        "llega tarde:",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "Hemos rectificado sus datos personales (RGPD, art. 16). Lo que hemos corregido:",
        "decision_not_rectified": "No hemos rectificado sus datos personales: los consideramos exactos (RGPD, art. "
        "16). Nuestros motivos:",
        "decision_not_restricted": "No hemos limitado el tratamiento de sus datos personales: no se cumple ninguna de "
        "las condiciones del RGPD, art. 18, apdo. 1. Nuestros motivos:",
        "decision_objection_rejected": "Desestimamos su oposición (RGPD, art. 21, apdo. 1): tenemos motivos legítimos "
        "imperiosos para el tratamiento que prevalecen sobre sus intereses, derechos y libertades, o el tratamiento "
        "es necesario para la formulación, el ejercicio o la defensa de reclamaciones. Esos motivos son:",
        "decision_restricted": "Hemos limitado el tratamiento de sus datos personales (RGPD, art. 18).",
        "decision_restricted_notice": "Le informaremos antes de levantarla (RGPD, art. 18, apdo. 3).",
        "decision_objection_upheld": "Estimamos su oposición (RGPD, art. 21, apdo. 1): dejamos de tratar sus datos "
        "personales.",
        "decision_cite_withheld": " (RGPD, art. 18, apdo. 1, letra d)",
        "decision_cite_lift": " (RGPD, art. 18, apdo. 3)",
        "decision_recipients_rectified": "Destinatarios informados de la rectificación (art. 19)",
        "decision_recipients_restricted": "Destinatarios informados de la limitación (art. 19)",
        "yes": "sí",
        "no": "no",
        "none": "ninguno",
        "unknown": "desconocido",
        "system": "el servicio de solicitudes (automático)",
    },
    "el": {
        "dpo": "Υπεύθυνος προστασίας δεδομένων",
        "eu_representative": "Εκπρόσωπος στην ΕΕ (ΓΚΠΔ, άρθρο 27)",
        "legal_basis": "Η νομική βάση στην οποία στηριζόμαστε",
        "dpia": "Εκτίμηση αντικτύπου σχετικά με την προστασία δεδομένων (ΓΚΠΔ, άρθρο 35)",
        "draft": "ΣΧΕΔΙΟ για έλεγχο από το προσωπικό — δεν έχει σταλεί στον αιτούντα",
        "transfer_adequacy": "απόφαση επάρκειας της Ευρωπαϊκής Επιτροπής για τη χώρα αυτή (ΓΚΠΔ, άρθρο 45)",
        "transfer_adequacy_in_scope": "η απόφαση επάρκειας της Ευρωπαϊκής Επιτροπής για τη χώρα αυτή, η οποία "
        "καλύπτει %(scope)s· ο αποδέκτης έχει καταχωριστεί ως τέτοιος (ΓΚΠΔ, άρθρο 45)",
        "transfer_sccs": "τυποποιημένες ρήτρες προστασίας δεδομένων που έχει εκδώσει η Ευρωπαϊκή Επιτροπή (ΓΚΠΔ, "
        "άρθρο 46 παρ. 2 στοιχ. γ), υπογεγραμμένες στις %(date)s· μπορείτε να μας ζητήσετε αντίγραφο",
        "transfer_derogation": "παρέκκλιση για ειδική περίπτωση (ΓΚΠΔ, άρθρο 49 παρ. 1): %(derogation)s",
        "transfer_none": "καμία: καμία απόφαση επάρκειας, εγγύηση ή παρέκκλιση δεν καλύπτει τη διαβίβαση αυτή",
        "our_reference": "Αριθμός αναφοράς μας",
        "date": "Ημερομηνία",
        "subject": "Θέμα",
        "to": "Προς",
        "page": "Σελίδα",
        "of": "από",
        "report": "Έγγραφο",
        "generated": "δημιουργήθηκε στις",
        "by": "από",
        "from": "Για το αίτημα",
        "verify": "Έλεγχος του αρχείου: python manage.py verify_report ΑΡΧΕΙΟ (το SHA-256 του βρίσκεται στο "
        "αρχείο ελέγχου)",
        "type_access": "πρόσβαση στα δεδομένα προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 15)",
        "type_erasure": "διαγραφή των δεδομένων προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 17)",
        "type_both": "πρόσβαση στα δεδομένα προσωπικού χαρακτήρα σας και διαγραφή τους (ΓΚΠΔ, άρθρα 15 και 17)",
        "type_rectification": "διόρθωση των δεδομένων προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 16)",
        "type_restriction": "περιορισμό της επεξεργασίας των δεδομένων προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 18)",
        "type_objection": "εναντίωση στην επεξεργασία των δεδομένων προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 21)",
        "basis_art_12_5_manifestly_unfounded": "το αίτημα είναι προδήλως αβάσιμο (ΓΚΠΔ, άρθρο 12 παρ. 5 στοιχ. β)",
        "basis_art_12_5_excessive": "το αίτημα είναι υπερβολικό, ιδίως λόγω του επαναλαμβανόμενου χαρακτήρα του "
        "(ΓΚΠΔ, άρθρο 12 παρ. 5 στοιχ. β)",
        "basis_identity_not_established": "δεν μπορέσαμε να διαπιστώσουμε ότι είστε το πρόσωπο στο οποίο αφορούν "
        "τα δεδομένα (ΓΚΠΔ, άρθρο 11 παρ. 2 και άρθρο 12 παρ. 6)",
        "basis_art_17_3_a_expression": "η διαγραφή δεν απαιτείται στον βαθμό που η επεξεργασία είναι απαραίτητη "
        "για την άσκηση του δικαιώματος ελευθερίας της έκφρασης και του δικαιώματος ενημέρωσης (ΓΚΠΔ, άρθρο 17 "
        "παρ. 3 στοιχ. α)",
        "basis_art_17_3_b_legal_obligation": "η διαγραφή δεν απαιτείται στον βαθμό που η επεξεργασία είναι "
        "απαραίτητη για τη συμμόρφωση με νομική υποχρέωση που επιβάλλει την επεξεργασία βάσει του δικαίου της "
        "Ένωσης ή του δικαίου κράτους μέλους στο οποίο υπαγόμαστε, ή για την εκπλήρωση καθήκοντος που εκτελείται "
        "προς το δημόσιο συμφέρον ή κατά την άσκηση δημόσιας εξουσίας που μας έχει ανατεθεί (ΓΚΠΔ, άρθρο 17 "
        "παρ. 3 στοιχ. β)",
        "basis_art_17_3_c_public_health": "η διαγραφή δεν απαιτείται στον βαθμό που η επεξεργασία είναι απαραίτητη "
        "για λόγους δημόσιου συμφέροντος στον τομέα της δημόσιας υγείας (ΓΚΠΔ, άρθρο 17 παρ. 3 στοιχ. γ, σε "
        "συνδυασμό με το άρθρο 9 παρ. 2 στοιχ. η και θ και παρ. 3)",
        "basis_art_17_3_d_archiving_research": "η διαγραφή δεν απαιτείται στον βαθμό που η επεξεργασία είναι "
        "απαραίτητη για σκοπούς αρχειοθέτησης προς το δημόσιο συμφέρον, για σκοπούς επιστημονικής ή ιστορικής "
        "έρευνας ή για στατιστικούς σκοπούς, εφόσον η διαγραφή είναι πιθανό να καταστήσει αδύνατη ή να εμποδίσει "
        "σοβαρά την επίτευξη των σκοπών της επεξεργασίας αυτής (ΓΚΠΔ, άρθρο 17 παρ. 3 στοιχ. δ, σε συνδυασμό με "
        "το άρθρο 89 παρ. 1)",
        "basis_art_17_3_e_legal_claims": "η διαγραφή δεν απαιτείται στον βαθμό που η επεξεργασία είναι απαραίτητη "
        "για τη θεμελίωση, άσκηση ή υποστήριξη νομικών αξιώσεων (ΓΚΠΔ, άρθρο 17 παρ. 3 στοιχ. ε)",
        "basis_art_23_restriction": "νόμος της Ευρωπαϊκής Ένωσης ή κράτους μέλους περιορίζει το δικαίωμα αυτό, "
        "όπως επιτρέπει το άρθρο 23 του ΓΚΠΔ, για παράδειγμα ώστε να μη θίγεται η διερεύνηση ή η δίωξη ποινικών "
        "αδικημάτων",
        "refusal_law": "Η διάταξη νόμου στην οποία στηριζόμαστε",
        "partial_title": "Το μέρος του αιτήματός σας επί του οποίου δεν ενεργούμε",
        "partial_intro": "Απαντούμε στο υπόλοιπο αίτημά σας σε αυτό το έγγραφο, όχι όμως στο μέρος που περιγράφεται "
        "παρακάτω (ΓΚΠΔ, άρθρο 12 παρ. 4).",
        "partial_scope": "Επί τίνος δεν ενεργούμε",
        "partial_basis": "Λόγος",
        "partial_reason": "Οι λόγοι μας",
        "partial_late": "Αυτό σας φτάνει μετά τον έναν μήνα εντός του οποίου ο νόμος μάς υποχρεώνει να σας "
        "ενημερώσουμε για απόρριψη (ΓΚΠΔ, άρθρο 12 παρ. 4). Γιατί καθυστερεί",
        "partial_remedies": "Αν διαφωνείτε, έχετε δικαίωμα να υποβάλετε καταγγελία σε εποπτική αρχή και να "
        "προσφύγετε στη δικαιοσύνη (ΓΚΠΔ, άρθρα 12 παρ. 4, 77 και 79): βλ. παρακάτω.",
        "basis_other": "ο λόγος που αναφέρεται παρακάτω",
        "late_refusal": "Η απάντηση αυτή σας φτάνει μετά τον έναν μήνα εντός του οποίου ο νόμος μάς υποχρεώνει να σας "
        "ενημερώσουμε για απόρριψη (ΓΚΠΔ, άρθρο 12 παρ. 4)· η παράταση της προθεσμίας απάντησης δεν παρατείνει τον "
        "μήνα αυτόν. Γιατί καθυστερεί:",
        # The decision letter (GDPR Art. 16, 18, 21; regime_texts.py states the UK GDPR's and the FADP's).
        "decision_rectified": "Διορθώσαμε τα δεδομένα προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 16). Τι διορθώσαμε:",
        "decision_not_rectified": "Δεν διορθώσαμε τα δεδομένα προσωπικού χαρακτήρα σας: τα θεωρούμε ακριβή (ΓΚΠΔ, "
        "άρθρο 16). Οι λόγοι μας:",
        "decision_not_restricted": "Δεν περιορίσαμε την επεξεργασία των δεδομένων προσωπικού χαρακτήρα σας: δεν "
        "συντρέχει καμία από τις προϋποθέσεις του άρθρου 18 παρ. 1 του ΓΚΠΔ. Οι λόγοι μας:",
        "decision_objection_rejected": "Απορρίπτουμε την εναντίωσή σας (ΓΚΠΔ, άρθρο 21 παρ. 1): έχουμε επιτακτικούς "
        "και νόμιμους λόγους για την επεξεργασία, οι οποίοι υπερισχύουν των συμφερόντων, των δικαιωμάτων και των "
        "ελευθεριών σας, ή η επεξεργασία είναι απαραίτητη για τη θεμελίωση, την άσκηση ή την υποστήριξη νομικών "
        "αξιώσεων. Οι λόγοι αυτοί είναι:",
        "decision_restricted": "Περιορίσαμε την επεξεργασία των δεδομένων προσωπικού χαρακτήρα σας (ΓΚΠΔ, άρθρο 18).",
        "decision_restricted_notice": "Θα σας ενημερώσουμε πριν τον άρουμε (ΓΚΠΔ, άρθρο 18 παρ. 3).",
        "decision_objection_upheld": "Κάνουμε δεκτή την εναντίωσή σας (ΓΚΠΔ, άρθρο 21 παρ. 1): παύουμε να "
        "επεξεργαζόμαστε τα δεδομένα προσωπικού χαρακτήρα σας.",
        "decision_cite_withheld": " (ΓΚΠΔ, άρθρο 18 παρ. 1 στοιχ. δ)",
        "decision_cite_lift": " (ΓΚΠΔ, άρθρο 18 παρ. 3)",
        "decision_recipients_rectified": "Αποδέκτες που ενημερώθηκαν για τη διόρθωση (άρθρο 19)",
        "decision_recipients_restricted": "Αποδέκτες που ενημερώθηκαν για τον περιορισμό (άρθρο 19)",
        "yes": "ναι",
        "no": "όχι",
        "none": "κανένα",
        "unknown": "άγνωστο",
        "system": "η υπηρεσία αιτημάτων (αυτόματα)",
    },
}


def text_for(language: str) -> dict[str, str]:
    return TEXT.get(language) or TEXT["en"]


def letter_language(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"
