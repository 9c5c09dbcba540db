"""The law a letter cites, per regime (compliance/regimes.py) and language.

The EU GDPR phrases are exactly those the letters always printed. The UK GDPR keeps the GDPR's
article numbers (Art. 12, 15, 17, 77-79), so a UK letter cites the same articles of the UK GDPR.
The Swiss FADP numbers differently: the right of access is Art. 25 FADP (answered within 30 days,
Art. 18 FADO), its restrictions and the duty to give reasons Art. 26 FADP, rectification and
erasure claims Art. 32 FADP; the FDPIC investigates on a report (Art. 49 FADP) and the civil
courts decide claims (Art. 20 Civil Procedure Code: the court at either party's domicile or seat).
A Swiss letter says so at its head (`statement`), because its section headings keep the GDPR's
list of information, which covers everything Art. 25(2) FADP requires.
A Swiss refusal cites the FADP's own ground (FADP_GROUNDS: Art. 26(1)(a) or (c) for access,
Art. 31(1) with Art. 32 for erasure; the mapping and its limits are in compliance/regimes.py), and
its phrases of a partial or late refusal cite Art. 26(4) FADP and Art. 18 FADO, not GDPR Art. 12(4).
A decision on a rectification, restriction or objection (the decision letter) cites for the UK GDPR
the same articles (16, 18, 19, 21) by the UK's name; a Swiss one (FADP_DECISIONS) cites the claims
of Art. 32 FADP and, for an objection, Art. 30(2)(b) with Art. 31 FADP, and states none of the
GDPR's conditions (Art. 18(1), the compelling legitimate grounds of Art. 21(1)).
"""

from __future__ import annotations

import re

from compliance.models import RefusalBasis, Regime
from compliance.regimes import fadp_grounds
from compliance.reports.texts import text_for

# What every language calls the EU GDPR in a citation.
EU_NAME = {"en": "GDPR", "nl": "AVG", "fr": "RGPD", "it": "RGPD", "de": "DSGVO", "es": "RGPD", "el": "ΓΚΠΔ"}

CITATIONS: dict[Regime, dict[str, dict[str, str]]] = {
    Regime.EU_GDPR: {
        "en": {
            "cite_access": "GDPR Art. 15",
            "cite_erasure": "GDPR Art. 17",
            "access_phrase": "GDPR Art. 15",
            "refusal_phrase": "GDPR Art. 12(4)",
        },
        "nl": {
            "cite_access": "AVG art. 15",
            "cite_erasure": "AVG art. 17",
            "access_phrase": "AVG art. 15",
            "refusal_phrase": "AVG art. 12, lid 4,",
        },
        "fr": {
            "cite_access": "RGPD, art. 15",
            "cite_erasure": "RGPD, art. 17",
            "access_phrase": "à l'article 15 du RGPD",
            "refusal_phrase": "L'article 12, § 4, du RGPD",
        },
        "it": {
            "cite_access": "RGPD, art. 15",
            "cite_erasure": "RGPD, art. 17",
            "access_phrase": "all'articolo 15 del RGPD",
            "refusal_phrase": "L'articolo 12, paragrafo 4, del RGPD",
        },
        "de": {
            "cite_access": "Art. 15 DSGVO",
            "cite_erasure": "Art. 17 DSGVO",
            "access_phrase": "Art. 15 DSGVO",
            "refusal_phrase": "Art. 12 Abs. 4 DSGVO",
        },
        "es": {
            "cite_access": "RGPD, art. 15",
            "cite_erasure": "RGPD, art. 17",
            "access_phrase": "el RGPD, art. 15",
            "refusal_phrase": "El RGPD, art. 12, apdo. 4,",
        },
        "el": {
            "cite_access": "ΓΚΠΔ, άρθρο 15",
            "cite_erasure": "ΓΚΠΔ, άρθρο 17",
            "access_phrase": "το άρθρο 15 του ΓΚΠΔ",
            "refusal_phrase": "Το άρθρο 12 παρ. 4 του ΓΚΠΔ",
        },
    },
    Regime.UK_GDPR: {
        "en": {
            "cite_access": "UK GDPR Art. 15",
            "cite_erasure": "UK GDPR Art. 17",
            "access_phrase": "UK GDPR Art. 15",
            "refusal_phrase": "UK GDPR Art. 12(4)",
            "statement": "We handle your request under the UK GDPR and the Data Protection Act 2018, as amended by the "
            "Data (Use and Access) Act 2025, because you live in the United Kingdom. The UK GDPR numbers its "
            "articles as the EU GDPR does; the articles cited in this letter are those of the UK GDPR. Our time "
            "to answer is one month from the latest of the receipt of your request and of the identity "
            "information we asked you for (UK GDPR Art. 12A).",
            "complaint": "If you think we have not handled your request lawfully, you have the right to lodge a "
            "complaint with the Information Commissioner (UK GDPR Art. 77):",
            "court": "You also have the right to an effective judicial remedy: you may go to court against us in the "
            "United Kingdom (UK GDPR Art. 79; Data Protection Act 2018, s. 167), and against a legally binding "
            "decision of the Information Commissioner (UK GDPR Art. 78). You may do both; one does not exclude "
            "the other.",
        },
        "nl": {
            "cite_access": "UK GDPR art. 15",
            "cite_erasure": "UK GDPR art. 17",
            "access_phrase": "UK GDPR art. 15",
            "refusal_phrase": "UK GDPR art. 12, lid 4,",
            "statement": "Wij behandelen uw verzoek volgens de UK GDPR en de Data Protection Act 2018, zoals gewijzigd "
            "door de Data (Use and Access) Act 2025, omdat u in het Verenigd Koninkrijk woont. De UK GDPR nummert "
            "haar artikelen zoals de AVG; de artikelen in deze brief zijn die van de UK GDPR. Wij hebben een maand "
            "om te antwoorden, te rekenen vanaf de ontvangst van uw verzoek of, als dat later is, van de "
            "identiteitsgegevens die wij u vroegen (UK GDPR art. 12A).",
            "complaint": "Vindt u dat wij uw verzoek niet volgens de wet hebben behandeld, dan hebt u het recht een "
            "klacht in te dienen bij de Information Commissioner (UK GDPR art. 77):",
            "court": "U hebt ook recht op een doeltreffende voorziening in rechte: u kunt in het Verenigd Koninkrijk "
            "tegen ons naar de rechter stappen (UK GDPR art. 79; Data Protection Act 2018, s. 167), en tegen een "
            "juridisch bindend besluit van de Information Commissioner (UK GDPR art. 78). U mag beide doen; het "
            "een sluit het ander niet uit.",
        },
        "fr": {
            "cite_access": "UK GDPR, art. 15",
            "cite_erasure": "UK GDPR, art. 17",
            "access_phrase": "à l'article 15 du UK GDPR",
            "refusal_phrase": "L'article 12, § 4, du UK GDPR",
            "statement": "Nous traitons votre demande selon le UK GDPR et le Data Protection Act 2018, tel que modifié "
            "par le Data (Use and Access) Act 2025, parce que vous résidez au Royaume-Uni. Le UK GDPR numérote ses "
            "articles comme le RGPD ; les articles cités dans cette lettre sont ceux du UK GDPR. Nous disposons "
            "d'un mois pour répondre, à compter de la réception de votre demande ou, si elle est postérieure, de "
            "celle des informations d'identité que nous vous avons demandées (UK GDPR, art. 12A).",
            "complaint": "Si vous estimez que nous n'avons pas traité votre demande conformément à la loi, vous avez "
            "le droit d'introduire une réclamation auprès de l'Information Commissioner (UK GDPR, art. 77) :",
            "court": "Vous avez également droit à un recours juridictionnel effectif : vous pouvez saisir contre nous "
            "les juridictions du Royaume-Uni (UK GDPR, art. 79 ; Data Protection Act 2018, s. 167), ainsi que "
            "contester une décision juridiquement contraignante de l'Information Commissioner (UK GDPR, art. 78). "
            "Vous pouvez faire les deux ; l'un n'exclut pas l'autre.",
        },
        "it": {
            "cite_access": "UK GDPR, art. 15",
            "cite_erasure": "UK GDPR, art. 17",
            "access_phrase": "all'articolo 15 del UK GDPR",
            "refusal_phrase": "L'articolo 12, paragrafo 4, del UK GDPR",
            "statement": "Trattiamo la sua richiesta secondo il UK GDPR e il Data Protection Act 2018, come modificato "
            "dal Data (Use and Access) Act 2025, perché lei risiede nel Regno Unito. Il UK GDPR numera i suoi "
            "articoli come il RGPD; gli articoli citati in questa lettera sono quelli del UK GDPR. Abbiamo un mese "
            "per rispondere, a decorrere dal ricevimento della sua richiesta o, se successivo, dal ricevimento "
            "delle informazioni sulla sua identità che le abbiamo chiesto (UK GDPR, art. 12A).",
            "complaint": "Se ritiene che non abbiamo trattato la sua richiesta in conformità alla legge, ha il diritto "
            "di proporre reclamo all'Information Commissioner (UK GDPR, art. 77):",
            "court": "Ha inoltre diritto a un ricorso giurisdizionale effettivo: può agire in giudizio nei nostri "
            "confronti nel Regno Unito (UK GDPR, art. 79; Data Protection Act 2018, s. 167), nonché contro una "
            "decisione giuridicamente vincolante dell'Information Commissioner (UK GDPR, art. 78). Può fare "
            "entrambe le cose; l'una non esclude l'altra.",
        },
        "de": {
            "cite_access": "Art. 15 UK GDPR",
            "cite_erasure": "Art. 17 UK GDPR",
            "access_phrase": "Art. 15 UK GDPR",
            "refusal_phrase": "Art. 12 Abs. 4 UK GDPR",
            "statement": "Wir behandeln Ihren Antrag nach der UK GDPR und dem Data Protection Act 2018 in der Fassung "
            "des Data (Use and Access) Act 2025, weil Sie im Vereinigten Königreich wohnen. Die UK GDPR nummeriert "
            "ihre Artikel wie die DSGVO; die in diesem Schreiben genannten Artikel sind die der UK GDPR. Wir haben "
            "einen Monat Zeit für die Antwort, gerechnet ab dem Eingang Ihres Antrags oder, wenn dieser später "
            "liegt, ab dem Eingang der Angaben zu Ihrer Identität, um die wir Sie gebeten haben (Art. 12A UK GDPR).",
            "complaint": "Wenn Sie der Ansicht sind, dass wir Ihren Antrag nicht rechtmäßig behandelt haben, haben Sie "
            "das Recht auf Beschwerde beim Information Commissioner (Art. 77 UK GDPR):",
            "court": "Sie haben außerdem das Recht auf einen wirksamen gerichtlichen Rechtsbehelf: Sie können gegen "
            "uns vor den Gerichten des Vereinigten Königreichs Klage erheben (Art. 79 UK GDPR; Data Protection Act "
            "2018, s. 167) sowie gegen einen rechtsverbindlichen Beschluss des Information Commissioner (Art. 78 "
            "UK GDPR). Sie können beides tun; das eine schließt das andere nicht aus.",
        },
        "es": {
            "cite_access": "UK GDPR, art. 15",
            "cite_erasure": "UK GDPR, art. 17",
            "access_phrase": "el UK GDPR, art. 15",
            "refusal_phrase": "El UK GDPR, art. 12, apdo. 4,",
            "statement": "Tramitamos su solicitud conforme al UK GDPR y a la Data Protection Act 2018, modificada por "
            "la Data (Use and Access) Act 2025, porque usted reside en el Reino Unido. El UK GDPR numera sus artículos "
            "como el RGPD; los artículos citados en esta carta son los del UK GDPR. Disponemos de un mes para "
            "responder, contado desde la recepción de su solicitud o, si es posterior, desde la recepción de los "
            "datos de identidad que le pedimos (UK GDPR, art. 12A).",
            "complaint": "Si considera que no hemos tramitado su solicitud conforme a la ley, tiene derecho a "
            "presentar una reclamación ante el Information Commissioner (UK GDPR, art. 77):",
            "court": "También tiene derecho a la tutela judicial efectiva: puede ejercitar acciones judiciales contra "
            "nosotros ante los tribunales del Reino Unido (UK GDPR, art. 79; Data Protection Act 2018, s. 167), así "
            "como contra una decisión jurídicamente vinculante del Information Commissioner (UK GDPR, art. 78). "
            "Puede hacer ambas cosas; una no excluye la otra.",
        },
        "el": {
            "cite_access": "UK GDPR, άρθρο 15",
            "cite_erasure": "UK GDPR, άρθρο 17",
            "access_phrase": "το άρθρο 15 του UK GDPR",
            "refusal_phrase": "Το άρθρο 12 παρ. 4 του UK GDPR",
            "statement": "Χειριζόμαστε το αίτημά σας σύμφωνα με τον UK GDPR και τον Data Protection Act 2018, όπως "
            "τροποποιήθηκε από τον Data (Use and Access) Act 2025, επειδή διαμένετε στο Ηνωμένο Βασίλειο. Ο UK GDPR "
            "αριθμεί τα άρθρα του όπως ο ΓΚΠΔ· τα άρθρα που αναφέρονται στην επιστολή αυτή είναι του UK GDPR. "
            "Έχουμε προθεσμία ενός μηνός για να απαντήσουμε, από την παραλαβή του αιτήματός σας ή, αν είναι "
            "μεταγενέστερη, από την παραλαβή των στοιχείων ταυτότητας που σας ζητήσαμε (UK GDPR, άρθρο 12A).",
            "complaint": "Αν θεωρείτε ότι δεν χειριστήκαμε το αίτημά σας σύμφωνα με τον νόμο, έχετε δικαίωμα να "
            "υποβάλετε καταγγελία στον Information Commissioner (UK GDPR, άρθρο 77):",
            "court": "Έχετε επίσης δικαίωμα πραγματικής δικαστικής προσφυγής: μπορείτε να προσφύγετε εναντίον μας στα "
            "δικαστήρια του Ηνωμένου Βασιλείου (UK GDPR, άρθρο 79· Data Protection Act 2018, s. 167), καθώς και "
            "κατά νομικά δεσμευτικής απόφασης του Information Commissioner (UK GDPR, άρθρο 78). Μπορείτε να κάνετε "
            "και τα δύο· το ένα δεν αποκλείει το άλλο.",
        },
    },
    Regime.CH_FADP: {
        "en": {
            "cite_access": "Art. 25 FADP",
            "cite_erasure": "Art. 32 FADP",
            "access_phrase": "Art. 25 FADP",
            "refusal_phrase": "Art. 26(4) FADP",
            "statement": "We handle your request under the Swiss Federal Act on Data Protection of 25 September 2020 "
            "(FADP), because you live in Switzerland. Your right of access is Art. 25 FADP, to be answered within "
            "30 days (Art. 18 of the Data Protection Ordinance, FADO); rectification and erasure are claims under "
            "Art. 32 FADP; restrictions of access and our duty to give reasons are in Art. 26 FADP. The section "
            "headings of this letter follow the list of information of the EU GDPR and cite its articles; that "
            "list covers everything Art. 25(2) FADP requires.",
            "complaint": "If you think we have not handled your request lawfully, you may report it to the Federal "
            "Data Protection and Information Commissioner (FDPIC), who may open an investigation and will tell you "
            "what it did about your report (Art. 49 FADP):",
            "court": "You may also bring your claims before the civil courts, in particular to obtain access, "
            "rectification or erasure (Art. 32 FADP); the court at your domicile or at our seat is competent "
            "(Art. 20 of the Civil Procedure Code). You may do both; one does not exclude the other.",
        },
        "nl": {
            "cite_access": "Zwitserse FADP art. 25",
            "cite_erasure": "Zwitserse FADP art. 32",
            "access_phrase": "art. 25 van de Zwitserse FADP",
            "refusal_phrase": "Art. 26, lid 4, van de Zwitserse FADP",
            "statement": "Wij behandelen uw verzoek volgens de Zwitserse federale wet betreffende gegevensbescherming "
            "van 25 september 2020 (FADP), omdat u in Zwitserland woont. Uw recht op inzage staat in art. 25 FADP "
            "en wordt binnen 30 dagen beantwoord (art. 18 van de verordening betreffende gegevensbescherming, "
            "FADO); rectificatie en wissing zijn vorderingen op grond van art. 32 FADP; beperkingen van de inzage "
            "en onze plicht die te motiveren staan in art. 26 FADP. De kopjes van deze brief volgen de lijst van "
            "informatie van de AVG en noemen haar artikelen; die lijst omvat alles wat art. 25, lid 2, FADP vraagt.",
            "complaint": "Vindt u dat wij uw verzoek niet volgens de wet hebben behandeld, dan kunt u dat melden bij "
            "de Federale Functionaris voor gegevensbescherming en openbaarheid (FDPIC), die een onderzoek kan openen "
            "en u laat weten wat hij met uw melding heeft gedaan (art. 49 FADP):",
            "court": "U kunt uw vorderingen ook voorleggen aan de burgerlijke rechter, met name om inzage, "
            "rectificatie of wissing te verkrijgen (art. 32 FADP); bevoegd is de rechter van uw woonplaats of van "
            "onze zetel (art. 20 van het Zwitserse Wetboek van burgerlijke rechtsvordering). U mag beide doen; het "
            "een sluit het ander niet uit.",
        },
        "fr": {
            "cite_access": "LPD, art. 25",
            "cite_erasure": "LPD, art. 32",
            "access_phrase": "à l'article 25 de la LPD",
            "refusal_phrase": "L'article 26, al. 4, de la LPD",
            "statement": "Nous traitons votre demande selon la loi fédérale suisse sur la protection des données du "
            "25 septembre 2020 (LPD), parce que vous résidez en Suisse. Votre droit d'accès est régi par l'article "
            "25 LPD et la réponse vous est due dans les 30 jours (art. 18 de l'ordonnance sur la protection des "
            "données, OPDo) ; la rectification et l'effacement sont des prétentions fondées sur l'article 32 LPD ; "
            "les restrictions du droit d'accès et notre obligation de les motiver figurent à l'article 26 LPD. Les "
            "titres de cette lettre suivent la liste d'informations du RGPD et en citent les articles ; cette liste "
            "couvre tout ce qu'exige l'article 25, al. 2, LPD.",
            "complaint": "Si vous estimez que nous n'avons pas traité votre demande conformément à la loi, vous pouvez "
            "le dénoncer au Préposé fédéral à la protection des données et à la transparence (PFPDT), qui peut "
            "ouvrir une enquête et vous informera des suites données à votre dénonciation (art. 49 LPD) :",
            "court": "Vous pouvez aussi faire valoir vos prétentions devant les tribunaux civils, notamment pour "
            "obtenir l'accès, la rectification ou l'effacement (art. 32 LPD) ; le tribunal de votre domicile ou de "
            "notre siège est compétent (art. 20 du code de procédure civile). Vous pouvez faire les deux ; l'un "
            "n'exclut pas l'autre.",
        },
        "it": {
            "cite_access": "LPD, art. 25",
            "cite_erasure": "LPD, art. 32",
            "access_phrase": "all'articolo 25 della LPD",
            "refusal_phrase": "L'articolo 26 capoverso 4 della LPD",
            "statement": "Trattiamo la sua richiesta secondo la legge federale svizzera sulla protezione dei dati del "
            "25 settembre 2020 (LPD), perché lei risiede in Svizzera. Il suo diritto d'accesso è disciplinato "
            "dall'articolo 25 LPD e la risposta le è dovuta entro 30 giorni (art. 18 dell'ordinanza sulla "
            "protezione dei dati, OPDa); la rettifica e la cancellazione sono pretese fondate sull'articolo 32 LPD; "
            "le limitazioni del diritto d'accesso e il nostro obbligo di motivarle figurano all'articolo 26 LPD. I "
            "titoli di questa lettera seguono l'elenco di informazioni del RGPD e ne citano gli articoli; tale "
            "elenco comprende tutto ciò che richiede l'articolo 25 capoverso 2 LPD.",
            "complaint": "Se ritiene che non abbiamo trattato la sua richiesta in conformità alla legge, può "
            "segnalarlo all'Incaricato federale della protezione dei dati e della trasparenza (IFPDT), che può "
            "aprire un'inchiesta e la informerà sul seguito dato alla sua segnalazione (art. 49 LPD):",
            "court": "Può anche far valere le sue pretese davanti ai tribunali civili, in particolare per ottenere "
            "l'accesso, la rettifica o la cancellazione (art. 32 LPD); è competente il tribunale del suo domicilio "
            "o della nostra sede (art. 20 del codice di procedura civile). Può fare entrambe le cose; l'una non "
            "esclude l'altra.",
        },
        "de": {
            "cite_access": "Art. 25 DSG",
            "cite_erasure": "Art. 32 DSG",
            "access_phrase": "Art. 25 DSG",
            "refusal_phrase": "Art. 26 Abs. 4 DSG",
            "statement": "Wir behandeln Ihren Antrag nach dem schweizerischen Bundesgesetz über den Datenschutz vom "
            "25. September 2020 (DSG), weil Sie in der Schweiz wohnen. Ihr Auskunftsrecht ergibt sich aus Art. 25 "
            "DSG; die Auskunft ist innert 30 Tagen zu erteilen (Art. 18 der Datenschutzverordnung, DSV). "
            "Berichtigung und Löschung sind Ansprüche nach Art. 32 DSG; Einschränkungen der Auskunft und unsere "
            "Pflicht, sie zu begründen, regelt Art. 26 DSG. Die Überschriften dieses Schreibens folgen der Liste "
            "der Informationen der DSGVO und nennen deren Artikel; diese Liste umfasst alles, was Art. 25 Abs. 2 "
            "DSG verlangt.",
            "complaint": "Wenn Sie der Ansicht sind, dass wir Ihren Antrag nicht rechtmäßig behandelt haben, können "
            "Sie dies dem Eidgenössischen Datenschutz- und Öffentlichkeitsbeauftragten (EDÖB) anzeigen; er kann "
            "eine Untersuchung eröffnen und informiert Sie über die gestützt auf Ihre Anzeige unternommenen "
            "Schritte (Art. 49 DSG):",
            "court": "Sie können Ihre Ansprüche außerdem vor den Zivilgerichten geltend machen, insbesondere auf "
            "Auskunft, Berichtigung oder Löschung (Art. 32 DSG); zuständig ist das Gericht an Ihrem Wohnsitz oder "
            "an unserem Sitz (Art. 20 der Zivilprozessordnung). Sie können beides tun; das eine schließt das andere "
            "nicht aus.",
        },
        "es": {
            "cite_access": "LPD suiza, art. 25",
            "cite_erasure": "LPD suiza, art. 32",
            "access_phrase": "la LPD suiza, art. 25",
            "refusal_phrase": "La LPD suiza, art. 26, apdo. 4,",
            "statement": "Tramitamos su solicitud conforme a la Ley federal suiza de protección de datos de 25 de "
            "septiembre de 2020 (LPD), porque usted reside en Suiza. Su derecho de acceso se rige por el art. 25 "
            "LPD y debe responderse en un plazo de 30 días (art. 18 de la Ordenanza de protección de datos); la "
            "rectificación y la supresión son pretensiones basadas en el art. 32 LPD; las limitaciones del acceso y "
            "nuestra obligación de motivarlas figuran en el art. 26 LPD. Los títulos de esta carta siguen la lista "
            "de información del RGPD y citan sus artículos; esa lista abarca todo lo que exige el art. 25, apdo. 2, "
            "LPD.",
            "complaint": "Si considera que no hemos tramitado su solicitud conforme a la ley, puede denunciarlo ante "
            "el Comisionado federal de protección de datos y transparencia (FDPIC), que puede abrir una investigación "
            "y le informará de lo que haya hecho con su denuncia (art. 49 LPD):",
            "court": "También puede hacer valer sus pretensiones ante los tribunales civiles, en particular para "
            "obtener el acceso, la rectificación o la supresión (art. 32 LPD); es competente el tribunal de su "
            "domicilio o de nuestra sede (art. 20 del Código procesal civil suizo). Puede hacer ambas cosas; una no "
            "excluye la otra.",
        },
        "el": {
            "cite_access": "ελβετικός FADP, άρθρο 25",
            "cite_erasure": "ελβετικός FADP, άρθρο 32",
            "access_phrase": "το άρθρο 25 του ελβετικού FADP",
            "refusal_phrase": "Το άρθρο 26 παρ. 4 του ελβετικού FADP",
            "statement": "Χειριζόμαστε το αίτημά σας σύμφωνα με τον ελβετικό ομοσπονδιακό νόμο για την προστασία "
            "δεδομένων της 25ης Σεπτεμβρίου 2020 (FADP), επειδή διαμένετε στην Ελβετία. Το δικαίωμα πρόσβασής σας "
            "προβλέπεται στο άρθρο 25 FADP και η απάντηση οφείλεται εντός 30 ημερών (άρθρο 18 του διατάγματος για "
            "την προστασία δεδομένων, FADO)· η διόρθωση και η διαγραφή είναι αξιώσεις βάσει του άρθρου 32 FADP· οι "
            "περιορισμοί της πρόσβασης και η υποχρέωσή μας να τους αιτιολογούμε βρίσκονται στο άρθρο 26 FADP. Οι "
            "επικεφαλίδες της επιστολής ακολουθούν τον κατάλογο πληροφοριών του ΓΚΠΔ και αναφέρουν τα άρθρα του· ο "
            "κατάλογος αυτός καλύπτει όσα απαιτεί το άρθρο 25 παρ. 2 FADP.",
            "complaint": "Αν θεωρείτε ότι δεν χειριστήκαμε το αίτημά σας σύμφωνα με τον νόμο, μπορείτε να το "
            "καταγγείλετε στον Ομοσπονδιακό Επίτροπο Προστασίας Δεδομένων και Διαφάνειας (FDPIC), ο οποίος μπορεί "
            "να ανοίξει έρευνα και θα σας ενημερώσει για τη συνέχεια που δόθηκε στην καταγγελία σας (άρθρο 49 "
            "FADP):",
            "court": "Μπορείτε επίσης να προβάλετε τις αξιώσεις σας ενώπιον των πολιτικών δικαστηρίων, ιδίως για "
            "πρόσβαση, διόρθωση ή διαγραφή (άρθρο 32 FADP)· αρμόδιο είναι το δικαστήριο της κατοικίας σας ή της "
            "έδρας μας (άρθρο 20 του ελβετικού Κώδικα Πολιτικής Δικονομίας). Μπορείτε να κάνετε και τα δύο· το ένα "
            "δεν αποκλείει το άλλο.",
        },
    },
}


def _uk_cited(text: str, lang: str) -> str:
    """A GDPR phrase turned into the UK GDPR's: the same articles, the other law's name."""
    return re.sub(rf"\b{re.escape(EU_NAME[lang])}\b", "UK GDPR", text)


def regime_law_texts(regime: str, lang: str, request_type: str | None = None) -> dict[str, str]:
    """What a letter in `lang` cites for the request's law: the keys of CITATIONS, the request
    types (`type_<request type>`) and the refusal grounds (`basis_<value>`): for the UK GDPR the
    same articles under the UK GDPR's name; for the FADP, given the request's type, its own grounds
    (FADP_GROUNDS) and its phrases of a partial or late refusal (`partial_*`, `late_refusal`); and the
    decision letter's sentences (`decision_*`: the GDPR's of texts.py, or FADP_DECISIONS)."""
    regime = Regime(regime)
    lang = lang if lang in EU_NAME else "en"
    texts = text_for(lang)
    law = dict(CITATIONS[regime][lang])
    law["regime"] = regime.value
    if regime == Regime.EU_GDPR:
        law.update({key: value for key, value in texts.items() if key.startswith(("type_", "decision_"))})
        law["late_refusal"] = texts["late_refusal"]
    elif regime == Regime.UK_GDPR:
        law.update(
            {
                key: _uk_cited(value, lang)
                for key, value in texts.items()
                if key.startswith(("type_", "basis_", "partial_", "decision_")) or key == "late_refusal"
            }
        )
    else:
        for kind, cites in (
            ("access", (law["cite_access"],)),
            ("erasure", (law["cite_erasure"],)),
            ("both", (law["cite_access"], law["cite_erasure"])),
            # Art. 32 FADP: rectification (para. 1) and claims to prohibit a processing (para. 2),
            # which is what restriction and objection ask of this store.
            ("rectification", (law["cite_erasure"],)),
            ("restriction", (law["cite_erasure"],)),
            ("objection", (law["cite_erasure"],)),
        ):
            # The phrase without its GDPR citation, then the FADP's.
            words = re.sub(r"\s*\([^()]*\)\s*$", "", texts[f"type_{kind}"])
            law[f"type_{kind}"] = f"{words} ({'; '.join(cites)})"
        phrases = FADP_GROUNDS[lang]
        law.update({key: phrases[key] for key in ("partial_intro", "partial_late", "partial_remedies", "late_refusal")})
        law.update(FADP_DECISIONS[lang])
        if request_type:
            law.update(
                {
                    f"basis_{basis}": fadp_basis_text(basis=basis, request_type=request_type, lang=lang)
                    for basis in RefusalBasis.values
                }
            )
    return law


# The FADP's own refusal grounds as a Swiss letter states them (compliance/regimes.py, "Refusal
# grounds under the FADP"; fadp_grounds picks the keys), in the terms of the official German, French
# and Italian texts of the FADP (DSG, LPD), and the FADP's version of the phrases of a partial or a
# late refusal, which the GDPR letters take from texts.py.
FADP_GROUNDS: dict[str, dict[str, str]] = {
    "en": {
        "unfounded": "the request is manifestly unfounded (Art. 26(1)(c) FADP)",
        "querulous": "the request is manifestly querulous (Art. 26(1)(c) FADP)",
        "identity": "we could not establish that you are the person the data is about, and only that person has the "
        "right of access (Art. 25(1) FADP)",
        "formal_law": "a formal law provides for this restriction of the right of access (Art. 26(1)(a) FADP)",
        "access_other": "the reason stated below (Art. 26 FADP)",
        "expression": "the processing is justified by an overriding interest in freedom of expression and "
        "information, so erasure is not owed (Art. 31(1) and 32 FADP)",
        "legal_obligation": "the processing is justified by law, namely a legal obligation to which we are subject, or "
        "by an overriding public interest, so erasure is not owed (Art. 31(1) and 32 FADP)",
        "public_health": "the processing is justified by an overriding public interest in the area of public health, "
        "so erasure is not owed (Art. 31(1) and 32 FADP)",
        "research": "the processing is justified by an overriding interest in archiving in the public interest, in "
        "scientific or historical research or in statistics, so erasure is not owed (Art. 31(1) and 32 FADP)",
        "legal_claims": "the processing is justified by our overriding interest in the establishment, exercise or "
        "defence of legal claims, so erasure is not owed (Art. 31(1) and 32 FADP)",
        "claim_other": "the reason stated below (Art. 30 to 32 FADP)",
        "as_to_erasure": "as to erasure, ",
        "partial_intro": "We answer the rest of your request in this document, but not the part described below; we "
        "state our reasons (for access, as Art. 26(4) FADP requires).",
        "partial_late": "This reaches you after the 30 days within which the law asks us to answer (Art. 18 FADO). "
        "Why it comes late",
        "partial_remedies": "If you disagree, you may report the matter to the FDPIC (Art. 49 FADP) and bring your "
        "claims before the civil courts (Art. 32 FADP): see below.",
        "late_refusal": "This answer reaches you after the 30 days within which the law asks us to answer "
        "(Art. 18 FADO). Why it comes late:",
    },
    "nl": {
        "unfounded": "het verzoek is kennelijk ongegrond (art. 26, lid 1, onder c, FADP)",
        "querulous": "het verzoek is kennelijk querulant (art. 26, lid 1, onder c, FADP)",
        "identity": "wij konden niet vaststellen dat u de persoon bent op wie de gegevens betrekking hebben, en alleen "
        "die persoon heeft recht op inzage (art. 25, lid 1, FADP)",
        "formal_law": "een wet in formele zin voorziet in deze beperking van het recht op inzage (art. 26, lid 1, "
        "onder a, FADP)",
        "access_other": "de hieronder vermelde reden (art. 26 FADP)",
        "expression": "de verwerking is gerechtvaardigd door een zwaarder wegend belang bij de vrijheid van "
        "meningsuiting en informatie, zodat wissing niet verschuldigd is (art. 31, lid 1, en 32 FADP)",
        "legal_obligation": "de verwerking is gerechtvaardigd door de wet, namelijk een wettelijke verplichting die op "
        "ons rust, of door een zwaarder wegend openbaar belang, zodat wissing niet verschuldigd is (art. 31, lid 1, "
        "en 32 FADP)",
        "public_health": "de verwerking is gerechtvaardigd door een zwaarder wegend openbaar belang op het gebied van "
        "de volksgezondheid, zodat wissing niet verschuldigd is (art. 31, lid 1, en 32 FADP)",
        "research": "de verwerking is gerechtvaardigd door een zwaarder wegend belang bij archivering in het algemeen "
        "belang, wetenschappelijk of historisch onderzoek of statistiek, zodat wissing niet verschuldigd is (art. 31, "
        "lid 1, en 32 FADP)",
        "legal_claims": "de verwerking is gerechtvaardigd door ons zwaarder wegend belang bij de instelling, "
        "uitoefening of onderbouwing van een rechtsvordering, zodat wissing niet verschuldigd is (art. 31, lid 1, en "
        "32 FADP)",
        "claim_other": "de hieronder vermelde reden (art. 30 tot en met 32 FADP)",
        "as_to_erasure": "wat de wissing betreft, ",
        "partial_intro": "Wij beantwoorden de rest van uw verzoek in dit document, maar niet het hieronder beschreven "
        "deel; wij geven onze redenen (voor inzage, zoals art. 26, lid 4, FADP vraagt).",
        "partial_late": "Dit bereikt u na de 30 dagen waarbinnen de wet ons vraagt te antwoorden (art. 18 FADO). "
        "Waarom het laat komt",
        "partial_remedies": "Bent u het er niet mee eens, dan kunt u dat melden bij de FDPIC (art. 49 FADP) en uw "
        "vorderingen voorleggen aan de burgerlijke rechter (art. 32 FADP): zie hieronder.",
        "late_refusal": "Dit antwoord bereikt u na de 30 dagen waarbinnen de wet ons vraagt te antwoorden "
        "(art. 18 FADO). Waarom het laat komt:",
    },
    "fr": {
        "unfounded": "la demande d'accès est manifestement infondée (art. 26, al. 1, let. c, LPD)",
        "querulous": "la demande d'accès est manifestement procédurière (art. 26, al. 1, let. c, LPD)",
        "identity": "nous n'avons pas pu établir que vous êtes la personne concernée par les données, et seule cette "
        "personne a le droit d'accès (art. 25, al. 1, LPD)",
        "formal_law": "une loi au sens formel prévoit cette restriction du droit d'accès (art. 26, al. 1, let. a, LPD)",
        "access_other": "le motif indiqué ci-dessous (art. 26 LPD)",
        "expression": "le traitement est justifié par un intérêt prépondérant à la liberté d'expression et "
        "d'information, de sorte que l'effacement n'est pas dû (art. 31, al. 1, et 32 LPD)",
        "legal_obligation": "le traitement est justifié par la loi, à savoir une obligation légale à laquelle nous "
        "sommes soumis, ou par un intérêt public prépondérant, de sorte que l'effacement n'est pas dû (art. 31, "
        "al. 1, et 32 LPD)",
        "public_health": "le traitement est justifié par un intérêt public prépondérant dans le domaine de la santé "
        "publique, de sorte que l'effacement n'est pas dû (art. 31, al. 1, et 32 LPD)",
        "research": "le traitement est justifié par un intérêt prépondérant à l'archivage dans l'intérêt public, à la "
        "recherche scientifique ou historique ou à la statistique, de sorte que l'effacement n'est pas dû (art. 31, "
        "al. 1, et 32 LPD)",
        "legal_claims": "le traitement est justifié par notre intérêt prépondérant à la constatation, à l'exercice ou "
        "à la défense de droits en justice, de sorte que l'effacement n'est pas dû (art. 31, al. 1, et 32 LPD)",
        "claim_other": "le motif indiqué ci-dessous (art. 30 à 32 LPD)",
        "as_to_erasure": "quant à l'effacement, ",
        "partial_intro": "Nous répondons au reste de votre demande dans ce document, mais pas à la partie décrite "
        "ci-dessous ; nous en indiquons les motifs (pour l'accès, comme l'exige l'art. 26, al. 4, LPD).",
        "partial_late": "Ceci vous parvient après les 30 jours dans lesquels la loi nous demande de répondre "
        "(art. 18 OPDo). Raison du retard",
        "partial_remedies": "Si vous n'êtes pas d'accord, vous pouvez le dénoncer au PFPDT (art. 49 LPD) et faire "
        "valoir vos prétentions devant les tribunaux civils (art. 32 LPD) : voir ci-dessous.",
        "late_refusal": "Cette réponse vous parvient après les 30 jours dans lesquels la loi nous demande de répondre "
        "(art. 18 OPDo). Raison du retard :",
    },
    "it": {
        "unfounded": "la domanda d'accesso è manifestamente infondata (art. 26 cpv. 1 lett. c LPD)",
        "querulous": "la domanda d'accesso è manifestamente querulosa (art. 26 cpv. 1 lett. c LPD)",
        "identity": "non abbiamo potuto accertare che lei sia la persona cui i dati si riferiscono, e il diritto "
        "d'accesso spetta soltanto a tale persona (art. 25 cpv. 1 LPD)",
        "formal_law": "una legge in senso formale prevede questa limitazione del diritto d'accesso (art. 26 cpv. 1 "
        "lett. a LPD)",
        "access_other": "il motivo indicato di seguito (art. 26 LPD)",
        "expression": "il trattamento è giustificato da un interesse preponderante alla libertà di espressione e di "
        "informazione, per cui la cancellazione non è dovuta (art. 31 cpv. 1 e 32 LPD)",
        "legal_obligation": "il trattamento è giustificato dalla legge, ossia da un obbligo legale cui siamo soggetti, "
        "o da un interesse pubblico preponderante, per cui la cancellazione non è dovuta (art. 31 cpv. 1 e 32 LPD)",
        "public_health": "il trattamento è giustificato da un interesse pubblico preponderante nel settore della "
        "sanità pubblica, per cui la cancellazione non è dovuta (art. 31 cpv. 1 e 32 LPD)",
        "research": "il trattamento è giustificato da un interesse preponderante all'archiviazione nel pubblico "
        "interesse, alla ricerca scientifica o storica o alla statistica, per cui la cancellazione non è dovuta "
        "(art. 31 cpv. 1 e 32 LPD)",
        "legal_claims": "il trattamento è giustificato dal nostro interesse preponderante all'accertamento, "
        "all'esercizio o alla difesa di un diritto in sede giudiziaria, per cui la cancellazione non è dovuta "
        "(art. 31 cpv. 1 e 32 LPD)",
        "claim_other": "il motivo indicato di seguito (art. 30-32 LPD)",
        "as_to_erasure": "quanto alla cancellazione, ",
        "partial_intro": "Rispondiamo al resto della sua richiesta in questo documento, ma non alla parte descritta di "
        "seguito; ne indichiamo i motivi (per l'accesso, come richiede l'art. 26 cpv. 4 LPD).",
        "partial_late": "Questo le giunge dopo i 30 giorni entro i quali la legge ci chiede di rispondere "
        "(art. 18 OPDa). Perché arriva in ritardo",
        "partial_remedies": "Se non è d'accordo, può segnalarlo all'IFPDT (art. 49 LPD) e far valere le sue pretese "
        "davanti ai tribunali civili (art. 32 LPD): vedi sotto.",
        "late_refusal": "Questa risposta le giunge dopo i 30 giorni entro i quali la legge ci chiede di rispondere "
        "(art. 18 OPDa). Perché arriva in ritardo:",
    },
    "de": {
        "unfounded": "das Auskunftsgesuch ist offensichtlich unbegründet (Art. 26 Abs. 1 Bst. c DSG)",
        "querulous": "das Auskunftsgesuch ist offensichtlich querulatorisch (Art. 26 Abs. 1 Bst. c DSG)",
        "identity": "wir konnten nicht feststellen, dass Sie die Person sind, auf die sich die Daten beziehen, und das "
        "Auskunftsrecht steht nur dieser Person zu (Art. 25 Abs. 1 DSG)",
        "formal_law": "ein Gesetz im formellen Sinn sieht diese Einschränkung des Auskunftsrechts vor (Art. 26 Abs. 1 "
        "Bst. a DSG)",
        "access_other": "der unten angegebene Grund (Art. 26 DSG)",
        "expression": "die Bearbeitung ist durch ein überwiegendes Interesse an der Meinungs- und Informationsfreiheit "
        "gerechtfertigt, weshalb keine Löschung geschuldet ist (Art. 31 Abs. 1 und Art. 32 DSG)",
        "legal_obligation": "die Bearbeitung ist durch Gesetz, nämlich eine rechtliche Pflicht, der wir unterliegen, "
        "oder durch ein überwiegendes öffentliches Interesse gerechtfertigt, weshalb keine Löschung geschuldet ist "
        "(Art. 31 Abs. 1 und Art. 32 DSG)",
        "public_health": "die Bearbeitung ist durch ein überwiegendes öffentliches Interesse im Bereich der "
        "öffentlichen Gesundheit gerechtfertigt, weshalb keine Löschung geschuldet ist (Art. 31 Abs. 1 und Art. 32 "
        "DSG)",
        "research": "die Bearbeitung ist durch ein überwiegendes Interesse an im öffentlichen Interesse liegenden "
        "Archivzwecken, an wissenschaftlicher oder historischer Forschung oder an Statistik gerechtfertigt, weshalb "
        "keine Löschung geschuldet ist (Art. 31 Abs. 1 und Art. 32 DSG)",
        "legal_claims": "die Bearbeitung ist durch unser überwiegendes Interesse an der Geltendmachung, Ausübung oder "
        "Verteidigung von Rechtsansprüchen gerechtfertigt, weshalb keine Löschung geschuldet ist (Art. 31 Abs. 1 und "
        "Art. 32 DSG)",
        "claim_other": "der unten angegebene Grund (Art. 30–32 DSG)",
        "as_to_erasure": "hinsichtlich der Löschung ",
        "partial_intro": "Den übrigen Teil Ihres Antrags beantworten wir in diesem Dokument, nicht aber den unten "
        "beschriebenen Teil; wir geben unsere Gründe an (für die Auskunft, wie Art. 26 Abs. 4 DSG es verlangt).",
        "partial_late": "Dies erreicht Sie nach Ablauf der 30 Tage, innert derer das Gesetz eine Antwort verlangt "
        "(Art. 18 DSV). Warum es später kommt",
        "partial_remedies": "Wenn Sie nicht einverstanden sind, können Sie dies dem EDÖB anzeigen (Art. 49 DSG) und "
        "Ihre Ansprüche vor den Zivilgerichten geltend machen (Art. 32 DSG): siehe unten.",
        "late_refusal": "Diese Antwort erreicht Sie nach Ablauf der 30 Tage, innert derer das Gesetz eine Antwort "
        "verlangt (Art. 18 DSV). Warum sie später kommt:",
    },
    "es": {
        "unfounded": "la solicitud de acceso es manifiestamente infundada (LPD suiza, art. 26, apdo. 1, letra c)",
        "querulous": "la solicitud de acceso es manifiestamente querulante (LPD suiza, art. 26, apdo. 1, letra c)",
        "identity": "no hemos podido determinar que usted sea la persona a la que se refieren los datos, y solo esa "
        "persona tiene derecho de acceso (LPD suiza, art. 25, apdo. 1)",
        "formal_law": "una ley en sentido formal prevé esta limitación del derecho de acceso (LPD suiza, art. 26, "
        "apdo. 1, letra a)",
        "access_other": "el motivo indicado a continuación (LPD suiza, art. 26)",
        "expression": "el tratamiento está justificado por un interés preponderante en la libertad de expresión e "
        "información, por lo que no procede la supresión (LPD suiza, arts. 31, apdo. 1, y 32)",
        "legal_obligation": "el tratamiento está justificado por la ley, a saber, una obligación legal a la que "
        "estamos sujetos, o por un interés público preponderante, por lo que no procede la supresión (LPD suiza, "
        "arts. 31, apdo. 1, y 32)",
        "public_health": "el tratamiento está justificado por un interés público preponderante en el ámbito de la "
        "salud pública, por lo que no procede la supresión (LPD suiza, arts. 31, apdo. 1, y 32)",
        "research": "el tratamiento está justificado por un interés preponderante en el archivo en interés público, la "
        "investigación científica o histórica o la estadística, por lo que no procede la supresión (LPD suiza, "
        "arts. 31, apdo. 1, y 32)",
        "legal_claims": "el tratamiento está justificado por nuestro interés preponderante en la formulación, el "
        "ejercicio o la defensa de reclamaciones, por lo que no procede la supresión (LPD suiza, arts. 31, apdo. 1, "
        "y 32)",
        "claim_other": "el motivo indicado a continuación (LPD suiza, arts. 30 a 32)",
        "as_to_erasure": "en cuanto a la supresión, ",
        "partial_intro": "Respondemos al resto de su solicitud en este documento, pero no a la parte descrita a "
        "continuación; indicamos nuestros motivos (para el acceso, como exige el art. 26, apdo. 4, LPD).",
        "partial_late": "Esto le llega después de los 30 días en los que la ley nos pide responder (art. 18 de la "
        "Ordenanza de protección de datos). Por qué llega tarde",
        "partial_remedies": "Si no está de acuerdo, puede denunciarlo ante el FDPIC (art. 49 LPD) y hacer valer sus "
        "pretensiones ante los tribunales civiles (art. 32 LPD): véase más abajo.",
        "late_refusal": "Esta respuesta le llega después de los 30 días en los que la ley nos pide responder (art. 18 "
        "de la Ordenanza de protección de datos). Por qué llega tarde:",
    },
    "el": {
        "unfounded": "το αίτημα πρόσβασης είναι προδήλως αβάσιμο (άρθρο 26 παρ. 1 στοιχ. γ FADP)",
        "querulous": "το αίτημα πρόσβασης είναι προδήλως φιλόδικο (άρθρο 26 παρ. 1 στοιχ. γ FADP)",
        "identity": "δεν μπορέσαμε να διαπιστώσουμε ότι είστε το πρόσωπο στο οποίο αφορούν τα δεδομένα, και δικαίωμα "
        "πρόσβασης έχει μόνο το πρόσωπο αυτό (άρθρο 25 παρ. 1 FADP)",
        "formal_law": "νόμος με την τυπική έννοια προβλέπει τον περιορισμό αυτόν του δικαιώματος πρόσβασης (άρθρο 26 "
        "παρ. 1 στοιχ. α FADP)",
        "access_other": "ο λόγος που αναφέρεται παρακάτω (άρθρο 26 FADP)",
        "expression": "η επεξεργασία δικαιολογείται από υπέρτερο συμφέρον για την ελευθερία έκφρασης και "
        "πληροφόρησης, οπότε η διαγραφή δεν οφείλεται (άρθρα 31 παρ. 1 και 32 FADP)",
        "legal_obligation": "η επεξεργασία δικαιολογείται από τον νόμο, δηλαδή από νομική υποχρέωση στην οποία "
        "υποκείμεθα, ή από υπέρτερο δημόσιο συμφέρον, οπότε η διαγραφή δεν οφείλεται (άρθρα 31 παρ. 1 και 32 FADP)",
        "public_health": "η επεξεργασία δικαιολογείται από υπέρτερο δημόσιο συμφέρον στον τομέα της δημόσιας υγείας, "
        "οπότε η διαγραφή δεν οφείλεται (άρθρα 31 παρ. 1 και 32 FADP)",
        "research": "η επεξεργασία δικαιολογείται από υπέρτερο συμφέρον για αρχειοθέτηση προς το δημόσιο συμφέρον, "
        "επιστημονική ή ιστορική έρευνα ή στατιστική, οπότε η διαγραφή δεν οφείλεται (άρθρα 31 παρ. 1 και 32 FADP)",
        "legal_claims": "η επεξεργασία δικαιολογείται από το υπέρτερο συμφέρον μας για τη θεμελίωση, άσκηση ή "
        "υποστήριξη νομικών αξιώσεων, οπότε η διαγραφή δεν οφείλεται (άρθρα 31 παρ. 1 και 32 FADP)",
        "claim_other": "ο λόγος που αναφέρεται παρακάτω (άρθρα 30 έως 32 FADP)",
        "as_to_erasure": "όσον αφορά τη διαγραφή, ",
        "partial_intro": "Απαντάμε στο υπόλοιπο αίτημά σας με το παρόν έγγραφο, όχι όμως στο μέρος που περιγράφεται "
        "παρακάτω· αναφέρουμε τους λόγους μας (για την πρόσβαση, όπως απαιτεί το άρθρο 26 παρ. 4 FADP).",
        "partial_late": "Αυτό σας φτάνει μετά τις 30 ημέρες εντός των οποίων ο νόμος μάς ζητά να απαντήσουμε "
        "(άρθρο 18 FADO). Γιατί καθυστερεί",
        "partial_remedies": "Αν διαφωνείτε, μπορείτε να το καταγγείλετε στον FDPIC (άρθρο 49 FADP) και να προβάλετε "
        "τις αξιώσεις σας ενώπιον των πολιτικών δικαστηρίων (άρθρο 32 FADP): βλ. παρακάτω.",
        "late_refusal": "Η απάντηση αυτή σας φτάνει μετά τις 30 ημέρες εντός των οποίων ο νόμος μάς ζητά να "
        "απαντήσουμε (άρθρο 18 FADO). Γιατί καθυστερεί:",
    },
}


# The decision letter on a rectification, restriction or objection, as a Swiss letter states it.
# The FADP has no rights to restriction or objection and no Art. 19: the claims are Art. 32 FADP
# (para. 1 rectification of inaccurate data; para. 2(a) that a particular processing be prohibited,
# which is what a restriction asks of this store; para. 3 a note of dispute where neither accuracy
# nor inaccuracy can be established), and processing against a person's express declaration of
# intent (Art. 30(2)(b) FADP, the objection's analogue) is justified only under Art. 31 FADP (consent,
# an overriding private or public interest, or the law). None of the GDPR's conditions (Art. 18(1),
# "compelling legitimate grounds" of Art. 21(1)) is stated; the notice before a restriction is lifted
# (GDPR Art. 18(3)) is the controller's practice, and the withholding while an objection is examined
# (GDPR Art. 18(1)(d)) cites nothing. Terms of the official German, French and Italian texts (DSG, LPD).
FADP_DECISIONS: dict[str, dict[str, str]] = {
    "en": {
        "decision_rectified": "We have rectified your inaccurate personal data (Art. 32(1) FADP). What we corrected:",
        "decision_not_rectified": "We have not rectified your personal data: we consider them accurate (Art. 32(1) "
        "FADP). Where neither their accuracy nor their inaccuracy can be established, you may ask us to add a note "
        "that you dispute them (Art. 32(3) FADP). Our reasons:",
        "decision_not_restricted": "We have not restricted the processing of your personal data: we reject your claim "
        "that it be prohibited (Art. 32(2)(a) FADP), because the processing is justified (Art. 31 FADP). Our reasons:",
        "decision_objection_rejected": "We reject your objection: we continue to process your personal data although "
        "you have expressly declared that you object (Art. 30(2)(b) FADP), because the processing is justified under "
        "Art. 31 FADP, by consent, by an overriding private or public interest or by law. These grounds are:",
        "decision_restricted": "We have granted your claim that the processing of your personal data be prohibited "
        "(Art. 32(2)(a) FADP): we have restricted it.",
        "decision_restricted_notice": "It is our practice to tell you before we lift the restriction.",
        "decision_objection_upheld": "We uphold your objection (Art. 30(2)(b) FADP): we stop processing your personal "
        "data.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Recipients told of the rectification",
        "decision_recipients_restricted": "Recipients told of the restriction",
    },
    "nl": {
        "decision_rectified": "Wij hebben uw onjuiste persoonsgegevens gerectificeerd (art. 32, lid 1, FADP). Wat wij "
        "hebben verbeterd:",
        "decision_not_rectified": "Wij hebben uw persoonsgegevens niet gerectificeerd: wij achten ze juist (art. 32, "
        "lid 1, FADP). Kan noch de juistheid noch de onjuistheid ervan worden vastgesteld, dan kunt u vragen dat wij "
        "er een vermelding aan toevoegen dat u ze betwist (art. 32, lid 3, FADP). Onze redenen:",
        "decision_not_restricted": "Wij hebben de verwerking van uw persoonsgegevens niet beperkt: wij wijzen uw "
        "vordering af om die te verbieden (art. 32, lid 2, onder a, FADP), omdat de verwerking gerechtvaardigd is "
        "(art. 31 FADP). Onze redenen:",
        "decision_objection_rejected": "Wij wijzen uw bezwaar af: wij verwerken uw persoonsgegevens verder, hoewel u "
        "uitdrukkelijk hebt verklaard dat u daartegen bent (art. 30, lid 2, onder b, FADP), omdat de verwerking "
        "gerechtvaardigd is volgens art. 31 FADP, door toestemming, door een zwaarder wegend particulier of openbaar "
        "belang of door de wet. Deze gronden zijn:",
        "decision_restricted": "Wij hebben uw vordering toegewezen om de verwerking van uw persoonsgegevens te "
        "verbieden (art. 32, lid 2, onder a, FADP): wij hebben die beperkt.",
        "decision_restricted_notice": "Het is onze werkwijze u te laten weten voordat wij de beperking opheffen.",
        "decision_objection_upheld": "Wij willigen uw bezwaar in (art. 30, lid 2, onder b, FADP): wij stoppen met de "
        "verwerking van uw persoonsgegevens.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Ontvangers ingelicht over de rectificatie",
        "decision_recipients_restricted": "Ontvangers ingelicht over de beperking",
    },
    "fr": {
        "decision_rectified": "Nous avons rectifié vos données personnelles inexactes (art. 32, al. 1, LPD). Ce que "
        "nous avons corrigé :",
        "decision_not_rectified": "Nous n'avons pas rectifié vos données personnelles : nous les considérons comme "
        "exactes (art. 32, al. 1, LPD). Si ni leur exactitude ni leur inexactitude ne peut être établie, vous pouvez "
        "demander que nous y ajoutions une mention de leur caractère litigieux (art. 32, al. 3, LPD). Nos motifs :",
        "decision_not_restricted": "Nous n'avons pas limité le traitement de vos données personnelles : nous rejetons "
        "votre demande de l'interdire (art. 32, al. 2, let. a, LPD), car le traitement est justifié (art. 31 LPD). "
        "Nos motifs :",
        "decision_objection_rejected": "Nous rejetons votre opposition : nous continuons de traiter vos données "
        "personnelles bien que vous vous y soyez expressément opposé (art. 30, al. 2, let. b, LPD), car le traitement "
        "est justifié au sens de l'art. 31 LPD, par le consentement, par un intérêt prépondérant privé ou public ou "
        "par la loi. Ces motifs sont :",
        "decision_restricted": "Nous avons fait droit à votre demande d'interdire le traitement de vos données "
        "personnelles (art. 32, al. 2, let. a, LPD) : nous l'avons limité.",
        "decision_restricted_notice": "Nous avons pour pratique de vous informer avant de lever la limitation.",
        "decision_objection_upheld": "Nous faisons droit à votre opposition (art. 30, al. 2, let. b, LPD) : nous "
        "cessons de traiter vos données personnelles.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Destinataires informés de la rectification",
        "decision_recipients_restricted": "Destinataires informés de la limitation",
    },
    "it": {
        "decision_rectified": "Abbiamo rettificato i suoi dati personali inesatti (art. 32 cpv. 1 LPD). Che cosa "
        "abbiamo corretto:",
        "decision_not_rectified": "Non abbiamo rettificato i suoi dati personali: li riteniamo esatti (art. 32 cpv. 1 "
        "LPD). Se non è possibile accertarne né l'esattezza né l'inesattezza, può chiedere che vi aggiungiamo "
        "un'annotazione che ne rilevi il carattere contestato (art. 32 cpv. 3 LPD). I nostri motivi:",
        "decision_not_restricted": "Non abbiamo limitato il trattamento dei suoi dati personali: respingiamo la sua "
        "pretesa di vietarlo (art. 32 cpv. 2 lett. a LPD), perché il trattamento è giustificato (art. 31 LPD). I "
        "nostri motivi:",
        "decision_objection_rejected": "Respingiamo la sua opposizione: continuiamo a trattare i suoi dati personali "
        "benché lei vi si sia espressamente opposto (art. 30 cpv. 2 lett. b LPD), perché il trattamento è "
        "giustificato ai sensi dell'art. 31 LPD, dal consenso, da un interesse preponderante privato o pubblico o "
        "dalla legge. Tali motivi sono:",
        "decision_restricted": "Abbiamo accolto la sua pretesa di vietare il trattamento dei suoi dati personali "
        "(art. 32 cpv. 2 lett. a LPD): lo abbiamo limitato.",
        "decision_restricted_notice": "È nostra prassi informarla prima di revocare la limitazione.",
        "decision_objection_upheld": "Accogliamo la sua opposizione (art. 30 cpv. 2 lett. b LPD): cessiamo di "
        "trattare i suoi dati personali.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Destinatari informati della rettifica",
        "decision_recipients_restricted": "Destinatari informati della limitazione",
    },
    "de": {
        "decision_rectified": "Wir haben Ihre unrichtigen Personendaten berichtigt (Art. 32 Abs. 1 DSG). Was wir "
        "berichtigt haben:",
        "decision_not_rectified": "Wir haben Ihre Personendaten nicht berichtigt, da wir sie für richtig halten (Art. "
        "32 Abs. 1 DSG). Kann weder die Richtigkeit noch die Unrichtigkeit festgestellt werden, so können Sie "
        "verlangen, dass wir bei den Daten einen Bestreitungsvermerk anbringen (Art. 32 Abs. 3 DSG). Unsere Gründe:",
        "decision_not_restricted": "Wir haben die Bearbeitung Ihrer Personendaten nicht eingeschränkt: Wir weisen "
        "Ihren Anspruch, dass sie verboten wird (Art. 32 Abs. 2 Bst. a DSG), zurück, weil die Bearbeitung "
        "gerechtfertigt ist (Art. 31 DSG). Unsere Gründe:",
        "decision_objection_rejected": "Wir weisen Ihren Widerspruch zurück: Wir bearbeiten Ihre Personendaten "
        "weiter, obwohl Sie ausdrücklich erklärt haben, dass Sie dies nicht wollen (Art. 30 Abs. 2 Bst. b DSG), weil "
        "die Bearbeitung nach Art. 31 DSG gerechtfertigt ist, durch Einwilligung, durch ein überwiegendes privates "
        "oder öffentliches Interesse oder durch Gesetz. Diese Gründe sind:",
        "decision_restricted": "Wir haben Ihrem Anspruch, dass die Bearbeitung Ihrer Personendaten verboten wird, "
        "stattgegeben (Art. 32 Abs. 2 Bst. a DSG): Wir haben sie eingeschränkt.",
        "decision_restricted_notice": "Es ist unsere Praxis, Sie zu unterrichten, bevor wir die Einschränkung "
        "aufheben.",
        "decision_objection_upheld": "Wir geben Ihrem Widerspruch statt (Art. 30 Abs. 2 Bst. b DSG): Wir bearbeiten "
        "Ihre Personendaten nicht mehr.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Über die Berichtigung unterrichtete Empfänger",
        "decision_recipients_restricted": "Über die Einschränkung unterrichtete Empfänger",
    },
    "es": {
        "decision_rectified": "Hemos rectificado sus datos personales inexactos (LPD suiza, art. 32, apdo. 1). Lo que "
        "hemos corregido:",
        "decision_not_rectified": "No hemos rectificado sus datos personales: los consideramos exactos (LPD suiza, "
        "art. 32, apdo. 1). Si no puede determinarse ni su exactitud ni su inexactitud, puede pedirnos que añadamos "
        "una mención de que usted los impugna (LPD suiza, art. 32, apdo. 3). Nuestros motivos:",
        "decision_not_restricted": "No hemos limitado el tratamiento de sus datos personales: desestimamos su "
        "pretensión de que se prohíba (LPD suiza, art. 32, apdo. 2, letra a), porque el tratamiento está justificado "
        "(LPD suiza, art. 31). Nuestros motivos:",
        "decision_objection_rejected": "Desestimamos su oposición: seguimos tratando sus datos personales aunque "
        "usted se ha opuesto expresamente (LPD suiza, art. 30, apdo. 2, letra b), porque el tratamiento está "
        "justificado conforme al art. 31 de la LPD suiza, por el consentimiento, por un interés preponderante privado "
        "o público o por la ley. Esos motivos son:",
        "decision_restricted": "Hemos estimado su pretensión de que se prohíba el tratamiento de sus datos personales "
        "(LPD suiza, art. 32, apdo. 2, letra a): lo hemos limitado.",
        "decision_restricted_notice": "Es nuestra práctica informarle antes de levantar la limitación.",
        "decision_objection_upheld": "Estimamos su oposición (LPD suiza, art. 30, apdo. 2, letra b): dejamos de "
        "tratar sus datos personales.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Destinatarios informados de la rectificación",
        "decision_recipients_restricted": "Destinatarios informados de la limitación",
    },
    "el": {
        "decision_rectified": "Διορθώσαμε τα ανακριβή δεδομένα προσωπικού χαρακτήρα σας (άρθρο 32 παρ. 1 FADP). Τι "
        "διορθώσαμε:",
        "decision_not_rectified": "Δεν διορθώσαμε τα δεδομένα προσωπικού χαρακτήρα σας: τα θεωρούμε ακριβή (άρθρο 32 "
        "παρ. 1 FADP). Αν δεν μπορεί να διαπιστωθεί ούτε η ακρίβεια ούτε η ανακρίβειά τους, μπορείτε να ζητήσετε να "
        "προσθέσουμε σημείωση ότι τα αμφισβητείτε (άρθρο 32 παρ. 3 FADP). Οι λόγοι μας:",
        "decision_not_restricted": "Δεν περιορίσαμε την επεξεργασία των δεδομένων προσωπικού χαρακτήρα σας: "
        "απορρίπτουμε την αξίωσή σας να απαγορευθεί (άρθρο 32 παρ. 2 στοιχ. α FADP), διότι η επεξεργασία "
        "δικαιολογείται (άρθρο 31 FADP). Οι λόγοι μας:",
        "decision_objection_rejected": "Απορρίπτουμε την εναντίωσή σας: συνεχίζουμε να επεξεργαζόμαστε τα δεδομένα "
        "προσωπικού χαρακτήρα σας, παρότι δηλώσατε ρητά ότι αντιτίθεστε (άρθρο 30 παρ. 2 στοιχ. β FADP), διότι η "
        "επεξεργασία δικαιολογείται κατά το άρθρο 31 FADP, από συγκατάθεση, από υπέρτερο ιδιωτικό ή δημόσιο συμφέρον "
        "ή από τον νόμο. Οι λόγοι αυτοί είναι:",
        "decision_restricted": "Κάναμε δεκτή την αξίωσή σας να απαγορευθεί η επεξεργασία των δεδομένων προσωπικού "
        "χαρακτήρα σας (άρθρο 32 παρ. 2 στοιχ. α FADP): την περιορίσαμε.",
        "decision_restricted_notice": "Πρακτική μας είναι να σας ενημερώνουμε πριν άρουμε τον περιορισμό.",
        "decision_objection_upheld": "Κάνουμε δεκτή την εναντίωσή σας (άρθρο 30 παρ. 2 στοιχ. β FADP): παύουμε να "
        "επεξεργαζόμαστε τα δεδομένα προσωπικού χαρακτήρα σας.",
        "decision_cite_withheld": "",
        "decision_cite_lift": "",
        "decision_recipients_rectified": "Αποδέκτες που ενημερώθηκαν για τη διόρθωση",
        "decision_recipients_restricted": "Αποδέκτες που ενημερώθηκαν για τον περιορισμό",
    },
}


def fadp_basis_text(*, basis: str, request_type: str, lang: str) -> str:
    """A refusal ground as a Swiss letter in `lang` states it: the FADP ground (or both, for a request
    for access and erasure) of compliance.regimes.fadp_grounds."""
    phrases = FADP_GROUNDS[lang if lang in FADP_GROUNDS else "en"]
    first, *rest = (phrases[key] for key in fadp_grounds(basis=basis, request_type=request_type))
    return "; ".join([first, *(phrases["as_to_erasure"] + text for text in rest)])
