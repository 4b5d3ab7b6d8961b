"""Deterministic, realistic demo data (DESIGN §1–§3): Faker (no_NO, bokmål) and the taxonomies.

The vocabulary files in `seed/vocabulary/` are derived from ESCO, the ESCO→STYRK-08 crosswalk and
NAV's occupation titles (see `seed/vocabulary/ATTRIBUTION.md`). The same seed and reference date
give the same data set.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from faker import Faker
from sqlalchemy import func, insert, select, text
from stdnum.no import orgnr as orgnr_mod

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    CandidateLanguage,
    ConsentRecord,
    ContactPerson,
    DesiredOccupation,
    Employer,
    EmployerContact,
    Experience,
    Occupation,
    Partner,
    Placement,
    Skill,
    User,
    Vacancy,
    VacancyEvent,
    VacancySkill,
    candidate_skill,
)
from employerpool.models.enums import (
    GRORUDDALEN,
    Agreement,
    ApprovalStatus,
    CandidateStatus,
    Cefr,
    ConsentScope,
    ContactChannel,
    ContactResult,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    NorwegianSource,
    PartnerKind,
    PlacementOutcome,
    PlacementType,
    Programme,
    Role,
    SizeBand,
    VacancyStatus,
)
from employerpool.models.vocabulary import label_key

log = logging.getLogger(__name__)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VOCABULARY_DIR = os.path.join(ROOT, "seed", "vocabulary")
DEMO_PASSWORD = "demo"  # noqa: S105 - demo mode only; production refuses to seed

PARTNERS = [
    ("NAV Alna", PartnerKind.nav, District.Alna),
    ("NAV Bjerke", PartnerKind.nav, District.Bjerke),
    ("NAV Grorud", PartnerKind.nav, District.Grorud),
    ("NAV Stovner", PartnerKind.nav, District.Stovner),
    ("Bydel Alna", PartnerKind.district, District.Alna),
    ("Bydel Bjerke", PartnerKind.district, District.Bjerke),
    ("Bydel Grorud", PartnerKind.district, District.Grorud),
    ("Bydel Stovner", PartnerKind.district, District.Stovner),
    ("IMDi Øst", PartnerKind.imdi, None),
    ("Oslo voksenopplæring", PartnerKind.adult_education, None),
]

# (email, name, role, partner name); the employer user belongs to the first seeded employer.
DEMO_LOGINS = [
    ("admin@demo.no", "Ada Admin", Role.admin, "NAV Alna"),
    ("koordinator@demo.no", "Kari Koordinator", Role.coordinator, "NAV Alna"),
    ("veileder@demo.no", "Vera Veileder", Role.counsellor, "NAV Alna"),
    ("markedskontakt@demo.no", "Mats Markedskontakt", Role.employer_contact, "Bydel Alna"),
    ("arbeidsgiver@demo.no", "Arne Arbeidsgiver", Role.employer, None),
]

# Postcodes per district (Oslo), for plausible addresses.
POSTCODES = {
    District.Alna: ["0667", "0668", "0678", "0680", "0681", "0682", "0683", "0684"],
    District.Bjerke: ["0580", "0581", "0582", "0588", "0589", "0590", "0596"],
    District.Grorud: ["0950", "0951", "0952", "0954", "0955", "0956", "0957"],
    District.Stovner: ["0980", "0981", "0982", "0983", "0984", "0985", "0986"],
    District.other_oslo: ["0150", "0455", "0557", "0661"],
}

# NACE sections for the domains' typical employers.
DOMAIN_NACE = {
    "lager": ["H", "G"],
    "renhold": ["N"],
    "barnehage": ["P"],
    "helse": ["Q"],
    "butikk": ["G"],
    "kjokken": ["I"],
    "transport": ["H"],
    "bygg": ["F"],
}
DOMAIN_NAME_SUFFIX = {
    "lager": ["Logistikk AS", "Lager AS", "Distribusjon AS", "Terminal AS"],
    "renhold": ["Renhold AS", "Rengjøring AS", "Service AS"],
    "barnehage": ["barnehage", "Barnehager AS", "Familiebarnehage"],
    "helse": ["sykehjem", "Omsorg AS", "Helsehus", "Hjemmetjenester AS"],
    "butikk": ["Handel AS", "Dagligvare AS", "Butikk AS", "Marked AS"],
    "kjokken": ["Kantine AS", "Restaurant AS", "Catering AS", "Kafé AS"],
    "transport": ["Transport AS", "Budservice AS", "Frakt AS"],
    "bygg": ["Bygg AS", "Entreprenør AS", "Anlegg AS", "Stillas AS"],
}

# Names common among immigrants in Oslo, mixed with Faker's Norwegian names.
EXTRA_FIRST_FEMALE = [
    "Amina",
    "Fatima",
    "Maryam",
    "Hodan",
    "Sara",
    "Leila",
    "Zahra",
    "Asha",
    "Hawa",
    "Nasra",
    "Samira",
    "Ayan",
    "Merhawit",
    "Agnieszka",
    "Aisha",
]
EXTRA_FIRST_MALE = [
    "Mohammed",
    "Ali",
    "Ahmed",
    "Abdi",
    "Hassan",
    "Omar",
    "Yusuf",
    "Mustafa",
    "Hussein",
    "Tesfay",
    "Piotr",
    "Bilal",
    "Karim",
    "Ibrahim",
    "Daniel",
]
EXTRA_LAST = [
    "Ahmed",
    "Ali",
    "Hassan",
    "Mohamed",
    "Abdi",
    "Warsame",
    "Khan",
    "Hussain",
    "Nguyen",
    "Tesfaye",
    "Kowalski",
    "Rahimi",
    "Yilmaz",
    "Haile",
    "Farah",
    "Omar",
]
OTHER_LANGUAGES = [
    "somali",
    "arabisk",
    "tigrinja",
    "urdu",
    "polsk",
    "dari",
    "engelsk",
    "kurdisk",
    "tamil",
    "persisk",
    "litauisk",
    "tyrkisk",
    "amharisk",
    "fransk",
]
FOREIGN_EDUCATION = [
    "grunnskole fra hjemlandet",
    "videregående skole fra hjemlandet",
    "bachelor i økonomi",
    "sykepleierutdanning",
    "lærerutdanning",
    "fagutdanning som elektriker",
    "fagutdanning som frisør",
    "bachelor i jus",
]

# Weights that mirror the study: most candidates are KVP/Intro with levels around A2/B1.
PROGRAMME_WEIGHTS = {
    Programme.KVP: 30,
    Programme.Intro: 30,
    Programme.Jobbsjansen: 15,
    Programme.YNO: 12,
    Programme.AMO: 8,
    Programme.other: 5,
}
INNSATS_WEIGHTS = {
    Innsatsgruppe.standard: 10,
    Innsatsgruppe.situasjonsbestemt: 55,
    Innsatsgruppe.spesielt_tilpasset: 30,
    Innsatsgruppe.varig_tilpasset: 5,
}
ORAL_WEIGHTS = {None: 5, Cefr.A1: 10, Cefr.A2: 30, Cefr.B1: 33, Cefr.B2: 15, Cefr.C1: 6, Cefr.C2: 1}
TYPE_WEIGHTS = {
    PlacementType.arbeidspraksis: 35,
    PlacementType.sprakpraksis: 20,
    PlacementType.lonnstilskudd: 15,
    PlacementType.ordinar: 18,
    PlacementType.laerling: 6,
    PlacementType.mentor: 6,
}
PARTNER_CANDIDATE_WEIGHTS = [18, 16, 16, 18, 6, 6, 6, 6, 4, 4]


class SeedRefused(RuntimeError):
    """Raised when seeding is not allowed (production) or not needed (already seeded)."""


@dataclass
class Vocabulary:
    """The derived taxonomy files the demo data draws from."""

    domains: dict
    skills_by_domain: dict[str, list[str]] = field(default_factory=dict)
    skill_rows: list[dict] = field(default_factory=list)
    occupation_rows: list[dict] = field(default_factory=list)
    titles_by_domain: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def load_vocabulary(directory: str = VOCABULARY_DIR) -> Vocabulary:
    """Read domains.json, skills.csv and occupations.csv."""
    with open(os.path.join(directory, "domains.json"), encoding="utf-8") as f:
        domains = json.load(f)["domains"]
    vocab = Vocabulary(domains=domains)
    with open(os.path.join(directory, "skills.csv"), encoding="utf-8", newline="") as f:
        vocab.skill_rows = list(csv.DictReader(f))
    for row in vocab.skill_rows:
        vocab.skills_by_domain.setdefault(row["domain"], []).append(row["skill_nb"])
    with open(os.path.join(directory, "occupations.csv"), encoding="utf-8", newline="") as f:
        vocab.occupation_rows = list(csv.DictReader(f))
    for key, dom in domains.items():
        codes = {c["code"] for c in dom["styrk08"]}
        titles = [
            (r["label_nb"], r["styrk08"])
            for r in vocab.occupation_rows
            if r["domain"] == key and r["styrk08"] in codes
        ]
        typical = {t.casefold() for t in dom["typical_titles"]}
        # Typical titles three times as likely as the long tail of ESCO labels.
        vocab.titles_by_domain[key] = titles + [t for t in titles if t[0].casefold() in typical] * 3
    return vocab


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_orgnr(rng: random.Random, taken: set[str]) -> str:
    """A fresh, valid organisasjonsnummer (9 digits, mod-11 check digit)."""
    while True:
        base = str(rng.choice((8, 9))) + "".join(str(rng.randrange(10)) for _ in range(7))
        # Exactly one check digit fits, or none (mod 11 gives 10): then draw again.
        for digit in "0123456789":
            number = base + digit
            if orgnr_mod.is_valid(number) and number not in taken:
                taken.add(number)
                return number


def _lower(level: Cefr | None, rng: random.Random) -> Cefr | None:
    """Written level: usually the oral one or a step below."""
    if level is None:
        return None
    step = rng.choices((0, 1, 2), weights=(45, 45, 10))[0]
    return Cefr(max(1, level.value - step))


@dataclass
class SeedResult:
    counts: dict[str, int]
    logins: list[tuple[str, str]]


def _placement_outcome(rng: random.Random) -> PlacementOutcome:
    """A historical placement's outcome, in the proportions the demo data has always used."""
    return rng.choices(
        (
            PlacementOutcome.completed,
            PlacementOutcome.hired,
            PlacementOutcome.aborted,
            PlacementOutcome.ongoing,
            PlacementOutcome.no_show,
        ),
        weights=(42, 18, 17, 15, 8),
    )[0]


def seed_demo(
    *,
    seed: int = 2014,
    candidates: int = 2200,
    employers: int = 300,
    vacancies: int | None = None,
    today: date | None = None,
    vocabulary: Vocabulary | None = None,
    password_method: str | None = None,
    bulk: bool | None = None,
) -> SeedResult:
    """Fill an empty database with the demo data set; refuse if it holds data already.

    `bulk` (default: from BULK_MIN_CANDIDATES candidates up) takes the bulk path for national
    sizes; the default sizes keep the object-by-object path and its exact data.
    """
    if db.session.scalar(select(func.count()).select_from(Partner)):
        raise SeedRefused("the database already holds data; demo data is loaded only once")
    rng = random.Random(seed)
    fake = Faker("no_NO")  # Faker names its Norwegian bokmål locale no_NO
    fake.seed_instance(seed)
    today = today or date.today()
    vocab = vocabulary or load_vocabulary()
    n_vacancies = vacancies if vacancies is not None else employers * 2
    domain_keys = sorted(vocab.domains)

    # Vocabulary tables.
    labels_seen: dict[str, int] = {}
    skill_insert = []
    for row in vocab.skill_rows:
        if row["skill_nb"] not in labels_seen:
            labels_seen[row["skill_nb"]] = len(skill_insert)
            skill_insert.append(
                {
                    "label": row["skill_nb"],
                    "label_key": label_key(row["skill_nb"]),
                    "esco_uri": row["esco_uri"] or None,
                    "domain": row["domain"] or None,
                }
            )
    db.session.execute(insert(Skill), skill_insert)
    db.session.execute(
        insert(Occupation),
        [
            {
                "label": r["label_nb"],
                "styrk08": r["styrk08"],
                "styrk08_label": r["styrk08_label"],
                "esco_uri": r["esco_uri"] or None,
                "domain": r["domain"] or None,
            }
            for r in vocab.occupation_rows
        ],
    )
    skill_ids = dict(db.session.execute(select(Skill.label, Skill.id)).all())

    # Partners and staff.
    partners = [Partner(name=n, kind=k, district=d) for n, k, d in PARTNERS]
    db.session.add_all(partners)
    db.session.flush()
    by_name = {p.name: p for p in partners}
    users: list[User] = []
    logins = []
    for email, name, role, partner_name in DEMO_LOGINS:
        if role is Role.employer:
            continue
        user = User(email=email, name=name, role=role, partner=by_name[partner_name])
        user.set_password(DEMO_PASSWORD, password_method)
        users.append(user)
        logins.append((email, DEMO_PASSWORD))
    counsellors: dict[int, list[User]] = defaultdict(list)
    for p in partners:
        slug = p.name.lower().replace(" ", "").replace("ø", "o").replace("å", "a")
        for i in range(1, 4):
            first = fake.first_name()
            user = User(
                email=f"veileder{i}.{slug}@demo.no",
                name=f"{first} {fake.last_name()}",
                role=Role.counsellor,
                partner=p,
            )
            users.append(user)
            counsellors[p.id].append(user)
        contact_user = User(
            email=f"markedskontakt.{slug}@demo.no",
            name=f"{fake.first_name()} {fake.last_name()}",
            role=Role.employer_contact,
            partner=p,
        )
        users.append(contact_user)
    db.session.add_all(users)
    db.session.flush()
    demo_counsellor = next(u for u in users if u.email == "veileder@demo.no")
    counsellors[demo_counsellor.partner_id].append(demo_counsellor)
    staff_by_partner: dict[int, list[User]] = defaultdict(list)
    for u in users:
        staff_by_partner[u.partner_id].append(u)
    if bulk if bulk is not None else candidates >= BULK_MIN_CANDIDATES:
        ctx = _BulkContext(
            rng, fake, vocab, today, domain_keys, partners, counsellors, staff_by_partner, skill_ids
        )
        counts = {
            "partners": len(partners),
            "users": len(users) + 1,
            **_seed_bulk(ctx, candidates, employers, n_vacancies, password_method, logins),
            "skills": len(skill_insert),
            "occupations": len(vocab.occupation_rows),
        }
        log.info("demo data seeded in bulk: %s", counts)
        return SeedResult(counts=counts, logins=logins)

    # Employers.
    taken: set[str] = set()
    employer_objs: list[Employer] = []
    employer_domain: dict[int, str] = {}
    for i in range(employers):
        domain = domain_keys[i % len(domain_keys)]
        district = rng.choices(GRORUDDALEN + (District.other_oslo,), weights=(6, 6, 6, 6, 1))[0]
        employer = Employer(
            orgnr=make_orgnr(rng, taken),
            name=f"{fake.last_name()} {rng.choice(DOMAIN_NAME_SUFFIX[domain])}",
            nace_section=rng.choice(DOMAIN_NACE[domain]),
            district=district,
            address=fake.street_address(),
            postcode=rng.choice(POSTCODES[district]),
            city="Oslo",
            size_band=rng.choices(list(SizeBand), weights=(15, 35, 30, 15, 5))[0],
            agreement=rng.choices(list(Agreement), weights=(55, 30, 15))[0],
            responsible_partner=rng.choice(partners),
            approval=ApprovalStatus.approved,
        )
        for _ in range(rng.randint(1, 2)):
            employer.contact_persons.append(
                ContactPerson(
                    name=fake.name(),
                    title=rng.choice(
                        [
                            "daglig leder",
                            "HR-rådgiver",
                            "avdelingsleder",
                            "driftsleder",
                            "personalansvarlig",
                        ]
                    ),
                    email=f"kontakt{len(taken)}{rng.randrange(100)}@example.no",
                    phone=fake.phone_number(),
                )
            )
        employer_objs.append(employer)
    db.session.add_all(employer_objs)
    db.session.flush()
    for e, i in zip(employer_objs, range(employers), strict=True):
        employer_domain[e.id] = domain_keys[i % len(domain_keys)]
    demo_employer = employer_objs[0]
    employer_user = User(
        email="arbeidsgiver@demo.no",
        name="Arne Arbeidsgiver",
        role=Role.employer,
        employer=demo_employer,
    )
    employer_user.set_password(DEMO_PASSWORD, password_method)
    db.session.add(employer_user)
    logins.append(("arbeidsgiver@demo.no", DEMO_PASSWORD))

    # Placement needs.
    vacancy_objs: list[Vacancy] = []
    for i in range(n_vacancies):
        employer = employer_objs[0] if i < 4 else rng.choice(employer_objs)
        domain = employer_domain[employer.id]
        dom = vocab.domains[domain]
        title, styrk = rng.choice(vocab.titles_by_domain[domain])
        vtype = _weighted(rng, TYPE_WEIGHTS)
        floor = dom["norwegian_min"]
        oral = Cefr[floor["oral"]] if floor.get("oral") else None
        written = Cefr[floor["written"]] if floor.get("written") else None
        if vtype is PlacementType.sprakpraksis:
            oral, written = (Cefr.A1 if rng.random() < 0.5 else None), None
        elif rng.random() < 0.2:
            oral = Cefr(min(6, oral.value + 1)) if oral else Cefr.A2
        start = today + timedelta(days=rng.randint(-60, 150))
        status = rng.choices(list(VacancyStatus), weights=(8, 70, 12, 10))[0]
        hours = dom["hours_per_week"]
        vacancy = Vacancy(
            employer=employer,
            type=vtype,
            title=title[0].upper() + title[1:],
            occupation_label=title,
            styrk08=styrk,
            description=(
                f"{dom['name_nb']}: {title}. "
                + rng.choice(
                    [
                        "Vi har god erfaring med praksiskandidater.",
                        "Fast veileder på arbeidsplassen.",
                        "Mulighet for fast ansettelse etter praksis.",
                        "Arbeidstid etter avtale.",
                    ]
                )
            ),
            norwegian_oral_min=oral,
            norwegian_written_min=written,
            places=rng.choices((1, 2, 3, 5), weights=(60, 25, 10, 5))[0],
            district=employer.district,
            hours_per_week=rng.choice(sorted({hours["min"], hours["typical"], hours["max"]})),
            start_date=start,
            duration_weeks=(
                rng.choice((8, 12, 16, 26))
                if vtype
                in (
                    PlacementType.arbeidspraksis,
                    PlacementType.sprakpraksis,
                    PlacementType.lonnstilskudd,
                    PlacementType.mentor,
                )
                else None
            ),
            driving_licence=dom.get("driving_licence"),
            police_certificate=bool(dom.get("police_certificate")),
            physical_demands=dom.get("physical_demands"),
            status=status,
            deadline=start - timedelta(days=rng.randint(7, 21)),
        )
        domain_skills = vocab.skills_by_domain[domain]
        chosen = rng.sample(domain_skills[:25], k=min(len(domain_skills[:25]), rng.randint(3, 6)))
        n_required = rng.randint(1, min(3, len(chosen) - 1))
        for j, skill_label in enumerate(chosen):
            vacancy.skill_links.append(
                VacancySkill(skill_id=skill_ids[skill_label], required=j < n_required)
            )
        vacancy.events.append(
            VacancyEvent(from_status=None, to_status=VacancyStatus.draft, note="opprettet")
        )
        if status is not VacancyStatus.draft:
            vacancy.events.append(VacancyEvent(from_status=VacancyStatus.draft, to_status=status))
        vacancy_objs.append(vacancy)
    db.session.add_all(vacancy_objs)
    db.session.flush()

    # Candidates with their kartlegging and placement history.
    candidate_objs: list[Candidate] = []
    candidate_domains: list[list[str]] = []
    for _ in range(candidates):
        partner = rng.choices(partners, weights=PARTNER_CANDIDATE_WEIGHTS)[0]
        gender = rng.choices((Gender.female, Gender.male), weights=(58, 42))[0]
        if rng.random() < 0.45:
            first = fake.first_name_female() if gender is Gender.female else fake.first_name_male()
            last = fake.last_name()
        else:
            first = rng.choice(EXTRA_FIRST_FEMALE if gender is Gender.female else EXTRA_FIRST_MALE)
            last = rng.choice(EXTRA_LAST)
        oral = _weighted(rng, ORAL_WEIGHTS)
        written = _lower(oral, rng)
        tested = oral is not None and rng.random() < 0.6
        domains = rng.sample(domain_keys, k=rng.choices((1, 2), weights=(65, 35))[0])
        district = partner.district or rng.choice(GRORUDDALEN)
        candidate = Candidate(
            first_name=first,
            last_name=last,
            birth_year=rng.randint(today.year - 62, today.year - 19),
            gender=gender,
            phone=f"4{rng.randrange(10_000_000):07d}",
            email=f"kandidat{len(candidate_objs) + 1}@example.no",
            district=district,
            partner=partner,
            counsellor=rng.choice(counsellors[partner.id]),
            programme=_weighted(rng, PROGRAMME_WEIGHTS),
            innsatsgruppe=_weighted(rng, INNSATS_WEIGHTS),
            norwegian_oral=oral,
            norwegian_written=written,
            norwegian_source=(
                NorwegianSource.norskprove
                if tested
                else (NorwegianSource.counsellor if oral else None)
            ),
            norwegian_test_name=(
                rng.choice(["Norskprøven", "Norskprøve 2", "Norskprøve 3"]) if tested else None
            ),
            norwegian_test_date=(today - timedelta(days=rng.randint(30, 900)) if tested else None),
            education_level=rng.choices(list(EducationLevel), weights=(8, 20, 22, 20, 10, 12, 8))[
                0
            ],
            foreign_education=rng.choice(FOREIGN_EDUCATION) if rng.random() < 0.4 else None,
            foreign_education_recognised=(rng.random() < 0.2) if rng.random() < 0.4 else None,
            desired_districts=sorted(
                {district.value} | {d.value for d in rng.sample(GRORUDDALEN, k=rng.randint(0, 2))}
            ),
            driving_licences=(["B"] if rng.random() < 0.3 else []),
            max_hours_per_week=rng.choice((15.0, 20.0, 25.0, 30.0, 37.5)),
            available_from=today + timedelta(days=rng.randint(-90, 120)),
            status=rng.choices(
                (CandidateStatus.active, CandidateStatus.in_placement, CandidateStatus.inactive),
                weights=(80, 15, 5),
            )[0],
        )
        for lang in rng.sample(OTHER_LANGUAGES, k=rng.randint(1, 3)):
            candidate.languages.append(
                CandidateLanguage(language=lang, level=rng.choice((Cefr.B2, Cefr.C1, Cefr.C2)))
            )
        for domain in domains:
            title, styrk = rng.choice(vocab.titles_by_domain[domain])
            candidate.desired_occupations.append(DesiredOccupation(label=title, styrk08=styrk))
            if rng.random() < 0.5:
                etitle, estyrk = rng.choice(vocab.titles_by_domain[domain])
                candidate.experiences.append(
                    Experience(
                        title=etitle,
                        styrk08=estyrk,
                        years=float(rng.randint(1, 8)),
                        abroad=rng.random() < 0.6,
                    )
                )
        if rng.random() < 0.7:
            candidate.consents.append(
                ConsentRecord(
                    scope=ConsentScope.pool_partners,
                    given_at=datetime.combine(
                        today - timedelta(days=rng.randint(1, 400)), datetime.min.time()
                    ),
                )
            )
        if rng.random() < 0.6:
            candidate.consents.append(
                ConsentRecord(
                    scope=ConsentScope.employers,
                    given_at=datetime.combine(
                        today - timedelta(days=rng.randint(1, 400)), datetime.min.time()
                    ),
                )
            )
        candidate_objs.append(candidate)
        candidate_domains.append(domains)
    db.session.add_all(candidate_objs)
    db.session.flush()

    skill_links = []
    placements = []
    for candidate, domains in zip(candidate_objs, candidate_domains, strict=True):
        pool = sorted({s for d in domains for s in vocab.skills_by_domain[d][:30]})
        # Some candidates have no skills registered yet (thin profiles).
        k = 0 if rng.random() < 0.08 else min(len(pool), rng.randint(2, 8))
        for label in rng.sample(pool, k=k):
            skill_links.append({"candidate_id": candidate.id, "skill_id": skill_ids[label]})
        for _ in range(rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0]):
            domain = rng.choice(domains)
            title, styrk = rng.choice(vocab.titles_by_domain[domain])
            start = today - timedelta(days=rng.randint(60, 2200))
            outcome = _placement_outcome(rng)
            end = (
                None
                if outcome is PlacementOutcome.ongoing
                else start + timedelta(days=rng.randint(14, 180))
            )
            if end and end > today:
                end = today - timedelta(days=1)
            host = rng.choice(employer_objs)
            placements.append(
                Placement(
                    candidate_id=candidate.id,
                    employer_id=host.id,
                    type=_weighted(rng, TYPE_WEIGHTS),
                    title=title,
                    occupation_label=title,
                    styrk08=styrk,
                    start_date=start,
                    end_date=end,
                    outcome=outcome,
                    contract_type=(
                        rng.choice(["fast", "midlertidig", "vikariat"])
                        if outcome is PlacementOutcome.hired
                        else None
                    ),
                    abort_reason=(
                        rng.choice(ABORT_REASONS) if outcome is PlacementOutcome.aborted else None
                    ),
                )
            )
    db.session.execute(insert(candidate_skill), skill_links)
    db.session.add_all(placements)

    # Employer contacts by several partners; some employers hear from two partners a month.
    contacts = []
    for _ in range(employers * 10):
        employer = rng.choice(employer_objs)
        partner = rng.choice(partners)
        day = today - timedelta(days=rng.randint(0, 540))
        staff = staff_by_partner[partner.id]
        result = rng.choice(list(ContactResult))
        contacts.append(
            EmployerContact(
                employer_id=employer.id,
                partner_id=partner.id,
                user_id=rng.choice(staff).id,
                contact_date=day,
                channel=rng.choices(list(ContactChannel), weights=(40, 20, 15, 20, 5))[0],
                purpose=rng.choice(
                    [
                        "Presentere programmet",
                        "Følge opp praksis",
                        "Kartlegge behov",
                        "Avtale om arbeidspraksis",
                        "Rekrutteringsmøte",
                    ]
                ),
                result=result,
                follow_up_date=(
                    day + timedelta(days=rng.randint(7, 60))
                    if result in (ContactResult.follow_up_later, ContactResult.meeting_booked)
                    else None
                ),
            )
        )
    db.session.add_all(contacts)
    db.session.commit()
    counts = {
        "partners": len(partners),
        "users": len(users) + 1,
        "employers": len(employer_objs),
        "vacancies": len(vacancy_objs),
        "candidates": len(candidate_objs),
        "placements": len(placements),
        "contacts": len(contacts),
        "skills": len(skill_insert),
        "occupations": len(vocab.occupation_rows),
    }
    log.info("demo data seeded: %s", counts)
    return SeedResult(counts=counts, logins=logins)


# --- the bulk path for national sizes ----------------------------------------------------------

# From this many candidates up, seed_demo inserts rows in batches instead of ORM objects.
BULK_MIN_CANDIDATES = 10_000
BULK_BATCH = 5_000
# National-size proportions (100 000 candidates, 10 000 employers give 20 000 needs, 300 000
# placements and 200 000 contacts); the default data set keeps its own, smaller ones.
BULK_PLACEMENTS_PER_CANDIDATE = 3
BULK_CONTACTS_PER_EMPLOYER = 20
CONTACT_TITLES = [
    "daglig leder",
    "HR-rådgiver",
    "avdelingsleder",
    "driftsleder",
    "personalansvarlig",
]
VACANCY_BLURBS = [
    "Vi har god erfaring med praksiskandidater.",
    "Fast veileder på arbeidsplassen.",
    "Mulighet for fast ansettelse etter praksis.",
    "Arbeidstid etter avtale.",
]
CONTACT_PURPOSES = [
    "Presentere programmet",
    "Følge opp praksis",
    "Kartlegge behov",
    "Avtale om arbeidspraksis",
    "Rekrutteringsmøte",
]
# Reason codes, as the pipeline and the API take them (labels in employerpool.labels).
ABORT_REASONS = ["health", "language", "tasks", "moved", "other_job"]
TIME_LIMITED = (
    PlacementType.arbeidspraksis,
    PlacementType.sprakpraksis,
    PlacementType.lonnstilskudd,
    PlacementType.mentor,
)


@dataclass
class _BulkContext:
    """What the bulk path shares with the common start of `seed_demo`."""

    rng: random.Random
    fake: Faker
    vocab: Vocabulary
    today: date
    domain_keys: list[str]
    partners: list[Partner]
    counsellors: dict[int, list[User]]
    staff_by_partner: dict[int, list[User]]
    skill_ids: dict[str, int]


def _insert(target, rows: list[dict], *, returning: bool = False) -> list[int]:
    """Insert `rows` in batches of multi-row INSERTs; return the new ids, in order, if asked.

    Core inserts on the table, not ORM bulk inserts: the ORM path sends one statement per row
    on PostgreSQL here and splices the results together, which grows quadratically per batch.
    """
    table = getattr(target, "__table__", target)
    ids: list[int] = []
    for lo in range(0, len(rows), BULK_BATCH):
        batch = rows[lo : lo + BULK_BATCH]
        if returning:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(db.session.scalars(stmt, batch))
        else:
            db.session.execute(insert(table), batch)
    return ids


def _seed_bulk(
    ctx: _BulkContext,
    n_candidates: int,
    n_employers: int,
    n_vacancies: int,
    password_method: str | None,
    logins: list[tuple[str, str]],
) -> dict[str, int]:
    """Employers, needs, candidates, placements and contacts as batched inserts; commits."""
    employer_ids, employer_domains, employer_districts = _bulk_employers(ctx, n_employers)
    employer_user = User(
        email="arbeidsgiver@demo.no",
        name="Arne Arbeidsgiver",
        role=Role.employer,
        employer_id=employer_ids[0],
    )
    employer_user.set_password(DEMO_PASSWORD, password_method)
    db.session.add(employer_user)
    db.session.flush()
    logins.append(("arbeidsgiver@demo.no", DEMO_PASSWORD))
    vacancies = _bulk_vacancies(
        ctx, n_vacancies, employer_ids, employer_domains, employer_districts
    )
    placements = 0
    for lo in range(0, n_candidates, BULK_BATCH):
        placements += _bulk_candidates(ctx, lo, min(BULK_BATCH, n_candidates - lo), employer_ids)
    contacts = _bulk_contacts(ctx, n_employers * BULK_CONTACTS_PER_EMPLOYER, employer_ids)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Statistics for the planner now: autovacuum may take its time after a bulk load.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return {
        "employers": len(employer_ids),
        "vacancies": vacancies,
        "candidates": n_candidates,
        "placements": placements,
        "contacts": contacts,
    }


def _bulk_employers(ctx: _BulkContext, n: int) -> tuple[list[int], list[str], list[District]]:
    rng, fake = ctx.rng, ctx.fake
    taken: set[str] = set()
    rows, people, domains, districts = [], [], [], []
    for i in range(n):
        domain = ctx.domain_keys[i % len(ctx.domain_keys)]
        district = rng.choices(GRORUDDALEN + (District.other_oslo,), weights=(6, 6, 6, 6, 1))[0]
        rows.append(
            {
                "orgnr": make_orgnr(rng, taken),
                "name": f"{fake.last_name()} {rng.choice(DOMAIN_NAME_SUFFIX[domain])}",
                "nace_section": rng.choice(DOMAIN_NACE[domain]),
                "district": district,
                "address": fake.street_address(),
                "postcode": rng.choice(POSTCODES[district]),
                "city": "Oslo",
                "size_band": rng.choices(list(SizeBand), weights=(15, 35, 30, 15, 5))[0],
                "agreement": rng.choices(list(Agreement), weights=(55, 30, 15))[0],
                "responsible_partner_id": rng.choice(ctx.partners).id,
                "approval": ApprovalStatus.approved,
            }
        )
        people.append(
            [
                {
                    "name": fake.name(),
                    "title": rng.choice(CONTACT_TITLES),
                    "email": f"kontakt{len(taken)}{rng.randrange(100)}@example.no",
                    "phone": fake.phone_number(),
                }
                for _ in range(rng.randint(1, 2))
            ]
        )
        domains.append(domain)
        districts.append(district)
    ids = _insert(Employer, rows, returning=True)
    _insert(
        ContactPerson,
        [{**p, "employer_id": eid} for eid, ps in zip(ids, people, strict=True) for p in ps],
    )
    return ids, domains, districts


def _bulk_vacancies(
    ctx: _BulkContext,
    n: int,
    employer_ids: list[int],
    employer_domains: list[str],
    employer_districts: list[District],
) -> int:
    rng, vocab, today = ctx.rng, ctx.vocab, ctx.today
    rows, skills = [], []
    for i in range(n):
        e = 0 if i < 4 else rng.randrange(len(employer_ids))
        domain = employer_domains[e]
        dom = vocab.domains[domain]
        title, styrk = rng.choice(vocab.titles_by_domain[domain])
        vtype = _weighted(rng, TYPE_WEIGHTS)
        floor = dom["norwegian_min"]
        oral = Cefr[floor["oral"]] if floor.get("oral") else None
        written = Cefr[floor["written"]] if floor.get("written") else None
        if vtype is PlacementType.sprakpraksis:
            oral, written = (Cefr.A1 if rng.random() < 0.5 else None), None
        elif rng.random() < 0.2:
            oral = Cefr(min(6, oral.value + 1)) if oral else Cefr.A2
        start = today + timedelta(days=rng.randint(-60, 150))
        status = rng.choices(list(VacancyStatus), weights=(8, 70, 12, 10))[0]
        hours = dom["hours_per_week"]
        rows.append(
            {
                "employer_id": employer_ids[e],
                "type": vtype,
                "title": title[0].upper() + title[1:],
                "occupation_label": title,
                "styrk08": styrk,
                "description": f"{dom['name_nb']}: {title}. " + rng.choice(VACANCY_BLURBS),
                "norwegian_oral_min": oral,
                "norwegian_written_min": written,
                "places": rng.choices((1, 2, 3, 5), weights=(60, 25, 10, 5))[0],
                "district": employer_districts[e],
                "hours_per_week": rng.choice(
                    sorted({hours["min"], hours["typical"], hours["max"]})
                ),
                "start_date": start,
                "duration_weeks": rng.choice((8, 12, 16, 26)) if vtype in TIME_LIMITED else None,
                "driving_licence": dom.get("driving_licence"),
                "police_certificate": bool(dom.get("police_certificate")),
                "physical_demands": dom.get("physical_demands"),
                "status": status,
                "deadline": start - timedelta(days=rng.randint(7, 21)),
            }
        )
        domain_skills = vocab.skills_by_domain[domain][:25]
        chosen = rng.sample(domain_skills, k=min(len(domain_skills), rng.randint(3, 6)))
        n_required = rng.randint(1, min(3, len(chosen) - 1))
        skills.append([(ctx.skill_ids[label], j < n_required) for j, label in enumerate(chosen)])
    ids = _insert(Vacancy, rows, returning=True)
    links, events = [], []
    for vid, row, chosen in zip(ids, rows, skills, strict=True):
        links.extend({"vacancy_id": vid, "skill_id": s, "required": r} for s, r in chosen)
        events.append(
            {
                "vacancy_id": vid,
                "from_status": None,
                "to_status": VacancyStatus.draft,
                "note": "opprettet",
            }
        )
        if row["status"] is not VacancyStatus.draft:
            events.append(
                {
                    "vacancy_id": vid,
                    "from_status": VacancyStatus.draft,
                    "to_status": row["status"],
                    "note": None,
                }
            )
    _insert(VacancySkill, links)
    _insert(VacancyEvent, events)
    return len(ids)


def _bulk_candidates(ctx: _BulkContext, offset: int, n: int, employer_ids: list[int]) -> int:
    """One batch of candidates with their profiles and placement history; returns placements."""
    rng, fake, vocab, today = ctx.rng, ctx.fake, ctx.vocab, ctx.today
    rows, profiles = [], []
    for k in range(n):
        partner = rng.choices(ctx.partners, weights=PARTNER_CANDIDATE_WEIGHTS)[0]
        gender = rng.choices((Gender.female, Gender.male), weights=(58, 42))[0]
        if rng.random() < 0.45:
            first = fake.first_name_female() if gender is Gender.female else fake.first_name_male()
            last = fake.last_name()
        else:
            first = rng.choice(EXTRA_FIRST_FEMALE if gender is Gender.female else EXTRA_FIRST_MALE)
            last = rng.choice(EXTRA_LAST)
        oral = _weighted(rng, ORAL_WEIGHTS)
        tested = oral is not None and rng.random() < 0.6
        domains = rng.sample(ctx.domain_keys, k=rng.choices((1, 2), weights=(65, 35))[0])
        district = partner.district or rng.choice(GRORUDDALEN)
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "birth_year": rng.randint(today.year - 62, today.year - 19),
                "gender": gender,
                "phone": f"4{rng.randrange(10_000_000):07d}",
                "email": f"kandidat{offset + k + 1}@example.no",
                "district": district,
                "partner_id": partner.id,
                "counsellor_id": rng.choice(ctx.counsellors[partner.id]).id,
                "programme": _weighted(rng, PROGRAMME_WEIGHTS),
                "innsatsgruppe": _weighted(rng, INNSATS_WEIGHTS),
                "norwegian_oral": oral,
                "norwegian_written": _lower(oral, rng),
                "norwegian_source": (
                    NorwegianSource.norskprove
                    if tested
                    else (NorwegianSource.counsellor if oral else None)
                ),
                "norwegian_test_name": (
                    rng.choice(["Norskprøven", "Norskprøve 2", "Norskprøve 3"]) if tested else None
                ),
                "norwegian_test_date": (
                    today - timedelta(days=rng.randint(30, 900)) if tested else None
                ),
                "education_level": rng.choices(
                    list(EducationLevel), weights=(8, 20, 22, 20, 10, 12, 8)
                )[0],
                "foreign_education": (
                    rng.choice(FOREIGN_EDUCATION) if rng.random() < 0.4 else None
                ),
                "foreign_education_recognised": (
                    (rng.random() < 0.2) if rng.random() < 0.4 else None
                ),
                "desired_districts": sorted(
                    {district.value}
                    | {d.value for d in rng.sample(GRORUDDALEN, k=rng.randint(0, 2))}
                ),
                "driving_licences": ["B"] if rng.random() < 0.3 else [],
                "max_hours_per_week": rng.choice((15.0, 20.0, 25.0, 30.0, 37.5)),
                "available_from": today + timedelta(days=rng.randint(-90, 120)),
                "status": rng.choices(
                    (
                        CandidateStatus.active,
                        CandidateStatus.in_placement,
                        CandidateStatus.inactive,
                    ),
                    weights=(80, 15, 5),
                )[0],
            }
        )
        profiles.append(domains)
    ids = _insert(Candidate, rows, returning=True)
    languages, desired, experiences, consents, skill_links = [], [], [], [], []
    for cid, domains in zip(ids, profiles, strict=True):
        for lang in rng.sample(OTHER_LANGUAGES, k=rng.randint(1, 3)):
            languages.append(
                {
                    "candidate_id": cid,
                    "language": lang,
                    "level": rng.choice((Cefr.B2, Cefr.C1, Cefr.C2)),
                }
            )
        for domain in domains:
            title, styrk = rng.choice(vocab.titles_by_domain[domain])
            desired.append({"candidate_id": cid, "label": title, "styrk08": styrk})
            if rng.random() < 0.5:
                etitle, estyrk = rng.choice(vocab.titles_by_domain[domain])
                experiences.append(
                    {
                        "candidate_id": cid,
                        "title": etitle,
                        "styrk08": estyrk,
                        "years": float(rng.randint(1, 8)),
                        "abroad": rng.random() < 0.6,
                    }
                )
        for scope, share in ((ConsentScope.pool_partners, 0.7), (ConsentScope.employers, 0.6)):
            if rng.random() < share:
                day = today - timedelta(days=rng.randint(1, 400))
                consents.append(
                    {
                        "candidate_id": cid,
                        "scope": scope,
                        "given_at": datetime.combine(day, datetime.min.time()),
                    }
                )
        pool = sorted({s for d in domains for s in vocab.skills_by_domain[d][:30]})
        k = 0 if rng.random() < 0.08 else min(len(pool), rng.randint(2, 8))
        skill_links.extend(
            {"candidate_id": cid, "skill_id": ctx.skill_ids[label]}
            for label in rng.sample(pool, k=k)
        )
    _insert(CandidateLanguage, languages)
    _insert(DesiredOccupation, desired)
    _insert(Experience, experiences)
    _insert(ConsentRecord, consents)
    _insert(candidate_skill, skill_links)
    placements = []
    # Exactly BULK_PLACEMENTS_PER_CANDIDATE per candidate on average: some have none, some many.
    for _ in range(n * BULK_PLACEMENTS_PER_CANDIDATE):
        j = rng.randrange(n)
        title, styrk = rng.choice(vocab.titles_by_domain[rng.choice(profiles[j])])
        start = today - timedelta(days=rng.randint(60, 2200))
        outcome = _placement_outcome(rng)
        end = (
            None
            if outcome is PlacementOutcome.ongoing
            else min(start + timedelta(days=rng.randint(14, 180)), today - timedelta(days=1))
        )
        placements.append(
            {
                "candidate_id": ids[j],
                "employer_id": rng.choice(employer_ids),
                "type": _weighted(rng, TYPE_WEIGHTS),
                "title": title,
                "occupation_label": title,
                "styrk08": styrk,
                "start_date": start,
                "end_date": end,
                "outcome": outcome,
                "contract_type": (
                    rng.choice(["fast", "midlertidig", "vikariat"])
                    if outcome is PlacementOutcome.hired
                    else None
                ),
                "abort_reason": (
                    rng.choice(ABORT_REASONS) if outcome is PlacementOutcome.aborted else None
                ),
            }
        )
    _insert(Placement, placements)
    return len(placements)


def _bulk_contacts(ctx: _BulkContext, n: int, employer_ids: list[int]) -> int:
    rng, today = ctx.rng, ctx.today
    for lo in range(0, n, BULK_BATCH):
        rows = []
        for _ in range(min(BULK_BATCH, n - lo)):
            partner = rng.choice(ctx.partners)
            day = today - timedelta(days=rng.randint(0, 540))
            result = rng.choice(list(ContactResult))
            rows.append(
                {
                    "employer_id": rng.choice(employer_ids),
                    "partner_id": partner.id,
                    "user_id": rng.choice(ctx.staff_by_partner[partner.id]).id,
                    "contact_date": day,
                    "channel": rng.choices(list(ContactChannel), weights=(40, 20, 15, 20, 5))[0],
                    "purpose": rng.choice(CONTACT_PURPOSES),
                    "result": result,
                    "follow_up_date": (
                        day + timedelta(days=rng.randint(7, 60))
                        if result in (ContactResult.follow_up_later, ContactResult.meeting_booked)
                        else None
                    ),
                }
            )
        _insert(EmployerContact, rows)
    return n
