"""Greek dates as the letters write them ("17 Φεβρουαρίου 2025", the month in the genitive that
a Greek date needs), so that an email, a status page and a letter about the same request never
mix "17/02/2025" with "17 Φεβρουαρίου 2025" (issue 16 item 11). Other formats stay Django's."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
