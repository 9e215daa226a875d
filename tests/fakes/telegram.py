"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) that python-telegram-bot talks to for real.

It answers `POST /bot<token>/<method>` with complete objects, long-polls `getUpdates`, and
enforces the rules a real server would: 4096 visible characters, 1–64-byte callback data,
HTML with only Telegram's tags and entities, 429 with `parameters.retry_after` and 403 for a
chat that blocked the bot (both scriptable). Every call is recorded for assertions.

Files (sendPhoto, sendDocument) arrive as multipart/form-data, as python-telegram-bot sends
them; the fake parses the body and keeps the bytes. Limits, from the Bot API documentation
(core.telegram.org/bots/api, sendPhoto / sendDocument / setMyDescription /
setMyShortDescription / editMessageText) and python-telegram-bot's `telegram.constants`
(FileSizeLimit, BotDescriptionLimit, MessageLimit), which mirror it:
- a photo "must be at most 10 MB in size", its "width and height must not exceed 10000 in
  total" and their "ratio must be at most 20"; a document upload at most 50 MB;
- a caption 0–1024 characters after entity parsing;
- a bot description 0–512 characters, a short description 0–120;
- editing refuses unchanged content ("message is not modified") and a message that cannot
  be edited ("message can't be edited"; scripted with `uneditable`).
Groups have members and admins, reported by getChatMember / getChatAdministrators.

Flood limits (`flood_limits = FloodLimits()`; off unless a test sets them): the Bot API FAQ
(core.telegram.org/bots/faq, "My bot is hitting limits, how do I avoid this?") says to avoid
more than one message per second in a chat, 20 per minute in a group and about 30 per
second in all; a message past them is answered 429 with `parameters.retry_after`, as
Telegram does, and recorded in `floods`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

BOT_ID = 777000111
ALLOWED_TAGS = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
PHOTO_MAX_BYTES = 10 * 1000 * 1000  # telegram.constants.FileSizeLimit.PHOTOSIZE_UPLOAD
DOCUMENT_MAX_BYTES = 50 * 1000 * 1000  # FileSizeLimit.FILESIZE_UPLOAD
PHOTO_MAX_SIDES = 10000  # width + height
PHOTO_MAX_RATIO = 20
CAPTION_MAX = 1024  # MessageLimit.CAPTION_LENGTH
FILE_DOWNLOAD_MAX_BYTES = 20 * 1000 * 1000  # FileSizeLimit.FILESIZE_DOWNLOAD (getFile)
DESCRIPTION_MAX = 512  # BotDescriptionLimit.MAX_DESCRIPTION_LENGTH
SHORT_DESCRIPTION_MAX = 120  # BotDescriptionLimit.MAX_SHORT_DESCRIPTION_LENGTH
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
NESTED = {
    "reply_markup",
    "entities",
    "allowed_updates",
    "commands",
    "scope",
    "link_preview_options",
}


class ApiError(Exception):
    def __init__(
        self,
        code: int,
        description: str,
        parameters: dict | None = None,
        html_page: bool = False,
    ) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters
        self.html_page = html_page


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _TelegramHTML(HTMLParser):
    """Checks Telegram's HTML subset and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def fail(self, why: str) -> None:
        if self.error is None:
            self.error = why

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.fail(f'unsupported start tag "{tag}"')
            return
        for name, _value in attrs:
            if name not in ALLOWED_TAGS[tag]:
                self.fail(f'unsupported attribute "{name}" of tag "{tag}"')
        if tag == "a" and not dict(attrs).get("href"):
            self.fail("a tag without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.fail(f'unsupported self-closing tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.fail(f'unexpected end tag "{tag}"')
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ch in "<>&":
            if ch in data:
                self.fail(f"unescaped {ch!r} in text")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.fail(f'unsupported entity "&{name};"')
            return
        self.text.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self.text.append(chr(code))
        except ValueError:
            self.fail(f"bad character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.fail("comments are not supported")

    def handle_decl(self, decl: str) -> None:
        self.fail("declarations are not supported")

    def unknown_decl(self, data: str) -> None:
        self.fail("declarations are not supported")


def visible_text(text: str, parse_mode: str | None) -> str:
    """The message as the user sees it; raises ApiError(400) like Telegram on bad HTML."""
    if not parse_mode:
        return text
    if parse_mode.upper() != "HTML":
        raise bad(f"unsupported parse_mode {parse_mode}")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # an unfinished tag such as "<b" at the end
        parser.fail("unfinished tag at the end")
    if parser.stack and parser.error is None:
        parser.fail(f'unclosed tag "{parser.stack[-1]}"')
    if parser.error:
        raise bad(f"can't parse entities: {parser.error}")
    return "".join(parser.text)


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk; None when the bytes are not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_markup(markup: Any) -> None:
    if markup is None:
        return
    if isinstance(markup, dict) and markup.get("force_reply") is True:
        return  # ForceReply: opens the reply box (Bot API: force_reply must be True)
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        raise bad("unsupported reply_markup")
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button.get("text"):
                raise bad("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad("BUTTON_DATA_INVALID")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when received
    status: int = 0  # 0 while in flight
    result: Any = None


@dataclass
class Upload:
    """A file the bot uploaded (multipart/form-data)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict | None
    edits: int = 0
    silent: bool = False  # sent with disable_notification
    photo: Upload | None = None
    document: Upload | None = None


@dataclass
class FloodLimits:
    """The limits the fake enforces on calls that put something in a chat (send*, edit*).
    Arrival times jitter by a few milliseconds over the loopback, so a call is forgiven
    `slack` seconds of each window."""

    chat_interval: float = 1.0  # seconds between two calls to one chat
    group_per_minute: int = 20
    per_second: int = 30  # the bot, across all chats
    slack: float = 0.05
    retry_after: int = 1


# Calls the flood limits count: what puts something in a chat (not sendChatAction).
FLOOD_COUNTED = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText",
                 "editMessageReplyMarkup")  # fmt: skip


@dataclass
class _Fail:
    method: str
    code: int
    description: str
    retry_after: int | None
    chat_id: int | None
    times: int
    after: int
    html_page: bool = False


@dataclass
class FakeTelegram:
    """The fake server. `await start()` returns the base URL for `TELEGRAM_API_BASE`."""

    token: str = "123456:TEST-token-abcdefghijklmnopqrstuv"
    username: str = "jobpicks_test_bot"
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    # (chat id, message id) of messages Telegram will not let the bot edit any more.
    uneditable: set[tuple[int, int]] = field(default_factory=set)
    # chat id -> {user id: status} for groups ("creator", "administrator", "member").
    members: dict[int, dict[int, str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    # Files people sent the bot: file id -> bytes (`user_sends_document`), and the paths
    # the bot downloaded, in order.
    files: dict[str, bytes] = field(default_factory=dict)
    file_sizes: dict[str, int] = field(default_factory=dict)  # the size Telegram reports
    downloads: list[str] = field(default_factory=list)
    # Telegram's flood limits, enforced when set; the calls refused for flooding.
    flood_limits: FloodLimits | None = None
    floods: list[Call] = field(default_factory=list)

    # A proxy (or a Local Bot API Server behind one) that echoes the request path — which
    # holds the bot token — in every error it returns: "Not Found: /bot<token>/getMe".
    echo_path: bool = False

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._changed = asyncio.Condition()
        self._fails: list[_Fail] = []
        self._holds: dict[str, tuple[int, asyncio.Event]] = {}
        self._refusals: list[tuple[str, str]] = []  # (text fragment, description)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # (arrival, chat) of the last minute's calls the flood limits count
        self._counted: collections.deque[tuple[float, int | None]] = collections.deque()

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        for _n, event in self._holds.values():
            event.set()
        async with self._changed:
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()

    # -- test helpers -----------------------------------------------------------------------
    def add_chat(self, chat_id: int, first_name: str = "Ada") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "private", "first_name": first_name}
        self.chats[chat_id] = chat
        return chat

    def add_group(self, chat_id: int, title: str, members: dict[int, str]) -> dict[str, Any]:
        """A group chat (negative id) whose people have a status: "creator",
        "administrator" or "member"."""
        chat = {"id": chat_id, "type": "group", "title": title}
        self.chats[chat_id] = chat
        self.members[chat_id] = dict(members)
        return chat

    def _user(self, chat_id: int, user_id: int | None = None) -> dict[str, Any]:
        if user_id is not None:
            return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        chat = self.chats.get(chat_id) or self.add_chat(chat_id)
        return {"id": chat_id, "is_bot": False, "first_name": chat.get("first_name", "Ada")}

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    async def _push(self, update: dict[str, Any]) -> int:
        update["update_id"] = next(self._update_ids)
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return update["update_id"]

    async def user_says(
        self, chat_id: int, text: str, user_id: int | None = None, reply_to: int | None = None
    ) -> int:
        """Inject a message from a user (in a group, `user_id` says who); a leading
        /command gets its bot_command entity; `reply_to`: the id of the bot's message it
        answers (Telegram then carries that message as `reply_to_message`)."""
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chats.get(chat_id) or self.add_chat(chat_id),
            "from": self._user(chat_id, user_id),
            "text": text,
        }
        if reply_to is not None:
            msg["reply_to_message"] = self._message_obj(self.messages[(chat_id, reply_to)])
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._push({"message": msg})

    async def tap(
        self, chat_id: int, message_id: int, data: str, user_id: int | None = None
    ) -> str:
        """Inject a callback-button tap on a message the bot sent; returns the query id."""
        sent = self.messages.get((chat_id, message_id))
        message = (
            self._message_obj(sent)
            if sent
            else {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self.chats.get(chat_id) or self.add_chat(chat_id),
                "text": "?",
            }
        )
        query_id = str(next(self._query_ids))
        await self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(chat_id, user_id),
                    "message": message,
                    "chat_instance": f"ci-{chat_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def buttons(self, chat_id: int, message_id: int) -> list[tuple[str, str]]:
        """(text, callback_data) of every button on a sent message, in order."""
        markup = self.messages[(chat_id, message_id)].reply_markup or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    def fail_next(
        self,
        method: str,
        *,
        code: int = 429,
        retry_after: int | None = 1,
        description: str | None = None,
        chat_id: int | None = None,
        times: int = 1,
        after: int = 0,
        html_page: bool = False,
    ) -> None:
        """Make `times` calls of `method` (to `chat_id`, if given) fail, once `after`
        calls of it have succeeded. `html_page`: answer with an HTML error page instead of
        JSON, as a proxy in front of Telegram does on a 502."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}" if code == 429 else "Bad Request"
            )
        self._fails.append(
            _Fail(
                method,
                code,
                description,
                retry_after if code == 429 else None,
                chat_id,
                times,
                after,
                html_page,
            )
        )

    def refuse(self, fragment: str, description: str) -> None:
        """Refuse, for good, every sendMessage whose text contains `fragment` (a message
        Telegram will never take, e.g. "Bad Request: can't parse entities: …")."""
        self._refusals.append((fragment, description))

    # -- files a person sends ----------------------------------------------------------------
    async def user_sends_document(
        self,
        chat_id: int,
        data: bytes,
        file_name: str | None,
        mime_type: str | None = None,
        *,
        file_size: int | None = None,
    ) -> int:
        """Inject a message carrying a document (a CV). `file_size` is what Telegram reports
        (default: the bytes' length); a bigger size than the bytes stands for a file too big
        to send through the fake."""
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        self.file_sizes[file_id] = len(data) if file_size is None else file_size
        document: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": self.file_sizes[file_id],
        }
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        return await self._push({"message": self._incoming(chat_id) | {"document": document}})

    async def user_sends_photo(self, chat_id: int, data: bytes) -> int:
        """Inject a photo message (one size), as a phone camera sends a picture of a page."""
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        size = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 90, "height": 120}
        photo = [size | {"file_size": len(data)}]
        return await self._push({"message": self._incoming(chat_id) | {"photo": photo}})

    def _incoming(self, chat_id: int) -> dict[str, Any]:
        return {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chats.get(chat_id) or self.add_chat(chat_id),
            "from": self._user(chat_id),
        }

    async def api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        """Bot API getFile: a File whose `file_path` is then fetched from
        `/file/bot<token>/<file_path>` (core.telegram.org/bots/api#getfile: "the file can
        then be downloaded via the link https://api.telegram.org/file/bot<token>/<file_path>"
        and bots "can download files of up to 20MB in size"; a bigger one is refused with
        "file is too big")."""
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise bad("invalid file_id")
        size = self.file_sizes.get(file_id, len(self.files[file_id]))
        if size > FILE_DOWNLOAD_MAX_BYTES:
            raise bad("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        self.downloads.append(path)
        data = self.files.get(path.removeprefix("documents/"))
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send to this chat answers 403."""
        self.blocked.add(chat_id)

    def hold(self, method: str, after: int) -> None:
        """Let `after` calls of `method` through, then hang every later one (as if the
        network died mid-request) until `release()`, which drops them with a 500."""
        self._holds[method] = (after, asyncio.Event())

    def release(self) -> None:
        for _after, event in self._holds.values():
            event.set()
        self._holds.clear()

    def calls_of(self, method: str, **match: Any) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and all(c.params.get(k) == v for k, v in match.items())
        ]

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot successfully sent to a chat, in order."""
        return sorted(
            (m for (c, _), m in self.messages.items() if c == chat_id), key=lambda m: m.message_id
        )

    async def wait_for(
        self, method: str, count: int = 1, within: float = 5.0, **match: Any
    ) -> list[Call]:
        """Wait until the bot made at least `count` successful calls of `method` matching."""

        def ready() -> bool:
            return len([c for c in self.calls_of(method, **match) if c.status == 200]) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), within)
            except TimeoutError:
                got = [(c.method, c.status) for c in self.calls[-10:]]
                raise AssertionError(
                    f"bot made fewer than {count} {method} calls matching {match}; last: {got}"
                ) from None
        return [c for c in self.calls_of(method, **match) if c.status == 200]

    # -- the API ------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type == "multipart/form-data":
            # Files: each part with a filename is an upload; a parameter may point at one
            # with "attach://<part name>" (the Bot API's way for media inside JSON).
            reader = await request.multipart()
            uploads: dict[str, Upload] = {}
            while (part := await reader.next()) is not None:
                data = await part.read(decode=False)  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                if part.filename:  # type: ignore[union-attr]
                    ctype = part.headers.get("Content-Type", "")  # type: ignore[union-attr]
                    uploads[name] = Upload(name, part.filename, ctype, bytes(data))  # type: ignore[union-attr]
                else:
                    params[name] = bytes(data).decode("utf-8")
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = uploads.get(value.removeprefix("attach://"))
            params.update(uploads)
        elif request.can_read_body:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in NESTED:
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        for key in ("chat_id", "message_id", "offset", "limit", "user_id"):
            if isinstance(params.get(key), str) and params[key].lstrip("-").isdigit():
                params[key] = int(params[key])
        if isinstance(params.get("timeout"), str):
            params["timeout"] = float(params["timeout"])
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 401,
                    "description": self._echo("Unauthorized", request),
                },
                status=401,
            )
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        if method != "getUpdates":
            self.calls.append(call)
        try:
            await self._maybe_hold(method)
            self._maybe_fail(method, params)
            self._check_flood(call)
            handler = getattr(self, f"api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            call.result = await handler(params)
            call.status = 200
        except ApiError as exc:
            call.status = exc.code
            description = self._echo(exc.description, request)
            if exc.html_page:
                await self._notify()
                page = f"<html><body><h1>{exc.code} {description}</h1></body></html>"
                return web.Response(status=exc.code, text=page, content_type="text/html")
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": description,
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            await self._notify()
            return web.json_response(body, status=exc.code)
        await self._notify()
        return web.json_response({"ok": True, "result": call.result})

    def _echo(self, description: str, request: web.Request) -> str:
        return f"{description}: {request.path}" if self.echo_path else description

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _maybe_hold(self, method: str) -> None:
        if method not in self._holds:
            return
        after, event = self._holds[method]
        done = len([c for c in self.calls_of(method) if c.status == 200])
        if done >= after:
            await event.wait()
            raise ApiError(500, "Internal Server Error: request dropped")

    def _check_flood(self, call: Call) -> None:
        """Counts what is sent while limits are set (so a test's set-up before them is free)."""
        limits = self.flood_limits
        if limits is None or call.method not in FLOOD_COUNTED:
            return
        chat = call.params.get("chat_id")
        chat = chat if isinstance(chat, int) else None
        while self._counted and call.at - self._counted[0][0] > 60:
            self._counted.popleft()
        now, slack = call.at, limits.slack
        in_chat = [t for t, c in self._counted if c == chat]
        flooded = (
            (in_chat and now - in_chat[-1] < limits.chat_interval - slack)
            or (
                chat is not None
                and chat < 0
                and sum(1 for t in in_chat if now - t < 60 - slack) >= limits.group_per_minute
            )
            or sum(1 for t, _ in self._counted if now - t < 1 - slack) >= limits.per_second
        )
        if flooded:
            self.floods.append(call)
            raise ApiError(
                429,
                f"Too Many Requests: retry after {limits.retry_after}",
                {"retry_after": limits.retry_after},
            )
        self._counted.append((call.at, chat))

    def busiest(self, window: float, chat_id: int | None = None) -> int:
        """The most calls that put something in a chat (in one chat, or in all) that arrived
        within any `window` seconds."""
        times = sorted(
            c.at
            for c in self.calls
            if c.method in FLOOD_COUNTED
            and c.status == 200
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        )
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            most = max(most, end - start + 1)
        return most

    def _maybe_fail(self, method: str, params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        if method.startswith(("send", "edit")) and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        for fail in self._fails:
            if (
                fail.method == method
                and fail.times > 0
                and fail.chat_id in (None, chat_id)
                and len([c for c in self.calls_of(method) if c.status == 200]) >= fail.after
            ):
                fail.times -= 1
                parameters = {"retry_after": fail.retry_after} if fail.retry_after else None
                raise ApiError(fail.code, fail.description, parameters, fail.html_page)

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "jobpicks",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise bad("chat not found")
        return chat

    def _message_obj(self, sent: SentMessage) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": self.chats[sent.chat_id],
            "from": self._bot_user(),
        }
        if sent.photo is None and sent.document is None:
            msg["text"] = sent.text
        elif sent.text:
            msg["caption"] = sent.text
        if sent.edits:
            msg["edit_date"] = int(time.time())
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            msg["reply_markup"] = sent.reply_markup  # Telegram returns inline keyboards only
        return msg

    async def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user()

    async def api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._updates.clear()
        return True

    async def api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands:
            raise bad("commands must be a non-empty list")
        for c in commands:
            name, desc = c.get("command", ""), c.get("description", "")
            if not (
                1 <= len(name) <= 32 and name == name.lower() and name.replace("_", "").isalnum()
            ):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    async def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

            def pending() -> bool:
                return any(u["update_id"] >= offset for u in self._updates)

            if not pending() and timeout > 0:
                # Long poll: hold the request until an update arrives or the timeout passes.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(pending), timeout)
            return [u for u in self._updates if u["update_id"] >= offset][:limit]

    def _check_text(self, params: dict[str, Any]) -> tuple[str, str]:
        html = params.get("text")
        if not isinstance(html, str) or not html.strip():
            raise bad("message text is empty")
        text = visible_text(html, params.get("parse_mode"))
        if not text.strip():
            raise bad("message text is empty")
        if len(text) > 4096:
            raise bad("message is too long")
        return html, text

    def _silent(self, params: dict[str, Any]) -> bool:
        return str(params.get("disable_notification", "")).lower() == "true"

    async def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        html, text = self._check_text(params)
        for fragment, description in self._refusals:
            if fragment in html or fragment in text:
                raise ApiError(400, description)
        markup = params.get("reply_markup")
        check_markup(markup)
        sent = SentMessage(chat["id"], self._next_message_id(chat["id"]), html, text, markup)
        sent.silent = self._silent(params)
        self.messages[(chat["id"], sent.message_id)] = sent
        return self._message_obj(sent)

    def _caption(self, params: dict[str, Any]) -> tuple[str, str]:
        html = params.get("caption") or ""
        if not isinstance(html, str):
            raise bad("caption must be a string")
        text = visible_text(html, params.get("parse_mode")) if html else ""
        if len(text) > CAPTION_MAX:
            raise bad("message caption is too long")
        return html, text

    def _upload(self, params: dict[str, Any], name: str, limit: int) -> Upload:
        upload = params.get(name)
        if not isinstance(upload, Upload):
            # A file id or URL would be a string; this fake only takes uploads.
            raise bad(f"there is no {name} in the request")
        if not upload.data:
            raise bad("file must be non-empty")
        if len(upload.data) > limit:
            raise ApiError(413, "Request Entity Too Large")
        return upload

    async def api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        photo = self._upload(params, "photo", PHOTO_MAX_BYTES)
        size = png_size(photo.data)
        if size is None:
            raise bad("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > PHOTO_MAX_SIDES or max(width, height) > PHOTO_MAX_RATIO * min(
            width, height
        ):
            raise bad("PHOTO_INVALID_DIMENSIONS")
        html, text = self._caption(params)
        sent = SentMessage(chat["id"], self._next_message_id(chat["id"]), html, text, None)
        sent.photo, sent.silent = photo, self._silent(params)
        self.messages[(chat["id"], sent.message_id)] = sent
        return self._message_obj(sent) | {
            "photo": [
                {
                    "file_id": f"photo-{sent.message_id}",
                    "file_unique_id": f"u-photo-{sent.message_id}",
                    "width": width,
                    "height": height,
                    "file_size": len(photo.data),
                }
            ]
        }

    async def api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        document = self._upload(params, "document", DOCUMENT_MAX_BYTES)
        html, text = self._caption(params)
        sent = SentMessage(chat["id"], self._next_message_id(chat["id"]), html, text, None)
        sent.document, sent.silent = document, self._silent(params)
        self.messages[(chat["id"], sent.message_id)] = sent
        return self._message_obj(sent) | {
            "document": {
                "file_id": f"doc-{sent.message_id}",
                "file_unique_id": f"u-doc-{sent.message_id}",
                "file_name": document.filename,
                "mime_type": document.content_type or "application/octet-stream",
                "file_size": len(document.data),
            }
        }

    def _sent(self, params: dict[str, Any]) -> SentMessage:
        self._chat(params)
        sent = self.messages.get((params["chat_id"], params.get("message_id")))
        if sent is None:
            raise bad("message to edit not found")
        if (sent.chat_id, sent.message_id) in self.uneditable:
            raise bad("message can't be edited")
        return sent

    async def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._sent(params)
        html, text = self._check_text(params)
        markup = params.get("reply_markup")
        check_markup(markup)
        if html == sent.html and markup == sent.reply_markup:
            raise bad(NOT_MODIFIED)
        sent.html, sent.text, sent.reply_markup = html, text, markup
        sent.edits += 1
        return self._message_obj(sent)

    async def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._sent(params)
        markup = params.get("reply_markup")
        check_markup(markup)
        if markup == sent.reply_markup:
            raise bad(NOT_MODIFIED)
        sent.reply_markup = markup
        sent.edits += 1
        return self._message_obj(sent)

    async def api_setMyDescription(self, params: dict[str, Any]) -> bool:
        text = params.get("description") or ""
        if len(text) > DESCRIPTION_MAX:
            raise bad("description is too long")
        self.descriptions["description"] = text
        return True

    async def api_setMyShortDescription(self, params: dict[str, Any]) -> bool:
        text = params.get("short_description") or ""
        if len(text) > SHORT_DESCRIPTION_MAX:
            raise bad("short description is too long")
        self.descriptions["short_description"] = text
        return True

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        status = self.members.get(chat_id, {}).get(user_id)
        if status is None:
            if self.chats.get(chat_id, {}).get("type") == "private" and user_id == chat_id:
                status = "member"
            else:
                raise bad("user not found")
        member: dict[str, Any] = {"status": status, "user": self._user(chat_id, user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return member

    async def api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        return self._member(chat["id"], int(params["user_id"]))

    async def api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._chat(params)
        people = self.members.get(chat["id"], {})
        return [
            self._member(chat["id"], uid)
            for uid, status in people.items()
            if status in ("creator", "administrator")
        ]

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            raise bad("MESSAGE_TOO_LONG")
        return True

    async def api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    async def api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._chat(params) | {"accent_color_id": 0, "max_reaction_count": 11}

    async def api_close(self, params: dict[str, Any]) -> bool:
        return True
