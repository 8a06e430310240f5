"""Coach commands in Telegram: /coach <code> ties a coach's account to her, /portaal sends
her a one-time link to the portal. They are not for participants."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.ext.filters import BaseFilter

from bot.coaching import Coaching

WELCOME = (
    "Welkom, {name}! Je Telegram hoort nu bij jouw coach-account.\n"
    "Met /portaal krijg je een link naar het portaal.\n"
    "Deelnemers koppelen zich aan jou met code {join_code}."
)
WRONG_CODE = "Die coachcode ken ik niet, of hij is al gebruikt. Vraag een nieuwe."
COACH_USAGE = "Stuur /coach gevolgd door je coachcode, bv. /coach ABCD234EFG."
PORTAL_LINK = "Je link naar het portaal (één keer te gebruiken, 15 minuten geldig):\n{link}"
NOT_A_COACH = "Dit is alleen voor coaches. Tik op /start om te beginnen. 👋"


class CoachCommands:
    def __init__(self, coaching: Coaching) -> None:
        self._coaching = coaching

    def install(self, application: Application, private: BaseFilter) -> None:  # type: ignore[type-arg]
        application.add_handler(CommandHandler("coach", self._on_coach, filters=private))
        application.add_handler(CommandHandler("portaal", self._on_portal, filters=private))

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
