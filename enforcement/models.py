"""The enforcement domain: who decided what against whom, for how much, and what became of it.

Conventions (see /work/notes/enforcement_schema.md, the contract with the UI):

* Every fact that a source may not confirm lives on a `VerifiableModel`: `unverified_fields` lists
  the names of fields whose value no source confirmed and `verification_notes` maps a field name to
  the note from the data (e.g. "UNVERIFIED (GDPRhub: 'Unknown')"). A note without the field in
  `unverified_fields` is a plain caveat (e.g. "per efdpo.eu only").
* Money is a Decimal plus an ISO 4217 code. EUR equivalents are only ever computed from the stored,
  dated `ExchangeRate` table, and the rate used is kept next to the result (`Fine.eur_rate`).
* Partial dates are a DateField plus a `DatePrecision`; an unknown date is NULL with precision
  "unknown" and a year-only date is stored as 1 January with precision "year".
* State changes go through enforcement/services.py, which writes `ChangeRecord` history.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from enforcement.currencies import validate_country, validate_currency
from enforcement.dates import DatePrecision, decision_dates_check, partial_date_display
from enforcement.law import CorrectivePower, CriterionEffect, FineCeiling, FiningCriterion, InvestigativePower

NOT_NEGATIVE = MinValueValidator(0, message="Must be zero or more.")
COUNTRY_HELP = "ISO 3166-1 alpha-2 code, e.g. FR, GB, CA."


class VerifiableModel(models.Model):
    unverified_fields = models.JSONField(
        default=list, blank=True, help_text="Names of fields whose value no source confirmed."
    )
    verification_notes = models.JSONField(
        default=dict, blank=True, help_text="Field name -> note from the data, e.g. 'UNVERIFIED (GDPRhub)'."
    )

    class Meta:
        abstract = True

    def is_unverified(self, field_name: str) -> bool:
        return field_name in (self.unverified_fields or [])

    def verification_note(self, field_name: str) -> str:
        return (self.verification_notes or {}).get(field_name, "")

    @property
    def is_fully_verified(self) -> bool:
        return not self.unverified_fields


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class Authority(models.Model):
    class Kind(models.TextChoices):
        EU_EEA_DPA = "eu_eea_dpa", "EU/EEA data protection authority"
        UK = "uk", "United Kingdom"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country], help_text=COUNTRY_HELP)
    subdivision = models.CharField(max_length=3, blank=True, help_text="ISO 3166-2 suffix, e.g. BC for CA-BC.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["country", "subdivision", "name"]
        verbose_name_plural = "authorities"
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="authority_country_iso2"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def country_code(self) -> str:
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


class Respondent(VerifiableModel):
    name = models.CharField(max_length=300)
    description = models.CharField(max_length=300, blank=True, help_text="E.g. 'user of Clearview, not Clearview'.")
    country_of_establishment = models.CharField(
        max_length=2, blank=True, validators=[validate_country], help_text=COUNTRY_HELP + " Blank: unknown."
    )
    eu_establishment = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    art27_representative = models.CharField(
        "Art. 27 representative", max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    sector = models.CharField(max_length=120, blank=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    """The controlled list of sectors for the register's facet (blank on a case: not classified)."""

    PUBLIC = "public", "Public sector"
    HEALTH = "health", "Health"
    TELECOMS = "telecoms", "Telecoms"
    FINANCE = "finance", "Finance and insurance"
    RETAIL = "retail", "Retail"
    TECHNOLOGY = "technology", "Technology and online platforms"
    MEDIA = "media", "Media"
    EDUCATION = "education", "Education"
    EMPLOYMENT = "employment", "Employment"
    TRANSPORT = "transport", "Transport"
    OTHER = "other", "Other"


class ViolationCode(models.TextChoices):
    """The controlled list of violation types (a case may have several, see ViolationType)."""

    LAWFUL_BASIS = "lawful_basis", "Lawful basis"
    TRANSPARENCY = "transparency", "Information and transparency"
    RIGHTS = "rights", "Data subject rights"
    SECURITY = "security", "Security"
    DPO = "dpo", "Data protection officer"
    PROCESSOR = "processor", "Processor and contract"
    TRANSFERS = "transfers", "International transfers"
    CHILDREN = "children", "Children"
    MARKETING = "marketing", "Direct marketing"
    SPECIAL_CATEGORY = "special_category", "Biometric and special-category data"
    COOPERATION = "cooperation", "Cooperation with the authority"
    OTHER = "other", "Other"


class ViolationType(models.Model):
    """One value of ViolationCode as a row, so that a case holds several through a plain
    many-to-many (edited like concerned authorities, filtered and counted with one join).
    The rows are written by migration 0011 from ViolationCode; nothing else creates them."""

    code = models.CharField(max_length=30, choices=ViolationCode.choices, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return str(ViolationCode(self.code).label) if self.code in ViolationCode.values else self.code


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    UNDER_APPEAL = "under_appeal", "Under appeal"
    CLOSED = "closed", "Closed"
    UNKNOWN = "unknown", "Unknown"


class Case(VerifiableModel):
    class LegalFramework(models.TextChoices):
        GDPR = "gdpr", "GDPR"
        UK_GDPR = "uk_gdpr", "UK GDPR"
        NATIONAL = "national", "National law"
        OTHER = "other", "Other"

    class Origin(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        OWN_INITIATIVE = "own_initiative", "Own initiative"
        CROSS_BORDER = "cross_border", "Cross-border (Art. 60)"
        JOINT_INVESTIGATION = "joint_investigation", "Joint investigation"
        UNKNOWN = "unknown", "Unknown"

    Status = CaseStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=120, unique=True, help_text="Public reference, e.g. fr-cnil-2022-san-019.")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="cases")
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(max_length=300)
    legal_framework = models.CharField(max_length=20, choices=LegalFramework.choices, default=LegalFramework.GDPR)
    legal_framework_detail = models.CharField(max_length=300, blank=True)
    origin = models.CharField(max_length=30, choices=Origin.choices, default=Origin.UNKNOWN)
    origin_detail = models.CharField(max_length=300, blank=True)
    # Who complained is personal data of the complainant (or of the body acting for them,
    # Art. 80): staff only, unless staff decide to publish it.
    complainant = models.CharField(
        max_length=300, blank=True, help_text="Who lodged the complaint, as the source says. Internal by default."
    )
    complainant_public = models.BooleanField(
        default=False, help_text="Show the complainant in the public register and public API."
    )
    lead_authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="led_cases"
    )
    concerned_authorities = models.ManyToManyField(Authority, blank=True, related_name="concerned_cases")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNKNOWN)
    summary = models.TextField(blank=True)
    appeal_summary = models.TextField(blank=True, help_text="Appeal position as reported, e.g. 'pending before FTT'.")
    public_notes = models.TextField(blank=True, help_text="Further reported facts, e.g. director liability.")
    published = models.BooleanField(default=False)
    internal_notes = models.TextField(blank=True, help_text="Staff only; never public, never in the public API.")
    # Facets of the register. Blank sector / no violation types: not classified (unknown).
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    violation_types = models.ManyToManyField(ViolationType, blank=True, related_name="cases")
    facets_derived = models.BooleanField(
        default=False,
        help_text="Sector and violation types were derived by the classifier from free text, not set by staff.",
    )
    # Art. 77(2)/78(2): a complainant must hear of progress or the outcome within three months.
    # Internal (it dates the complainant's complaint). The due date is kept by
    # services.complaint_refresh_due from the received date and the ComplainantUpdate rows.
    complaint_received_on = models.DateField(
        null=True, blank=True, help_text="When the authority received the complaint (complaint cases)."
    )
    complainant_update_due = models.DateField(null=True, blank=True, editable=False)
    # Denormalised by services.case_refresh_summary() so that the list can sort and total 100,000
    # cases without aggregating over decisions and fines per request.
    latest_decision_date = models.DateField(null=True, blank=True)
    fines_eur_total = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("latest_decision_date").desc(nulls_last=True), "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fines_eur_total__isnull=True) | Q(fines_eur_total__gte=0),
                name="case_fines_eur_total_not_negative",
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
        ]
        indexes = [
            # Public register: published cases, newest decision first.
            # (SQLite cannot declare NULLS LAST in an index; migration 0002 adds the PostgreSQL
            # "DESC NULLS LAST" twins of these two, which the default ordering uses there.)
            models.Index(fields=["published", "-latest_decision_date", "reference"], name="case_published_date_idx"),
            # Case list default ordering (newest decision first, undated last) and the "date" sort.
            models.Index(fields=["-latest_decision_date", "reference"], name="case_latest_date_idx"),
            # Case list "amount" sort and amount range filter.
            models.Index(fields=["fines_eur_total"], name="case_eur_total_idx"),
            # Case list status filter.
            models.Index(fields=["status"], name="case_status_idx"),
            # Case list and register sector facet (filter and the count per sector).
            models.Index(fields=["sector"], name="case_sector_idx"),
            # Staff worklist: complaint cases whose complainant must be informed by a date.
            models.Index(fields=["complainant_update_due"], name="case_complainant_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def has_unpaid(self) -> bool:
        """Whether a fine of the case is unpaid. Reads the decisions and fines that the list
        selectors prefetch (an EXISTS per row cost more than the whole page at 100,000 cases)."""
        return any(
            fine.payment_status == Fine.PaymentStatus.UNPAID
            for decision in self.decisions.all()
            for fine in decision.fines.all()
        )


class Source(models.Model):
    class Kind(models.TextChoices):
        OFFICIAL = "official", "Official (authority)"
        COURT = "court", "Court"
        PRESS = "press", "Press"
        SECONDARY = "secondary", "Secondary (law firm, blog, NGO)"
        TRACKER = "tracker", "Tracker"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    decision = models.ForeignKey("Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources")
    url = models.URLField(max_length=500)
    language = models.CharField(max_length=2, blank=True, help_text="ISO 639-1; blank when not obvious.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "url"], name="source_unique_url_per_case")]

    def __str__(self) -> str:
        return self.title or self.url


class Decision(VerifiableModel):
    class Kind(models.TextChoices):
        FINE = "fine", "Fine"
        ORDER = "order", "Order"
        REPRIMAND = "reprimand", "Reprimand"
        INFORMATION_REQUEST = "information_request", "Information request"
        PENALTY_LIQUIDATION = "penalty_liquidation", "Penalty payment liquidation"
        PENALTY_IMPOSITION = "penalty_imposition", "Penalty payment imposition"
        FINDINGS = "findings", "Findings (non-binding)"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    import_key = models.CharField(
        max_length=120,
        null=True,
        blank=True,
        unique=True,
        help_text="Row id in an imported file; keeps imports idempotent.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    reference = models.CharField(max_length=300, blank=True, help_text="The authority's own reference.")
    decision_date = models.DateField(null=True, blank=True)
    decision_date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    announced_date = models.DateField(null=True, blank=True)
    announced_date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    summary = models.TextField(blank=True)
    short_summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences for the public register list."
    )
    source_discrepancies = models.JSONField(default=list, blank=True, help_text="Reported errors in sources.")

    class Meta:
        ordering = ["case", "decision_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision_date_precision="unknown") | Q(decision_date__isnull=True),
                name="decision_date_unknown_is_null",
                violation_error_message="A decision date with precision 'unknown' must be empty.",
            ),
            models.CheckConstraint(
                condition=Q(decision_date_precision="unknown") | Q(decision_date__isnull=False),
                name="decision_date_known_not_null",
                violation_error_message="Give the decision date or set its precision to 'unknown'.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="decision_not_own_parent",
                violation_error_message="A decision cannot be its own parent.",
            ),
        ]
        indexes = [
            # Case list date range filter (EXISTS decision in range) and the case page timeline.
            models.Index(fields=["case", "decision_date"], name="decision_case_date_idx"),
            # Case list decision kind filter.
            models.Index(fields=["kind", "case"], name="decision_kind_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decision_date_display}"

    def clean(self) -> None:
        """Implausible dates (1899, 2031, announced years before decided) are refused here, so
        that every service, form and API call that validates a decision applies the rule."""
        problems = decision_dates_check(
            decision_date=self.decision_date,
            decision_date_precision=self.decision_date_precision,
            announced_date=self.announced_date,
            announced_date_precision=self.announced_date_precision,
            today=timezone.localdate(),
        )
        if problems:
            raise ValidationError(problems)

    @property
    def decision_date_display(self) -> str:
        return partial_date_display(self.decision_date, self.decision_date_precision)

    @property
    def announced_date_display(self) -> str:
        return partial_date_display(self.announced_date, self.announced_date_precision)

    @property
    def effective_date(self):
        """The date that dates the decision for rates and charts: decided, else announced."""
        return self.decision_date or self.announced_date


class ArticleReference(VerifiableModel):
    """A provision found violated, or (role "legal_basis") a provision the decision rests on.
    `instrument` blank means the case's GDPR/UK GDPR article; otherwise it names the national
    instrument (e.g. "APP", "BC PIPA"). `article` is NULL when the data only describes the
    violation in words (the text is in `label`)."""

    class Role(models.TextChoices):
        VIOLATED = "violated", "Provision found violated"
        # E.g. GDPR Art. 84: it binds the Member States, no controller can infringe it.
        LEGAL_BASIS = "legal_basis", "Legal basis of the decision"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="articles")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="articles")
    instrument = models.CharField(max_length=120, blank=True)
    article = models.PositiveIntegerField(null=True, blank=True)
    paragraph = models.PositiveIntegerField(null=True, blank=True)
    point = models.CharField(max_length=10, blank=True)
    read_with = models.CharField(max_length=120, blank=True)
    label = models.CharField(max_length=500, help_text="The text as found, e.g. '5(1)(a)'.")
    note = models.CharField(max_length=300, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIOLATED)

    class Meta:
        ordering = ["case", "instrument", "article", "paragraph", "point", "id"]
        indexes = [
            # Case list article filter: GDPR article (+ paragraph, point) -> cases.
            models.Index(fields=["article", "paragraph", "point", "case"], name="article_lookup_idx"),
        ]

    def __str__(self) -> str:
        if self.article is None:
            return self.label
        text = str(self.article)
        if self.paragraph is not None:
            text += f"({self.paragraph})"
        if self.point:
            text += f"({self.point})"
        if self.read_with:
            text += f" read with {self.read_with}"
        prefix = f"{self.instrument} s." if self.instrument and self.instrument.endswith("PIPA") else self.instrument
        return f"{prefix or 'Art.'} {text}"


class ExchangeRate(models.Model):
    currency = models.CharField(max_length=3, validators=[validate_currency])
    rate_to_eur = models.DecimalField(
        max_digits=20, decimal_places=10, validators=[MinValueValidator(0)], help_text="EUR per one unit of currency."
    )
    quoted_units_per_eur = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, blank=True, help_text="The rate as quoted (units per EUR)."
    )
    valid_from = models.DateField()
    source = models.CharField(max_length=300, help_text="Where the rate comes from; 'indicative' if not checked.")

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="exchange_rate_unique_currency_date"),
            models.CheckConstraint(condition=Q(rate_to_eur__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=Q(quoted_units_per_eur__isnull=True) | Q(quoted_units_per_eur__gt=0),
                name="exchange_rate_quoted_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_eur} EUR from {self.valid_from}"

    @property
    def is_indicative(self) -> bool:
        return "indicative" in self.source.lower()


class FinePaymentStatus(models.TextChoices):
    UNPAID = "unpaid", "Unpaid"
    PAID = "paid", "Paid"
    CONTESTED = "contested", "Contested"
    UNENFORCEABLE = "unenforceable", "Unenforceable"
    UNKNOWN = "unknown", "Unknown"


class Fine(VerifiableModel):
    PaymentStatus = FinePaymentStatus

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="fines")
    amount = models.DecimalField(max_digits=16, decimal_places=2, validators=[NOT_NEGATIVE])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNKNOWN)
    payment_note = models.TextField(blank=True)
    # Set by services from the ExchangeRate table; the rate used is kept so totals can show it.
    amount_eur = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    eur_rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Art. 83(4)-(6): which maximum applies, and the undertaking's total worldwide annual turnover
    # of the preceding financial year when a source states it (never estimated).
    ceiling = models.CharField(
        max_length=8, choices=FineCeiling.choices, blank=True, help_text="Blank: the decision does not say."
    )
    turnover = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="Worldwide annual turnover of the preceding financial year, as a source states it.",
    )
    turnover_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    turnover_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The financial year.")

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fine_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(turnover__isnull=True) | (Q(turnover__gte=0) & ~Q(turnover_currency="")),
                name="fine_turnover_has_currency",
                violation_error_message="A turnover needs its currency.",
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="fine_currency_iso4217_shape"),
            models.CheckConstraint(
                condition=Q(amount_eur__isnull=True) | Q(amount_eur__gte=0), name="fine_amount_eur_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(payment_status__in=FinePaymentStatus.values), name="fine_payment_status_valid"
            ),
        ]
        indexes = [
            # Case list "unpaid only" filter (EXISTS unpaid fine) and dashboard unpaid totals.
            models.Index(fields=["payment_status", "decision"], name="fine_payment_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,.2f}"


class FineCriterionAssessment(models.Model):
    """How the decision weighed one Art. 83(2) criterion for this fine, as the decision states it."""

    Criterion = FiningCriterion
    Effect = CriterionEffect

    fine = models.ForeignKey(Fine, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.CharField(max_length=1, choices=FiningCriterion.choices)
    effect = models.CharField(max_length=12, choices=CriterionEffect.choices)
    note = models.TextField(blank=True, help_text="What the decision says, e.g. 'ran for five years'.")

    class Meta:
        ordering = ["fine", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["fine", "criterion"],
                name="fine_criterion_once",
                violation_error_message="This criterion is already recorded for the fine.",
            ),
            models.CheckConstraint(condition=Q(criterion__in=FiningCriterion.values), name="fine_criterion_valid"),
            models.CheckConstraint(condition=Q(effect__in=CriterionEffect.values), name="fine_criterion_effect_valid"),
        ]

    def __str__(self) -> str:
        return f"Art. 83(2){self.get_criterion_display()[:3]}: {self.get_effect_display().lower()}"


class QuotedConversion(models.Model):
    """A conversion as a source reported it (e.g. EUR 30.5M reported as USD 33.7M). Never recomputed."""

    fine = models.ForeignKey(Fine, on_delete=models.CASCADE, related_name="quoted_conversions")
    amount = models.DecimalField(max_digits=16, decimal_places=2, validators=[NOT_NEGATIVE])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    quoted_on = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["fine", "quoted_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="quoted_conversion_not_negative")]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,.2f} (quoted)"


class OrderComplianceStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLIED = "complied", "Complied"
    NOT_COMPLIED = "not_complied", "Not complied"
    PARTIALLY = "partially", "Partially complied"
    UNKNOWN = "unknown", "Unknown"


class Order(VerifiableModel):
    class AppliesTo(models.TextChoices):
        COMPLAINANT = "complainant", "The complainant only"
        RESIDENTS_OF_COUNTRY = "residents_of_country", "Residents of a country/region"
        ALL_DATA_SUBJECTS = "all_data_subjects", "All data subjects"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    ComplianceStatus = OrderComplianceStatus

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="orders")
    text = models.TextField()
    power = models.CharField(
        max_length=1,
        choices=CorrectivePower.choices,
        blank=True,
        help_text="The Art. 58(2) corrective power the order uses. Blank: not classified.",
    )
    binding = models.BooleanField(default=True, help_text="False for recommendations an authority cannot enforce.")
    applies_to = models.CharField(max_length=30, choices=AppliesTo.choices, default=AppliesTo.UNKNOWN)
    applies_to_detail = models.CharField(max_length=200, blank=True)
    deadline = models.DateField(null=True, blank=True)
    compliance_status = models.CharField(
        max_length=20, choices=ComplianceStatus.choices, default=ComplianceStatus.UNKNOWN
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["decision", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(compliance_status__in=OrderComplianceStatus.values), name="order_compliance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(power="") | Q(power__in=CorrectivePower.values), name="order_power_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ComplianceCheck(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField()
    complied = models.BooleanField()
    note = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["order", "checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.checked_on}: {'complied' if self.complied else 'not complied'}"


class PenaltyPayment(VerifiableModel):
    """A periodic penalty payment (astreinte, last onder dwangsom, Zwangsgeld) enforcing an order."""

    class Unit(models.TextChoices):
        DAY = "day", "per day"
        WEEK = "week", "per week"
        MONTH = "month", "per month"
        PERIOD = "period", "per period"
        UNANSWERED_REQUEST_SET = "unanswered_request_set", "per unanswered set of questions"
        OTHER = "other", "other"
        UNKNOWN = "unknown", "unknown"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="penalty_payments")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="penalty_payments")
    amount_per_unit = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE], help_text="Blank: not known."
    )
    currency = models.CharField(max_length=3, validators=[validate_currency])
    unit = models.CharField(max_length=30, choices=Unit.choices, default=Unit.UNKNOWN)
    unit_detail = models.CharField(max_length=200, blank=True)
    max_units = models.PositiveIntegerField(null=True, blank=True, help_text="E.g. 17 question sets.")
    units_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many separate orders/penalties this row stands for (e.g. 4)."
    )
    starts_on = models.DateField(null=True, blank=True)
    start_rule = models.CharField(max_length=300, blank=True)
    cap = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="Blank: no cap or unknown (see notes).",
    )
    cap_scope = models.CharField(max_length=300, blank=True)
    trigger = models.TextField(blank=True)
    nature = models.CharField(max_length=200, blank=True, help_text="E.g. 'threatened coercive fine (Zwangsgeld)'.")

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_per_unit__isnull=True) | Q(amount_per_unit__gte=0),
                name="penalty_amount_not_negative",
            ),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="penalty_cap_not_negative"),
        ]

    def __str__(self) -> str:
        if self.amount_per_unit is None:
            return f"unknown amount {self.get_unit_display()}"
        return f"{self.currency} {self.amount_per_unit:,.2f} {self.get_unit_display()}"


class PenaltyLiquidation(models.Model):
    penalty = models.ForeignKey(PenaltyPayment, on_delete=models.CASCADE, related_name="liquidations")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="liquidations"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    units = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, validators=[NOT_NEGATIVE])
    # A liquidated penalty is owed like a fine but is not an Art. 83 fine: it is counted apart
    # from fines (and from caps) in every total, so its payment is recorded here.
    payment_status = models.CharField(
        max_length=20, choices=FinePaymentStatus.choices, default=FinePaymentStatus.UNKNOWN
    )
    payment_note = models.TextField(blank=True)

    class Meta:
        ordering = ["penalty", "period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="liquidation_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(payment_status__in=FinePaymentStatus.values), name="liquidation_payment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="liquidation_period_order",
                violation_error_message="The period must not end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}..{self.period_end}: {self.units} units, {self.amount:,.2f}"


class Appeal(VerifiableModel):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        UPHELD = "upheld", "Decision upheld"
        ANNULLED = "annulled", "Annulled"
        PARTIALLY_ANNULLED = "partially_annulled", "Partially annulled"
        REMITTED = "remitted", "Remitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        UNKNOWN = "unknown", "Unknown"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appeals")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals")
    court = models.CharField(max_length=200, blank=True)
    case_number = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.UNKNOWN)
    status_text = models.TextField(blank=True, help_text="The appeal position as reported.")

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.court or 'Appeal'} {self.case_number}".strip()


class AppealEvent(models.Model):
    class Kind(models.TextChoices):
        FILED = "filed", "Filed"
        HEARING = "hearing", "Hearing"
        JUDGMENT = "judgment", "Judgment"
        REMITTED = "remitted", "Remitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OTHER = "other", "Other"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    note = models.TextField(blank=True)
    unverified = models.BooleanField(default=False)

    class Meta:
        ordering = ["appeal", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date_display} {self.get_kind_display()}"

    @property
    def date_display(self) -> str:
        return partial_date_display(self.date, self.date_precision)


class InvestigativeAct(VerifiableModel):
    """An Art. 58(1) investigative step of the case (an information order, an audit, an inspection)."""

    Power = InvestigativePower

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigative_acts")
    power = models.CharField(max_length=1, choices=InvestigativePower.choices)
    date = models.DateField(null=True, blank=True, help_text="Blank: not known.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["case", models.F("date").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(condition=Q(power__in=InvestigativePower.values), name="investigative_power_valid"),
        ]

    def __str__(self) -> str:
        when = self.date.isoformat() if self.date else "date not known"
        return f"{self.get_power_display()} ({when})"


class ComplainantUpdate(models.Model):
    """The authority informed the complainant of progress or of the outcome (Art. 77(2))."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress"
        OUTCOME = "outcome", "Outcome"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complainant_updates")
    informed_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROGRESS)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "informed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["progress", "outcome"]), name="complainant_update_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.informed_on}: complainant informed of the {self.get_kind_display().lower()}"


class ChangeRecord(models.Model):
    """One changed field. Written only by enforcement.services, never by save()."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    model_label = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.UPDATE)
    field = models.CharField(max_length=60, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            # Case page history panel: the newest changes of one case.
            models.Index(fields=["case", "-changed_at"], name="change_case_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.model_label}.{self.field}: {self.old_value!r} -> {self.new_value!r}"


class DataVersion(models.Model):
    """One row whose token database triggers replace on every write to an enforcement table: the
    version under which the aggregates of filtered lists are cached (enforcement.listcache)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="enforcement_dataversion_one_row")]

    def __str__(self) -> str:
        return self.token
