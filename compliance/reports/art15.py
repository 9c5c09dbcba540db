"""The plain-language statements of the access answer (GDPR Art. 15(1)(a)-(h), 15(2)-(4)),
per language. They go into the machine-readable package (access_response.json) and the PDF
letter when the reports' letter template is not available. Keys are stable English names; the
values are what the requester reads."""

LANGUAGES = ("en", "nl", "fr", "it", "de", "es", "el")

ART15: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your access request: the personal data we hold about you (GDPR Art. 15)",
        "confirmation_yes": "Yes: we process personal data about you. The photos listed below contain your face.",
        "confirmation_no": "No: searching our store with your photo found no photo of you. A search by face cannot "
        "see everything: a face smaller than about 8 % of the longer side of a large photo, seen from the side or "
        "hidden is not detected. Other than your request itself, we found no personal data about you.",
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
        "transfers": "Each recipient outside the European Economic Area is listed with the basis of the transfer "
        'as we have recorded it (Art. 15(2)); "none" means that nothing covers it.',
    },
    "nl": {
        "title": "Uw inzageverzoek: de persoonsgegevens die wij over u verwerken (AVG art. 15)",
        "confirmation_yes": "Ja: wij verwerken persoonsgegevens over u. Op de hieronder genoemde foto's staat uw "
        "gezicht.",
        "confirmation_no": "Nee: bij het doorzoeken van onze opslag met uw foto is geen foto van u gevonden. Zoeken "
        "op gezicht ziet niet alles: een gezicht kleiner dan ongeveer 8 % van de langste zijde van een grote foto, "
        "van opzij gezien of bedekt, wordt niet herkend. Behalve uw verzoek zelf hebben wij geen persoonsgegevens "
        "over u gevonden.",
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
        "transfers": "Elke ontvanger buiten de Europese Economische Ruimte staat vermeld met de grondslag van de "
        'doorgifte zoals wij die hebben vastgelegd (art. 15, lid 2); "geen" betekent dat niets de doorgifte '
        "dekt.",
    },
    "fr": {
        "title": "Votre demande d'accès : les données personnelles que nous détenons sur vous (RGPD, art. 15)",
        "confirmation_yes": "Oui : nous traitons des données personnelles vous concernant. Les photos ci-dessous "
        "contiennent votre visage.",
        "confirmation_no": "Non : la recherche dans notre base avec votre photo n'a trouvé aucune photo de vous. "
        "Une recherche par le visage ne voit pas tout : un visage plus petit qu'environ 8 % du plus grand côté "
        "d'une grande photo, vu de profil ou masqué, n'est pas détecté. En dehors de votre demande, nous n'avons "
        "trouvé aucune donnée vous concernant.",
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
        "transfers": "Chaque destinataire situé hors de l'Espace économique européen est indiqué avec la base du "
        "transfert telle que nous l'avons enregistrée (art. 15, § 2) ; « aucune » signifie que rien ne le couvre.",
    },
    "it": {
        "title": "La sua richiesta di accesso: i dati personali che trattiamo su di lei (RGPD, art. 15)",
        "confirmation_yes": "Sì: trattiamo dati personali che la riguardano. Le foto elencate di seguito contengono "
        "il suo volto.",
        "confirmation_no": "No: la ricerca nel nostro archivio con la sua foto non ha trovato alcuna sua foto. Una "
        "ricerca per volto non vede tutto: un volto più piccolo di circa l'8 % del lato lungo di una foto grande, "
        "di profilo o coperto, non viene rilevato. A parte la richiesta stessa, non abbiamo trovato suoi dati "
        "personali.",
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
        "transfers": "Ogni destinatario fuori dallo Spazio economico europeo è indicato con la base del "
        'trasferimento come l\'abbiamo registrata (art. 15, par. 2); "nessuna" significa che nulla lo copre.',
    },
    "de": {
        "title": "Ihr Auskunftsantrag: die personenbezogenen Daten, die wir über Sie verarbeiten (Art. 15 DSGVO)",
        "confirmation_yes": "Ja: Wir verarbeiten personenbezogene Daten über Sie. Die unten aufgeführten Fotos "
        "zeigen Ihr Gesicht.",
        "confirmation_no": "Nein: Die Suche in unserem Bestand mit Ihrem Foto hat kein Foto von Ihnen gefunden. Eine "
        "Suche nach Gesichtern sieht nicht alles: Ein Gesicht, das kleiner ist als etwa 8 % der längeren Seite eines "
        "großen Fotos, von der Seite aufgenommen oder verdeckt ist, wird nicht erkannt. Außer Ihrem Antrag selbst "
        "haben wir keine personenbezogenen Daten über Sie gefunden.",
        "purposes": "Ihr Gesicht wurde von öffentlich zugänglichen Webseiten erfasst und gespeichert, damit unsere "
        "Kunden durch Hochladen eines Fotos nach einer Person suchen können (Suche mit Gesichtserkennung).",
        "categories": "Fotos von Ihnen, wie sie auf den aufgeführten Webseiten veröffentlicht wurden; die Webadresse "
        "jedes Fotos und der Seite, auf der es stand; das Datum, an dem wir es erfasst haben; und biometrische "
        "Daten: ein aus jedem Foto berechnetes Gesichts-Template (Art. 9 Abs. 1 DSGVO, eine besondere Kategorie).",
        "encoding": "Zu jedem Foto speichern wir ein Gesichts-Template: 128 Zahlen, die ein neuronales Netz (das "
        "ResNet-Gesichtserkennungsmodell von dlib) aus Ihrem Gesicht berechnet. Es beschreibt die Form Ihres "
        "Gesichts, damit andere Fotos von Ihnen gefunden werden können; es ist kein Bild, und aus ihm lässt sich "
        "kein Foto wiederherstellen. Wir geben an, wann jedes Template berechnet wurde; die Zahlen selbst werden "
        "nicht übermittelt, damit dieses Paket keine biometrischen Daten enthält.",
        "source": "Die Fotos wurden nicht bei Ihnen erhoben: Jedes wurde unter der dabei angegebenen Webadresse "
        "erfasst (Art. 15 Abs. 1 lit. g DSGVO).",
        "recipients": "Kunden, deren Suchen ein Foto von Ihnen ergeben haben (Art. 15 Abs. 1 lit. c DSGVO), sind "
        "mit der Zahl der Suchen und deren Zeitpunkt aufgeführt.",
        "no_recipients": "Keine Suche eines Kunden hat ein Foto von Ihnen ergeben.",
        "retention": "Fotos und Gesichts-Templates werden aufbewahrt, bis sie auf Antrag der betroffenen Person "
        "gelöscht werden oder die Quellseite entfernt wird; das Selfie Ihres Antrags wird gelöscht, wenn dieser "
        "Antrag abgeschlossen ist.",
        "rights": "Sie haben das Recht auf Berichtigung (Art. 16) oder Löschung (Art. 17) Ihrer Daten, auf "
        "Einschränkung der Verarbeitung (Art. 18) und das Recht, der Verarbeitung zu widersprechen (Art. 21). Die "
        "Löschung können Sie über dasselbe Antragsformular beantragen.",
        "complaint": "Sie haben das Recht auf Beschwerde bei einer Aufsichtsbehörde, insbesondere in dem "
        "Mitgliedstaat Ihres Wohnorts oder Arbeitsplatzes (Art. 77), und das Recht, ein Gericht anzurufen "
        "(Art. 79).",
        "automated": "Über Sie wird keine ausschließlich auf einer automatisierten Verarbeitung einschließlich "
        "Profiling beruhende Entscheidung getroffen, die Ihnen gegenüber rechtliche Wirkung entfaltet oder Sie in "
        "ähnlicher Weise erheblich beeinträchtigt (Art. 22); ein von der Software gefundener Treffer ist ein "
        "Vorschlag, den der Kunde selbst bewertet.",
        "third_parties": "Andere Personen auf diesen Fotos sind in Ihren Kopien unkenntlich gemacht, um deren Rechte "
        "zu schützen (Art. 15 Abs. 4).",
        "transfers": "Jeder Empfänger außerhalb des Europäischen Wirtschaftsraums ist mit der Grundlage der "
        'Übermittlung aufgeführt, wie wir sie erfasst haben (Art. 15 Abs. 2); "keine" bedeutet, dass nichts sie '
        "deckt.",
    },
    "es": {
        "title": "Su solicitud de acceso: los datos personales que tratamos sobre usted (RGPD, art. 15)",
        "confirmation_yes": "Sí: tratamos datos personales que le conciernen. Las fotos que se enumeran a "
        "continuación contienen su rostro.",
        "confirmation_no": "No: la búsqueda en nuestra base de datos con su foto no ha encontrado ninguna foto suya. "
        "Una búsqueda por rostro no lo ve todo: un rostro más pequeño que aproximadamente el 8 % del lado más largo "
        "de una foto grande, de perfil u oculto, no se detecta. Aparte de su propia solicitud, no hemos encontrado "
        "datos personales suyos.",
        "purposes": "Su rostro se recopiló de páginas web de acceso público y se almacenó para que nuestros "
        "clientes puedan buscar a una persona subiendo una foto (búsqueda por reconocimiento facial).",
        "categories": "Fotografías suyas tal como se publicaron en las páginas indicadas; la dirección web de cada "
        "foto y de la página en la que figuraba; la fecha en que la recopilamos; y datos biométricos: una plantilla "
        "facial calculada a partir de cada foto (RGPD, art. 9, apdo. 1, categoría especial).",
        "encoding": "Para cada foto conservamos una plantilla facial: 128 números calculados a partir de su rostro "
        "por una red neuronal (el modelo ResNet de reconocimiento facial de dlib). Describe la forma de su rostro "
        "para poder encontrar otras fotos suyas; no es una imagen y no permite reconstruir una foto. Indicamos "
        "cuándo se calculó cada una; los números en sí no se envían, para que este paquete no contenga datos "
        "biométricos.",
        "source": "Las fotos no se obtuvieron de usted: cada una se recopiló en la dirección web que la acompaña "
        "(RGPD, art. 15, apdo. 1, letra g).",
        "recipients": "Los clientes cuyas búsquedas devolvieron una foto suya (RGPD, art. 15, apdo. 1, letra c) "
        "figuran con el número de búsquedas y sus fechas.",
        "no_recipients": "Ninguna búsqueda de un cliente ha devuelto una foto suya.",
        "retention": "Las fotos y las plantillas faciales se conservan hasta que se suprimen a petición del "
        "interesado o se retira la página de origen; el selfi de su solicitud se suprime cuando se cierra esta.",
        "rights": "Tiene derecho a solicitar la rectificación (art. 16) o la supresión (art. 17) de sus datos, la "
        "limitación de su tratamiento (art. 18) y a oponerse a él (art. 21). Puede solicitar la supresión con el "
        "mismo formulario.",
        "complaint": "Tiene derecho a presentar una reclamación ante una autoridad de control, en particular en el "
        "Estado miembro en el que resida o trabaje (art. 77), y a la tutela judicial (art. 79).",
        "automated": "No se toma sobre usted ninguna decisión basada únicamente en el tratamiento automatizado, "
        "incluida la elaboración de perfiles, que produzca efectos jurídicos en usted o le afecte significativamente "
        "de modo similar (art. 22); una coincidencia encontrada por el programa es una sugerencia que valora el "
        "cliente.",
        "third_parties": "Las demás personas que aparecen en estas fotos están difuminadas en sus copias, para "
        "proteger sus derechos (art. 15, apdo. 4).",
        "transfers": "Cada destinatario situado fuera del Espacio Económico Europeo figura con la base de la "
        'transferencia tal como la hemos registrado (art. 15, apdo. 2); "ninguna" significa que nada la ampara.',
    },
    "el": {
        "title": "Το αίτημα πρόσβασής σας: τα δεδομένα προσωπικού χαρακτήρα που επεξεργαζόμαστε για εσάς (ΓΚΠΔ, "
        "άρθρο 15)",
        "confirmation_yes": "Ναι: επεξεργαζόμαστε δεδομένα προσωπικού χαρακτήρα που σας αφορούν. Οι φωτογραφίες που "
        "αναφέρονται παρακάτω περιέχουν το πρόσωπό σας.",
        "confirmation_no": "Όχι: η αναζήτηση στη βάση μας με τη φωτογραφία σας δεν βρήκε καμία φωτογραφία σας. Μια "
        "αναζήτηση με βάση το πρόσωπο δεν βλέπει τα πάντα: ένα πρόσωπο μικρότερο από περίπου το 8 % της μεγαλύτερης "
        "πλευράς μιας μεγάλης φωτογραφίας, σε προφίλ ή καλυμμένο, δεν εντοπίζεται. Πέρα από το ίδιο το αίτημά σας, "
        "δεν βρήκαμε δεδομένα προσωπικού χαρακτήρα σας.",
        "purposes": "Το πρόσωπό σας συλλέχθηκε από δημόσια προσβάσιμες ιστοσελίδες και αποθηκεύτηκε ώστε οι πελάτες "
        "μας να μπορούν να αναζητούν ένα πρόσωπο ανεβάζοντας μια φωτογραφία (αναζήτηση με αναγνώριση προσώπου).",
        "categories": "Φωτογραφίες σας όπως δημοσιεύθηκαν στις αναφερόμενες ιστοσελίδες· η διεύθυνση ιστού κάθε "
        "φωτογραφίας και της σελίδας όπου βρισκόταν· η ημερομηνία συλλογής της· και βιομετρικά δεδομένα: ένα "
        "πρότυπο προσώπου που υπολογίστηκε από κάθε φωτογραφία (ΓΚΠΔ, άρθρο 9 παρ. 1, ειδική κατηγορία).",
        "encoding": "Για κάθε φωτογραφία διατηρούμε ένα πρότυπο προσώπου: 128 αριθμούς που υπολογίζει από το "
        "πρόσωπό σας ένα νευρωνικό δίκτυο (το μοντέλο αναγνώρισης προσώπου ResNet της dlib). Περιγράφει το σχήμα "
        "του προσώπου σας ώστε να μπορούν να βρεθούν άλλες φωτογραφίες σας· δεν είναι εικόνα και δεν επιτρέπει την "
        "ανασύνθεση φωτογραφίας. Αναφέρουμε πότε υπολογίστηκε το καθένα· οι ίδιοι οι αριθμοί δεν αποστέλλονται, "
        "ώστε το πακέτο αυτό να μην περιέχει βιομετρικά δεδομένα.",
        "source": "Οι φωτογραφίες δεν συλλέχθηκαν από εσάς: η καθεμία συλλέχθηκε από τη διεύθυνση ιστού που "
        "αναφέρεται μαζί της (ΓΚΠΔ, άρθρο 15 παρ. 1 στοιχ. ζ).",
        "recipients": "Οι πελάτες των οποίων οι αναζητήσεις επέστρεψαν φωτογραφία σας (ΓΚΠΔ, άρθρο 15 παρ. 1 "
        "στοιχ. γ) αναφέρονται με τον αριθμό των αναζητήσεων και το πότε έγιναν.",
        "no_recipients": "Καμία αναζήτηση πελάτη δεν επέστρεψε φωτογραφία σας.",
        "retention": "Οι φωτογραφίες και τα πρότυπα προσώπου διατηρούνται έως ότου διαγραφούν κατόπιν αιτήματος του "
        "υποκειμένου των δεδομένων ή αποσυρθεί η σελίδα προέλευσης· η φωτογραφία selfie του αιτήματός σας "
        "διαγράφεται όταν κλείσει το αίτημα αυτό.",
        "rights": "Έχετε δικαίωμα να ζητήσετε τη διόρθωση (άρθρο 16) ή τη διαγραφή (άρθρο 17) των δεδομένων σας, "
        "τον περιορισμό της επεξεργασίας τους (άρθρο 18) και να αντιταχθείτε σε αυτήν (άρθρο 21). Τη διαγραφή "
        "μπορείτε να τη ζητήσετε με την ίδια φόρμα αιτήματος.",
        "complaint": "Έχετε δικαίωμα να υποβάλετε καταγγελία σε εποπτική αρχή, ιδίως στο κράτος μέλος όπου ζείτε ή "
        "εργάζεστε (άρθρο 77), και να προσφύγετε στη δικαιοσύνη (άρθρο 79).",
        "automated": "Δεν λαμβάνεται για εσάς καμία απόφαση που βασίζεται αποκλειστικά σε αυτοματοποιημένη "
        "επεξεργασία, συμπεριλαμβανομένης της κατάρτισης προφίλ, η οποία παράγει έννομα αποτελέσματα που σας αφορούν "
        "ή σας επηρεάζει σημαντικά με παρόμοιο τρόπο (άρθρο 22)· μια αντιστοίχιση που βρίσκει το λογισμικό είναι "
        "πρόταση που αξιολογεί ο πελάτης.",
        "third_parties": "Τα άλλα πρόσωπα που εμφανίζονται σε αυτές τις φωτογραφίες είναι θολωμένα στα αντίγραφά "
        "σας, για την προστασία των δικαιωμάτων τους (άρθρο 15 παρ. 4).",
        "transfers": "Κάθε αποδέκτης εκτός του Ευρωπαϊκού Οικονομικού Χώρου αναφέρεται με τη βάση της διαβίβασης "
        'όπως την έχουμε καταχωρίσει (άρθρο 15 παρ. 2)· "καμία" σημαίνει ότι τίποτα δεν την καλύπτει.',
    },
}


def art15_texts(language: str | None) -> dict[str, str]:
    code = (language or "en").split("-")[0].lower()
    return ART15.get(code) or ART15["en"]


def language_of(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"
