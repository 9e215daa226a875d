"""The fake Bot API refuses what Telegram refuses for the methods the bot added: files,
descriptions, edits, group members (python-telegram-bot talking to it for real)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError

from tests.bot.telegram_support import CHAT
from tests.fakes import telegram as fake_api


def png(width: int, height: int) -> bytes:
    """A valid (blank, 1-bit) PNG of that size, made by hand: no imaging library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x00" * ((width + 7) // 8) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_photos_are_parsed_from_multipart_and_checked(fake):
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        ok = await bot.send_photo(
            CHAT, InputFile(png(300, 200), filename="a.png"), caption="<b>hi</b>", parse_mode="HTML"
        )
        assert ok.photo[-1].width == 300 and ok.caption == "hi"
        sent = fake.sent_to(CHAT)[-1]
        assert sent.photo.data == png(300, 200) and sent.photo.filename == "a.png"
        for bad, why in (
            (png(6000, 5000), "PHOTO_INVALID_DIMENSIONS"),  # width + height > 10000
            (png(2100, 100), "PHOTO_INVALID_DIMENSIONS"),  # ratio > 20
            (b"GIF89a not a png", "IMAGE_PROCESS_FAILED"),
            (b"", "non-empty"),
        ):
            with pytest.raises(BadRequest, match=f"(?i){why}"):
                await bot.send_photo(CHAT, InputFile(io.BytesIO(bad), filename="x.png"))
        with pytest.raises(BadRequest, match="(?i)caption is too long"):
            await bot.send_photo(CHAT, InputFile(png(10, 10), filename="x.png"), caption="x" * 1025)


async def test_documents_have_a_size_limit(fake, monkeypatch):
    monkeypatch.setattr(fake_api, "DOCUMENT_MAX_BYTES", 1000)  # 50 MB, scaled down for a test
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        doc = await bot.send_document(CHAT, InputFile(b"a,b\r\n1,2\r\n", filename="x.csv"))
        assert doc.document.file_name == "x.csv" and doc.document.file_size == 10
        with pytest.raises(NetworkError, match="Too Large"):  # a 413, as Telegram answers
            await bot.send_document(CHAT, InputFile(b"x" * 1001, filename="big.csv"))


async def test_descriptions_edits_and_members(fake):
    fake.add_group(-1, "g", {1: "creator", 2: "member"})
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        assert await bot.set_my_description("d" * 512)
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.set_my_description("d" * 513)
        assert await bot.set_my_short_description("s" * 120)
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.set_my_short_description("s" * 121)

        message = await bot.send_message(CHAT, "hello")
        with pytest.raises(BadRequest, match="(?i)not modified"):
            await bot.edit_message_text("hello", chat_id=CHAT, message_id=message.message_id)
        fake.uneditable.add((CHAT, message.message_id))
        with pytest.raises(BadRequest, match="(?i)can.t be edited"):
            await bot.edit_message_text("new", chat_id=CHAT, message_id=message.message_id)
        quiet = await bot.send_message(CHAT, "shh", disable_notification=True)
        assert fake.messages[(CHAT, quiet.message_id)].silent

        assert (await bot.get_chat_member(-1, 1)).status == "creator"
        assert (await bot.get_chat_member(-1, 2)).status == "member"
        admins = await bot.get_chat_administrators(-1)
        assert [a.user.id for a in admins] == [1]
        with pytest.raises(BadRequest, match="(?i)user not found"):
            await bot.get_chat_member(-1, 3)
