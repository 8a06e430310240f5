"""Shared fixtures: a fake clock, a repository on a temporary folder, the real picture bank."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.conversation import Conversation
from flows.engine import FlowEngine
from flows.loader import load_flows
from images.hooks import IMAGE_HOOKS
from images.manifest import Manifest, load_manifest
from storage.coach_repository import Coach
from storage.repository import Repository
from tests.transcript import GoldenRun, Transcript

# Voice durations as timedelta, as `popbot` sets it for itself (PTB's coming default).
os.environ.setdefault("PTB_TIMEDELTA", "true")


class FakeClock:
    """Starts at a fixed moment and moves one second every time it is read."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(seconds=1)
        return current


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def repository(data_dir: Path, clock: Callable[[], datetime]) -> AsyncIterator[Repository]:
    repo = await Repository.open(data_dir, clock)
    try:
        yield repo
    finally:
        await repo.close()


@pytest.fixture(scope="session")
def pictures() -> Manifest:
    return load_manifest()


@pytest.fixture(scope="session")
def engines(pictures: Manifest) -> dict[str, FlowEngine]:
    return {flow.id: FlowEngine(flow, pictures) for flow in load_flows(pictures, IMAGE_HOOKS)}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def conversation(
    repository: Repository, engines: dict[str, FlowEngine], data_dir: Path
) -> Conversation:
    return Conversation(repository, engines, data_dir)


@pytest.fixture
async def golden(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
) -> GoldenRun:
    """A participant who opened the bot and said yes: the start of every golden transcript."""
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("✅")
    return GoldenRun(talk, repository, engines, pictures)


@pytest.fixture
async def sara(repository: Repository) -> Coach:
    """A coach."""
    return await repository.coaches.add("Sara", "SARA23", "SARATELEG2")


async def joined(repository: Repository, coach: Coach, user: str = "1") -> int:
    """A participant on Telegram who said yes and joined this coach; her id."""
    participant = await repository.record_consent("telegram", user, given=True)
    await repository.coaches.join(participant.id, coach.id)
    return participant.id
