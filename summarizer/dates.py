"""Resolve date mentions copied from a news article against its publication date.

The language model only *copies* date words out of the article ("this Friday (2)",
"February 8", "early January"); turning them into calendar dates is done here, in plain
code, so that a year is never guessed. Without a publication date anything that lacks an
explicit year stays unresolved, with a note saying why.

Example:
    >>> from datetime import date
    >>> resolve_mention("this Friday (2)", date(2024, 2, 2)).start
    datetime.date(2024, 2, 2)
    >>> resolve_mention("February 8", None).note
    'no publication date: year unknown'

One grammar: ``FORMS`` has a row per way of writing a date, holding how it is found in running
text (``find_date_mentions``) and how it is read (``resolve_mention``) side by side; the direction
words (this/last/next/past/coming), the month and weekday names (``MONTH_NAMES``, ``WEEKDAY_NAMES``,
also used by the name grammar) and the relative-day words are each declared once.

Everything here is pure: no I/O, no clock (``date.today()`` is never consulted).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser.date

__all__ = ["FORMS", "MONTH_NAMES", "WEEKDAY_NAMES", "Form", "ResolvedDate", "find_date_mentions", "resolve_mention"]


@dataclass(frozen=True)
class ResolvedDate:
    """Where a date mention lands on the calendar.

    ``start``/``end`` are inclusive; ``end == start`` for a single day. ``note`` carries a
    plain-words reason whenever the mention is unresolved or the reading is ambiguous.

    Example:
        >>> ResolvedDate(date(2024, 1, 1), date(2024, 1, 10), True, "range", None).end
        datetime.date(2024, 1, 10)
    """

    start: date | None
    end: date | None
    resolved: bool
    granularity: str | None
    note: str | None


# --- Calendar words: declared once, for finding and resolving dates and for the name grammar ---

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Months whose names are ordinary words too ("may", "march", "august"): read only with context.
_WORD_MONTHS = ("March", "May", "August")
_WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)} | {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)} | _MONTH_ABBREVIATIONS

# The ways news points back or forward from the publication date ("this past Friday"), and where each points.
_DIRECTIONS = {
    "this past": "last", "last": "last", "past": "last",
    "this coming": "next", "next": "next", "coming": "next",
    "this": "this",
}  # fmt: skip
# this/last/next week, weekend, month, year; "the past week" is a window of this many days.
_UNIT_DAYS = {"week": 7, "weekend": 3, "month": 30, "year": 365}
# Words for a day relative to publication, and its offset in days.
_DAY_OFFSETS = {
    "day before yesterday": -2, "day after tomorrow": 2, "yesterday": -1, "last night": -1,
    "tomorrow": 1, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0,
}  # fmt: skip

# Days either side of publication searched for "Friday (2)": news uses this form for
# the current fortnight, and a day-of-month recurs only every 28+ days, so at most one
# candidate can fall inside the window.
_WEEKDAY_DAY_WINDOW = 10


def _alternation(words: Iterable[str]) -> str:
    # Longest first so "september" wins over "sep", "sunday" over "sun" and "this past" over "this".
    return "|".join(w.replace(" ", r"\s+") for w in sorted(words, key=len, reverse=True))


_DIRECTION = _alternation(_DIRECTIONS)
_UNIT = _alternation(_UNIT_DAYS)

# Lower-case patterns used on a normalised mention (resolve_mention).
_WD = rf"(?P<wd>{_alternation(_WEEKDAYS)})\b\.?"
_MON = rf"(?P<mon>{_alternation(_MONTHS)})\b\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)\b"
# Bare weekdays use full names only: "sun", "sat" and "wed" are common words.
_WD_FULL = rf"\b(?P<wd>{_alternation(n.lower() for n in WEEKDAY_NAMES)})\b"
_PLAIN_MONTHS = _alternation(n.lower() for n in MONTH_NAMES if n not in _WORD_MONTHS)
_WD_PREFIX = rf"(?:\b{_WD},?\s+(?:the\s+)?)?"
_MOD = rf"(?P<mod>{_DIRECTION})"
_MOD_OR_ON = rf"(?P<mod>{_DIRECTION}|on)"

# Patterns used on running text (find_date_mentions). Case matters when scanning prose: "may",
# "march" and "sun" are ordinary words, so month and weekday names must be capitalised; direction
# words may be either case.
_F_WD = "(?:" + "|".join(WEEKDAY_NAMES) + ")"
_F_MONTH_FULL = "(?:" + "|".join(MONTH_NAMES) + ")"
_F_MONTH = rf"(?:{_F_MONTH_FULL}|(?:{_alternation(a.capitalize() for a in _MONTH_ABBREVIATIONS)})\b\.?)"
_F_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_F_YEAR = r"(?:1[6-9]|20)\d\d\b"
_F_WD_PREFIX = rf"(?:{_F_WD},?\s+)?"
_F_MOD = rf"(?i:{_DIRECTION})"
_F_PREP = r"(?i:in|on|since|until|till|by|during|through|from|of|before|after|early|late|mid-?)"
_F_ZONE = r"(?:\s+(?:GMT|UTC|BST|EST|EDT|CET|PST|PDT|ET|(?i:local\s+time))\b)?"
# A clock time's lead-in: "at around 7 a.m.". Every match starts at a word edge with one of these
# letters or a digit; saying so first lets the scan skip other positions (3x faster on an article).
_F_CLOCK_LEAD = r"\b(?=[AaBbFfUuRr\d])(?:(?i:at|by|from|until)\s+)?(?:\b(?i:around|about|approximately|roughly)\s+)?"

# Lookaheads for the first letter of a match: a regex with an optional lead-in otherwise tries
# every alternative at every word edge; these let the scan skip most positions.
_WD_OR_MONTH = "[ADFJMNOSTW]"
_WD_OR_DIGIT = r"[FMSTW\d]"


# --- Small constructors -------------------------------------------------------------


def _day(d: date, note: str | None = None) -> ResolvedDate:
    return ResolvedDate(d, d, True, "day", note)


def _span(start: date, end: date, granularity: str, note: str | None = None) -> ResolvedDate:
    return ResolvedDate(start, end, True, granularity, note)


def _unresolved(note: str) -> ResolvedDate:
    return ResolvedDate(None, None, False, None, note)


_NO_YEAR = "no publication date: year unknown"
_NO_ANCHOR = "no publication date: relative date cannot be anchored"


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _week_of(d: date) -> tuple[date, date]:
    """Monday..Sunday of the week holding ``d`` (ISO weeks, as news weeks are)."""
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _distance(start: date, end: date, pub: date) -> int:
    """Days from ``pub`` to the nearest day of [start, end]; 0 when inside."""
    if start <= pub <= end:
        return 0
    return min(abs((start - pub).days), abs((end - pub).days))


def _closest(ranges: list[tuple[date, date]], pub: date) -> tuple[date, date]:
    # Ties go to the past: news mostly reports what happened.
    return min(ranges, key=lambda r: (_distance(r[0], r[1], pub), r[0] > pub))


def _weekday_note(wd: str | None, d: date) -> str | None:
    """Note when a stated weekday contradicts the date it accompanies."""
    if wd is None or _WEEKDAYS[wd] == d.weekday():
        return None
    return f"weekday {WEEKDAY_NAMES[_WEEKDAYS[wd]]} does not match {d.isoformat()} (a {d:%A})"


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- Handlers: one per form; each gets the regex match and the publication date -------

Handler = Callable[[re.Match[str], date | None], ResolvedDate]


def _full_date(m: re.Match[str], pub: date | None) -> ResolvedDate:
    d = _safe_date(int(m["year"]), _MONTHS[m["mon"]], int(m["day"]))
    if d is None:
        return _unresolved(f"no such date: {m[0].strip()}")
    return _day(d, _weekday_note(m["wd"], d))


def _iso_date(m: re.Match[str], pub: date | None) -> ResolvedDate:
    d = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
    return _day(d) if d else _unresolved(f"no such date: {m[0]}")


def _weekday_with_day(m: re.Match[str], pub: date | None) -> ResolvedDate:
    """News style "Friday (2)": the day of month pins the date, the weekday checks it."""
    if pub is None:
        return _unresolved(_NO_YEAR)
    weekday, day, mod = _WEEKDAYS[m["wd"]], int(m["day"]), _modifier(m["mod"])
    window = [pub + timedelta(days=k) for k in range(-_WEEKDAY_DAY_WINDOW, _WEEKDAY_DAY_WINDOW + 1)]
    same_day = [d for d in window if d.day == day]
    name = WEEKDAY_NAMES[weekday]
    if not same_day:
        return _unresolved(f"no {_ordinal(day)} within {_WEEKDAY_DAY_WINDOW} days of {pub.isoformat()}")
    matches = [d for d in same_day if d.weekday() == weekday]
    if not matches:
        return _unresolved(f"weekday {name} does not fall on the {_ordinal(day)} near {pub.isoformat()}")
    # The modifier cannot override the day check, only choose between candidates.
    if mod == "last":
        matches.sort(key=lambda d: (d > pub, abs((d - pub).days)))
    elif mod == "next":
        matches.sort(key=lambda d: (d <= pub, abs((d - pub).days)))
    else:
        matches.sort(key=lambda d: abs((d - pub).days))
    chosen = matches[0]
    note = None
    if (mod == "last" and chosen > pub) or (mod == "next" and chosen <= pub):
        note = f"'{m['mod']}' disagrees with the day of month; {chosen.isoformat()} kept"
    return _day(chosen, note)


def _modifier(raw: str | None) -> str | None:
    """Collapse the many ways news marks direction onto last / next / this / None."""
    if raw is None:
        return None
    return _DIRECTIONS.get(" ".join(raw.split()))  # "on" is as good as bare


def _bare_weekday(m: re.Match[str], pub: date | None) -> ResolvedDate:
    """Weekday without a day of month, read by news convention."""
    if pub is None:
        return _unresolved(_NO_ANCHOR)
    weekday, mod = _WEEKDAYS[m["wd"]], _modifier(m["mod"])
    name = WEEKDAY_NAMES[weekday]
    back = (pub.weekday() - weekday) % 7
    if mod == "last":
        # "last Friday" written on a Friday means a week ago, not today.
        return _day(pub - timedelta(days=back or 7))
    if mod == "next":
        ahead = (weekday - pub.weekday()) % 7 or 7
        chosen = pub + timedelta(days=ahead)
        note = None
        if chosen <= _week_of(pub)[1]:
            later = (chosen + timedelta(days=7)).isoformat()
            note = f"'next {name}' taken as the coming one; may mean the week after ({later})"
        return _day(chosen, note)
    if mod == "this":
        chosen = _week_of(pub)[0] + timedelta(days=weekday)
        note = None
        if chosen < pub:
            # "this Monday" on a Friday: this week's (past) Monday or the coming one?
            coming = (chosen + timedelta(days=7)).isoformat()
            note = f"'this {name}' taken as the current week's {name}; may mean the coming one ({coming})"
        return _day(chosen, note)
    # Bare "Tuesday" / "on Tuesday": news reports the most recent one, today included.
    return _day(pub - timedelta(days=back))


def _part_of_month(m: re.Match[str], pub: date | None) -> ResolvedDate:
    """Partial months: "early/mid/late January" -> days 1-10 / 11-20 / 21-end."""
    month = _MONTHS[m["mon"]]
    part = m["part"]
    if m["year"]:
        years = [int(m["year"])]
    elif pub is None:
        return _unresolved(_NO_YEAR)
    else:
        years = [pub.year - 1, pub.year, pub.year + 1]
    ranges = [_part_range(y, month, part) for y in years]
    start, end = _closest(ranges, pub) if pub is not None else ranges[0]
    return _span(start, end, "range")


def _part_range(year: int, month: int, part: str) -> tuple[date, date]:
    if part.startswith(("early", "beginning", "start", "the beginning", "the start")):
        return date(year, month, 1), date(year, month, 10)
    if part.startswith(("mid", "middle", "the middle")):
        return date(year, month, 11), date(year, month, 20)
    return date(year, month, 21), _month_end(year, month)


def _month_day(m: re.Match[str], pub: date | None) -> ResolvedDate:
    """Month-day without a year ("February 8", "8 February"): the year closest to publication."""
    month, day = _MONTHS[m["mon"]], int(m["day"])
    if not 1 <= day <= 31:
        return _unresolved(f"no such date: {m[0].strip()}")
    if pub is None:
        return _unresolved(_NO_YEAR)
    candidates = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _safe_date(y, month, day))]
    if not candidates:
        return _unresolved(f"no such date near {pub.isoformat()}: {m[0].strip()}")
    chosen = _closest([(d, d) for d in candidates], pub)[0]
    return _day(chosen, _weekday_note(m["wd"], chosen))


def _month_year(m: re.Match[str], pub: date | None) -> ResolvedDate:
    year, month = int(m["year"]), _MONTHS[m["mon"]]
    return _span(date(year, month, 1), _month_end(year, month), "month")


def _month_only(m: re.Match[str], pub: date | None) -> ResolvedDate:
    """A month alone ("January", "last January"): the whole month, year from publication."""
    if pub is None:
        return _unresolved(_NO_YEAR)
    month, mod = _MONTHS[m["mon"]], _modifier(m["mod"])
    ranges = [(date(y, month, 1), _month_end(y, month)) for y in (pub.year - 1, pub.year, pub.year + 1)]
    this_month = date(pub.year, pub.month, 1)
    if mod == "last":
        ranges = [r for r in ranges if r[0] < this_month]
        start, end = ranges[-1]
    elif mod == "next":
        ranges = [r for r in ranges if r[0] > this_month]
        start, end = ranges[0]
    else:
        start, end = _closest(ranges, pub)
    return _span(start, end, "month")


def _relative_day(m: re.Match[str], pub: date | None) -> ResolvedDate:
    if pub is None:
        return _unresolved(_NO_ANCHOR)
    key = " ".join(m["rel"].split())
    return _day(pub + timedelta(days=_DAY_OFFSETS[key]))


def _relative_unit(m: re.Match[str], pub: date | None) -> ResolvedDate:
    """this/last/next week, weekend, month, year; "earlier/later this week"; "past week"."""
    if pub is None:
        return _unresolved(_NO_ANCHOR)
    raw_mod, unit = " ".join(m["mod"].split()), m["unit"]
    if raw_mod == "past":
        # "the past week" is a rolling window ending at publication, not a calendar week.
        return _span(pub - timedelta(days=_UNIT_DAYS[unit]), pub, "range")
    step = {"last": -1, "next": 1}.get(_modifier(raw_mod) or "this", 0)
    if unit in ("week", "weekend"):
        monday, sunday = _week_of(pub + timedelta(weeks=step))
        if unit == "weekend":
            return _span(monday + timedelta(days=5), sunday, "range")
        if raw_mod == "earlier this":
            return _span(monday, pub, "range")
        if raw_mod == "later this":
            return _span(pub, sunday, "range")
        return _span(monday, sunday, "week")
    if unit == "month":
        index = pub.year * 12 + pub.month - 1 + step
        year, month = divmod(index, 12)
        return _span(date(year, month + 1, 1), _month_end(year, month + 1), "month")
    year = pub.year + step
    return _span(date(year, 1, 1), date(year, 12, 31), "year")


def _year_only(m: re.Match[str], pub: date | None) -> ResolvedDate:
    year = int(m["year"])
    return _span(date(year, 1, 1), date(year, 12, 31), "year")


def _decade(m: re.Match[str], pub: date | None) -> ResolvedDate:
    first = int(m["decade"])
    return _span(date(first, 1, 1), date(first + 9, 12, 31), "decade")


_TIME_ONLY_NOTE = "time only; day assumed from publication date"


def _time_only(m: re.Match[str], pub: date | None) -> ResolvedDate:
    if pub is None:
        return _unresolved("time only; no publication date to place it on")
    return _day(pub, _TIME_ONLY_NOTE)


# --- The grammar: one row per form -------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """One way news writes a date: how it is read once found, and how it is found in running text.

    ``reads`` runs on a normalised (lower-case) mention and ``resolve`` turns its match into dates.
    ``finds`` run on prose, near an anchor (a digit, a month or weekday name); ``finds_words`` is
    the form's part of the one pattern for relative words ("yesterday", "last week"), which have
    no anchor. A form without a finder is found by the row above it; one without a reader
    (``3 days ago``) is read by dateparser.
    """

    name: str
    reads: re.Pattern[str] | None = None
    resolve: Handler | None = None
    finds: tuple[re.Pattern[str], ...] = ()
    finds_words: str = ""


# Order matters: the most explicit form found anywhere in the mention wins, so
# "11am local time on Sunday" resolves by its weekday and "6.13am today" by "today".
FORMS: tuple[Form, ...] = (
    Form(
        "ISO date",
        re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
        _iso_date,
        (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),),
    ),
    Form(
        "month day year",
        re.compile(rf"{_WD_PREFIX}\b{_MON}\s+(?:the\s+)?{_DAY},?\s+{_YEAR}"),
        _full_date,
        (re.compile(rf"\b(?={_WD_OR_MONTH}){_F_WD_PREFIX}{_F_MONTH}\s+{_F_DAY},?\s+{_F_YEAR}"),),
    ),
    Form(
        "day month year",
        re.compile(rf"{_WD_PREFIX}\b{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR}"),
        _full_date,
        (re.compile(rf"\b(?={_WD_OR_DIGIT}){_F_WD_PREFIX}{_F_DAY}\s+(?:of\s+)?{_F_MONTH},?\s+{_F_YEAR}"),),
    ),
    Form(
        "weekday (day of month)",
        re.compile(rf"(?:\b{_MOD_OR_ON}\s+)?\b{_WD}\s*\(\s*{_DAY}\s*\)"),
        _weekday_with_day,
        # Finds the bare weekday below too.
        (
            re.compile(
                rf"\b(?:{_F_MOD}\s+)?{_F_WD}(?:\s*\(\s*{_F_DAY}\s*\))?(?:\s+(?i:morning|afternoon|evening|night)\b)?"
            ),
        ),
    ),
    Form(
        "part of a month",
        re.compile(
            r"\b(?P<part>early|mid|middle\s+of|the\s+middle\s+of|late|end\s+of|the\s+end\s+of"
            r"|beginning\s+of|the\s+beginning\s+of|start\s+of|the\s+start\s+of)"
            rf"[\s-]*\b{_MON}(?:,?\s+{_YEAR})?"
        ),
        _part_of_month,
        (
            re.compile(
                r"\b(?i:early|mid|late|(?:the\s+)?(?:middle|end|beginning|start)\s+of)"
                rf"[\s-]*{_F_MONTH_FULL}\b(?:,?\s+{_F_YEAR})?"
            ),
        ),
    ),
    Form(
        "month day",
        re.compile(rf"{_WD_PREFIX}\b{_MON}\s+(?:the\s+)?{_DAY}"),
        _month_day,
        (re.compile(rf"\b(?={_WD_OR_MONTH}){_F_WD_PREFIX}{_F_MONTH}\s+{_F_DAY}"),),
    ),
    Form(
        "day month",
        re.compile(rf"{_WD_PREFIX}\b{_DAY}\s+(?:of\s+)?{_MON}\b"),
        _month_day,
        (re.compile(rf"\b(?={_WD_OR_DIGIT}){_F_WD_PREFIX}{_F_DAY}\s+(?:of\s+)?{_F_MONTH}"),),
    ),
    Form(
        "month year",
        re.compile(rf"\b{_MON},?\s+(?:of\s+)?{_YEAR}"),
        _month_year,
        (re.compile(rf"\b{_F_MONTH},?\s+{_F_YEAR}"),),
    ),
    Form(
        "relative day",
        re.compile(rf"\b(?:the\s+)?(?P<rel>{_alternation(_DAY_OFFSETS)})\b"),
        _relative_day,
        finds_words="|".join(
            ("(?:the\\s+)?" if words.startswith("day ") else "") + _alternation([words])
            for words in sorted(_DAY_OFFSETS, key=len, reverse=True)
        ),
    ),
    Form(
        "relative week, month or year",
        re.compile(rf"\b(?P<mod>earlier\s+this|later\s+this|{_DIRECTION})\s+(?P<unit>{_UNIT})\b"),
        _relative_unit,
        finds_words=rf"(?:earlier|later)\s+this\s+(?:week|month|year)|(?:{_DIRECTION})\s+(?:{_UNIT})",
    ),
    Form("weekday", re.compile(rf"(?:\b{_MOD_OR_ON}\s+)?" + _WD_FULL), _bare_weekday),
    Form(
        "month",
        re.compile(rf"(?:\b{_MOD}\s+)?\b(?P<mon>{_PLAIN_MONTHS})\b"),
        _month_only,
        # Finds the months that are words too, below, and the year after a preposition.
        (re.compile(rf"\b{_F_MOD}\s+{_F_MONTH_FULL}\b"), re.compile(rf"\b{_F_PREP}\s+(?P<m>{_F_MONTH_FULL})\b")),
    ),
    Form(
        # "may", "march" and "august" are ordinary words too: only with context or alone.
        "month that is a word",
        re.compile(
            rf"(?:\b{_MOD}\s+|\b(?:in|since|until|by|during|through|of|before|after)\s+|^)"
            rf"(?P<mon>{_alternation(n.lower() for n in _WORD_MONTHS)})\b"
        ),
        _month_only,
    ),
    Form(
        "year",
        re.compile(rf"(?<![\d.,/:-])\b{_YEAR}(?![\d%]|[-/.:]\d)"),
        _year_only,
        # Finds decades too.
        (re.compile(rf"\b{_F_PREP}\s+(?:the\s+)?(?P<m>{_F_YEAR}(?![\d%]|[-/.:]\d)|(?:1[6-9]|20)\d0s\b)"),),
    ),
    Form("decade", re.compile(r"\b(?P<decade>(?:1[6-9]|20)\d0)'?s\b"), _decade),
    Form(
        "clock time",
        re.compile(
            r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:a\.m\.|p\.m\.|am|pm)(?!\w)|\b\d{1,2}:\d{2}\b"
            r"|\b(?:noon|midday|midnight|o'clock)\b"
        ),
        _time_only,
        (
            re.compile(rf"{_F_CLOCK_LEAD}\b\d{{1,2}}(?:[:.]\d{{2}})?\s*(?i:a\.m\.|p\.m\.|am|pm)(?!\w){_F_ZONE}"),
            re.compile(rf"{_F_CLOCK_LEAD}\b\d{{1,2}}:\d{{2}}\b{_F_ZONE}"),
        ),
    ),
    Form(
        "days ago",
        finds_words=r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:days?|weeks?|months?|years?)"
        r"\s+(?:ago|earlier|later)|a\s+fortnight\s+ago",
    ),
)

_RULES: list[tuple[re.Pattern[str], Handler]] = [(f.reads, f.resolve) for f in FORMS if f.reads and f.resolve]


# --- dateparser fallback ---------------------------------------------------------------

# dateparser happily turns "48" into 1948 and "the 7th" into July, so it is only asked
# about mentions that carry an unambiguous date word or a numeric date.
_DATEISH = re.compile(
    r"\b(?:ago|later|earlier|hence|fortnight|days?|weeks?|months?|years?|decades?)\b"
    r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"
)
_RELATIVE_WORDS = re.compile(rf"\b(?:ago|later|earlier|hence|{_DIRECTION}|in\s+\d+)\b")
_EXPLICIT_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


def _dateparser_settings(pub: date | None) -> dict[str, object]:
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "past",  # news reports what happened
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": True,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if pub is not None:
        settings["RELATIVE_BASE"] = datetime(pub.year, pub.month, pub.day, 12)
    return settings


def _fallback(text: str, pub: date | None) -> ResolvedDate:
    """Ask dateparser about forms not handled above, never letting it invent a year."""
    if not _DATEISH.search(text):
        return _unresolved(f"not a recognised date: {text!r}")
    explicit_years = {int(y) for y in _EXPLICIT_YEAR.findall(text)}
    if pub is None and _RELATIVE_WORDS.search(text):
        return _unresolved(_NO_ANCHOR)
    if pub is None and not explicit_years:
        return _unresolved(_NO_YEAR)
    try:
        parser = dateparser.date.DateDataParser(languages=["en"], settings=_dateparser_settings(pub))
        data = parser.get_date_data(text)
    except (ValueError, TypeError, OverflowError, LookupError, re.error):
        # dateparser raises assorted errors on odd input; a mention must never crash a brief.
        return _unresolved(f"not a recognised date: {text!r}")
    if data is None or data.date_obj is None:
        return _unresolved(f"not a recognised date: {text!r}")
    found = data.date_obj.date()
    if pub is None and found.year not in explicit_years:
        return _unresolved(_NO_YEAR)
    note = _numeric_order_note(text)
    period = data.period or "day"
    if period == "week":
        monday, sunday = _week_of(found)
        return _span(monday, sunday, "week", note)
    if period == "month":
        return _span(date(found.year, found.month, 1), _month_end(found.year, found.month), "month", note)
    if period == "year":
        return _span(date(found.year, 1, 1), date(found.year, 12, 31), "year", note)
    return _day(found, note)


def _numeric_order_note(text: str) -> str | None:
    m = _NUMERIC_DATE.search(text)
    if m and m[1] != m[2] and int(m[1]) <= 12 and int(m[2]) <= 12:
        return "numeric date: month/day order assumed (month first)"
    return None


# --- Public API --------------------------------------------------------------------------


def _normalise(mention: str) -> str:
    text = mention.lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # typographic dashes
    text = re.sub(r"[\u2018\u2019\u02bc`]", "'", text)
    return " ".join(text.split())


def resolve_mention(mention: str, published: date | None) -> ResolvedDate:
    """Resolve one date mention against the article's publication date.

    Never raises: anything not understood comes back with ``resolved=False`` and a note.
    Without ``published`` only mentions carrying an explicit year resolve.

    Example:
        >>> resolve_mention("Sunday (28)", date(2024, 2, 2)).start
        datetime.date(2024, 1, 28)
        >>> r = resolve_mention("early January", date(2024, 2, 2))
        >>> (r.start, r.end, r.granularity)
        (datetime.date(2024, 1, 1), datetime.date(2024, 1, 10), 'range')
        >>> resolve_mention("8 November 2016", None).start
        datetime.date(2016, 11, 8)
    """
    if isinstance(published, datetime):  # a datetime is a date; compare calendar days only
        published = published.date()
    text = _normalise(mention or "")
    if not text:
        return _unresolved("empty mention")
    for pattern, handler in _RULES:
        m = pattern.search(text)
        if m:
            try:
                return handler(m, published)
            except (ValueError, OverflowError):
                # Only reachable at the ends of the calendar (year 1 / 9999); never raise.
                return _unresolved(f"date out of range near {published}")
    return _fallback(text, published)


# --- Finding mentions in running text -----------------------------------------------------

# Every form but the relative words holds a digit, a month or a weekday name (capitalised).
_ANCHORED_PATTERNS: list[re.Pattern[str]] = [pattern for form in FORMS for pattern in form.finds]
_RELATIVE_PATTERN = re.compile(
    r"\b(?=[ACDEFLNOPSTYacdeflnopsty\d])"  # the first letters of the relative words: a fast skip
    r"(?i:" + "|".join(form.finds_words for form in FORMS if form.finds_words) + r")\b"
)

# An anchor starts with a literal, so the scan for it runs at C speed (~30 µs an article, where each
# pattern above takes ~60-150 µs over the whole text); the patterns then run only around anchors.
_ANCHOR_WORDS = {*MONTH_NAMES, *(m[:3] for m in MONTH_NAMES), *WEEKDAY_NAMES, *"0123456789"}
_ANCHOR = re.compile("|".join(sorted(_ANCHOR_WORDS, key=len, reverse=True)))
_ANCHOR_MARGIN = 25  # the longest lead-in ("until approximately ") or tail (" local time") of a form


def _anchored_stretches(text: str) -> list[tuple[int, int]]:
    """The parts of ``text`` within ``_ANCHOR_MARGIN`` of an anchor, merged where they touch."""
    stretches: list[tuple[int, int]] = []
    for anchor in _ANCHOR.finditer(text):
        start, end = max(0, anchor.start() - _ANCHOR_MARGIN), anchor.end() + _ANCHOR_MARGIN
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return stretches


def _match_span(m: re.Match[str]) -> tuple[int, int]:
    # Patterns that need a preposition for context ("in May") report only the date part.
    return m.span("m") if "m" in m.re.groupindex else m.span()


def find_date_mentions(text: str) -> list[tuple[int, int]]:
    """Character spans [start, end) of date mentions found in text (weekday forms incl. '(2)' suffix,
    month-day, month-year, relative words like 'yesterday', 'next week', 'early January'). Used to
    locate a model's mention in the article and to catch mentions the model missed.

    Spans never overlap; where two forms overlap the longer wins ("this Friday (2)" over
    "this Friday"). Prepositions are left out ("February 8", not "until February 8") except
    before clock times, which keep "at around" as news copies it.

    Example:
        >>> t = "strikes carried out this Friday (2) until February 8"
        >>> [t[s:e] for s, e in find_date_mentions(t)]
        ['this Friday (2)', 'February 8']
    """
    # finditer(text, start, end) sees word edges as in the whole text, so a stretch changes no match.
    spans = {
        _match_span(m)
        for start, end in _anchored_stretches(text)
        for pattern in _ANCHORED_PATTERNS
        for m in pattern.finditer(text, start, end)
    }
    spans.update(m.span() for m in _RELATIVE_PATTERN.finditer(text))
    return _longest_first(spans)


def _longest_first(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that overlap no longer one, in text order."""
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):  # longest first
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)
