"""OpenAPI naming for the enforcement choice sets. Several models have a `kind` field and share
the date precision and yes/no/unknown choices; without explicit names drf-spectacular warns and
invents hashed enum names. config/settings.py merges this into SPECTACULAR_SETTINGS:

    "ENUM_NAME_OVERRIDES": {**ENFORCEMENT_ENUM_NAME_OVERRIDES, ...}
"""

ENFORCEMENT_ENUM_NAME_OVERRIDES = {
    "AuthorityKindEnum": "enforcement.models.Authority.Kind",
    "SourceKindEnum": "enforcement.models.Source.Kind",
    "DecisionKindEnum": "enforcement.models.Decision.Kind",
    "AppealEventKindEnum": "enforcement.models.AppealEvent.Kind",
    "DatePrecisionEnum": "enforcement.dates.DatePrecision",
    "YesNoUnknownEnum": "enforcement.models.YesNoUnknown",
}
