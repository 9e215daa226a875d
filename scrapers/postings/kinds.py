"""What kind of job a posting is, read from its words: employment type from a title, and
workplace (remote / hybrid / on-site) from short fields or the description.

Used by every source and by the local scorer; it imports nothing heavier than `re`."""

from __future__ import annotations

import re

from scrapers.postings.posting import Workplace

# Employment type from a title, as a reader reads it: the first kind whose words appear wins
# (an "Intern (Full-time)" is an internship). "contract" counts only as a tag ("(Contract)",
# "(12 month contract)", "- Contract", "Contract role", "6-month contract"), so a "Contract
# Manager" stays a job about contracts.
_TITLE_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "internship",
        re.compile(
            r"\b(?:intern|interns|internship|internships|co-?op|co-?ops|werkstudent(?:in)?"
            r"|praktikant(?:in)?|praktikum|stagiaire|summer student)\b"
        ),
    ),
    ("part-time", re.compile(r"\bpart[- ]?time\b")),
    (
        "contract",
        re.compile(
            r"\bcontractor\b|\bcontract[- ]to[- ]hire\b|\bfixed[- ]term\b"
            r"|[(\[][^)\]]*?\bcontract\b(?=\s*(?:[,;/)\]]|role\b|position\b|to[- ]hire\b))|(?:^|[-–|,/:]\s*)contract\s*(?:$|[-–|,/)])"
            r"|\bcontract (?:role|position|job|assignment)\b"
            r"|\b\d+[- ]?(?:months?|mos?|weeks?|years?)[- ]contract\b"
        ),
    ),
    ("temporary", re.compile(r"\btemporary\b|\btemp\b|\bseasonal\b")),
    ("full-time", re.compile(r"\bfull[- ]?time\b")),
)


def employment_from_title(title: str) -> str | None:
    """The employment type a title states ("Software Engineer Intern-SRE" → internship,
    "Co-Op" → internship, "Research Scientist (MS/PhD)" → None), or None when it says none.

    Company boards rarely state the type; the title usually does for interns."""
    text = " ".join(str(title).lower().split())
    for kind, pattern in _TITLE_TYPES:
        if pattern.search(text):
            return kind
    return None


# Workplace words. In short fields (title, location, a board's workplace field) a word is
# enough; in a description only phrases that state the arrangement count, and a negation
# ("not a remote role") cancels remote.
_SHORT = (
    ("hybrid", re.compile(r"\bhybrid\b")),
    (
        "remote",
        re.compile(r"\bremote\b|\bwfh\b|\bwork(?:ing)? from home\b|\bhome[- ]based\b|\btelecommut"),
    ),
    (
        "onsite",
        re.compile(r"\bon[- ]?site\b|\bin[- ]office\b|\bin[- ]person\b|\boffice[- ]based\b"),
    ),
)
_LONG = (
    (
        "hybrid",
        re.compile(
            r"\bhybrid (?:role|position|schedule|work|working|model|arrangement|setup|environment)\b"
            r"|\b(?:this|the) (?:role|position|job) is hybrid\b|\bis a hybrid\b"
            r"|\b\d(?:-\d)? days? (?:a|per|each) week (?:in|at) (?:the|our) office\b"
        ),
    ),
    (
        "remote",
        re.compile(
            r"\b(?:fully|100%|completely|entirely) remote\b"
            r"|\bremote[- ](?:first|role|position|job|opportunity|friendly)\b"
            r"|\b(?:this|the) (?:role|position|job) is (?:fully )?remote\b|\bis a remote\b"
            r"|\bwork from home\b|\bwfh\b|\bwork from anywhere\b"
        ),
    ),
    (
        "onsite",
        re.compile(
            r"\b(?:fully|100%) (?:on-?site|in[- ]office)\b"
            r"|\b(?:on-?site|in[- ]office|in[- ]person) (?:role|position|job)\b"
            r"|\b(?:this|the) (?:role|position|job) is (?:on-?site|in[- ]office|in[- ]person)\b"
        ),
    ),
)
_NOT_REMOTE = re.compile(
    r"\b(?:not|no|isn't|non)[- ](?:a |an |fully |100% )?remote\b|\bremote work is not\b"
)


def workplace_from_text(*short: str | None, description: str | None = None) -> Workplace | None:
    """remote / hybrid / onsite as the title, location or a board's own field says it, else as
    the description states it; None when nothing says. "Hybrid - London" → hybrid,
    "Remote (US)" → remote, "WFH" → remote."""
    for text in short:
        low = (text or "").lower()
        for kind, pattern in _SHORT:
            if pattern.search(low):
                return kind  # type: ignore[return-value]
    low = " ".join((description or "").lower().split())
    if not low:
        return None
    for kind, pattern in _LONG:
        if pattern.search(low):
            if kind == "remote" and _NOT_REMOTE.search(low):
                continue
            return kind  # type: ignore[return-value]
    return None
