"""Running POP-bot: the Telegram bot, the web chat, or both in one process and event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator

import uvicorn

from bot.services import Services
from bot.settings import Settings

log = logging.getLogger("popbot")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` stops everything together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: Settings, *, telegram: bool, web: bool) -> None:
    """Run the chosen channels until SIGINT or SIGTERM, sharing one set of services."""
    services = await Services.open(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with contextlib.AsyncExitStack() as running:
            if telegram:
                await running.enter_async_context(_telegram(services))
            waiters: list[asyncio.Task[object]] = [asyncio.create_task(stop.wait())]
            if web:
                server = _web_server(services)
                waiters.append(asyncio.create_task(server.serve()))
                log.info("POP-bot web chat on %s", settings.web_url)
            log.info("POP-bot is running; data in %s", settings.data_dir.resolve())
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            waiters[0].cancel()
            if web:
                server.should_exit = True
                await waiters[1]
    finally:
        await services.close()


@contextlib.asynccontextmanager
async def _telegram(services: Services) -> AsyncIterator[None]:
    from bot.telegram_channel import TelegramChannel, announce_commands, build_application
    from bot.telegram_outbox import OutboxSender

    application = build_application(services)
    async with application:
        assert application.updater is not None
        await announce_commands(application)
        await application.updater.start_polling(allowed_updates=["message", "callback_query"])
        await application.start()
        outbox = OutboxSender(
            services.repository,
            services.homework,
            TelegramChannel(services),
            application.bot,
            small_steps=services.small_steps,
            action_check_ins=services.action_check_ins,
            aftercare=services.aftercare,
        )
        sending = asyncio.create_task(outbox.run())
        try:
            yield
        finally:
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            await application.updater.stop()
            await application.stop()


def _web_server(services: Services) -> _Server:
    from bot.web_channel import WebChannel

    settings = services.settings
    config = uvicorn.Config(
        WebChannel(services).app(),
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,  # paths carry personal links
        lifespan="off",
    )
    return _Server(config)
