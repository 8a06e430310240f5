"""What a coach may see of participants: only her own, consented ones, newest activity first."""

from __future__ import annotations

import pytest

from bot.conversation import Conversation, Start
from storage.coach_repository import Coach
from storage.repository import Repository
from tests.test_conversation import short_run
from tests.transcript import Transcript


@pytest.fixture
async def coaches(repository: Repository) -> tuple[Coach, Coach]:
    sara = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    tom = await repository.coaches.add("Tom", "TOMM45", "TOMMTELEG2")
    return sara, tom


async def joined(conversation: Conversation, user: str, code: str) -> Transcript:
    """A Telegram participant who opened the coach's deep link and said yes."""
    talk = Transcript(conversation, user)
    await talk.send(Start(join_code=code), f"/start {code}")
    await talk.tap("✅")
    return talk


async def participant_id(repository: Repository, user: str) -> int:
    participant = await repository.participant("telegram", user)
    assert participant is not None
    return participant.id


async def test_a_coach_lists_only_her_own_consented_participants(
    repository: Repository, conversation: Conversation, coaches: tuple[Coach, Coach]
) -> None:
    sara, tom = coaches
    first = await joined(conversation, "1", sara.join_code)
    await joined(conversation, "2", sara.join_code)
    await joined(conversation, "3", tom.join_code)
    await repository.record_consent("telegram", "4", given=True)  # no coach
    await joined(conversation, "5", sara.join_code)
    await repository.record_consent("telegram", "5", given=False)  # took it back

    await short_run(first)  # finished one Droompagina
    await first.tap("🌈 Droompagina")  # and started the next

    listed = await repository.coaches.participants(sara.id)
    assert [line.participant.external_id for line in listed] == ["1", "2"]
    busy, idle = listed
    assert busy.finished_methods == ("droompagina",) and busy.open_method == "droompagina"
    assert idle.finished_methods == () and idle.open_method is None
    assert busy.last_seen_at > idle.last_seen_at
    assert all(line.participant.coach_id == sara.id for line in listed)
    (toms,) = await repository.coaches.participants(tom.id)
    assert toms.participant.external_id == "3"


async def test_most_recently_active_comes_first(
    repository: Repository, conversation: Conversation, coaches: tuple[Coach, Coach]
) -> None:
    sara, _ = coaches
    talks = [await joined(conversation, user, sara.join_code) for user in ("1", "2", "3")]

    async def order() -> list[str]:
        listed = await repository.coaches.participants(sara.id)
        return [line.participant.external_id for line in listed]

    assert await order() == ["3", "2", "1"]
    await talks[0].tap("🌈 Droompagina")
    assert await order() == ["1", "3", "2"]
    await talks[2].tap("🌈 Droompagina")
    assert await order() == ["3", "1", "2"]


async def test_a_participant_who_joins_another_coach_moves_over(
    repository: Repository, conversation: Conversation, coaches: tuple[Coach, Coach]
) -> None:
    sara, tom = coaches
    talk = await joined(conversation, "1", sara.join_code)
    asked = await talk.say(tom.join_code.lower())
    assert asked[0].text.startswith("Je coach is nu Sara.\nWil je naar Tom gaan?")
    assert len(await repository.coaches.participants(sara.id)) == 1, "not before she says yes"
    await talk.tap("❌ Nee, blijven")
    assert len(await repository.coaches.participants(sara.id)) == 1
    await talk.say(tom.join_code)
    replies = await talk.tap("✅ Ja, naar de nieuwe coach")
    assert "Je coach is nu Tom. 🤝" in [reply.text for reply in replies]
    assert replies[-1].text == "Wat wil je doen? Tik op een knop. 👇"
    assert await repository.coaches.participants(sara.id) == []
    assert len(await repository.coaches.participants(tom.id)) == 1


async def test_a_coach_cannot_open_another_coachs_participant(
    repository: Repository, conversation: Conversation, coaches: tuple[Coach, Coach]
) -> None:
    sara, tom = coaches
    await joined(conversation, "1", sara.join_code)
    await joined(conversation, "3", tom.join_code)
    await repository.record_consent("telegram", "4", given=True)
    await joined(conversation, "5", sara.join_code)
    await repository.record_consent("telegram", "5", given=False)
    mine, toms = await participant_id(repository, "1"), await participant_id(repository, "3")
    no_coach, withdrawn = [await participant_id(repository, u) for u in ("4", "5")]

    found = await repository.coaches.participant(sara.id, mine)
    assert found is not None and found.external_id == "1"
    assert await repository.coaches.participant(tom.id, mine) is None
    assert await repository.coaches.participant(sara.id, toms) is None
    assert await repository.coaches.participant(sara.id, no_coach) is None
    assert await repository.coaches.participant(sara.id, withdrawn) is None
    assert await repository.coaches.participant(sara.id, 9999) is None


async def test_a_coach_names_only_her_own_participants(
    repository: Repository, conversation: Conversation, coaches: tuple[Coach, Coach]
) -> None:
    sara, tom = coaches
    await joined(conversation, "1", sara.join_code)
    await joined(conversation, "3", tom.join_code)
    mine, toms = await participant_id(repository, "1"), await participant_id(repository, "3")

    assert await repository.coaches.name_participant(sara.id, mine, "Mia")
    assert not await repository.coaches.name_participant(tom.id, mine, "Gestolen")
    assert not await repository.coaches.name_participant(sara.id, toms, "Gestolen")
    assert not await repository.coaches.name_participant(sara.id, 9999, "Niemand")

    named = await repository.coaches.participant(sara.id, mine)
    assert named is not None and named.display_name == "Mia"
    other = await repository.coaches.participant(tom.id, toms)
    assert other is not None and other.display_name is None

    assert await repository.coaches.name_participant(sara.id, mine, "")
    cleared = await repository.coaches.participant(sara.id, mine)
    assert cleared is not None and cleared.display_name is None


async def test_another_coachs_link_asks_before_she_moves(
    repository: Repository, conversation: Conversation, coaches: tuple[Coach, Coach]
) -> None:
    sara, tom = coaches
    talk = await joined(conversation, "1", sara.join_code)
    (asked,) = await talk.send(Start(join_code=tom.join_code), "/start tom's code")
    assert asked.text.startswith("Je coach is nu Sara.\nWil je naar Tom gaan?")
    assert asked.actions() == {f"yes:{tom.join_code.lower()}", "no"}
    assert len(await repository.coaches.participants(sara.id)) == 1
    kept = await talk.tap("❌ Nee, blijven")
    assert kept[0].text == "Oké, je coach blijft dezelfde. 👍"
    assert len(await repository.coaches.participants(sara.id)) == 1
    assert await repository.coaches.participants(tom.id) == []
