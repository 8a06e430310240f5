"""The Telegram channel: PTB updates in, conversation replies out. No method logic here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from datetime import timedelta
from pathlib import Path

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import callback_data
from bot.conversation import Incoming, ShowMyPlan, Start, VoiceNote
from bot.services import Services
from bot.telegram_coach_commands import CoachCommands
from flows.conversation_types import ImageSpec, Reply, TextIn, Unsupported
from images.hooks import render_image
from images.render import RenderedImage

CHANNEL = "telegram"
SLOW_RENDER_SECONDS = 0.15
"""Making a picture takes longer than this: show "sending a photo…" meanwhile."""
log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


class TelegramChannel:
    def __init__(self, services: Services) -> None:
        self._services = services

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CommandHandler("start", self._on_start, filters=PRIVATE))
        application.add_handler(CommandHandler("mijnplan", self._on_my_plan, filters=PRIVATE))
        CoachCommands(self._services, self.send).install(application, PRIVATE)
        application.add_handler(CallbackQueryHandler(self._on_button))
        application.add_handler(MessageHandler(PRIVATE & filters.VOICE, self._on_voice))
        application.add_handler(
            MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, self._on_text)
        )
        application.add_handler(MessageHandler(PRIVATE, self._on_other))
        application.add_error_handler(self._on_error)

    # ----- updates in ----------------------------------------------------------------------

    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A coach's deep link t.me/<bot>?start=<join code> arrives as "/start <join code>".
        join_code = context.args[0] if context.args else ""
        await self._handle(update, context, Start(join_code=join_code[:20]))

    async def _on_my_plan(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update, context, ShowMyPlan())

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await self._handle(update, context, TextIn(update.effective_message.text or ""))

    async def _on_voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        voice = update.effective_message.voice
        assert voice is not None
        bot = context.bot

        async def fetch(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            telegram_file = await bot.get_file(voice.file_id)
            await telegram_file.download_to_drive(path)

        seconds = voice.duration
        if isinstance(seconds, timedelta):
            seconds = int(seconds.total_seconds())
        note = VoiceNote(duration=seconds, size=voice.file_size or 0, fetch=fetch)
        await self._handle(update, context, note)

    async def _on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        what = "command" if (message.text or "").startswith("/") else "attachment"
        await self._handle(update, context, Unsupported(what))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        if query.message is None or query.message.chat.type != "private":
            return
        tap = callback_data.decode(query.data)
        tapped = query.message if isinstance(query.message, Message) else None
        await self._handle(update, context, tap or Unsupported("button"), tapped)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never log the update, nor the error's message: either may hold what the
        # participant said (a validation error quotes its input). Where it failed is enough.
        error = context.error
        where = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("update failed: %s\n%s", type(error).__name__, where)

    async def _handle(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        incoming: Incoming,
        tapped: Message | None = None,
    ) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        replies = await self._services.conversation.handle(CHANNEL, str(user.id), incoming)
        for reply in replies:
            await self.send(context.bot, chat.id, reply, tapped)

    # ----- replies out ---------------------------------------------------------------------

    async def send(
        self,
        bot: Bot,
        chat_id: int,
        reply: Reply,
        tapped: Message | None = None,
    ) -> None:
        """Send one reply: its picture uploaded once and then reused by file_id, its buttons,
        and in place of the tapped message where the reply says so."""
        markup = _keyboard(reply)
        text = f"{reply.progress}\n{reply.text}" if reply.progress else reply.text
        editable = reply.edit and tapped is not None
        if reply.image is None:
            if editable and tapped is not None and tapped.text is not None:
                try:
                    await tapped.edit_text(text, reply_markup=markup)
                    return
                except BadRequest:
                    pass
            await bot.send_message(chat_id, text, reply_markup=markup)
            return
        image = await self._rendered(bot, chat_id, reply.image)
        if editable and tapped is not None and tapped.photo:
            try:
                media = InputMediaPhoto(await self._photo(image), caption=text)
                edited = await tapped.edit_media(media, reply_markup=markup)
                if isinstance(edited, Message):
                    await self._remember(image, edited)
                return
            except BadRequest as error:
                log.info("edit failed, sending anew: %s", error.message)
        for attempt in range(2):
            photo = await self._photo(image)
            try:
                sent = await bot.send_photo(chat_id, photo, caption=text, reply_markup=markup)
            except BadRequest:
                if attempt or isinstance(photo, bytes):
                    raise
                await self._services.repository.forget_telegram_file_id(image.key)
                continue
            await self._remember(image, sent)
            return

    async def _rendered(self, bot: Bot, chat_id: int, spec: ImageSpec) -> RenderedImage:
        """The picture, made if needed; while making it takes a moment, she sees that a
        photo is on its way."""
        rendering = asyncio.ensure_future(
            asyncio.to_thread(render_image, self._services.renderer, spec)
        )
        done, _ = await asyncio.wait({rendering}, timeout=SLOW_RENDER_SECONDS)
        if not done:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
        return await rendering

    async def _photo(self, image: RenderedImage) -> str | bytes:
        """Telegram's file_id when this image went up before; otherwise the bytes."""
        known = await self._services.repository.telegram_file_id(image.key)
        return known if known is not None else image.path.read_bytes()

    async def _remember(self, image: RenderedImage, message: Message) -> None:
        if message.photo:
            file_id = message.photo[-1].file_id
            if await self._services.repository.telegram_file_id(image.key) != file_id:
                await self._services.repository.remember_telegram_file_id(image.key, file_id)


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button.text, callback_data=callback_data.encode(reply.scope, button.action)
                )
                for button in row
            ]
            for row in reply.buttons
        ]
    )


def build_application(services: Services, request: BaseRequest | None = None) -> Application:  # type: ignore[type-arg]
    """A PTB application wired to the conversation, rate-limited for Telegram's flood rules.

    `request` replaces PTB's HTTP client (tests record the calls with it)."""
    settings = services.settings
    if settings.telegram_token is None:
        raise ValueError("POPBOT_TELEGRAM_TOKEN is not set")
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .rate_limiter(AIORateLimiter(max_retries=3))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.telegram_api_url:
        builder = builder.base_url(f"{settings.telegram_api_url}/bot").base_file_url(
            f"{settings.telegram_api_url}/file/bot"
        )
    application = builder.build()
    TelegramChannel(services).install(application)
    return application


async def announce_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Show /start and /mijnplan in Telegram's command menu."""
    try:
        await application.bot.set_my_commands(
            [
                BotCommand("start", "Beginnen of verder gaan"),
                BotCommand("mijnplan", "Mijn plan en mijn successen"),
            ]
        )
    except TelegramError as error:
        log.warning("could not set the command list: %s", error.message)
