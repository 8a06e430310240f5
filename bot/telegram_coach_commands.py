"""Coach commands in Telegram: /coach <code> ties a coach's account to her, /portaal sends
her a one-time link to the portal, /samenvatting <name> a participant's summary. They are
not for participants."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot, LinkPreviewOptions, Update
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.ext.filters import BaseFilter

from bot.coach_summary import summary
from bot.services import Services
from flows.conversation_types import Reply

WELCOME = (
    "Welkom, {name}! Je Telegram hoort nu bij jouw coach-account.\n"
    "Met /portaal krijg je een link naar het portaal.\n"
    "Deelnemers koppelen zich aan jou met code {join_code}."
)
WRONG_CODE = "Die coachcode ken ik niet, of hij is al gebruikt. Vraag een nieuwe."
COACH_USAGE = "Stuur /coach gevolgd door je coachcode, bv. /coach ABCD234EFG."
PORTAL_LINK = "Je link naar het portaal (één keer te gebruiken, 15 minuten geldig):\n{link}"
NOT_A_COACH = "Dit is alleen voor coaches. Tik op /start om te beginnen. 👋"


SUMMARY_USAGE = "Stuur /samenvatting gevolgd door de naam van je deelnemer."
SendReply = Callable[[Bot, int, Reply], Awaitable[None]]


class CoachCommands:
    def __init__(self, services: Services, send: SendReply) -> None:
        self._services = services
        self._coaching = services.coaching
        self._send = send

    def install(self, application: Application, private: BaseFilter) -> None:  # type: ignore[type-arg]
        application.add_handler(CommandHandler("coach", self._on_coach, filters=private))
        application.add_handler(CommandHandler("portaal", self._on_portal, filters=private))
        application.add_handler(CommandHandler("samenvatting", self._on_summary, filters=private))

    async def _on_coach(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        if not context.args:
            await message.reply_text(COACH_USAGE)
            return
        coach = await self._coaching.link_telegram(str(user.id), context.args[0][:20])
        if coach is None:
            await message.reply_text(WRONG_CODE)
            return
        await message.reply_text(WELCOME.format(name=coach.name, join_code=coach.join_code))

    async def _on_portal(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        coach = await self._coaching.coach_of_telegram(str(user.id))
        if coach is None:
            await message.reply_text(NOT_A_COACH)
            return
        link = await self._coaching.sign_in_link(coach)
        await message.reply_text(
            PORTAL_LINK.format(link=link), link_preview_options=LinkPreviewOptions(is_disabled=True)
        )

    async def _on_summary(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, message, chat = update.effective_user, update.effective_message, update.effective_chat
        if user is None or message is None or chat is None:
            return
        coach = await self._coaching.coach_of_telegram(str(user.id))
        if coach is None:
            await message.reply_text(NOT_A_COACH)
            return
        if not context.args:
            await message.reply_text(SUMMARY_USAGE)
            return
        services = self._services
        replies = await summary(
            services.repository,
            services.engines,
            services.pictures,
            coach,
            " ".join(context.args)[:60],
        )
        for reply in replies:
            await self._send(context.bot, chat.id, reply)
