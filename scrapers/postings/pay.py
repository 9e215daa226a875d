"""Pay: from a board's structured figures (`structured_pay`) or read from text (`parse_pay`).

Text reading is deliberately strict: an amount counts only next to a currency sign or code
("$40–50/hr", "USD 120,000 - 150,000 per year", "from £30k", "up to €5.000/month"), so
"401(k)", "5+ years" or "team of 30" are never pay.
"""

from __future__ import annotations

import re

from scrapers.postings.posting import Pay, PayInterval

# Interval words as boards and descriptions write them.
_INTERVALS: tuple[tuple[PayInterval, tuple[str, ...]], ...] = (
    ("hour", ("hour", "hr", "hourly", "h", "stunde")),
    ("day", ("day", "daily", "tag")),
    ("week", ("week", "wk", "weekly")),
    ("month", ("month", "mo", "monthly", "monat", "mois")),
    ("year", ("year", "yr", "annual", "annually", "annum", "yearly", "jahr", "an", "salary")),
)
_SIGNS = {
    "us$": "USD", "$": "USD", "usd": "USD", "ca$": "CAD", "c$": "CAD", "cad": "CAD",
    "a$": "AUD", "au$": "AUD", "aud": "AUD", "£": "GBP", "gbp": "GBP", "€": "EUR", "eur": "EUR",
    "₹": "INR", "inr": "INR", "chf": "CHF", "sgd": "SGD", "s$": "SGD", "¥": "JPY", "jpy": "JPY",
}  # fmt: skip


def interval_of(word: object) -> PayInterval | None:
    """'HOUR', 'per-year-salary', '1 YEAR', 'monthly', 'yearly' → the interval, else None."""
    text = re.sub(r"[^a-z]+", " ", str(word or "").lower()).split()
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


_SIGN = r"(?:us\$|ca\$|au\$|a\$|c\$|s\$|\$|£|€|₹|¥|usd|cad|aud|gbp|eur|inr|chf|sgd|jpy)"
_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = rf"(?:{_SIGN}\s?)?(?:{_NUM})\s?(?:k\b)?"
_PER = (
    r"(?:\s?(?:/|per|an|a|each)\s?(?P<per>hour|hr|h|day|week|wk|month|mo|year|yr|annum)\b"
    r"|\s?(?P<adv>hourly|daily|weekly|monthly|annually|yearly)\b)?"
)
_PAY = re.compile(
    rf"(?P<lead>\b(?:from|at least|minimum of|starting at|up to|maximum of)\s)?"
    rf"(?P<cur1>{_SIGN})\s?(?P<a>{_NUM})\s?(?P<ka>k\b)?"
    rf"(?:\s?(?:/\s?(?:hour|hr|h|year|yr)\s?)?(?:-|–|—|to)\s?(?P<cur2>{_SIGN})?\s?(?P<b>{_NUM})\s?(?P<kb>k\b)?)?"
    rf"(?:\s?(?P<code>usd|cad|aud|gbp|eur|inr|chf|sgd))?"
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


def _guess_interval(value: float) -> PayInterval | None:
    # Unstated intervals: hourly figures are small, yearly ones large; in between, unknown.
    if value < 300:
        return "hour"
    if value >= 15_000:
        return "year"
    return None


def parse_pay(text: str | None) -> Pay | None:
    """The first pay figure a text states, or None. Reads ranges, "from/at least", "up to",
    exact figures, "k" thousands, and the interval when written (else a plain guess)."""
    if not text:
        return None
    for m in _PAY.finditer(text):
        a = _amount(m.group("a"), m.group("ka"))
        b = _amount(m.group("b"), m.group("kb") or m.group("ka")) if m.group("b") else None
        if a is None or a <= 0:
            continue
        if b is not None and m.group("kb") and not m.group("ka") and a < 1000 <= b:
            a *= 1000  # "$80-100k": the k belongs to both ends
        sign = (m.group("code") or m.group("cur1")).lower()
        currency = _SIGNS.get(sign)
        interval = interval_of(m.group("per") or m.group("adv"))
        lead = (m.group("lead") or "").strip().lower()
        lo, hi = (a, b) if b is not None else (a, a)
        if b is None and lead in ("from", "at least", "minimum of", "starting at"):
            hi = None
        elif b is None and lead in ("up to", "maximum of"):
            lo, hi = None, a
        if interval is None:
            interval = _guess_interval(max(v for v in (lo, hi) if v is not None))
        if lo is not None and hi is not None and lo > hi:
            continue  # "$5 - $1": not a pay range
        return Pay(min=lo, max=hi, interval=interval, currency=currency)
    return None
