"""The Telegram package's shape: no import cycle (not even through a function-level import),
every button's data made in one module, the framework's hooks own start-up and shutdown."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.telegram
from bot.telegram import app as app_module
from bot.telegram.runtime import BotContext
from tests.bot.telegram_support import make_ctx


def _imports(path: Path) -> set[str]:
    """Every bot.* module a file imports, at any depth (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot"))
    return found


def test_no_import_cycle_in_bot_telegram():
    package = Path(bot.telegram.__file__).parent
    modules = {f"bot.telegram.{p.stem}": p for p in package.glob("*.py") if p.stem != "__init__"}
    graph = {name: _imports(path) & set(modules) for name, path in modules.items()}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " → ".join((*trail, name))
        for nxt in graph[name]:
            visit(nxt, (*trail, name))

    for name in graph:
        visit(name, ())
    assert "bot.telegram.app" not in set().union(*graph.values())  # nothing reaches up to app


def test_callback_data_is_made_in_one_module():
    package = Path(bot.telegram.__file__).parent
    for path in package.glob("*.py"):
        if path.stem == "callbacks":
            continue
        text = path.read_text(encoding="utf-8")
        assert "callback_data=f" not in text and 'callback_data="' not in text, path.name


async def test_the_framework_hooks_own_start_up_and_shutdown(fake, tmp_path):
    app = app_module.build_application(make_ctx(tmp_path, fake))
    assert app.post_init is app_module.post_init
    assert app.post_stop is app_module.post_stop
    assert app.post_shutdown is app_module.post_shutdown
    assert app.context_types.context is BotContext  # handlers get `context.runtime`, typed
