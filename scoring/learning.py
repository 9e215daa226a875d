"""Local learning: 👍/👎 votes (and saved / applied marks) → what the local scorer adds.

What is learned are *features* of postings (`scoring.features`: field, employer and its kind,
place, workplace, level, employment type, pay band), never words of a title or a company.
Every vote is one observation "liked or not" of the features of the posting it was about; a
logistic model is fitted to them, each feature's weight held towards 0 (the profile's own
judgement) by a prior worth `prior_votes` votes, and the base rate held towards even odds by
one worth `INTERCEPT_VOTES`, so that when everything shown is turned down, what it was takes
the blame. A feature on every posting, liked or not (the country, "internship"), teaches
nothing. Weights become score points (`strength` points per unit of log-odds), and a line
weighs at most `PER_VOTE` points per vote it has more on its side than against: one vote is a
nudge, twenty consistent votes a verdict, and one tap in ten the wrong way round (a mistaken
👍 on a city or an employer) does not read as a liking. All learned points of one posting
stay within ±`MAX_NUDGE`, and a lift fills the room left below 100 (`apply_learned`).

The person's own words still win: a field they stated is never learned as a negative from
fewer than `STATED_MIN_DOWNS` 👎, and a posting that hits something they said no to (an
avoided field, kind of employer, named employer or place) gets no learned lift. Filter vetoes
come before any of this (`scoring.filters`).

A 👎's reason narrows what it is about: "location" → the place only, "company" → the employer
and its kind, "senior" → the level, "field" → the field, "seen it" → nothing. Evidence fades
with the vote's age (`half_life_days`). A learned line the person removed (its id in
`forgotten`) is left out; a withdrawn vote is simply not among the votes.

Votes are read structurally (`VoteLike`), so `bot.store.records.Vote` works without `scoring`
importing `bot`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.features import Feature, of_posting, of_vote, roles_phrase
from scoring.local.fields import BY_KEY
from scoring.local.reading import Reading, read
from scoring.models import LearnedLine, LearnedWeights
from scoring.profile import Profile
from scrapers.postings.posting import Posting

# The reasons a 👎 can give, with the label the bot's buttons show: the one home of the list
# (the bot imports it). Learning reads each reason's key (see `REASON_GROUPS`).
VOTE_REASONS: dict[str, str] = {
    "field": "wrong field",
    "senior": "too senior",
    "location": "location",
    "company": "company",
    "seen": "seen it",
}
REASONS = tuple(VOTE_REASONS)
# Which feature groups a 👎 with a reason is about (no reason: all of them; "seen": none).
REASON_GROUPS: dict[str, frozenset[str]] = {
    "field": frozenset({"field", "family"}),
    "senior": frozenset({"level"}),
    "location": frozenset({"place"}),
    "company": frozenset({"employer", "industry"}),
    "seen": frozenset(),
}

Learned = LearnedWeights  # what `learn` returns: lines with ids, words, evidence and weights

# All learned points of one posting together stay within ±this: strong enough to reorder
# what the profile merely allows, not to bury what the person asked for by name.
MAX_NUDGE = 50.0
# The most one vote can make a line weigh, in score points (see `learn`).
PER_VOTE = 6.0
# How fast a lift fills the room below 100 (see `apply_learned`), in points.
LIFT_ROOM = 25.0
# A field the person stated is learned as a negative only from this many 👎 on it.
STATED_MIN_DOWNS = 3
# How many times `prior_votes` the prior of a group is worth: one employer, city or pay step
# is a narrower thing than a kind of work, so a lone (maybe mistaken) vote moves it less.
GROUP_PRIOR = {"employer": 3.0, "place": 2.0, "pay": 2.0}
_SWEEPS = 200  # coordinate-descent sweeps at most (it stops once no weight moves)
# The base rate (how much of what is shown the person likes) is held towards even odds by a
# prior worth this many votes: when everything shown is turned down, what it was (its field,
# its employer kind) takes the blame, not only the base rate.
INTERCEPT_VOTES = 4.0

_RETIRED = frozenset(  # settings of the word learner before features; accepted, ignored
    {"votes_to_matter", "max_term_weight", "max_company_weight", "max_location_weight"}
    | {"max_terms_per_vote"}
)


class LearningConfig(BaseModel):
    """The `[learning]` section of the config file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # no inf or nan (issue 22)

    half_life_days: float = Field(default=30.0, gt=0)  # a vote counts half after this many days
    propose_every: int = Field(default=10, ge=1)  # LLM proposal after every N new votes …
    propose_min_votes: int = Field(default=10, ge=1)  # … once there are at least M votes
    prior_votes: float = Field(default=2.0, gt=0)  # what the profile's judgement is worth, in votes
    strength: float = Field(default=24.0, ge=0)  # score points per unit of learned log-odds
    explore_share: float = Field(default=0.15, ge=0, le=0.5)  # of the day's picks, at first …
    explore_half_votes: int = Field(default=30, ge=1)  # … halved after every this many 👍
    examples: int = Field(default=5, ge=0, le=5)  # liked and disliked examples for the LLM prompt

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, data: Any) -> Any:
        # Config files written for the word learner keep working.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in _RETIRED}
        return data


class VoteLike(Protocol):
    """What learning reads from a vote (`bot.store.records.Vote` has all of it; `pay`,
    `workplace` and `employment_type` are read when present)."""

    vote: str
    reason: str | None
    title: str
    company: str
    location: str
    summary: str
    at: datetime


def _decay(at: datetime, now: datetime, half_life_days: float) -> float:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    age_days = max(0.0, (now - at).total_seconds() / 86400)
    return 0.5 ** (age_days / half_life_days)


def vote_features(vote: VoteLike) -> list[Feature]:
    """The features one vote is about: those of its posting, narrowed by a 👎's reason."""
    feats = of_vote(vote)
    if vote.vote != "up" and vote.reason in REASON_GROUPS:
        groups = REASON_GROUPS[vote.reason]
        feats = [f for f in feats if f.group in groups]
    return feats


def learn(
    votes: Iterable[VoteLike],
    profile: Profile,
    cfg: LearningConfig | None = None,
    *,
    now: datetime | None = None,
    forgotten: Collection[str] = (),
) -> Learned:
    """What the votes teach, as one line per feature (see the module docstring).

    `forgotten`: ids of learned lines the person removed; they are learned no more."""
    cfg = cfg or LearningConfig()
    now = now or datetime.now(UTC)
    gone = set(forgotten)
    rows: list[tuple[list[str], float, float]] = []  # (feature ids, liked 0/1, weight)
    words: dict[str, Feature] = {}
    ups: dict[str, int] = {}
    downs: dict[str, int] = {}
    liked_count = 0
    for vote in votes:
        if vote.vote not in ("up", "down") or (vote.vote == "down" and vote.reason == "seen"):
            continue
        feats = [f for f in vote_features(vote) if f.id not in gone]
        liked = vote.vote == "up"
        liked_count += liked
        for f in feats:
            words.setdefault(f.id, f)
            tally = ups if liked else downs
            tally[f.id] = tally.get(f.id, 0) + 1
        rows.append(
            ([f.id for f in feats], 1.0 if liked else 0.0, _decay(vote.at, now, cfg.half_life_days))
        )
    reading = read(profile)
    ruled_out = _ruled_out(reading)
    if not rows:
        return LearnedWeights(ruled_out=sorted(ruled_out))
    stated = _stated(reading)
    priors = {fid: cfg.prior_votes * GROUP_PRIOR.get(f.group, 1.0) for fid, f in words.items()}
    fitted = _fit(rows, sorted(words), priors)
    lines: dict[str, LearnedLine] = {}
    both_ways = any(y for _f, y, _w in rows) and not all(y for _f, y, _w in rows)
    for fid in sorted(words):
        w = fitted.get(fid, 0.0)
        if fid in stated and w < 0 and downs.get(fid, 0) < STATED_MIN_DOWNS:
            w = 0.0  # one 👎 on a generic "Software Engineer Intern" is not "no software"
        if fid in ruled_out and w > 0:
            w = 0.0  # what the person said no to is never learned as wanted
        if both_ways and ups.get(fid, 0) + downs.get(fid, 0) == len(rows):
            w = 0.0  # on every posting liked or not (the country, "internship"): says nothing
        # One vote is a nudge: a line weighs at most PER_VOTE points per vote it has more on
        # its side than against, so a kind liked more often than not is liked, and one
        # mistaken tap cannot make a city or an employer a strong liking (or dislike).
        u, d = ups.get(fid, 0), downs.get(fid, 0)
        most = PER_VOTE * (max(0, u - d) if w > 0 else max(0, d - u))
        points = max(-most, min(most, cfg.strength * w))
        f = words[fid]
        lines[fid] = LearnedLine(
            id=fid,
            words=f.words,
            group=f.group,
            ups=ups.get(fid, 0),
            downs=downs.get(fid, 0),
            weight=round(points, 2),
        )
    return LearnedWeights(
        features=lines,
        votes=len(rows),
        ups=liked_count,
        ruled_out=sorted(ruled_out),
        liked={ln.words: ln.ups for ln in lines.values() if ln.weight >= 1.0 and ln.ups},
        disliked={ln.words: ln.downs for ln in lines.values() if ln.weight <= -1.0 and ln.downs},
    )


def _fit(
    rows: list[tuple[list[str], float, float]], ids: list[str], priors: dict[str, float]
) -> dict[str, float]:
    """An L2-regularised logistic regression by coordinate descent, each step a Newton step
    under the curvature bound 1/4, so every step lowers the loss (deterministic: fixed order).

    The prior on a feature is worth `priors[id]` votes at even odds (precision 0.25 each)."""
    lam = [0.25 * priors[fid] for fid in ids]
    index = {fid: i for i, fid in enumerate(ids)}
    members: list[list[int]] = [[] for _ in ids]  # feature -> rows that have it
    for r, (feats, _y, _wt) in enumerate(rows):
        for fid in feats:
            members[index[fid]].append(r)
    ys = [y for _f, y, _w in rows]
    wts = [wt for _f, _y, wt in rows]
    margin = [0.0] * len(rows)
    weights = [0.0] * len(ids)
    bias = 0.0
    curv = [0.25 * sum(wts[r] for r in rs) + lam[j] for j, rs in enumerate(members)]
    all_rows = range(len(rows))
    bias_prior = 0.25 * INTERCEPT_VOTES
    bias_curv = 0.25 * sum(wts) + bias_prior
    for _sweep in range(_SWEEPS):
        biggest = 0.0
        grad = sum(wts[r] * (ys[r] - _sigmoid(margin[r])) for r in all_rows)
        step = (grad - bias_prior * bias) / bias_curv
        bias += step
        for r in all_rows:
            margin[r] += step
        biggest = abs(step)
        for j, rs in enumerate(members):
            grad = sum(wts[r] * (ys[r] - _sigmoid(margin[r])) for r in rs)
            step = (grad - lam[j] * weights[j]) / curv[j]
            if step:
                weights[j] += step
                for r in rs:
                    margin[r] += step
                biggest = max(biggest, abs(step))
        if biggest < 1e-4:
            break
    return {fid: weights[i] for fid, i in index.items()}


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _stated(r: Reading) -> set[str]:
    """Feature ids of the fields the person's own words ask for (and their families)."""
    wanted = [key for key, w in r.fields.items() if w > 0]
    return {f"field:{k}" for k in wanted} | {f"family:{BY_KEY[k].family}" for k in wanted}


def _ruled_out(r: Reading) -> set[str]:
    """Feature ids the person's own words say no to: avoided fields, kinds of employer,
    named employers and places."""
    out = {f"field:{k}" for k, w in r.avoid_fields.items() if w > 0}
    out |= {f"industry:{k}" for k, w in r.avoid_kinds.items() if w > 0}
    out |= {f"employer:{name}" for name, w in r.companies.items() if w < 0}
    places = ("city", "state", "region", "country")  # the place features' prefixes
    out |= {f"{a.kind}:{a.name}" for a in r.avoid_places if a.kind in places}
    return out


# -- applying ---------------------------------------------------------------------------------
def learned_nudge(
    learned: LearnedWeights, posting: Posting, cap: float = MAX_NUDGE
) -> tuple[float, list[str]]:
    """Score points the learned lines add to a posting, and what the reason may say about
    them ("you liked 6 data analysis roles", "you passed on 9 software engineering roles").

    Each line the posting has adds its weight; lifts and drops are capped separately (each
    within `cap`), and a posting with something the person ruled out gets no lift at all."""
    if not learned.features:
        return 0.0, []
    feats = of_posting(posting)
    present = [learned.features[f.id] for f in feats if f.id in learned.features]
    lift = min(cap, sum(ln.weight for ln in present if ln.weight > 0))
    drop = max(-cap, sum(ln.weight for ln in present if ln.weight < 0))
    if learned.ruled_out and any(f.id in learned.ruled_out for f in feats):
        lift = 0.0
    return round(lift + drop, 2), cite(present)


def apply_learned(
    learned: LearnedWeights, posting: Posting, points: float
) -> tuple[float, list[str]]:
    """A score's points with the learned lines applied, and what the reason may say.

    A drop is taken as it is; a lift is taken whole only where there is room for it below
    100: at most `(100 - points) * (1 - e^(-lift / LIFT_ROOM))`, so liked postings that
    were already near the top stay ordered by how much is liked, instead of all hitting 100."""
    nudge, cites = learned_nudge(learned, posting)
    if nudge > 0:
        room = max(0.0, 100.0 - points)
        nudge = min(nudge, room * (1.0 - math.exp(-nudge / LIFT_ROOM)))
    return points + nudge, cites


def cite(present: Sequence[LearnedLine]) -> list[str]:
    """What the reason says about past votes on postings like this one: the strongest liked
    line and the strongest disliked one it has, each only with two votes or more behind it."""
    notes = []
    liked = [ln for ln in present if ln.weight >= 2.0 and ln.ups >= 2]
    if liked:
        best = max(liked, key=lambda ln: (ln.weight, ln.id))
        notes.append(f"you liked {best.ups} {roles_phrase(best.group, best.words)}")
    disliked = [ln for ln in present if ln.weight <= -2.0 and ln.downs >= 2]
    if disliked:
        worst = min(disliked, key=lambda ln: (ln.weight, ln.id))
        notes.append(f"you passed on {worst.downs} {roles_phrase(worst.group, worst.words)}")
    return notes


def recent(votes: Sequence[VoteLike], n: int) -> list[VoteLike]:
    """The newest `n` votes, newest first."""
    return sorted(votes, key=lambda v: v.at, reverse=True)[:n]
