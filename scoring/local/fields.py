"""What field a job is in, and how near two fields are: the scorer's map of the job world.

A *field* is a kind of work ("frontend", "security", "quant", "accounting"), known by the
phrases postings and people use for it ("React" and "UI" are frontend; "trader" and
"quantitative research" are quant). `fields_in(text)` finds them in any text; `affinity(a, b)`
says how well a posting in field b serves someone who wants field a: 1 for the same field,
hand-set values for neighbours (a generic software internship is a fair bet for a frontend
seeker, a weak one for a quant), a small value within a family, near zero across families.

The table is hand-made from how job titles are written on public boards; it names kinds of
work, not people, so it is the same for every profile.

Why a table and not an embedded model: `bench/semantic.py` measured `wordllama` (its 16 MB
model ships in the wheel, loads offline in ~0.8 s with its import, embeds ~13k titles/s here).
Adding its title-to-interests similarity to these scores moved the mean Spearman ρ by +0.01 on
both ranking sets and cost 0.04 NDCG@10 on the second; as a fallback for titles the table
misses, its nearest field was right about half the time ("Compiler Engineer" came out
mechanical). Not worth 33 MB installed and a second of start-up; the table is also what the
reason line can name in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scrapers.postings.words import phrase, tokens


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # what a reason shows
    family: str  # tech | data | hardware | business | customer | design | health | science …
    spellings: tuple[str, ...]  # written forms (tokenised on load)


_F = Field
FIELDS: tuple[Field, ...] = (
    _F("software", "software engineering", "tech", (
        "software engineer", "software engineering", "software developer", "software development",
        "sde", "swe", "developer", "programming", "programmer", "software", "coding",
        "application developer", "technology", "engineering program", "computer science",
        "compiler", "kernel", "operating system", "systems software", "developer tool")),
    _F("frontend", "frontend", "tech", (
        "frontend", "front end", "ui engineer", "ui", "user interface", "web developer",
        "web development", "web", "react", "javascript", "typescript", "angular", "vue", "css",
        "html", "web application", "design system", "accessibility")),
    _F("fullstack", "full-stack", "tech", ("full stack", "fullstack")),
    _F("backend", "backend", "tech", (
        "backend", "back end", "server side", "api", "apis", "distributed system", "microservice",
        "database engineering", "core engineering")),
    _F("mobile", "mobile", "tech", ("mobile", "ios", "android", "swift", "kotlin", "react native",
                                     "macos", "app developer")),
    _F("ml", "machine learning", "tech", (
        "machine learning", "ml", "ai", "artificial intelligence", "deep learning", "llm",
        "genai", "generative ai", "computer vision", "nlp", "natural language processing",
        "applied ai", "recommender system", "recommendation system", "recommendation",
        "recommender", "recsys", "personalization", "personalisation", "ranking",
        "learning to rank", "neural network", "pytorch", "tensorflow",
        "mlops", "perception", "autonomous driving", "applied scientist")),
    _F("data_science", "data science", "data", (
        "data science", "data scientist", "statistic", "statistical", "machine learning scientist",
        "modeling", "modelling", "econometric")),
    _F("analytics", "data analysis", "data", (
        "data analyst", "data analytics", "analytics", "business analyst", "business intelligence",
        "bi", "tableau", "power bi", "reporting", "insights", "data analysis", "sql analyst",
        "operations analyst", "product analyst", "analyst intern")),
    _F("data_eng", "data engineering", "tech", (
        "data engineer", "data engineering", "etl", "data pipeline", "big data", "data platform",
        "database", "data infrastructure", "data warehouse", "spark", "data management",
        "data storage", "storage")),
    _F("security", "security", "tech", (
        "security", "cybersecurity", "cyber security", "cyber", "infosec", "information security",
        "penetration testing", "penetration tester", "pentest", "pentesting", "red team",
        "blue team", "soc", "security operations", "detection and response", "detection",
        "threat", "threat intelligence", "vulnerability", "grc", "governance risk and compliance",
        "data privacy", "privacy", "appsec", "application security", "cloud security",
        "incident response", "offensive security", "malware", "forensic", "identity and access",
        "iam", "zero trust", "cryptography", "secure", "fraud", "fraud detection",
        "trust and safety")),
    _F("cloud", "cloud and infrastructure", "tech", (
        "cloud", "devops", "dev ops", "sre", "site reliability", "infrastructure", "infra",
        "platform engineer", "platform engineering", "kubernetes", "k8s", "aws", "azure", "gcp",
        "terraform", "networking", "network engineer", "system administrator", "sysadmin",
        "production engineering", "reliability")),
    _F("it", "IT support", "tech", (
        "it support", "help desk", "helpdesk", "desktop support", "it operations",
        "information technology", "it intern", "it analyst", "it specialist", "it technician",
        "service desk", "end user support", "it administrator", "it officer")),
    _F("support", "technical and customer support", "customer", (
        "technical support", "customer support", "support engineer", "support specialist",
        "support analyst", "product support", "application support", "application specialist",
        "support team lead", "support lead", "escalation", "troubleshooting", "support desk",
        "tier 2", "tier 3", "solutions support")),
    _F("embedded", "embedded and firmware", "hardware", (
        "embedded", "firmware", "fw", "microcontroller", "rtos", "embedded system", "device driver",
        "embedded software", "bsp")),
    _F("hardware", "hardware", "hardware", (
        "hardware", "electrical", "electrical engineering", "asic", "fpga", "pcb", "circuit",
        "rf", "analog", "silicon", "chip design", "vlsi", "semiconductor", "power electronics",
        "ssd", "hardware engineer", "electronic")),
    _F("mechanical", "mechanical engineering", "hardware", (
        "mechanical", "manufacturing", "cad", "civil", "structural", "aerospace engineering",
        "industrial engineering", "process engineering", "chemical engineering", "materials")),
    _F("robotics", "robotics", "hardware", (
        "robotics", "robot", "robotic", "autonomy", "motion planning", "controls",
        "control system", "mechatronics", "slam", "ros")),
    _F("qa", "test and QA", "tech", (
        "test", "testing", "tester", "qa", "quality assurance", "validation", "sdet", "test automation",
        "verification", "test engineer", "quality engineer", "quality engineering", "software development engineer in test")),
    _F("quant", "quantitative trading and research", "finance", (
        "quant", "quantitative", "trading", "trader", "algorithmic trading", "quantitative research",
        "quantitative researcher", "quantitative developer", "quantitative trading",
        "market making", "market maker", "high frequency", "hft", "low latency", "derivative",
        "option trading", "equities", "commodity", "fixed income", "systematic")),
    _F("finance", "finance and investing", "finance", (
        "finance", "financial", "investment", "investing", "asset management", "banking",
        "investment banking", "portfolio", "equity research", "capital market", "wealth",
        "treasury", "credit", "fp&a", "financial analyst", "private equity", "venture capital",
        "investment analyst", "summer analyst", "underwriting", "actuarial")),
    _F("accounting", "accounting and audit", "business", (
        "accounting", "accountant", "audit", "auditor", "tax", "bookkeeping", "payroll",
        "accounts payable", "accounts receivable", "controller", "cpa", "bookkeeper",
        "chartered accountant", "acca", "financial accountant", "management accountant",
        "assurance", "financial reporting", "accounts assistant", "tax preparation")),
    _F("sales", "sales", "business", (
        "sales", "business development", "account executive", "sales development",
        "sales representative", "inside sales", "partnerships", "sales engineer", "b2b sales",
        "new business", "territory manager", "sales manager", "business developer")),
    _F("customer_success", "customer success and implementation", "customer", (
        "customer success", "client success", "implementation", "implementation specialist",
        "implementation consultant", "onboarding", "customer onboarding", "client onboarding",
        "client training", "customer training", "customer education", "client educator",
        "product trainer", "account manager", "account management", "professional services",
        "solutions consultant", "customer experience", "client service", "client services")),
    _F("customer_service", "customer service and call centres", "customer", (
        "customer service", "call centre", "call center", "contact centre", "contact center",
        "customer care", "customer response", "receptionist", "front of house",
        "customer service representative", "customer service officer", "inbound calls")),
    _F("education", "teaching and education", "education", (
        "teacher", "teaching", "tutor", "tutoring", "lecturer", "instructor", "curriculum",
        "classroom", "teaching assistant", "education", "educator", "school", "early childhood",
        "learning designer", "instructional design")),
    _F("nursing", "nursing", "health", (
        "nurse", "nursing", "registered nurse", "staff nurse", "midwife", "midwifery",
        "ward manager", "charge nurse", "nurse practitioner", "theatre nurse", "rn")),
    _F("hospitality", "hospitality", "hospitality", (
        "hospitality", "chef", "cook", "barista", "hotel", "front desk", "restaurant", "waiter",
        "waitress", "bartender", "housekeeping", "kitchen", "food and beverage", "food beverage", "catering")),
    _F("trades", "skilled trades", "trades", (
        "electrician", "plumber", "carpenter", "mechanic", "welder", "hvac", "fitter",
        "apprentice", "maintenance technician", "tradesperson", "joiner", "machinist",
        "diesel", "boilermaker", "technician")),
    _F("marketing", "marketing", "business", (
        "marketing", "brand", "social media", "communications", "content", "seo", "growth marketing",
        "public relations", "advertising", "copywriter", "digital success", "events",
        "digital marketing", "campaign", "campaigns", "email marketing", "product marketing",
        "performance marketing", "content marketing", "sem", "ppc", "marketer")),
    _F("product", "product management", "business", (
        "product manager", "product management", "program manager", "product owner",
        "product development", "project manager", "project management", "technical program")),
    _F("design", "design", "design", (
        "ux", "user experience", "product design", "product designer", "designer",
        "interaction design", "hci", "human computer interaction", "visual design",
        "graphic design", "ux research", "user research", "design thinking", "design")),
    _F("game", "game development", "tech", (
        "game", "gameplay", "game developer", "game programmer", "physics programmer",
        "graphics", "unreal", "unity")),
    _F("operations", "operations", "business", (
        "operations", "supply chain", "logistics", "procurement", "facilities", "coordinator",
        "zero waste", "sustainability", "inventory", "warehouse", "delivery")),
    _F("people", "HR and recruiting", "business", (
        "human resources", "hr", "recruiting", "recruiter", "talent acquisition",
        "people operations", "hr generalist", "hr business partner", "people partner",
        "recruitment consultant", "learning and development")),
    _F("legal", "legal and compliance", "business", (
        "legal", "law", "paralegal", "contract law", "solicitor",
        "lawyer", "attorney", "counsel", "conveyancing", "legal secretary")),
    _F("risk", "risk and compliance", "business", (
        "risk", "risk management", "risk analyst", "operational risk", "credit risk",
        "enterprise risk", "governance", "compliance", "regulatory", "regulatory compliance",
        "internal controls", "controls testing", "anti money laundering", "aml", "kyc")),
    _F("consulting", "consulting and strategy", "business", (
        "consulting", "consultant", "strategy", "management consulting", "advisory")),
    _F("health", "healthcare", "health", (
        "clinical", "healthcare", "health care", "medical", "patient", "pharmacy", "pharmacist",
        "hospital", "physician", "doctor", "health informatics", "bioinformatics", "biotech",
        "physiotherapist", "occupational therapist", "radiographer", "paramedic", "dental",
        "care assistant", "healthcare assistant", "allied health")),
    _F("science", "research science", "science", (
        "research scientist", "research intern", "research assistant", "physics", "chemistry",
        "biology", "scientist", "lab", "laboratory", "geospatial")),
    _F("labeling", "data labeling", "business", (
        "data labeling", "data annotation", "labeling", "annotation")),
)  # fmt: skip
BY_KEY = {f.key: f for f in FIELDS}

# How well a posting in field b serves a person who wants field a (order matters: a frontend
# seeker takes a generic software role more gladly than a generic-software seeker takes
# frontend? no: both read as near). Pairs are symmetric unless listed both ways.
_NEAR: dict[tuple[str, str], float] = {
    ("frontend", "fullstack"): 0.9, ("frontend", "software"): 0.65, ("frontend", "mobile"): 0.6,
    ("frontend", "design"): 0.5, ("frontend", "backend"): 0.4, ("frontend", "game"): 0.35,
    ("fullstack", "software"): 0.75, ("fullstack", "backend"): 0.8, ("fullstack", "mobile"): 0.5,
    ("backend", "software"): 0.85, ("backend", "cloud"): 0.6, ("backend", "data_eng"): 0.6,
    ("backend", "ml"): 0.4, ("mobile", "software"): 0.6,
    ("ml", "data_science"): 0.7, ("ml", "data_eng"): 0.5, ("ml", "software"): 0.45,
    ("ml", "cloud"): 0.45, ("ml", "robotics"): 0.45, ("ml", "science"): 0.4, ("ml", "analytics"): 0.35,
    ("data_science", "analytics"): 0.7, ("data_science", "data_eng"): 0.5,
    ("data_science", "quant"): 0.55, ("data_science", "software"): 0.3,
    ("analytics", "data_eng"): 0.45, ("analytics", "finance"): 0.4, ("analytics", "operations"): 0.35,
    ("analytics", "health"): 0.15, ("analytics", "consulting"): 0.35, ("analytics", "marketing"): 0.3,
    ("data_eng", "software"): 0.55, ("data_eng", "cloud"): 0.5,
    ("security", "cloud"): 0.5, ("security", "it"): 0.45, ("security", "software"): 0.3,
    ("security", "legal"): 0.3, ("security", "backend"): 0.3, ("security", "qa"): 0.15,
    ("cloud", "software"): 0.55, ("cloud", "it"): 0.5, ("it", "software"): 0.35,
    ("embedded", "hardware"): 0.7, ("embedded", "software"): 0.45, ("embedded", "robotics"): 0.65,
    ("hardware", "robotics"): 0.5, ("hardware", "mechanical"): 0.4, ("robotics", "mechanical"): 0.55,
    ("robotics", "software"): 0.45, ("qa", "software"): 0.45, ("game", "software"): 0.5,
    ("quant", "finance"): 0.55, ("quant", "software"): 0.4, ("quant", "ml"): 0.4, ("quant", "data_eng"): 0.3,
    ("quant", "analytics"): 0.4, ("finance", "accounting"): 0.45, ("finance", "consulting"): 0.4,
    ("product", "design"): 0.4, ("product", "software"): 0.3, ("product", "consulting"): 0.35,
    ("marketing", "sales"): 0.5, ("marketing", "design"): 0.3, ("operations", "consulting"): 0.35,
    ("legal", "accounting"): 0.3, ("health", "science"): 0.4, ("people", "operations"): 0.3,
    ("labeling", "ml"): 0.25, ("labeling", "analytics"): 0.3,
    ("customer_success", "support"): 0.55, ("customer_success", "sales"): 0.4,
    ("customer_success", "customer_service"): 0.3, ("customer_success", "consulting"): 0.45,
    ("customer_success", "product"): 0.3, ("customer_success", "operations"): 0.3,
    ("customer_success", "it"): 0.3, ("support", "it"): 0.6, ("support", "customer_service"): 0.45,
    ("support", "sales"): 0.2, ("support", "qa"): 0.2, ("support", "cloud"): 0.3,
    ("customer_service", "sales"): 0.4, ("customer_service", "hospitality"): 0.35,
    ("nursing", "health"): 0.7, ("education", "people"): 0.2, ("trades", "mechanical"): 0.35,
    ("trades", "hardware"): 0.3, ("marketing", "analytics"): 0.3, ("accounting", "analytics"): 0.3,
    ("people", "consulting"): 0.2, ("risk", "security"): 0.45, ("risk", "finance"): 0.5,
    ("risk", "legal"): 0.5, ("risk", "accounting"): 0.4, ("risk", "quant"): 0.35,
    ("risk", "analytics"): 0.3, ("risk", "consulting"): 0.3,
}  # fmt: skip
_SAME_FAMILY = 0.15
# Families whose fields, written before "software", say what kind of software job it is.
_QUALIFIES_SOFTWARE = frozenset({"tech", "data", "hardware", "finance"})
# Between families: how much of one kind of work carries over to the other. Desk work with
# computers is closer to other desk work than to a ward, a kitchen or a workshop, so a
# backend engineer's "not for me" list still has an order (a data analyst's job before a
# warehouse one, a warehouse one before a pharmacist's).
_FAMILIES: dict[tuple[str, str], float] = {
    ("tech", "data"): 0.2, ("tech", "hardware"): 0.12, ("tech", "design"): 0.12,
    ("tech", "customer"): 0.08, ("tech", "science"): 0.08, ("tech", "business"): 0.06,
    ("tech", "finance"): 0.06, ("data", "finance"): 0.12, ("data", "science"): 0.12,
    ("data", "business"): 0.08, ("data", "customer"): 0.06, ("data", "hardware"): 0.05,
    ("data", "health"): 0.04, ("customer", "business"): 0.12, ("customer", "education"): 0.1,
    ("customer", "hospitality"): 0.1, ("business", "finance"): 0.12,
    ("business", "design"): 0.08, ("business", "education"): 0.06,
    ("business", "hospitality"): 0.05, ("hardware", "trades"): 0.12,
    ("hardware", "science"): 0.1, ("health", "science"): 0.12, ("health", "education"): 0.05,
    ("health", "hospitality"): 0.04, ("hospitality", "trades"): 0.04,
}  # fmt: skip
_OTHER = 0.02
# A specialised software role is partly a software role: a frontend seeker takes an ML
# internship more gladly than a marketing one. Fit may go through this hub field.
_HUB = "software"


@lru_cache(maxsize=4096)
def affinity(wanted: str, found: str) -> float:
    """How well a posting in field `found` serves someone who wants field `wanted` (0..1)."""
    direct = _direct(wanted, found)
    if wanted == _HUB or found == _HUB:
        return direct
    return max(direct, round(_direct(wanted, _HUB) * _direct(_HUB, found), 3))


def _direct(wanted: str, found: str) -> float:
    if wanted == found:
        return 1.0
    near = _NEAR.get((wanted, found)) or _NEAR.get((found, wanted))
    if near is not None:
        return near
    a, b = BY_KEY[wanted].family, BY_KEY[found].family
    if a == b:
        return _SAME_FAMILY
    return _FAMILIES.get((a, b)) or _FAMILIES.get((b, a)) or _OTHER


# Tokenised spelling -> field, longest first so "data engineer" wins over "data".
_SPELLINGS: list[tuple[tuple[str, ...], str]] = sorted(
    {(tuple(tokens(s)), f.key) for f in FIELDS for s in f.spellings},
    key=lambda sf: (-len(sf[0]), sf[0]),
)
_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _key in _SPELLINGS:
    _FIRST.setdefault(_words[0], []).append((_words, _key))


def fields_of_tokens(toks: list[str]) -> dict[str, int]:
    """Fields named in a token list -> the position of their first mention."""
    found: dict[str, int] = {}
    ends: set[int] = set()
    for key, start, end in field_spans(toks):
        # "low-latency software engineering", "security software engineer": software is the
        # head a technical field qualifies, not a field of its own ("geospatial software"
        # is software work about maps).
        if key != "software" or start not in ends:
            found.setdefault(key, start)
        if BY_KEY[key].family in _QUALIFIES_SOFTWARE:
            ends.add(end)
    return found


def field_spans(toks: list[str]) -> list[tuple[str, int, int]]:
    """Every field mention in a token list as (field, start, end), left to right."""
    found: list[tuple[str, int, int]] = []
    i = 0
    n = len(toks)
    while i < n:
        step = 1
        for words, key in _FIRST.get(toks[i], ()):
            k = len(words)
            if tuple(toks[i : i + k]) == words:
                found.append((key, i, i + k))
                step = k
                break
        i += step
    return found


def fields_in(text: str) -> dict[str, int]:
    """Fields named in a text -> position of the first mention (``"Software Engineer Intern -
    Frontend"`` -> ``{"software": 0, "frontend": 4}``)."""
    return fields_of_tokens(tokens(text))


# Nouns that make a title a job's name ("Data Analyst", "Staff Nurse", "Barista"); a title
# without one is a headline ("Build financial products in Python") and the description says
# what the job is.
_ROLE_NOUNS = (
    r"(?:engineer|developer|programmer|analyst|manager|specialist|consultant|scientist|designer|"
    r"intern|internship|co-?op|coordinator|officer|lead|director|assistant|associate|"
    r"administrator|architect|technician|nurse|teacher|accountant|representative|executive|"
    r"advis[eo]r|agent|operator|supervisor|clerk|tutor|trainer|educator|researcher|writer|"
    r"editor|recruiter|partner|controller|auditor|therapist|pharmacist|physician|hygienist|chef|"
    r"cook|attendant|driver|mechanic|electrician|worker|expert|aide|generalist|head|vp|"
    r"president|superintendent|fellow|apprentice|trainee|graduate|student|staff|strategist|"
    r"planner|buyer|estimator|inspector|counsel|lawyer|solicitor|paralegal|secretary|"
    r"receptionist|cashier|barista|instructor|lecturer|professor|coach|practitioner|midwife|"
    r"paramedic|carer|caregiver|sales|marketer|underwriter|actuary|economist|statistician|"
    r"technologist|tester|full[ -]?stack|front[ -]?end|back[ -]?end)s?"
)
_ROLE_NOUN = re.compile(rf"\b{_ROLE_NOUNS}\b", re.IGNORECASE)
_ROLE_SOUGHT = re.compile(
    r"\b(?:looking for|seeking|hiring|recruiting|searching for|in search of)\s+(?:an?|our next)\s+"
    rf"((?:[A-Za-z/&+.-]+\s+){{0,5}}?{_ROLE_NOUNS})\b",
    re.IGNORECASE,
)


def role_title(title: str, description: str) -> str:
    """The job's name: the title, or when the title is a headline that names no role, the
    role the description says it is looking for ("… looking for a Software Development
    Engineer to join …"), after the title."""
    if _ROLE_NOUN.search(title):
        return title
    m = _ROLE_SOUGHT.search(description[:2500])
    return f"{m.group(1)} - {title}" if m else title


def family(key: str) -> str:
    """The family a field belongs to ("frontend" -> "tech", "nursing" -> "health")."""
    return BY_KEY[key].family


def label(key: str) -> str:
    return BY_KEY[key].label


def spelled(key: str) -> str:
    """A field's spellings as one text (what the semantic model reads for it)."""
    return phrase(" ".join(BY_KEY[key].spellings[:8]))
