# English for readers in Europe as much as in America: dates written so that nobody can read
# 03/04 the wrong way round ("24 Nov 2026", never "11/24/2026"). Amounts are formatted by
# ruisseau.money.format_money, not by these settings.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
