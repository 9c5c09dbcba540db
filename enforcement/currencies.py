"""ISO 4217 currency codes and ISO 3166-1 alpha-2 country codes, with validators.

Kept as literal sets (no extra dependency): the active ISO 4217 alphabetic codes (2024 list,
funds and precious-metal codes excluded) and the officially assigned ISO 3166-1 alpha-2 codes.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django_countries import countries

ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED
    VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a readable block of codes
)

ISO_3166_ALPHA2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a readable block of codes
)


def validate_currency(value: str) -> None:
    if value not in ISO_4217:
        raise ValidationError(
            "%(value)s is not an ISO 4217 currency code (three capital letters, e.g. EUR, GBP, USD).",
            code="invalid_currency",
            params={"value": value},
        )


def validate_country(value: str) -> None:
    if value not in ISO_3166_ALPHA2:
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. FR, GB).",
            code="invalid_country",
            params={"value": value},
        )


# English short names (ISO 3166-1) of the countries whose authorities trackers list most: the
# EU/EEA, the UK, Switzerland and other countries with data protection authorities. A country
# without a name here is shown by its code; every ISO code is still accepted.
COUNTRY_NAMES = {
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JP": "Japan",
    "KR": "South Korea",
    "LI": "Liechtenstein",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "TR": "Turkey",
    "US": "United States",
    "ZA": "South Africa",
}
# Other names people type for the same countries.
COUNTRY_ALIASES = {
    "czech republic": "CZ",
    "great britain": "GB",
    "uk": "GB",
    "england": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "usa": "US",
    "united states of america": "US",
    "türkiye": "TR",
    "turkiye": "TR",
}


def country_name(code: str) -> str:
    """The country's name in the active language (django-countries' translations of the ISO 3166
    names), else the English name on record, else the code."""
    return str(countries.name(code)) or COUNTRY_NAMES.get(code, code)


def country_code_from_text(text: str) -> str | None:
    """'NL', 'nl', 'Netherlands', 'the netherlands' -> 'NL'; '' -> ''; anything else -> None."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.upper() in ISO_3166_ALPHA2:
        return text.upper()
    folded = text.casefold()
    for code, name in COUNTRY_NAMES.items():
        if name.casefold() == folded:
            return code
    # A name in the UI language, as the country dropdown shows it (e.g. "Nederland", "Pays-Bas").
    code = countries.by_name(text, language=get_language() or "en") or countries.by_name(text)
    if code:
        return code
    return COUNTRY_ALIASES.get(folded)
