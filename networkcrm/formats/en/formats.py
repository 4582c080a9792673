"""One date style through the app: day, short month, year ("25 Aug 2020"), 24-hour times.

Only the display formats are set; the input formats stay Django's, so a form field still
reads and writes ISO dates (`<input type="date">` needs them) and exports stay ISO.
"""

# A date anywhere: "25 Aug 2020".
DATE_FORMAT = "j M Y"
# A date whose year is plain from where it stands (this week, the start of a range whose end
# shows the year): "5 Dec".
SHORT_DATE_FORMAT = "j M"
# A moment, in the viewer's time zone: "25 Aug 2020, 14:05".
DATETIME_FORMAT = "j M Y, H:i"
# A recent moment whose year is plain: "5 Dec, 14:05".
SHORT_DATETIME_FORMAT = "j M, H:i"
TIME_FORMAT = "H:i"
# A day of the year with no year, such as a birthday whose year is unknown: "9 July".
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
