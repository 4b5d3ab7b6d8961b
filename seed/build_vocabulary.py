"""Build the compact vocabulary files in seed/vocabulary/ from the real taxonomies.

Inputs (see ../shared/data/PROVENANCE.md): the ESCO v1.1.1 English classification and relations
zips, the official ESCO -> STYRK-08 crosswalk with Norwegian ESCO occupation labels
(2022-09-20) and NAV's "Arbeidssøkere yrke år" file with Norwegian occupation titles per STYRK
code.

Outputs: occupations.csv, skills.csv and domains.json in seed/vocabulary/ (ATTRIBUTION.md and
README.md there are written by hand). The output is deterministic: run it twice, get the same
bytes.

    python seed/build_vocabulary.py [--data DIR] [--out DIR] [--report] [--no-nav]

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "seed" / "vocabulary"

ESCO_EN_ZIP = "esco-v1.1.1_classification_en_csv.zip"
ESCO_REL_ZIP = "esco-v1.1.1_relations_csv.zip"
CROSSWALK_CSV = "esco_no_styrk08_mapping_2022-09-20.csv"
NAV_CSV = "nav_arbeidssokere_yrke_styrk.csv"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"

SKILLS_PER_DOMAIN = 30
ESSENTIAL_WEIGHT = 2  # an essential relation counts twice an optional one when ranking

# --------------------------------------------------------------------------------------------
# Domains. STYRK codes were checked against the crosswalk and NAV's titles:
# - renhold leaves out 5151 (Renholdsledere: supervisors) and adds 9111 (private homes).
# - bygg leaves out 7112 (Murere: a skilled trade that needs a trade certificate) and adds 7119
#   (Andre bygningsarbeidere: scaffolding and demolition workers, common entry jobs).
# - kjokken adds 5246 (Gatekjøkken- og kafémedarbeidere: fast food and café crews).
# - helse adds two ESCO care occupations the crosswalk puts under 3412 (Miljøarbeidere), because
#   they are the pleieassistent / personlig assistent jobs the target group is hired into.
# - transport keeps 8344 (truck drivers) as the brief asks; "lager" gets the truck licence too.
# Norwegian levels are the project's reasoned estimate of what employers typically ask for in
# entry jobs, not data: CEFR levels, muntlig (oral) / skriftlig (written).
# --------------------------------------------------------------------------------------------
DOMAINS: dict[str, dict] = {
    "lager": {
        "name_nb": "Lager og logistikk",
        "name_en": "Warehouse and logistics",
        "styrk08": ["4321", "9321", "9333"],
        "titles": ["lagermedarbeider", "ordreplukker", "terminalarbeider (lager)", "håndpakker"],
        "hours_per_week": {"min": 20, "max": 37.5, "typical": 37.5},
        "working_time": ["dag", "kveld", "skift"],
        "norwegian_min": {"oral": "A2", "written": "A1"},
        "driving_licence": None,
        "police_certificate": False,
        "physical_demands": "høye: tunge løft, mye stående og gående arbeid",
        "certificates": ["truckførerbevis"],
    },
    "renhold": {
        "name_nb": "Renhold",
        "name_en": "Cleaning",
        "styrk08": ["9111", "9112", "9122"],
        "titles": ["renholder", "rengjøringsassistent ved hotell", "kontorrengjører", "bilpleier"],
        "hours_per_week": {"min": 10, "max": 37.5, "typical": 25},
        "working_time": ["tidlig morgen", "kveld", "helg"],
        "norwegian_min": {"oral": "A2", "written": "A1"},
        "driving_licence": None,
        "police_certificate": False,
        "physical_demands": "middels til høye: mye gange, bøying og gjentatte bevegelser",
        "certificates": [],
    },
    "barnehage": {
        "name_nb": "Barnehage og skole (assistent)",
        "name_en": "Kindergarten and school assistant",
        "styrk08": ["5311", "5312"],
        "titles": ["barnehageassistent", "skolefritidsassistent", "skoleassistent", "barnepasser"],
        "hours_per_week": {"min": 15, "max": 37.5, "typical": 30},
        "working_time": ["dag"],
        "norwegian_min": {"oral": "B1", "written": "A2"},
        "driving_licence": None,
        "police_certificate": True,
        "physical_demands": "middels: løft av barn, mye på gulvet og utendørs",
        "certificates": ["førstehjelpskurs"],
    },
    "helse": {
        "name_nb": "Helse og omsorg",
        "name_en": "Health and care",
        "styrk08": ["5321", "5322"],
        "extra_esco_occupations": [
            # residential home older adult care worker: "pleieassistent, eldreomsorg"
            "http://data.europa.eu/esco/occupation/50743f62-3d5b-4ef6-b706-00d2b1adfcc3",
            # disability support worker: "personlig assistent"
            "http://data.europa.eu/esco/occupation/9c55aa23-e3f2-4c00-8c90-5ed5204951a3",
        ],
        "titles": [
            "helsefagarbeider",
            "pleiemedhjelper",
            "pleieassistent, eldreomsorg",
            "hjemmehjelp",
            "personlig assistent",
        ],
        "hours_per_week": {"min": 15, "max": 37.5, "typical": 28},
        "working_time": ["dag", "kveld", "helg", "turnus"],
        "norwegian_min": {"oral": "B1", "written": "B1"},
        "driving_licence": None,
        "police_certificate": True,
        "physical_demands": "høye: forflytning av brukere, mye stående arbeid",
        "certificates": ["førstehjelpskurs", "legemiddelkurs"],
    },
    "butikk": {
        "name_nb": "Butikk og salg",
        "name_en": "Retail",
        "styrk08": ["5223", "5230", "9334"],
        "titles": ["butikkmedarbeider", "kassemedarbeider", "varepåfyller", "salgsassistent"],
        "hours_per_week": {"min": 8, "max": 37.5, "typical": 20},
        "working_time": ["dag", "kveld", "helg"],
        "norwegian_min": {"oral": "B1", "written": "A2"},
        "driving_licence": None,
        "police_certificate": False,
        "physical_demands": "middels: mye stående arbeid, løft av varer",
        "certificates": [],
    },
    "kjokken": {
        "name_nb": "Kjøkken og servering",
        "name_en": "Kitchen and food service",
        "styrk08": ["5120", "5246", "9412"],
        "titles": [
            "kokk",
            "kjøkkenassistent",
            "kjøkkenhjelp",
            "medarbeider på hurtigmatrestaurant",
        ],
        "hours_per_week": {"min": 15, "max": 37.5, "typical": 30},
        "working_time": ["dag", "kveld", "helg"],
        "norwegian_min": {"oral": "A2", "written": "A2"},
        "driving_licence": None,
        "police_certificate": False,
        "physical_demands": "middels til høye: varmt miljø, mye stående arbeid",
        "certificates": ["hygienekurs (mattrygghet)"],
    },
    "transport": {
        "name_nb": "Transport og sjåføryrker",
        "name_en": "Transport and driving",
        "styrk08": ["8322", "8331", "8332", "8344", "9331"],
        "titles": [
            "vare- og budbilsjåfør",
            "budsjåfør",
            "bussjåfør",
            "lastebilsjåfør",
            "truckfører",
            "sykkelbud",
        ],
        "hours_per_week": {"min": 20, "max": 37.5, "typical": 37.5},
        "working_time": ["dag", "kveld", "skift", "helg"],
        "norwegian_min": {"oral": "B1", "written": "A2"},
        "driving_licence": "B",
        "police_certificate": False,
        "physical_demands": "middels: lange perioder sittende, løft ved levering",
        "certificates": [
            "førerkort klasse B",
            "førerkort klasse C/CE",
            "truckførerbevis",
            "ADR-kompetansebevis (farlig gods)",
            "førstehjelpskurs",
        ],
    },
    "bygg": {
        "name_nb": "Bygg og anlegg (hjelpearbeider)",
        "name_en": "Construction helpers",
        "styrk08": ["7114", "7119", "9312", "9313"],
        "titles": [
            "hjelpearbeider (bygg)",
            "hjelpearbeider (anlegg)",
            "betongarbeider",
            "stillasarbeider",
            "rivningsarbeider",
        ],
        "hours_per_week": {"min": 37.5, "max": 37.5, "typical": 37.5},
        "working_time": ["dag"],
        "norwegian_min": {"oral": "A2", "written": "A1"},
        "driving_licence": None,
        "police_certificate": False,
        "physical_demands": "høye: tunge løft, utendørs arbeid i all slags vær",
        "certificates": [
            "HMS-kort og HMS-kurs (bygg)",
            "stillaskurs",
            "arbeidsvarslingskurs",
            "fallsikringskurs",
        ],
    },
}

# Supervisory ESCO occupations mapped to the domains' codes. They stay in occupations.csv but do
# not count as evidence for a domain's entry-level skills.
SUPERVISORY_OCCUPATIONS = {
    "http://data.europa.eu/esco/occupation/30870ea4-5e8e-4b92-a9d5-65e3b97a9b30",  # lagersjef
    "http://data.europa.eu/esco/occupation/dddf9385-2939-4395-951a-70ef8a36cabe",  # stevedore sup.
    "http://data.europa.eu/esco/occupation/d7a9f9e0-e2f5-4804-a0e0-b21ebb1403ee",  # lagerkoord.
    "http://data.europa.eu/esco/occupation/4a1125ee-5728-4b1f-b655-7b8eb2e27660",  # QSR leader
}

# Practical certificates employers ask for, phrased as employers do, each tied to the ESCO skill
# it certifies. A certificate is listed in a domain only where that skill occurs among the
# domain's ESCO occupations; its relation and count are the linked skill's.
CERTIFICATES: list[dict[str, str]] = [
    {"skill_nb": "truckførerbevis", "skill_en": "operate forklift"},
    {"skill_nb": "førerkort klasse B", "skill_en": "drive vehicles"},
    {"skill_nb": "førerkort klasse C/CE", "skill_en": "manoeuvre heavy trucks"},
    {"skill_nb": "ADR-kompetansebevis (farlig gods)", "skill_en": "transport dangerous goods"},
    {"skill_nb": "førstehjelpskurs", "skill_en": "provide first aid"},
    {"skill_nb": "hygienekurs (mattrygghet)", "skill_en": "comply with food safety and hygiene"},
    {
        "skill_nb": "legemiddelkurs",
        "skill_en": "assist in the administration of medication to elderly",
    },
    {
        "skill_nb": "HMS-kort og HMS-kurs (bygg)",
        "skill_en": "follow health and safety procedures in construction",
    },
    {"skill_nb": "stillaskurs", "skill_en": "build scaffolding"},
    {"skill_nb": "arbeidsvarslingskurs", "skill_en": "place temporary road signage"},
    {
        "skill_nb": "fallsikringskurs",
        "skill_en": "follow safety procedures when working at heights",
    },
]
# Skills left out of the per-domain lists although they rank high: too abstract for a
# counsellor to register ("perform services in a flexible manner"), social-work or management
# tasks beyond entry-level jobs, or peripheral to the domain (railway shunting in "lager").
EXCLUDED_SKILLS: set[str] = {
    # abstract / transversal
    "accept own accountability",
    "act reliably",
    "adapt to changing situations",
    "adhere to organisational guidelines",
    "apply organisational techniques",
    "create solutions to problems",
    "ensure compliance with legal requirements",
    "perform services in a flexible manner",
    "process data",
    "react to events in time-critical environments",
    "stay alert",
    "cancellation policies of service providers",
    "company policies",
    "communicate professionally with colleagues in other fields",
    "contribute to continuity of health care",
    "ensure client orientation",
    "social sciences",
    "tolerate stress",
    "use different communication channels",
    "work on uneven surfaces",
    "work within communities",
    # management, planning, office work
    "analyse relation between supply chain improvement and profit",
    "analyse supply chain strategies",
    "control of expenses",
    "e-commerce systems",
    "implement efficiency plans for logistics operations",
    "issue sales invoices",
    "keep personal administration",
    "maintain relationship with suppliers",
    "plan aftersales arrangements",
    "plan menus",
    "train employees",
    # social work beyond an assistant's role
    "advise on healthcare users' informed consent",
    "advocate for social service users",
    "apply decision making within social work",
    "apply holistic approach within social services",
    "apply problem solving in social service",
    "apply quality standards in social services",
    "apply socially just working principles",
    "assess social service users' situation",
    "assist social service users in formulating complaints",
    "build helping relationship with social service users",
    "comply with legislation in social services",
    "conduct interview in social service",
    "deliver social services in diverse cultural communities",
    "demonstrate leadership in social service cases",
    "involve service users and carers in care planning",
    "legal requirements in the social sector",
    "manage social crisis",
    "manage stress in organisation",
    "meet standards of practice in social services",
    "prevent social problems",
    "promote inclusion",
    "promote service users' rights",
    "promote social change",
    "protect vulnerable social service users",
    "provide social counselling",
    "refer service users to community resources",
    "report on social development",
    "review social service plan",
    "support harmed social service users",
    "support social service users in skills management",
    "support social service users' positiveness",
    "undertake continuous professional development in social work",
    "undertake risk assessment of social service users",
    # teaching beyond an assistant's role
    "encourage students to acknowledge their achievements",
    "manage student relationships",
    "observe student's progress",
    "promote human rights",
    # near-duplicates of a kept skill
    "characteristics of services",
    "interpret 3D plans",
    "product comprehension",
    # peripheral to the domain (rail, dredging, pumps, vehicles in "lager")
    "climb on railcars",
    "dredging consoles",
    "ensure public safety and security",
    "advise customers on power requirements of products",
    "advise on vehicle characteristics",
    "fabric types",
    "inform customers of activity changes",
    "keep up to date on local events",
    "handle intermodal equipment",
    "inspect asphalt",
    "inspect road signs",
    "manage sumps",
    "manoeuvre heavy trucks",
    "mark differences in colours",
    "operate on-board computer systems",
    "operate sumps",
    "rail infrastructure",
    "recognise signs of corrosion",
    "shunt inbound loads",
    "shunt outbound loads",
    "work trains",
}
# Norwegian (bokmål) skill labels, translated by the project team from ESCO's English preferred
# labels (ESCO v1.1.1 has no Norwegian skill labels in our data). Keyed by the English label.
SKILL_NB: dict[str, str] = {
    "accommodate cargo in freight transport vehicle": "laste og sikre gods i kjøretøy",
    "adhere to transpiration work schedule": "følge kjøreplan og arbeidsplan",
    "analyse travel alternatives": "finne alternative ruter",
    "apply numeracy skills": "regneferdigheter",
    "apply person-centred care": "personsentrert omsorg",
    "apply techniques for stacking goods into containers": "stable gods i containere",
    "assess the development of youth": "følge med på barns utvikling",
    "assist children in developing personal skills": "hjelpe barn å utvikle ferdigheter",
    "assist children with homework": "leksehjelp",
    "assist disable passengers": "hjelpe passasjerer med funksjonsnedsettelse",
    "assist individuals with disabilities in community activities": (
        "følge brukere med funksjonsnedsettelse på aktiviteter"
    ),
    "assist social service users with physical disabilities": (
        "hjelpe brukere med fysisk funksjonsnedsettelse"
    ),
    "assist students in their learning": "hjelpe elever med læring",
    "assist students with equipment": "hjelpe elever med utstyr",
    "attend to children's basic physical needs": "stell av barn",
    "carry out active selling": "aktivt salg",
    "carry out order intake": "ta imot bestillinger",
    "carry out pressure washing activities": "høytrykksvask",
    "carry out products preparation": "klargjøre varer for salg",
    "carry out stock rotation": "varerotasjon (først inn, først ut)",
    "characteristics of products": "varekunnskap",
    "check deliveries on receipt": "kontrollere varemottak",
    "children's physical development": "barns fysiske utvikling",
    "clean equipment": "rengjøre utstyr",
    "clean furniture": "rengjøre møbler",
    "clean glass surfaces": "vaske vinduer og glassflater",
    "clean kitchen equipment": "rengjøre kjøkkenutstyr",
    "clean particular areas manually": "manuelt renhold",
    "clean public areas": "renhold av fellesarealer",
    "clean road vehicles": "vaske kjøretøy",
    "clean rooms": "rengjøre rom",
    "clean surfaces": "renhold av overflater",
    "clean toilet facilities": "rengjøre toaletter",
    "clean vehicle exterior": "utvendig bilvask",
    "clean vehicle interiors": "innvendig rengjøring av kjøretøy",
    "cleaning industry health and safety measures": "HMS i renholdsbransjen",
    "cleaning techniques": "renholdsmetoder",
    "cold chain": "kjølekjede",
    "common children's diseases": "vanlige barnesykdommer",
    "communicate with customers": "kommunisere med kunder",
    "communicate with nursing staff": "samarbeide med sykepleiere",
    "communicate with social service users": "kommunisere med brukere",
    "communicate with youth": "kommunisere med barn og unge",
    "complete report sheets of activity": "fylle ut arbeidsrapporter",
    "comply with checklists": "følge sjekklister",
    "comply with food safety and hygiene": "følge hygieneregler for mat",
    "comply with standard portion sizes": "porsjonere etter standard",
    "contribute to protecting individuals from harm": "beskytte brukere mot skade",
    "control the performance of the vehicle": "ha kontroll på kjøretøyet",
    "cook vegetable products": "tilberede grønnsaker",
    "create decorative food displays": "lage fristende matdisker",
    "demonstrate products' features": "vise fram produkter",
    "dig soil mechanically": "maskinell graving",
    "disability care": "omsorg for personer med funksjonsnedsettelse",
    "disability types": "typer funksjonsnedsettelser",
    "dispatch order processing": "klargjøre ordre for utsendelse",
    "dispose waste": "håndtere avfall",
    "drive in urban areas": "kjøre i bytrafikk",
    "drive mobile heavy construction equipment": "kjøre anleggsmaskiner",
    "drive vehicles": "kjøre bil",
    "effective perception of transport environment": "oppfatte trafikkbildet",
    "encourage social service users to preserve their independence in their daily activities": (
        "hjelpe brukere å klare seg selv i hverdagen"
    ),
    "ensure cleanliness of food preparation area": "holde kjøkkenet rent",
    "ensure vehicle operability": "sjekke at kjøretøyet er i orden",
    "escort students on a field trip": "følge barn på tur",
    "evaluate older adults' ability to take care of themselves": (
        "vurdere eldres evne til å klare seg selv"
    ),
    "examine merchandise": "kontrollere varer",
    "excavation techniques": "gravemetoder",
    "execute chilling processes to food products": "nedkjøling av mat",
    "execute vehicle maintenance": "enkelt vedlikehold av kjøretøy",
    "focus on passengers": "ivareta passasjerer",
    "follow health and safety procedures in construction": "følge HMS-rutiner på byggeplass",
    "follow organisational guidelines in the cleaning industry": "følge renholdsplan og rutiner",
    "follow safety procedures when working at heights": "sikkerhet ved arbeid i høyden",
    "follow stock control instructions": "følge rutiner for varetelling",
    "follow verbal instructions": "følge muntlige instruksjoner",
    "follow written instructions": "følge skriftlige instruksjoner",
    "geographic areas": "lokalkunnskap",
    "give constructive feedback": "gi konstruktive tilbakemeldinger",
    "guarantee customer satisfaction": "sørge for fornøyde kunder",
    "guarantee students' safety": "passe på barnas sikkerhet",
    "guide operation of heavy construction equipment": "dirigere anleggsmaskiner",
    "handle chemical cleaning agents": "bruke rengjøringsmidler trygt",
    "handle children's problems": "hjelpe barn med problemer",
    "handle sensitive products": "håndtere ømfintlige varer",
    "handover the food preparation area": "rydde og overlevere kjøkkenet",
    "have computer literacy": "grunnleggende data",
    "health and safety measures in transportation": "HMS i transport",
    "identify abnormalities": "melde fra om endringer hos pasienten",
    "identify customer's needs": "finne ut hva kunden trenger",
    "implement care programmes for children": "følge opplegg for omsorg og aktiviteter",
    "inform on toilet facilities malfunctions": "melde fra om feil på toaletter",
    "inspect concrete structures": "kontrollere betongkonstruksjoner",
    "inspect construction sites": "sjekke byggeplassen for farer",
    "inspect construction supplies": "kontrollere byggematerialer",
    "inspect drainage channels": "kontrollere grøfter og sluk",
    "interact with healthcare users": "samhandle med pasienter",
    "interpret 2D plans": "lese arbeidstegninger",
    "interpret traffic signals": "forstå trafikksignaler",
    "keep heavy construction equipment in good condition": "vedlikeholde anleggsmaskiner",
    "keep records of work progress": "føre arbeidslogg",
    "keep time accurately": "holde tider",
    "learning difficulties": "lærevansker",
    "lift heavy weights": "tunge løft",
    "listen actively": "aktiv lytting",
    "load products for dispatch": "laste varer for utsendelse",
    "maintain a safe, hygienic and secure working environment": ("trygt og hygienisk arbeidsmiljø"),
    "maintain cleaning equipment": "vedlikeholde renholdsutstyr",
    "maintain customer service": "gi god service",
    "maintain inventory of cleaning supplies": "holde oversikt over renholdsmidler",
    "maintain kitchen equipment at correct temperature": "kontrollere temperatur på kjøl og frys",
    "maintain personal hygiene standards when cleaning": "god personlig hygiene",
    "maintain physical condition of warehouse": "holde orden på lageret",
    "maintain privacy of service users": "taushetsplikt",
    "maintain records of work with service users": "dokumentere arbeid med brukere",
    "maintain relations with children's parents": "samarbeid med foreldre",
    "maintain relationship with customers": "bygge gode kunderelasjoner",
    "maintain stock control systems": "lagerstyringssystem",
    "maintain store cleanliness": "holde butikken ren",
    "maintain students' discipline": "holde ro og orden",
    "maintain the trust of service users": "skape tillit hos brukere",
    "maintain vehicle appearance": "holde kjøretøyet rent og pent",
    "make the beds": "re senger",
    "manage routine waste": "håndtere avfall og søppel",
    "manage warehouse inventory": "holde oversikt over lagerbeholdning",
    "mechanical components of vehicles": "kjøretøyets tekniske deler",
    "mechanical tools": "håndverktøy og maskinverktøy",
    "mix concrete": "blande betong",
    "monitor basic patients signs": "måle puls, blodtrykk og temperatur",
    "monitor service users' health": "følge med på brukerens helse",
    "monitor stock level": "følge med på varebeholdning",
    "obey traffic rules": "følge trafikkreglene",
    "older adults' needs": "eldres behov",
    "operate GPS systems": "bruke GPS",
    "operate cash register": "bruke kassa",
    "operate floor cleaning equipment": "bruke gulvvaskemaskin",
    "operate forklift": "bruke truck",
    "operate material handling equipment": "bruke løfte- og transportutstyr",
    "operate voice picking systems": "stemmestyrt plukk",
    "operate warehouse materials": "bruke jekketralle og lagerutstyr",
    "operate warehouse record systems": "registrere i lagersystem",
    "order supplies": "bestille varer",
    "organise product display": "varepresentasjon",
    "organise storage facilities": "organisere lager",
    "pack goods": "pakke varer",
    "pallets loading": "laste paller",
    "park vehicles": "parkere",
    "passenger transport regulations": "regler for persontransport",
    "pave asphalt layers": "legge asfalt",
    "perform cleaning activities in an environmentally friendly way": "miljøvennlig renhold",
    "perform defensive driving": "defensiv kjøring",
    "perform drainage work": "drenering og grøftearbeid",
    "perform playground surveillance": "tilsyn ute i lek",
    "perform warehousing operations": "lagerarbeid",
    "personal protective equipment": "personlig verneutstyr",
    "pick orders for dispatching": "plukke ordre",
    "place temporary road signage": "sette opp midlertidig skilting",
    "play with children": "leke med barn",
    "pour concrete": "støpe betong",
    "prepare dairy products for use in a dish": "bruke meieriprodukter i matlaging",
    "prepare egg products for use in a dish": "tilberede egg",
    "prepare ready-made dishes": "varme og servere ferdigmat",
    "prepare sandwiches": "lage smørbrød",
    "prepare saucier products for use in a dish": "lage sauser",
    "prepare vegetable products for use in a dish": "skjære og klargjøre grønnsaker",
    "prevent shoplifting": "forebygge butikktyveri",
    "quote prices": "opplyse om priser",
    "respond to customers' inquiries": "svare på spørsmål fra kunder",
    "sell tickets": "selge billetter",
    "upsell products": "mersalg",
    "process incoming construction supplies": "ta imot byggevarer",
    "process payments": "håndtere betaling og kontanter",
    "process refunds": "behandle retur og refusjon",
    "products coding system": "varekoder og strekkoder",
    "promote the safeguarding of young people": "beskytte barn mot omsorgssvikt",
    "provide basic support to patients": "stell og personlig hygiene for brukere",
    "provide customer follow-up services": "følge opp kunder",
    "provide customer guidance on product selection": "veilede kunder ved kjøp",
    "provide first aid": "førstehjelp",
    "provide in-home support for disabled individuals": "praktisk bistand i hjemmet",
    "provide lesson materials": "gjøre klart undervisningsmateriell",
    "provide teacher support": "assistere læreren",
    "read maps": "lese kart",
    "receive kitchen supplies": "ta imot kjøkkenvarer",
    "relate empathetically": "vise empati",
    "remove dust": "tørke støv",
    "remove road surface": "fjerne veidekke",
    "respond to changing situations in health care": "håndtere uventede situasjoner i pleien",
    "restock toilet facilities' supplies": "etterfylle såpe og papir",
    "road traffic laws": "trafikkregler",
    "safety regulations for warehouses": "sikkerhetsregler på lager",
    "sales argumentation": "salgsargumentasjon",
    "screed concrete": "avrette betong",
    "secure goods": "sikre last",
    "secure working area": "sikre arbeidsområdet",
    "set up temporary construction site infrastructure": "rigge byggeplass",
    "sort waste": "kildesortering",
    "stack goods": "stable varer",
    "stock shelves": "fylle på varer i hyllene",
    "store kitchen supplies": "lagre kjøkkenvarer",
    "store raw food materials": "oppbevare råvarer riktig",
    "store warehouse goods": "lagre varer",
    "supervise children": "ha tilsyn med barn",
    "support children's wellbeing": "ivareta barns trivsel",
    "support individuals to adjust to physical disability": (
        "støtte brukere som får fysisk funksjonsnedsettelse"
    ),
    "support nurses": "assistere sykepleiere",
    "support service users in developing skills": "hjelpe brukere å lære nye ferdigheter",
    "support service users to use technological aids": "hjelpe brukere med tekniske hjelpemidler",
    "support social service users with specific communication needs": (
        "kommunisere med brukere med særlige behov"
    ),
    "support the positiveness of youths": "styrke barns selvfølelse",
    "teamwork principles": "samarbeid i team",
    "tolerate sitting for long periods": "tåle å sitte lenge",
    "transport construction supplies": "frakte byggematerialer",
    "types of packaging used in industrial shipments": "emballasjetyper",
    "use IT tools": "bruke IT-verktøy",
    "use cooking techniques": "matlagingsteknikker",
    "use culinary finishing techniques": "anrette mat",
    "use food cutting tools": "bruke kniv og kjøkkenutstyr",
    "use food preparation techniques": "forberede råvarer",
    "use measurement instruments": "bruke måleverktøy",
    "use packaging equipment": "bruke pakkeutstyr",
    "use reheating techniques": "varme opp mat",
    "use safety equipment in construction": "bruke verneutstyr på byggeplass",
    "use warehouse marking tools": "merke varer og hyller",
    "vacuum surfaces": "støvsuge",
    "work ergonomically": "arbeide ergonomisk",
    "work in a construction team": "samarbeid på byggeplass",
    "work in a hospitality team": "samarbeid på kjøkken og i servering",
    "work with nursing staff": "samarbeide med pleiepersonalet",
    "work in a multicultural environment in health care": "arbeide i flerkulturelt helsemiljø",
    "workplace sanitation": "hygiene og smittevern",
}

# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def read_zip_csv(path: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
        return list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8", newline="")))


def norm_styrk(code: str) -> str | None:
    """'C4120' -> '4120', '110' -> '0110'; None for the 'unknown' group 0000 and non-codes."""
    code = code.strip().lstrip("C")
    if not code.isdigit() or len(code) > 4:
        return None
    code = code.zfill(4)
    return None if code == "0000" else code


def title_key(label: str) -> str:
    """Key for de-duplicating titles: case, spaces and hyphens ignored ('au pair' = 'Au-pair')."""
    return re.sub(r"[\s\-]+", "", label.casefold())


def nice_title(label: str) -> str:
    """Lower-case the first letter of a title ('Kokk' -> 'kokk') unless it starts an acronym."""
    label = " ".join(label.split())
    if len(label) > 1 and label[0].isupper() and not label[1].isupper() and label[1] != "-":
        return label[0].lower() + label[1:]
    return label


def load_crosswalk(data: Path) -> list[dict[str, str]]:
    """Rows of the ESCO -> STYRK-08 crosswalk: esco_uri, label_nb, styrk08, styrk08_label.

    Rows that map no ESCO occupation (relation "no relation", or an ISCO group such as
    "Sentralbordoperatører") keep only the STYRK code and name: esco_uri and label_nb are empty.
    """
    text = (data / CROSSWALK_CSV).read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Classification 1 URI"))
    rows = []
    for row in csv.DictReader(lines[start:]):
        code = norm_styrk(row["Classification 2 URI"].rsplit("/", 1)[-1])
        uri = row["Classification 1 URI"].strip()
        label = row["Classification 1 PrefLabel"].strip()
        if code is None:
            continue
        if row["Mapping relation"] == "no relation" or not uri.startswith(ESCO_OCCUPATION):
            uri = label = ""
        rows.append(
            {
                "esco_uri": uri,
                "label_nb": label,
                "styrk08": code,
                "styrk08_label": row["Classification 2 PrefLabel"].strip(),
            }
        )
    return rows


_TITLE_SPLIT = re.compile(r",\s+(?=[A-ZÆØÅ0-9])")


def load_nav_titles(data: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    """NAV titles per STYRK-08 code (ISCO-08 rows only) and NAV's group name per code."""
    titles: dict[str, set[str]] = defaultdict(set)
    names: dict[str, tuple[str, str]] = {}
    with (data / NAV_CSV).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["isco_versjon"] != "ISCO-08":
                continue  # older rows use ISCO-88 codes
            code = norm_styrk(row["yrkeskode"])
            if code is None:
                continue
            name = row["yrke"].strip()
            if code not in names or row["aar"] > names[code][0]:
                names[code] = (row["aar"], name)
            # Titles are comma-separated; a comma followed by a lower-case word belongs to the
            # title ("Arbeidsleder, bergfag"). Cells NAV suppressed are "*".
            for title in _TITLE_SPLIT.split(row["yrkesbetegnelse"]):
                title = " ".join(title.split())
                if not title or title == "*" or title.count("(") != title.count(")"):
                    continue
                titles[code].add(title)
    return titles, {code: name for code, (_, name) in names.items()}


# --------------------------------------------------------------------------------------------
# occupations.csv
# --------------------------------------------------------------------------------------------


def domain_of_row(code: str, esco_uri: str) -> str:
    for key, dom in DOMAINS.items():
        if code in dom["styrk08"] or esco_uri in dom.get("extra_esco_occupations", ()):
            return key
    return ""


def build_occupations(crosswalk, nav_titles, nav_names) -> list[dict[str, str]]:
    styrk_label: dict[str, str] = {}
    for row in sorted(crosswalk, key=lambda r: (r["styrk08"], r["styrk08_label"])):
        if row["styrk08_label"]:
            styrk_label.setdefault(row["styrk08"], row["styrk08_label"])
    for code, name in nav_names.items():
        styrk_label.setdefault(code, name)  # codes the crosswalk lacks a name for

    rows: dict[tuple[str, str], dict[str, str]] = {}
    for row in sorted(crosswalk, key=lambda r: (r["styrk08"], r["label_nb"], r["esco_uri"])):
        if not row["esco_uri"]:
            continue
        if row["styrk08"] not in styrk_label:
            # One row ("sekretær") points at ISCO group C4120, which has no Norwegian STYRK-08
            # name in either source: not a Norwegian occupation code, so it is left out.
            continue
        label = nice_title(row["label_nb"])
        key = (row["styrk08"], title_key(label))
        if key in rows:
            continue
        rows[key] = {
            "styrk08": row["styrk08"],
            "styrk08_label": styrk_label[row["styrk08"]],
            "label_nb": label,
            "esco_uri": row["esco_uri"],
            "source": "esco-crosswalk",
            "domain": domain_of_row(row["styrk08"], row["esco_uri"]),
        }
    for code in sorted(nav_titles):
        group_names = {title_key(styrk_label[code]), title_key(nav_names.get(code, ""))}
        for title in sorted(nav_titles[code]):
            label = nice_title(title)
            key = (code, title_key(label))
            if key in rows or key[1] in group_names:
                continue
            rows[key] = {
                "styrk08": code,
                "styrk08_label": styrk_label[code],
                "label_nb": label,
                "esco_uri": "",
                "source": "nav",
                "domain": domain_of_row(code, ""),
            }
    return sorted(
        rows.values(),
        key=lambda r: (r["styrk08"], r["label_nb"].casefold(), r["label_nb"], r["source"]),
    )


# --------------------------------------------------------------------------------------------
# skills.csv
# --------------------------------------------------------------------------------------------


def domain_occupations(crosswalk) -> dict[str, list[str]]:
    """ESCO occupation URIs per domain, used as evidence for the domain's skills."""
    crosswalk = [row for row in crosswalk if row["esco_uri"]]
    known = {row["esco_uri"] for row in crosswalk}
    out: dict[str, list[str]] = {}
    for key, dom in DOMAINS.items():
        uris = {r["esco_uri"] for r in crosswalk if r["styrk08"] in dom["styrk08"]}
        extra = set(dom.get("extra_esco_occupations", ()))
        missing = extra - known
        if missing:
            raise SystemExit(f"{key}: extra ESCO occupations not in the crosswalk: {missing}")
        out[key] = sorted((uris | extra) - SUPERVISORY_OCCUPATIONS)
    return out


def rank_skills(occupations: list[str], relations, skills_en, spread) -> list[dict]:
    """Rank a domain's skills: essential relations weigh double; ties go to the skill that fewer
    ESCO occupations overall use (more specific to the domain), then alphabetically."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for occ in occupations:
        for skill_uri, relation in relations.get(occ, ()):
            counts[skill_uri][0 if relation == "essential" else 1] += 1
    ranked = []
    for uri, (ess, opt) in counts.items():
        ranked.append(
            {
                "esco_uri": uri,
                "skill_en": skills_en[uri]["preferredLabel"].strip(),
                "kind": "knowledge" if skills_en[uri]["skillType"] == "knowledge" else "skill",
                "essential": ess,
                "optional": opt,
                "score": ESSENTIAL_WEIGHT * ess + opt,
            }
        )
    ranked.sort(
        key=lambda r: (
            -r["score"],
            -r["essential"],
            spread[r["esco_uri"]],
            r["skill_en"],
            r["esco_uri"],
        )
    )
    return ranked


def select_skills(ranked: list[dict]) -> list[dict]:
    chosen = [r for r in ranked if r["skill_en"] not in EXCLUDED_SKILLS]
    return chosen[:SKILLS_PER_DOMAIN]


def build_skills(crosswalk, relations, skills_en, spread) -> tuple[list[dict], list[str]]:
    """Rows of skills.csv and a list of problems (missing translations, untied certificates)."""
    problems: list[str] = []
    rows: list[dict[str, str]] = []
    by_domain = domain_occupations(crosswalk)
    cert_by_label = {c["skill_nb"]: c for c in CERTIFICATES}
    for key in sorted(DOMAINS):
        ranked = rank_skills(by_domain[key], relations, skills_en, spread)
        by_label = {r["skill_en"]: r for r in ranked}
        picked = []
        for r in select_skills(ranked):
            nb = SKILL_NB.get(r["skill_en"])
            if nb is None:
                problems.append(f"{key}: no Norwegian label for {r['skill_en']!r}")
                continue
            picked.append({**r, "skill_nb": nb})
        for label in DOMAINS[key]["certificates"]:
            cert = cert_by_label[label]
            linked = by_label.get(cert["skill_en"])
            if linked is None:
                problems.append(f"{key}: certificate {label!r} has no evidence in the domain")
                continue
            picked.append({**linked, "skill_nb": label, "kind": "certificate"})
        seen: set[str] = set()
        for r in picked:
            if r["skill_nb"].casefold() in seen:
                problems.append(f"{key}: duplicate Norwegian label {r['skill_nb']!r}")
            seen.add(r["skill_nb"].casefold())
            relation = "essential" if r["essential"] >= r["optional"] else "optional"
            rows.append(
                {
                    "skill_nb": r["skill_nb"],
                    "skill_en": r["skill_en"],
                    "esco_uri": r["esco_uri"],
                    "domain": key,
                    "relation": relation,
                    "occupations": str(r["essential"] + r["optional"]),
                    "kind": r["kind"],
                }
            )
    rows.sort(
        key=lambda r: (
            r["domain"],
            r["kind"] == "certificate",
            r["relation"] != "essential",
            -int(r["occupations"]),
            r["skill_nb"],
        )
    )
    return rows, problems


# --------------------------------------------------------------------------------------------
# domains.json
# --------------------------------------------------------------------------------------------


def build_domains(
    occupation_rows, crosswalk, skill_rows, with_nav: bool = True
) -> tuple[dict, list[str]]:
    problems: list[str] = []
    by_domain = domain_occupations(crosswalk)
    extra_labels = {r["esco_uri"]: r["label_nb"] for r in occupation_rows if r["esco_uri"]}
    out: dict[str, dict] = {}
    for key in sorted(DOMAINS):
        dom = DOMAINS[key]
        labels = {r["label_nb"].casefold() for r in occupation_rows if r["domain"] == key}
        titles = [t for t in dom["titles"] if t.casefold() in labels]
        if with_nav:
            problems += [
                f"{key}: typical title {t!r} is not in occupations.csv"
                for t in dom["titles"]
                if t not in titles
            ]
        styrk_names = {}
        for r in occupation_rows:
            if r["styrk08"] in dom["styrk08"]:
                styrk_names[r["styrk08"]] = r["styrk08_label"]
        out[key] = {
            "name_nb": dom["name_nb"],
            "name_en": dom["name_en"],
            "styrk08": [{"code": c, "label": styrk_names[c]} for c in dom["styrk08"]],
            "extra_esco_occupations": [
                {"esco_uri": uri, "label_nb": extra_labels[uri]}
                for uri in dom.get("extra_esco_occupations", [])
            ],
            "typical_titles": titles,
            "hours_per_week": dom["hours_per_week"],
            "working_time": list(dom["working_time"]),
            "norwegian_min": dom["norwegian_min"],
            "driving_licence": dom["driving_licence"],
            "police_certificate": dom["police_certificate"],
            "physical_demands": dom["physical_demands"],
            "certificates": list(dom["certificates"]),
            "esco_occupations_used_for_skills": len(by_domain[key]),
            "skills": sum(1 for r in skill_rows if r["domain"] == key),
        }
    doc = {
        "_note": (
            "Generated by seed/build_vocabulary.py. Hours, working time, minimum Norwegian "
            "levels (CEFR, oral/written), physical demands and practical requirements are the "
            "project team's reasoned estimates of typical entry-level requirements, not data."
        ),
        "domains": out,
    }
    return doc, problems


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

OCCUPATION_COLUMNS = ["styrk08", "styrk08_label", "label_nb", "esco_uri", "source", "domain"]
SKILL_COLUMNS = ["skill_nb", "skill_en", "esco_uri", "domain", "relation", "occupations", "kind"]


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def write_json(path: Path, doc: dict) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    path.write_text(text, encoding="utf-8", newline="")


def load_all(data: Path):
    crosswalk = load_crosswalk(data)
    nav_titles, nav_names = load_nav_titles(data)
    skills_en = {r["conceptUri"]: r for r in read_zip_csv(data / ESCO_EN_ZIP, "skills_en.csv")}
    relations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    spread: dict[str, int] = defaultdict(int)
    for r in read_zip_csv(data / ESCO_REL_ZIP, "occupationSkillRelations.csv"):
        relations[r["occupationUri"]].append((r["skillUri"], r["relationType"]))
        spread[r["skillUri"]] += 1
    return crosswalk, nav_titles, nav_names, skills_en, relations, spread


def report(data: Path) -> None:
    """Print each domain's ranked candidates (for reviewing exclusions and translations)."""
    crosswalk, _, _, skills_en, relations, spread = load_all(data)
    for key, occs in domain_occupations(crosswalk).items():
        print(f"== {key} ({len(occs)} occupations)")
        ranked = [
            r
            for r in rank_skills(occs, relations, skills_en, spread)
            if r["skill_en"] not in EXCLUDED_SKILLS
        ]
        for i, r in enumerate(ranked[: SKILLS_PER_DOMAIN + 25]):
            mark = "   " if r["skill_en"] in SKILL_NB else "???"
            cut = "--" if i == SKILLS_PER_DOMAIN else "  "
            print(
                f"{cut}{mark} {r['essential']:2d} {r['optional']:2d} {r['kind'][:4]} "
                f"{r['skill_en']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="taxonomy folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--report", action="store_true", help="print ranked candidates only")
    parser.add_argument(
        "--no-nav",
        action="store_true",
        help="leave NAV's titles out of occupations.csv (if its licence does not allow reuse)",
    )
    args = parser.parse_args(argv)
    if args.report:
        report(args.data)
        return 0
    crosswalk, nav_titles, nav_names, skills_en, relations, spread = load_all(args.data)
    if args.no_nav:
        nav_titles, nav_names = {}, {}
    occupation_rows = build_occupations(crosswalk, nav_titles, nav_names)
    skill_rows, problems = build_skills(crosswalk, relations, skills_en, spread)
    domains, more = build_domains(occupation_rows, crosswalk, skill_rows, not args.no_nav)
    problems += more
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "occupations.csv", OCCUPATION_COLUMNS, occupation_rows)
    write_csv(args.out / "skills.csv", SKILL_COLUMNS, skill_rows)
    write_json(args.out / "domains.json", domains)
    print(f"wrote {len(occupation_rows)} occupations, {len(skill_rows)} skills to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
