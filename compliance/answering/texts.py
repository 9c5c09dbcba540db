"""The plain-language statements of the access answer (GDPR Art. 15(1)(a)-(h), 15(2)-(4)),
per language. They go into the machine-readable package (access_response.json) and the PDF
letter when the reports' letter template is not available. Keys are stable English names; the
values are what the requester reads."""

LANGUAGES = ("en", "nl", "fr", "it")

ART15: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your access request: the personal data we hold about you (GDPR Art. 15)",
        "confirmation_yes": "Yes: we process personal data about you. The photos listed below contain your face.",
        "confirmation_no": "No: searching our store with your photo found no photo of you. We hold no personal data "
        "about you other than your request itself.",
        "purposes": "Your face was collected from publicly accessible web pages and stored so that our customers "
        "can search for a person by uploading a photo (facial recognition search).",
        "categories": "Photographs of you as published on the web pages listed; the web address of each photo and "
        "of the page it was on; the date we collected it; and biometric data: a face template computed from each "
        "photo (GDPR Art. 9(1), a special category).",
        "encoding": "For each photo we hold a face template: 128 numbers computed from your face by a neural "
        "network (dlib's ResNet face recognition model). It describes the shape of your face so that other photos "
        "of you can be found; it is not an image and a photo cannot be rebuilt from it. We list when each one was "
        "computed; the numbers themselves are not sent, to keep this package free of biometric data.",
        "source": "The photos were not obtained from you: each was collected from the web address given with it "
        "(GDPR Art. 15(1)(g)).",
        "recipients": "Customers whose searches returned a photo of you (GDPR Art. 15(1)(c)) are listed with how "
        "many searches and when.",
        "no_recipients": "No customer's search has returned a photo of you.",
        "retention": "Photos and face templates are kept until they are erased at the request of the person "
        "concerned or the source page is withdrawn; your request's selfie is deleted when this request is closed.",
        "rights": "You have the right to ask for rectification (Art. 16) or erasure (Art. 17) of your data, for "
        "restriction of its processing (Art. 18), and to object to it (Art. 21). You can ask for erasure through "
        "the same request form.",
        "complaint": "You have the right to lodge a complaint with a supervisory authority, in particular in the "
        "Member State where you live or work (Art. 77), and to go to court (Art. 79).",
        "automated": "No decision producing legal effects or similarly significantly affecting you is taken about "
        "you by automated means alone, including profiling (Art. 22); a match found by the software is a "
        "suggestion that the customer assesses.",
        "third_parties": "Other people who appear in these photos are blurred in your copies, to protect their "
        "rights (Art. 15(4)).",
        "transfers": "Where a recipient is outside the European Economic Area, its country is given; no adequacy "
        "decision or other safeguard covers those transfers unless stated (Art. 15(2)).",
    },
    "nl": {
        "title": "Uw inzageverzoek: de persoonsgegevens die wij over u verwerken (AVG art. 15)",
        "confirmation_yes": "Ja: wij verwerken persoonsgegevens over u. Op de hieronder genoemde foto's staat uw "
        "gezicht.",
        "confirmation_no": "Nee: bij het doorzoeken van onze opslag met uw foto is geen foto van u gevonden. Wij "
        "hebben geen andere persoonsgegevens over u dan uw verzoek zelf.",
        "purposes": "Uw gezicht is verzameld van openbaar toegankelijke webpagina's en opgeslagen zodat onze "
        "klanten een persoon kunnen zoeken door een foto te uploaden (zoeken met gezichtsherkenning).",
        "categories": "Foto's van u zoals gepubliceerd op de genoemde webpagina's; het webadres van elke foto en "
        "van de pagina waarop zij stond; de datum waarop wij haar verzamelden; en biometrische gegevens: een "
        "gezichtssjabloon berekend uit elke foto (AVG art. 9, lid 1, een bijzondere categorie).",
        "encoding": "Voor elke foto bewaren wij een gezichtssjabloon: 128 getallen die een neuraal netwerk (het "
        "ResNet-gezichtsherkenningsmodel van dlib) uit uw gezicht berekent. Het beschrijft de vorm van uw gezicht "
        "zodat andere foto's van u gevonden kunnen worden; het is geen afbeelding en er kan geen foto uit worden "
        "teruggerekend. Wij vermelden wanneer elk sjabloon is berekend; de getallen zelf sturen wij niet mee, "
        "zodat dit pakket geen biometrische gegevens bevat.",
        "source": "De foto's zijn niet bij u verkregen: elke foto is verzameld van het webadres dat erbij staat "
        "(AVG art. 15, lid 1, onder g).",
        "recipients": "Klanten wier zoekopdrachten een foto van u opleverden (AVG art. 15, lid 1, onder c) staan "
        "vermeld met het aantal zoekopdrachten en wanneer.",
        "no_recipients": "Geen enkele zoekopdracht van een klant heeft een foto van u opgeleverd.",
        "retention": "Foto's en gezichtssjablonen worden bewaard tot zij op verzoek van de betrokkene worden gewist "
        "of de bronpagina verdwijnt; de selfie bij uw verzoek wordt gewist wanneer dit verzoek is afgehandeld.",
        "rights": "U hebt het recht om rectificatie (art. 16) of wissing (art. 17) van uw gegevens te vragen, "
        "beperking van de verwerking (art. 18), en bezwaar te maken (art. 21). Wissing kunt u vragen via "
        "hetzelfde verzoekformulier.",
        "complaint": "U hebt het recht een klacht in te dienen bij een toezichthoudende autoriteit, met name in de "
        "lidstaat waar u woont of werkt (art. 77), en naar de rechter te stappen (art. 79).",
        "automated": "Over u wordt geen besluit genomen dat uitsluitend op geautomatiseerde verwerking, waaronder "
        "profilering, berust en dat rechtsgevolgen heeft of u anderszins in aanmerkelijke mate treft (art. 22); "
        "een treffer van de software is een suggestie die de klant zelf beoordeelt.",
        "third_parties": "Andere personen op deze foto's zijn in uw kopieën onherkenbaar gemaakt, ter bescherming "
        "van hun rechten (art. 15, lid 4).",
        "transfers": "Als een ontvanger buiten de Europese Economische Ruimte is gevestigd, staat het land "
        "vermeld; tenzij vermeld geldt voor die doorgiften geen adequaatheidsbesluit of andere waarborg "
        "(art. 15, lid 2).",
    },
    "fr": {
        "title": "Votre demande d'accès : les données personnelles que nous détenons sur vous (RGPD, art. 15)",
        "confirmation_yes": "Oui : nous traitons des données personnelles vous concernant. Les photos ci-dessous "
        "contiennent votre visage.",
        "confirmation_no": "Non : la recherche dans notre base avec votre photo n'a trouvé aucune photo de vous. "
        "Nous ne détenons aucune donnée vous concernant en dehors de votre demande.",
        "purposes": "Votre visage a été collecté sur des pages web accessibles au public et conservé afin que nos "
        "clients puissent rechercher une personne en envoyant une photo (recherche par reconnaissance faciale).",
        "categories": "Des photographies de vous telles que publiées sur les pages indiquées ; l'adresse web de "
        "chaque photo et de sa page ; la date de collecte ; et des données biométriques : un gabarit facial "
        "calculé à partir de chaque photo (RGPD, art. 9, § 1, catégorie particulière).",
        "encoding": "Pour chaque photo, nous conservons un gabarit facial : 128 nombres calculés à partir de votre "
        "visage par un réseau de neurones (le modèle ResNet de reconnaissance faciale de dlib). Il décrit la forme "
        "de votre visage pour retrouver d'autres photos de vous ; ce n'est pas une image et aucune photo ne peut "
        "en être reconstituée. Nous indiquons quand chacun a été calculé ; les nombres eux-mêmes ne sont pas "
        "transmis, afin que ce dossier ne contienne aucune donnée biométrique.",
        "source": "Les photos n'ont pas été obtenues auprès de vous : chacune a été collectée à l'adresse web "
        "indiquée (RGPD, art. 15, § 1, g).",
        "recipients": "Les clients dont les recherches ont renvoyé une photo de vous (RGPD, art. 15, § 1, c) sont "
        "indiqués, avec le nombre de recherches et leurs dates.",
        "no_recipients": "Aucune recherche d'un client n'a renvoyé de photo de vous.",
        "retention": "Les photos et gabarits faciaux sont conservés jusqu'à leur effacement à la demande de la "
        "personne concernée ou au retrait de la page source ; le selfie de votre demande est supprimé à la clôture "
        "de celle-ci.",
        "rights": "Vous avez le droit de demander la rectification (art. 16) ou l'effacement (art. 17) de vos "
        "données, la limitation du traitement (art. 18) et de vous y opposer (art. 21). Vous pouvez demander "
        "l'effacement avec le même formulaire.",
        "complaint": "Vous avez le droit d'introduire une réclamation auprès d'une autorité de contrôle, notamment "
        "dans l'État membre où vous résidez ou travaillez (art. 77), et de former un recours juridictionnel "
        "(art. 79).",
        "automated": "Aucune décision fondée exclusivement sur un traitement automatisé, y compris le profilage, "
        "produisant des effets juridiques vous concernant ou vous affectant de manière significative n'est prise "
        "(art. 22) ; une correspondance trouvée par le logiciel est une suggestion que le client apprécie.",
        "third_parties": "Les autres personnes figurant sur ces photos sont floutées dans vos copies, pour "
        "protéger leurs droits (art. 15, § 4).",
        "transfers": "Lorsqu'un destinataire est situé hors de l'Espace économique européen, son pays est indiqué ; "
        "sauf mention contraire, aucune décision d'adéquation ni autre garantie ne couvre ces transferts "
        "(art. 15, § 2).",
    },
    "it": {
        "title": "La sua richiesta di accesso: i dati personali che trattiamo su di lei (RGPD, art. 15)",
        "confirmation_yes": "Sì: trattiamo dati personali che la riguardano. Le foto elencate di seguito contengono "
        "il suo volto.",
        "confirmation_no": "No: la ricerca nel nostro archivio con la sua foto non ha trovato alcuna sua foto. Non "
        "trattiamo suoi dati personali oltre alla richiesta stessa.",
        "purposes": "Il suo volto è stato raccolto da pagine web accessibili al pubblico e conservato perché i "
        "nostri clienti possano cercare una persona caricandone una foto (ricerca con riconoscimento facciale).",
        "categories": "Fotografie che la ritraggono come pubblicate sulle pagine indicate; l'indirizzo web di ogni "
        "foto e della sua pagina; la data di raccolta; e dati biometrici: un modello del volto calcolato da ogni "
        "foto (RGPD, art. 9, par. 1, categoria particolare).",
        "encoding": "Per ogni foto conserviamo un modello del volto: 128 numeri calcolati dal suo volto da una rete "
        "neurale (il modello ResNet di riconoscimento facciale di dlib). Descrive la forma del suo volto per "
        "trovare altre sue foto; non è un'immagine e non consente di ricostruire una foto. Indichiamo quando ciascun "
        "modello è stato calcolato; i numeri non vengono inviati, perché questo pacchetto non contenga dati "
        "biometrici.",
        "source": "Le foto non sono state ottenute presso di lei: ciascuna è stata raccolta all'indirizzo web "
        "indicato (RGPD, art. 15, par. 1, lett. g).",
        "recipients": "I clienti le cui ricerche hanno restituito una sua foto (RGPD, art. 15, par. 1, lett. c) "
        "sono indicati con il numero di ricerche e le date.",
        "no_recipients": "Nessuna ricerca di un cliente ha restituito una sua foto.",
        "retention": "Foto e modelli del volto sono conservati fino alla cancellazione su richiesta "
        "dell'interessato o alla rimozione della pagina di origine; il selfie della sua richiesta viene cancellato "
        "alla chiusura della stessa.",
        "rights": "Lei ha il diritto di chiedere la rettifica (art. 16) o la cancellazione (art. 17) dei suoi dati, "
        "la limitazione del trattamento (art. 18) e di opporsi (art. 21). La cancellazione si chiede con lo stesso "
        "modulo.",
        "complaint": "Lei ha il diritto di proporre reclamo a un'autorità di controllo, in particolare nello Stato "
        "membro in cui risiede o lavora (art. 77), e di ricorrere a un giudice (art. 79).",
        "automated": "Nessuna decisione basata unicamente su un trattamento automatizzato, compresa la "
        "profilazione, che produca effetti giuridici o incida in modo analogo significativamente sulla sua persona "
        "viene presa (art. 22); una corrispondenza trovata dal software è un suggerimento che il cliente valuta.",
        "third_parties": "Le altre persone presenti in queste foto sono sfocate nelle sue copie, per tutelarne i "
        "diritti (art. 15, par. 4).",
        "transfers": "Se un destinatario si trova fuori dallo Spazio economico europeo, ne è indicato il paese; "
        "salvo indicazione contraria, nessuna decisione di adeguatezza o altra garanzia copre tali trasferimenti "
        "(art. 15, par. 2).",
    },
}


def art15_texts(language: str | None) -> dict[str, str]:
    code = (language or "en").split("-")[0].lower()
    return ART15.get(code) or ART15["en"]


def language_of(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"
