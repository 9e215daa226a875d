"""Would an embedded semantic model improve the local scorer? The measurement behind not
shipping one (see the note in `scoring/fields.py`).

For `wordllama` (its 256-dim model ships inside the wheel; loaded offline from the package's
own folder), prints import + load time, titles embedded per second, and the ranking figures
on both ranking sets when the cosine similarity between a posting's title and the seeker's
stated interests is added to the local score with weight k (k = 0 is the local scorer as is).

    pip install wordllama && PYTHONPATH=. python bench/semantic.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.evalset import DEFAULT_DIR, figures  # noqa: E402
from bench.ranking import FILTERS, collect, load_set  # noqa: E402
from scoring.local.scorer import LocalScorer  # noqa: E402
from scoring.profile import Profile  # noqa: E402


def main() -> None:
    t0 = time.perf_counter()
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        print("wordllama is not installed: pip install wordllama to measure it")
        return
    model = WordLlama.load(
        config="l2_supercat",
        dim=256,
        cache_dir=Path(wordllama.__file__).parent,  # its own folder: nothing is downloaded
        disable_download=True,
    )
    print(f"wordllama: import + load {time.perf_counter() - t0:.2f} s")
    titles = ["Software Engineer Intern - Frontend - Summer 2025 Lyft"] * 5000
    t0 = time.perf_counter()
    model.embed(titles)
    print(f"  {len(titles) / (time.perf_counter() - t0):,.0f} titles embedded per second")
    for folder in (DEFAULT_DIR, ROOT / "bench" / "rankset"):
        data = load_set(folder)
        postings = asyncio.run(collect(data))
        rows: dict[float, list[dict[str, float]]] = {}
        for seeker, judge in data.labels.items():
            scorer = LocalScorer(Profile(about=data.seekers[seeker], filters=FILTERS))
            ids = sorted(judge)
            query = scorer.reading.interest_text or data.seekers[seeker]
            q = model.embed([query], norm=True)[0]
            sims = model.embed([postings[i].title for i in ids], norm=True) @ q
            base = {i: scorer.score(postings[i]).score for i in ids}
            for k in (0.0, 10.0, 20.0, 30.0):
                mixed = {i: base[i] + k * float(s) for i, s in zip(ids, sims, strict=True)}
                rows.setdefault(k, []).append(figures(mixed, judge))
        print(f"{folder.name}: mean rho / NDCG@10 / recall@50")
        for k, figs in rows.items():
            means = [statistics.mean(f[m] for f in figs) for m in ("rho", "ndcg10", "recall50")]
            print(f"  k={k:>4.0f}: " + " / ".join(f"{m:.2f}" for m in means))


if __name__ == "__main__":
    main()
