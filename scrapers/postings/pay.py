"""Pay: from a board's structured figures (`structured_pay`), from a field the board says is
pay (`parse_pay`), or from a description (`pay_in_text`).

Text reading is deliberately strict: an amount counts only next to a currency sign or code
("$40–50/hr", "USD 120,000 - 150,000 per year", "from £30k", "up to €5.000/month"), so
"401(k)", "5+ years" or "team of 30" are never pay. In a description it must also be said to
be pay — a range, a period, or a pay word before it ("salary", "compensation", "rate") — and
never be a figure about the company: "$1.5B valuation", "$85 million in funding", "raised
$20M" are not pay, and neither is a "$500 learning budget".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scrapers.postings.posting import Pay, PayInterval

# Interval words as boards and descriptions write them.
_INTERVALS: tuple[tuple[PayInterval, tuple[str, ...]], ...] = (
    ("hour", ("hour", "hr", "hourly", "h", "stunde")),
    ("day", ("day", "daily", "tag")),
    ("biweek", ("biweekly", "fortnight", "fortnightly", "biwk")),
    ("week", ("week", "wk", "weekly")),
    ("month", ("month", "mo", "monthly", "monat", "mois")),
    ("year", ("year", "yr", "annual", "annually", "annum", "yearly", "jahr", "an", "salary")),
)
_SIGNS = {
    "us$": "USD", "$": "USD", "usd": "USD", "ca$": "CAD", "c$": "CAD", "cad": "CAD",
    "a$": "AUD", "au$": "AUD", "aud": "AUD", "£": "GBP", "gbp": "GBP", "€": "EUR", "eur": "EUR",
    "₹": "INR", "inr": "INR", "chf": "CHF", "sgd": "SGD", "s$": "SGD", "¥": "JPY", "jpy": "JPY",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "czk": "CZK", "nzd": "NZD",
    "hkd": "HKD", "brl": "BRL", "mxn": "MXN", "zar": "ZAR",
}  # fmt: skip
_CODES = "usd|cad|aud|gbp|eur|inr|chf|sgd|jpy|sek|nok|dkk|pln|czk|nzd|hkd|brl|mxn|zar"


def interval_of(word: object) -> PayInterval | None:
    """'HOUR', 'per-year-salary', '1 YEAR', 'monthly', 'yearly', Lever's 'bi-week-salary'
    (every two weeks, not weekly) → the interval, else None."""
    low = str(word or "").lower()
    if re.search(r"\bbi-?\s?week|\b(?:two|2) weeks\b", low):
        return "biweek"
    text = re.sub(r"[^a-z]+", " ", low).split()
    for interval, words in _INTERVALS:
        if any(w in words for w in text):
            return interval
    return None


def structured_pay(
    low: object,
    high: object,
    interval: object = None,
    currency: object = None,
    *,
    estimated: bool = False,
) -> Pay | None:
    """A Pay from a board's fields; None when neither end is a positive number."""

    def number(v: object) -> float | None:
        if isinstance(v, bool):
            return None
        if isinstance(v, int | float) and v > 0:
            return float(v)
        if isinstance(v, str):
            try:
                f = float(v.replace(",", "").strip())
            except ValueError:
                return None
            return f if f > 0 else None
        return None

    lo, hi = number(low), number(high)
    if lo is None and hi is None:
        return None
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    code = str(currency).strip().upper() if isinstance(currency, str) and currency.strip() else None
    return Pay(min=lo, max=hi, interval=interval_of(interval), currency=code, estimated=estimated)


_SIGN = rf"(?:us\$|ca\$|au\$|a\$|c\$|s\$|\$|£|€|₹|¥|{_CODES})"
_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = rf"(?:{_SIGN}\s?)?(?:{_NUM})\s?(?:k\b)?"
_PER = (
    r"(?:\s?(?:/|per|an|a|each|every)\s?(?P<per>hour|hr|h|day|two weeks|2 weeks|fortnight|week|wk"
    r"|month|mo|year|yr|annum)\b"
    r"|\s?(?P<adv>hourly|daily|bi-?weekly|fortnightly|weekly|monthly|annually|yearly)\b)?"
)
_PAY = re.compile(
    rf"(?P<lead>\b(?:from|at least|minimum of|starting at|up to|maximum of)\s)?"
    rf"(?P<cur1>{_SIGN})\s?(?P<a>{_NUM})\s?(?P<ka>k\b)?"
    rf"(?:\s?(?:/\s?(?:hour|hr|h|day|week|wk|month|mo|year|yr)\s?)?(?:-|–|—|to)\s?(?P<cur2>{_SIGN})?\s?(?P<b>{_NUM})\s?(?P<kb>k\b)?)?"
    rf"(?:\s?(?P<code>{_CODES})\b)?"
    rf"{_PER}",
    re.I,
)


def _amount(text: str, k: str | None) -> float | None:
    raw = text.replace("\u00a0", "").replace(" ", "")
    # "50.000" and "50,000" are thousands; "40.50" and "40,5" are decimals.
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        raw = re.sub(r"[.,]", "", raw)
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d{1,2}", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d{1,2}", raw):
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value * 1000 if k else value


def guess_interval(value: float) -> PayInterval | None:
    # Unstated intervals: hourly figures are small, yearly ones large; in between, unknown.
    if value < 300:
        return "hour"
    if value >= 15_000:
        return "year"
    return None


def parse_pay(text: str | None) -> Pay | None:
    """The first pay figure in a text the board says is pay (a card's salary line, a salary
    field). Reads ranges, "from/at least", "up to", exact figures, "k" thousands, and the
    interval when written (else a plain guess)."""
    return next(_figures(text, strict=False), None)


def pay_in_text(text: str | None) -> Pay | None:
    """The first figure a description states as pay; None when it states none. Company
    figures (valuation, funding, revenue, millions and billions) and perks are never pay."""
    return next(_figures(text, strict=True), None)


# Words that make an amount before them pay, and words that make it something else.
_PAY_WORDS = re.compile(
    r"\b(?:pay|paid|salary|salaries|compensation|comp|remuneration|wages?|rate|base|ote"
    r"|earn(?:s|ing|ings)?|hourly|annual|annually|range)\b",
    re.I,
)
_NOT_PAY_BEFORE = re.compile(
    r"\b(?:valu(?:ation|ed)|rais(?:ed|e|ing)|fund(?:ing|ed|s)|revenues?|arr|series [a-f]"
    r"|backed|invest(?:ment|ors?|ed)|capital|assets|aum|market cap|sales|turnover|profits?"
    r"|acqui(?:red|sition)|worth|budgets?|allowance|stipend|bonus|reimburse\w*|credits?"
    r"|equity|grants?|donat\w*|prizes?|spend|spent|sav(?:e|es|ed|ing|ings)|costs?|pric(?:e|ed|ing)"
    r"|fees?|charges?|subscriptions?)\b",
    re.I,
)
_NOT_PAY_AFTER = re.compile(
    r"^\s?(?:(?:m|mm|mn|b|bn|bil|mil|million|billion|trillion)\b"
    r"|\+?\s?(?:in|of)\s(?:funding|revenue|sales|venture|investment|annual revenue)"
    r"|\s?(?:valuation|arr|revenue|funding|round|seed)\b)",
    re.I,
)
_CLAUSE_END = re.compile(r"[.;!?\n](?:\s|$)")


_EARLIER_FIGURE = re.compile(rf"{_SIGN}\s?\d[\d,.]*\s?\w*", re.I)


def _clause_before(text: str, start: int) -> str:
    """The words before a figure in its own sentence and after any earlier figure in it (at
    most 80 characters): "backed by $20M and pay $40/hr" gives " and pay " for $40."""
    head = text[max(0, start - 80) : start]
    cuts = [m.end() for m in _CLAUSE_END.finditer(head)]
    cuts += [m.end() for m in _EARLIER_FIGURE.finditer(head)]
    return head[max(cuts) :] if cuts else head


def _clause_after(text: str, end: int) -> str:
    """The words right after a figure, up to the end of its clause (at most 30 characters)."""
    tail = text[end : end + 30]
    stop = _CLAUSE_END.search(tail)
    return tail[: stop.start()] if stop else tail


def _said_first(after: str) -> bool:
    """ "$200K+ base salary plus equity": a pay word right after the figure, before any word
    that makes it something else ("$500 learning budget")."""
    pay, other = _PAY_WORDS.search(after), _NOT_PAY_BEFORE.search(after)
    return pay is not None and (other is None or pay.start() < other.start())


def _figures(text: str | None, *, strict: bool) -> Iterator[Pay]:
    if not text:
        return
    for m in _PAY.finditer(text):
        a = _amount(m.group("a"), m.group("ka"))
        b = _amount(m.group("b"), m.group("kb") or m.group("ka")) if m.group("b") else None
        if a is None or a <= 0:
            continue
        if _NOT_PAY_AFTER.match(text[m.end("a") :]) or _NOT_PAY_AFTER.match(text[m.end() :]):
            continue  # "$1.5B", "$85 million", "$10-20M in funding": the company's figures
        interval = interval_of(m.group("per") or m.group("adv"))
        if strict:
            before = _clause_before(text, m.start())
            if _NOT_PAY_BEFORE.search(before):
                continue
            after = _clause_after(text, m.end())
            if interval is None and b is None:
                said = _PAY_WORDS.search(before) or _said_first(after)
                if not said:
                    continue  # a lone amount nobody called pay
        if b is not None and m.group("kb") and not m.group("ka") and a < 1000 <= b:
            a *= 1000  # "$80-100k": the k belongs to both ends
        sign = (m.group("code") or m.group("cur1")).lower()
        currency = _SIGNS.get(sign)
        lead = (m.group("lead") or "").strip().lower()
        lo, hi = (a, b) if b is not None else (a, a)
        if b is None and lead in ("from", "at least", "minimum of", "starting at"):
            hi = None
        elif b is None and lead in ("up to", "maximum of"):
            lo, hi = None, a
        if interval is None:
            interval = guess_interval(max(v for v in (lo, hi) if v is not None))
        if lo is not None and hi is not None and lo > hi:
            continue  # "$5 - $1": not a pay range
        yield Pay(min=lo, max=hi, interval=interval, currency=currency)
