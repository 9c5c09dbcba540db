"""The GDPR's corrective powers and fining law, as data.

Everything here is quoted from Regulation (EU) 2016/679 (OJ L 119, 4.5.2016), shortened for a
label; the models store the point letter, so a label can be reworded without a migration.

* Art. 58(1): the investigative powers of a supervisory authority, points (a)-(f).
* Art. 58(2): its corrective powers, points (a)-(j). An order of a decision is classified by the
  power it uses; an administrative fine is point (i) and lives in `Fine`, not in `Order`.
* Art. 83(2): the criteria an authority must give "due regard" to when deciding whether to fine
  and how much, points (a)-(k).
* Art. 83(4)-(6): the maximum fines. Each paragraph has a fixed ceiling and, for an undertaking,
  a share of the total worldwide annual turnover of the preceding financial year, "whichever is
  higher". Art. 83(3): for several infringements in the same or linked operations, the total may
  not exceed the amount for the gravest one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class InvestigativePower(models.TextChoices):
    """Art. 58(1) GDPR."""

    PROVIDE_INFORMATION = "a", "Art. 58(1)(a): order to provide information"
    AUDIT = "b", "Art. 58(1)(b): data protection audit"
    CERTIFICATION_REVIEW = "c", "Art. 58(1)(c): review of certifications"
    NOTIFY_INFRINGEMENT = "d", "Art. 58(1)(d): notice of an alleged infringement"
    ACCESS_DATA = "e", "Art. 58(1)(e): access to personal data and information"
    ACCESS_PREMISES = "f", "Art. 58(1)(f): access to premises and equipment"


class CorrectivePower(models.TextChoices):
    """Art. 58(2) GDPR."""

    WARNING = "a", "Art. 58(2)(a): warning"
    REPRIMAND = "b", "Art. 58(2)(b): reprimand"
    COMPLY_WITH_REQUESTS = "c", "Art. 58(2)(c): order to comply with data subjects' requests"
    BRING_INTO_COMPLIANCE = "d", "Art. 58(2)(d): order to bring processing into compliance"
    COMMUNICATE_BREACH = "e", "Art. 58(2)(e): order to communicate a breach to data subjects"
    LIMITATION_OR_BAN = "f", "Art. 58(2)(f): limitation or ban on processing"
    RECTIFY_ERASE_RESTRICT = "g", "Art. 58(2)(g): order to rectify, erase or restrict (Arts. 16-18)"
    WITHDRAW_CERTIFICATION = "h", "Art. 58(2)(h): withdrawal of a certification"
    FINE = "i", "Art. 58(2)(i): administrative fine (Art. 83)"
    SUSPEND_TRANSFERS = "j", "Art. 58(2)(j): suspension of data flows to a third country"


class FiningCriterion(models.TextChoices):
    """Art. 83(2) GDPR, points (a)-(k)."""

    GRAVITY = "a", "(a) nature, gravity and duration of the infringement"
    INTENT = "b", "(b) intentional or negligent character"
    MITIGATION = "c", "(c) action taken to mitigate the damage to data subjects"
    RESPONSIBILITY = "d", "(d) degree of responsibility (measures under Arts. 25 and 32)"
    PREVIOUS_INFRINGEMENTS = "e", "(e) relevant previous infringements"
    COOPERATION = "f", "(f) degree of cooperation with the supervisory authority"
    DATA_CATEGORIES = "g", "(g) categories of personal data affected"
    HOW_KNOWN = "h", "(h) how the infringement became known to the authority"
    PREVIOUS_ORDERS = "i", "(i) compliance with measures previously ordered (Art. 58(2))"
    CODES_CERTIFICATION = "j", "(j) adherence to codes of conduct or certification"
    OTHER_FACTORS = "k", "(k) other aggravating or mitigating factors (e.g. financial benefit)"


class CriterionEffect(models.TextChoices):
    AGGRAVATING = "aggravating", "Aggravating"
    MITIGATING = "mitigating", "Mitigating"
    NEUTRAL = "neutral", "Considered, neutral"


class FineCeiling(models.TextChoices):
    """Which paragraph of Art. 83 sets the maximum. Blank: not recorded."""

    ART_83_4 = "83(4)", "Art. 83(4): EUR 10M or 2 % of worldwide turnover"
    ART_83_5 = "83(5)", "Art. 83(5): EUR 20M or 4 % of worldwide turnover"
    ART_83_6 = "83(6)", "Art. 83(6) (non-compliance with an order): EUR 20M or 4 % of worldwide turnover"


@dataclass(frozen=True)
class CeilingRule:
    fixed_eur: Decimal
    turnover_share: Decimal  # of the total worldwide annual turnover of the preceding year


CEILINGS: dict[str, CeilingRule] = {
    FineCeiling.ART_83_4: CeilingRule(Decimal("10000000"), Decimal("0.02")),
    FineCeiling.ART_83_5: CeilingRule(Decimal("20000000"), Decimal("0.04")),
    FineCeiling.ART_83_6: CeilingRule(Decimal("20000000"), Decimal("0.04")),
}
# When no paragraph is recorded, a fine is checked against the highest fixed ceiling: above it,
# only a turnover-based maximum can allow it, whatever the paragraph.
HIGHEST_FIXED_CEILING_EUR = max(rule.fixed_eur for rule in CEILINGS.values())
LOWEST_FIXED_CEILING_EUR = min(rule.fixed_eur for rule in CEILINGS.values())

# Art. 77(2) (with Art. 78(2)): the authority "shall inform the complainant on the progress and
# the outcome of the complaint"; an authority that does not inform the data subject "within
# three months on the progress or outcome" can be taken to court. The duty runs from the
# complaint and again from each progress update until the outcome is communicated.
COMPLAINANT_UPDATE_MONTHS = 3
