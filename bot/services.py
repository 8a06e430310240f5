"""Everything a channel needs, built once from the settings: storage, flows, pictures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.coaching import Coaching
from bot.conversation import Conversation
from bot.homework import HomeworkService
from bot.settings import Settings
from flows.engine import FlowEngine
from flows.loader import load_flows
from images.hooks import IMAGE_HOOKS
from images.manifest import Manifest, load_picture_bank
from images.render import PictureRenderer
from storage.repository import Clock, Repository, utc_now

CACHE_UNUSED_FOR = timedelta(days=30)
"""Rendered images nobody asked for this long are deleted at start."""


@dataclass
class Services:
    settings: Settings
    repository: Repository
    pictures: Manifest
    engines: dict[str, FlowEngine]
    renderer: PictureRenderer
    conversation: Conversation
    coaching: Coaching
    homework: HomeworkService

    @classmethod
    async def open(cls, settings: Settings, clock: Clock = utc_now) -> Services:
        pictures = load_picture_bank(settings.images_dir)
        flows = load_flows(pictures, IMAGE_HOOKS.keys())
        engines = {flow.id: FlowEngine(flow, pictures) for flow in flows}
        data_dir: Path = settings.data_dir
        repository = await Repository.open(data_dir, clock)
        renderer = PictureRenderer(pictures, data_dir / "cache" / "images")
        await asyncio.to_thread(renderer.prune, CACHE_UNUSED_FOR)
        homework = HomeworkService(repository, engines, clock)
        conversation = Conversation(repository, engines, data_dir, homework)
        coaching = Coaching(repository, settings.web_url, clock)
        return cls(
            settings, repository, pictures, engines, renderer, conversation, coaching, homework
        )

    async def close(self) -> None:
        await self.repository.close()
