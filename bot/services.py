"""Everything a channel needs, built once from the settings: storage, flows, pictures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.action_check_ins import ActionCheckIns
from bot.aftercare import AFTERCARE_HOOKS, Aftercare
from bot.coaching import Coaching
from bot.conversation import Conversation
from bot.homework import HomeworkService
from bot.settings import Settings
from bot.small_steps import AFTER_HOOKS, SmallSteps
from bot.trajectories import TRAJECTORIES_FILE, Trajectory, load_trajectories
from flows.engine import FlowEngine
from flows.loader import FlowError, load_flows
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
    trajectories: dict[str, Trajectory]
    """The trajectories a coach can choose (flows/trajectories.yml), by id."""
    small_steps: SmallSteps
    action_check_ins: ActionCheckIns
    """The check-ins on the actions of a plan her coach sent her."""
    aftercare: Aftercare
    """The question three months after the last contact."""

    @classmethod
    async def open(cls, settings: Settings, clock: Clock = utc_now) -> Services:
        pictures = load_picture_bank(settings.images_dir)
        flows = {flow.id: flow for flow in load_flows(pictures, IMAGE_HOOKS.keys())}
        if settings.flows_dir is not None:
            if not settings.flows_dir.is_dir():
                raise FlowError(f"POPBOT_FLOWS_DIR {settings.flows_dir} is not a folder")
            own = load_flows(pictures, IMAGE_HOOKS.keys(), settings.flows_dir)
            flows |= {flow.id: flow for flow in own}
        unknown = {flow.id: flow.after for flow in flows.values() if flow.after}
        hooks = AFTER_HOOKS | AFTERCARE_HOOKS
        unknown = {flow_id: after for flow_id, after in unknown.items() if after not in hooks}
        if unknown:
            known = ", ".join(sorted(hooks))
            raise FlowError(f"unknown after-hooks {unknown} (known: {known})")
        engines = {flow_id: FlowEngine(flow, pictures) for flow_id, flow in flows.items()}
        trajectories = load_trajectories(TRAJECTORIES_FILE, engines.keys())
        data_dir: Path = settings.data_dir
        repository = await Repository.open(data_dir, clock)
        renderer = PictureRenderer(pictures, data_dir / "cache" / "images")
        await asyncio.to_thread(renderer.prune, CACHE_UNUSED_FOR)
        homework = HomeworkService(repository, engines, clock)
        small_steps = SmallSteps(repository, engines, clock)
        action_check_ins = ActionCheckIns(repository, clock, settings.web_url)
        aftercare = Aftercare(repository, engines, clock)
        conversation = Conversation(
            repository,
            engines,
            data_dir,
            homework,
            trajectories,
            small_steps,
            action_check_ins=action_check_ins,
            aftercare=aftercare,
        )
        coaching = Coaching(repository, settings.web_url, clock)
        return cls(
            settings,
            repository,
            pictures,
            engines,
            renderer,
            conversation,
            coaching,
            homework,
            trajectories,
            small_steps,
            action_check_ins=action_check_ins,
            aftercare=aftercare,
        )

    async def close(self) -> None:
        await self.repository.close()
