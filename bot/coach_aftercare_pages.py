"""The coach's switch for aftercare: the question three months after the last contact is
asked unless she switches it off for this participant (and she can switch it on again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from bot.coach_portal import CoachPortal
    from bot.services import Services


class AftercarePages:
    def __init__(self, services: Services, portal: CoachPortal) -> None:
        self._services = services
        self._portal = portal

    def routes(self) -> list[Route]:
        return [
            Route("/coach/deelnemer/{participant:int}/nazorg", self.switch, methods=["POST"]),
        ]

    async def switch(self, request: Request) -> Response:
        """`aan` = "1" switches aftercare on, anything else off."""
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        form = await request.form()
        on = form.get("aan") == "1"
        await self._services.repository.aftercare.set_off(participant.id, off=not on)
        return RedirectResponse(f"/coach/deelnemer/{participant.id}#nazorg", status_code=303)
