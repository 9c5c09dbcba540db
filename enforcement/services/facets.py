"""Sector and violation-type facets of a case, classified from free text, and short summaries.

Other trackers describe a respondent ("Vodafone España", "Polish Mayor") and a violation
("Non-compliance with lawful basis for data processing") in their own words. `facets_classify`
maps such text to the controlled lists (models.Sector, models.ViolationCode):

1. sector: the texts are tried in the order given (respondent name first, then the respondent's
   own sector text, then summaries); in each, the rules of SECTOR_RULES are tried in order and
   the first that matches decides. No match anywhere: blank (not classified), never a guess.
2. violation types: every rule of VIOLATION_RULES that matches the violation text adds its type
   ("X and Y" gives both); every GDPR article found violated adds the type of ARTICLE_TYPES.
   A text that names a violation outside the list (e.g. "data processing principles", Art. 5)
   gives "other"; a text that matches nothing ("Several", "Unknown") gives none.

What the classifier sets is marked derived (`Case.facets_derived`); a case whose facets staff
set is left alone by `cases_classify` unless asked to overwrite.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from enforcement.models import ArticleReference, Case, Decision, Sector, ViolationCode, ViolationType

SHORT_SUMMARY_LENGTH = 300


def _rule(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


# (pattern, sector), tried in order: the more specific first (a "State Hospital" is health, a
# "Municipal Education Department" education, a "Telecom company" telecoms, a bank before "credit").
SECTOR_RULES: tuple[tuple[re.Pattern, Sector], ...] = (
    (_rule(r"hospital|clinic|m[eé]dic|health|pharma|dispensar|doctor|dental|nursing|patient|infertility|menzis"),
     Sector.HEALTH),
    (_rule(r"school|universit|college|liceo|colegio|education|kindergarten|academy\b"), Sector.EDUCATION),
    (_rule(r"telecom|telekom|vodafone|telef[oó]nica|xfera|m[oó]viles|\btim\b|wind hellas|orange\b|\bEE\b|"
           r"mobile operator|1&1"), Sector.TELECOMS),
    (_rule(r"\bbank|banco|unicredit|raiffeisen|bnp paribas|\bING\b|\bN26\b|insurance|assurance|aseguradora|"
           r"credit|financ|payment|debt collect|cobros|\bloan|mistertango|bookmaker"), Sector.FINANCE),
    (_rule(r"mayor|municipal|town of|city council|councilor|police|ministry|government|public authority|"
           r"revenue agency|social insurance agency|licensing agency|lands authority|austrian post|postal|"
           r"public utility|data protection authority|parliament"), Sector.PUBLIC),
    (_rule(r"airline|airways|l[ií]neas a[eé]reas|aviation|railway|\btaxi|transport|logistic|shipping|"
           r"courier|car rent|marine\b|tarom|handling ltd"), Sector.TRANSPORT),
    (_rule(r"newspaper|\bmedia\b|broadcast|television|\bradio|\brtve\b|publisher|magazine|youtube"), Sector.MEDIA),
    (_rule(r"recruit|staffing|temporary work|employment agency|^employer$"), Sector.EMPLOYMENT),
    (_rule(r"clearview|google|facebook|\bmeta\b|microsoft|apple\b|tiktok|amazon|platform|online|internet|"
           r"software|digital|\bapp\b|knuddels|bisnode|delivery hero|technolog|data broker"), Sector.TECHNOLOGY),
    (_rule(r"\bshop|store|retail|supermarket|merchant|e-?commerce|ikea|avon|emag|alza|morele|restaurant|"
           r"caf[eé]|\bbar\b|food company"), Sector.RETAIL),
    (_rule(r"political party|party -|movimento|association|confederation|hotel|energ|\bgas\b|electric|iberdrola|"
           r"endesa|\bedp\b|housing|wohnen|homeowners|sports|football|festival"), Sector.OTHER),
)  # fmt: skip

# (pattern, violation type); every match counts.
VIOLATION_RULES: tuple[tuple[re.Pattern, ViolationCode], ...] = (
    (_rule(r"lawful basis|legal basis|legal ground|\bconsent|unlawful(ly)? process|without (a )?legal"),
     ViolationCode.LAWFUL_BASIS),
    (_rule(r"information obligation|transparen|privacy (notice|policy)|inform(ing)? (the )?data subjects|"
           r"notification"), ViolationCode.TRANSPARENCY),
    (_rule(r"subjects'? rights|data subjects?'? rights|right (of|to) (access|erasure|object|rectification|"
           r"be forgotten|portability)|access requests?|erasure requests?"), ViolationCode.RIGHTS),
    (_rule(r"information security|security|data breach|technical and organi[sz]ational|organi[sz]ational measures"),
     ViolationCode.SECURITY),
    (_rule(r"data protection officer|\bDPO\b"), ViolationCode.DPO),
    (_rule(r"processing agreement|processor|joint controller"), ViolationCode.PROCESSOR),
    (_rule(r"international transfer|transfers? (of (personal )?data )?(to|outside)|third countr"),
     ViolationCode.TRANSFERS),
    (_rule(r"\bchild|\bminors?\b"), ViolationCode.CHILDREN),
    (_rule(r"direct marketing|marketing|advertis|newsletter|unsolicited|\bspam\b|cold call"), ViolationCode.MARKETING),
    (_rule(r"biometric|facial recognition|special[- ]categor|health data|genetic|fingerprint|sensitive data"),
     ViolationCode.SPECIAL_CATEGORY),
    (_rule(r"cooperat|co-operat"), ViolationCode.COOPERATION),
    (_rule(r"processing principles|data minimi[sz]ation|storage limitation|retention|purpose limitation|"
           r"accuracy|\bDPIA\b|impact assessment|representative"), ViolationCode.OTHER),
)  # fmt: skip

# GDPR articles found violated -> violation type (Art. 5 and others outside the list: none, the
# text decides whether they are "other").
ARTICLE_TYPES: dict[int, ViolationCode] = {
    6: ViolationCode.LAWFUL_BASIS,
    7: ViolationCode.LAWFUL_BASIS,
    8: ViolationCode.CHILDREN,
    9: ViolationCode.SPECIAL_CATEGORY,
    10: ViolationCode.SPECIAL_CATEGORY,
    12: ViolationCode.TRANSPARENCY,
    13: ViolationCode.TRANSPARENCY,
    14: ViolationCode.TRANSPARENCY,
    **dict.fromkeys(range(15, 23), ViolationCode.RIGHTS),
    26: ViolationCode.PROCESSOR,
    28: ViolationCode.PROCESSOR,
    29: ViolationCode.PROCESSOR,
    31: ViolationCode.COOPERATION,
    32: ViolationCode.SECURITY,
    33: ViolationCode.SECURITY,
    34: ViolationCode.SECURITY,
    37: ViolationCode.DPO,
    38: ViolationCode.DPO,
    39: ViolationCode.DPO,
    **dict.fromkeys(range(44, 50), ViolationCode.TRANSFERS),
}


@dataclass(frozen=True)
class ClassifiedFacets:
    sector: str = ""  # a Sector value, or "" when nothing matched
    violation_types: frozenset[str] = field(default_factory=frozenset)  # ViolationCode values


def facets_classify(
    *, sector_texts: Iterable[str] = (), violation_text: str = "", articles: Iterable[int] = ()
) -> ClassifiedFacets:
    """Classify free text (and the GDPR articles found violated) to the controlled lists; see the
    module docstring for the rules."""
    sector = ""
    for text in sector_texts:
        text = (text or "").strip()
        sector = next((value for pattern, value in SECTOR_RULES if pattern.search(text)), "")
        if sector:
            break
    types = {value.value for pattern, value in VIOLATION_RULES if pattern.search(violation_text or "")}
    types |= {ARTICLE_TYPES[article].value for article in articles if article in ARTICLE_TYPES}
    if len(types) > 1:
        types.discard(ViolationCode.OTHER.value)  # "other" only when nothing listed applies
    return ClassifiedFacets(sector=str(sector), violation_types=frozenset(types))


def short_summary_from(text: str, *, limit: int = SHORT_SUMMARY_LENGTH) -> str:
    """The first sentences of `text` that fit in `limit` characters; a text whose first sentence
    is longer is cut at a word and ends with an ellipsis (so a cut is visible, never passed off
    as the whole)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _case_texts(case: Case) -> tuple[list[str], str, list[int]]:
    """What a stored case says about its respondent and its violations (reads the prefetches of
    cases_classify)."""
    decisions = list(case.decisions.all())
    sector_texts = [case.respondent.name, case.respondent.sector, case.respondent.description, case.summary]
    sector_texts += [decision.summary for decision in decisions]
    violated = [a for a in case.articles.all() if a.role == ArticleReference.Role.VIOLATED]
    # The importer keeps the source's violation type in the public notes ("Violation type as ...").
    violation_text = " ".join([case.public_notes, *(a.label for a in violated), *(a.note for a in violated)])
    articles = [a.article for a in violated if a.article is not None and not a.instrument]
    return sector_texts, violation_text, articles


@transaction.atomic
def violation_types_by_code() -> dict[str, int]:
    """The ViolationType rows by code, creating any that are missing (migration 0011 writes them,
    but a database emptied since, e.g. by a test that truncates tables, no longer holds them)."""
    rows = dict(ViolationType.objects.values_list("code", "pk"))
    missing = [code for code in ViolationCode.values if code not in rows]
    if missing:
        ViolationType.objects.bulk_create(
            [ViolationType(code=code, position=ViolationCode.values.index(code)) for code in missing],
            ignore_conflicts=True,
        )
        rows = dict(ViolationType.objects.values_list("code", "pk"))
    return rows


def cases_classify(*, case_ids: Iterable[int] | None = None, overwrite_staff: bool = False) -> int:
    """Classify stored cases (all, or those of `case_ids`) and fill their decisions' empty short
    summaries. Cases whose facets staff set keep them unless `overwrite_staff`. A fixed number of
    queries per 500 cases (bulk writes), so that the importer can call it on every batch.
    Returns the number of cases classified."""
    cases = Case.objects.select_related("respondent").prefetch_related("decisions", "articles").order_by("pk")
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    if not overwrite_staff:
        staff_set = Q(facets_derived=False) & (~Q(sector="") | Q(violation_types__isnull=False))
        cases = cases.exclude(pk__in=Case.objects.filter(staff_set).values("pk"))
    types_by_code = violation_types_by_code()
    through = Case.violation_types.through
    count = 0
    batch: list[Case] = []
    links: list = []
    summaries: list[Decision] = []

    def flush() -> None:
        Case.objects.bulk_update(batch, ["sector", "facets_derived"])
        through.objects.filter(case_id__in=[case.pk for case in batch]).delete()
        through.objects.bulk_create(links)
        Decision.objects.bulk_update(summaries, ["short_summary"])
        batch.clear()
        links.clear()
        summaries.clear()

    for case in cases.iterator(chunk_size=500):
        sector_texts, violation_text, articles = _case_texts(case)
        facets = facets_classify(sector_texts=sector_texts, violation_text=violation_text, articles=articles)
        case.sector, case.facets_derived = facets.sector, True
        batch.append(case)
        links += [through(case_id=case.pk, violationtype_id=types_by_code[code]) for code in facets.violation_types]
        for decision in case.decisions.all():
            # The tabular importer gives a decision the source's summary of it (also the case's);
            # other importers' decision summaries are notes, not summaries.
            if not decision.short_summary and decision.summary and decision.summary == case.summary:
                decision.short_summary = short_summary_from(decision.summary)
                summaries.append(decision)
        count += 1
        if len(batch) >= 500:
            flush()
    flush()
    return count
