"""The layout rules of docs/architecture.md, checked on the source: who may import whom, and
what the Telegram side may touch."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.cli_support import REPO

PACKAGES = ("bot", "scrapers", "scoring")
# What each package may import from the others (docs/architecture.md).
ALLOWED = {"scrapers": set(), "scoring": {"scrapers"}, "bot": {"scoring", "scrapers"}}


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in PACKAGES:
        for path in (REPO / pkg).rglob("*.py"):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
            mods[name] = path
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module → project modules it imports, at any depth (function-level imports count)."""

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                found = resolve(target)
                if found and found != mod:
                    graph[mod].add(found)
    return graph


def test_dependencies_point_one_way():
    graph = _imports(_modules())
    wrong = sorted(
        f"{mod} imports {dep}"
        for mod, deps in graph.items()
        for dep in deps
        if dep.split(".")[0] != mod.split(".")[0]
        and dep.split(".")[0] not in ALLOWED[mod.split(".")[0]]
    )
    assert wrong == []


def test_no_import_cycles():
    graph = _imports(_modules())

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return False

    cycles = sorted(
        {tuple(sorted((m, d))) for m, deps in graph.items() for d in deps if reaches(d, m)}
    )
    assert cycles == []


def test_bot_top_level_stays_small():
    top = sorted(p.stem for p in (REPO / "bot").glob("*.py"))
    assert len(top) <= 8, top


def test_scrapers_and_scoring_top_levels_stay_small():
    # The rest lives in sub-packages: scrapers/postings (the vocabulary), scrapers/sources (one
    # module per board), scoring/local (the offline scorer), scoring/llm (the LLM path).
    for pkg in ("scrapers", "scoring"):
        top = sorted(p.stem for p in (REPO / pkg).glob("*.py"))
        assert len(top) <= 12, (pkg, top)


def test_the_posting_vocabulary_is_the_bottom_layer():
    # scrapers/postings is what every layer speaks: it imports no other project module.
    graph = _imports(_modules())
    wrong = sorted(
        f"{mod} imports {dep}"
        for mod, deps in graph.items()
        if mod.startswith("scrapers.postings")
        for dep in deps
        if not dep.startswith("scrapers.postings")
    )
    assert wrong == []


def test_bot_telegram_reaches_the_store_only_through_services():
    # bot/telegram parses, calls a service, renders, sends: no Store import, no `.store`.
    graph = _imports(_modules())
    wrong = sorted(
        f"{mod} imports {dep}"
        for mod, deps in graph.items()
        if mod.startswith("bot.telegram")
        for dep in deps
        if dep.startswith("bot.store")
    )
    for path in sorted((REPO / "bot" / "telegram").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                wrong.append(f"{path.relative_to(REPO)}:{node.lineno} reads .store")
    assert wrong == []


def test_services_never_import_the_telegram_side():
    # Services take no Telegram types: telegram imports services, never the reverse.
    graph = _imports(_modules())
    wrong = sorted(
        f"{mod} imports {dep}"
        for mod, deps in graph.items()
        if mod.startswith("bot.services")
        for dep in deps
        if dep.startswith("bot.telegram")
    )
    for path in sorted((REPO / "bot" / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            wrong += [
                f"{path.relative_to(REPO)} imports {n}"
                for n in names
                if n.split(".")[0] == "telegram"
            ]
    assert wrong == []
