"""English dates as the letters write them ("4 December 2026"), so that an email, a status page
and a letter about the same request never mix "Dec. 4, 2026" with "4 December 2026" (issue 16
item 11). The other languages keep Django's formats, which already put the day first."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
