"""Loading flow files: the real flows load, and broken files fail with a message that says
which file is wrong and what is wrong with it."""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.loader import FLOWS_DIR, FlowError, load_flow, load_flows
from flows.models import ChoiceStep, LoopStep, PickPicturesStep, ResultStep
from images.hooks import IMAGE_HOOKS
from images.manifest import DEFAULT_MANIFEST, Manifest, Picture, PictureSource, load_manifest

HOOKS = ("collage", "grid", "picture")


def _picture(picture_id: str, *tags: str) -> Picture:
    source = PictureSource(package="test", version="1", icons=("x",))
    return Picture(
        id=picture_id,
        label=picture_id.title(),
        tags=tags,
        file=f"{picture_id}.png",
        source=source,
        license="MIT",
    )


@pytest.fixture
def bank(tmp_path: Path) -> Manifest:
    """Three dream pictures, and one picture with a rare tag."""
    pictures = (_picture("sea", "droom"), _picture("cat", "droom"), _picture("car", "droom"))
    return Manifest(pictures=(*pictures, _picture("moon", "rare")), base_dir=tmp_path)


def _valid() -> dict[str, Any]:
    """A small flow that loads: pick, a loop with a choice and a conditional question, result."""
    return {
        "id": "plan",
        "title": "Plan",
        "emoji": "🧪",
        "question": "wat_wil_ik",
        "steps": [
            {"id": "pick", "kind": "pick_pictures", "text": "Kies.", "pictures": {"tag": "droom"}},
            {
                "id": "rounds",
                "kind": "loop",
                "over": "pick",
                "steps": [
                    {
                        "id": "sure",
                        "kind": "choice",
                        "text": "Zeker?",
                        "options": [
                            {"id": "ja", "emoji": "👍", "label": "Ja"},
                            {"id": "nee", "emoji": "👎", "label": "Nee"},
                        ],
                    },
                    {
                        "id": "how",
                        "kind": "free_answer",
                        "text": "Hoe?",
                        "show_if": {"step": "sure", "in": ["ja"]},
                    },
                ],
            },
            {"id": "fav", "kind": "pick_answered_picture", "from_step": "pick", "text": "Welke?"},
            {
                "id": "end",
                "kind": "result",
                "hook": "collage",
                "title": "Mijn plan",
                "from_step": "pick",
                "text": "Knap!",
            },
        ],
    }


def _write(folder: Path, content: dict[str, Any] | str, name: str = "plan") -> Path:
    path = folder / f"{name}.yaml"
    text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, bank: Manifest) -> str:
    with pytest.raises(FlowError) as caught:
        load_flow(path, bank, HOOKS)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    return message


def _real_manifest() -> Manifest:
    """The real picture bank; another part of the project may still be writing it."""
    for _ in range(30):
        if DEFAULT_MANIFEST.is_file():
            break
        time.sleep(10)
    return load_manifest()


# ----- the real flows ------------------------------------------------------------------------


def test_the_real_flows_load_against_the_real_picture_bank() -> None:
    pictures = _real_manifest()
    flows = load_flows(pictures, IMAGE_HOOKS)
    assert [flow.id for flow in flows] == sorted(path.stem for path in FLOWS_DIR.glob("*.yaml"))
    assert "droompagina" in [flow.id for flow in flows]


def test_droompagina_offers_enough_pictures_and_ends_in_a_known_hook() -> None:
    pictures = _real_manifest()
    flow = load_flow(FLOWS_DIR / "droompagina.yaml", pictures, IMAGE_HOOKS)
    first, last = flow.steps[0], flow.steps[-1]
    assert isinstance(first, PickPicturesStep)
    assert len(first.pictures.pool(pictures)) >= first.max
    assert isinstance(last, ResultStep) and last.hook in IMAGE_HOOKS
    assert any(isinstance(step, LoopStep) for step in flow.steps)


def test_a_valid_file_loads(tmp_path: Path, bank: Manifest) -> None:
    flow = load_flow(_write(tmp_path, _valid()), bank, HOOKS)
    assert flow.id == "plan"
    assert [step.id for step in flow.step_list()] == ["pick", "sure", "how", "fav", "end"]
    sure = flow.step_list()[1]
    assert isinstance(sure, ChoiceStep) and [o.id for o in sure.options] == ["ja", "nee"]


def test_load_flows_reads_every_yaml_file_of_a_folder_sorted(
    tmp_path: Path, bank: Manifest
) -> None:
    for name in ("zee", "avond"):
        _write(tmp_path, {**_valid(), "id": name}, name)
    (tmp_path / "notes.txt").write_text("not a flow", encoding="utf-8")
    assert [flow.id for flow in load_flows(bank, HOOKS, tmp_path)] == ["avond", "zee"]


def test_load_flows_names_the_broken_file(tmp_path: Path, bank: Manifest) -> None:
    _write(tmp_path, _valid(), "plan")
    _write(tmp_path, {**_valid(), "id": "stuk", "title": ""}, "stuk")
    with pytest.raises(FlowError, match=r"^stuk\.yaml: .*title"):
        load_flows(bank, HOOKS, tmp_path)


# ----- broken files --------------------------------------------------------------------------


def _mutated(change: str) -> dict[str, Any]:
    """The valid flow with one mistake in it."""
    flow = _valid()
    steps: list[dict[str, Any]] = flow["steps"]
    pick, loop, fav, end = steps
    inner: list[dict[str, Any]] = loop["steps"]
    if change == "unknown_kind":
        fav["kind"] = "pick_favourite"
    elif change == "missing_text":
        del fav["text"]
    elif change == "typo_field":
        fav["txet"] = fav.pop("text")
    elif change == "duplicate_id":
        fav["id"] = "pick"
    elif change == "show_if_later":
        inner[1]["show_if"]["step"] = "later"
        steps.insert(3, {**copy.deepcopy(inner[0]), "id": "later"})
    elif change == "show_if_unknown_step":
        inner[1]["show_if"]["step"] = "nowhere"
    elif change == "show_if_unknown_option":
        inner[1]["show_if"]["in"] = ["ja", "maybe"]
    elif change == "show_if_outside_loop":
        steps.insert(1, {**copy.deepcopy(inner[0]), "id": "first"})
        inner[1]["show_if"]["step"] = "first"
    elif change == "show_if_into_loop":
        fav["show_if"] = {"step": "sure", "in": ["ja"]}
    elif change == "loop_over_choice":
        steps.insert(1, {**copy.deepcopy(inner[0]), "id": "first"})
        loop["over"] = "first"
    elif change == "result_not_last":
        steps[2:] = [end, fav]
    elif change == "first_step_loop":
        steps[0:2] = [loop, pick]
    elif change == "unknown_hook":
        end["hook"] = "poster"
    elif change == "too_few_pictures":
        pick.update(pictures={"tag": "rare"}, min=2, max=3)
    elif change == "min_above_max":
        pick.update(min=3, max=2)
    elif change == "page_size_10":
        pick["page_size"] = 10
    elif change == "wrong_id":
        flow["id"] = "other"
    elif change == "group_by_unknown_step":
        end["group_by"] = {"step": "nowhere", "in": ["ja"]}
    elif change == "group_by_outside_the_loop":
        steps.insert(1, {**copy.deepcopy(inner[0]), "id": "first"})
        end["group_by"] = {"step": "first", "in": ["ja"]}
    elif change == "unknown_cover_picture":
        flow["cover"] = ["sea", "unicorn"]
    elif change == "suggestion_unknown_step":
        flow["plan_suggestions"] = [{"section": "wants", "step": "nowhere", "text": "{label}"}]
    else:
        raise AssertionError(change)
    return flow


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("unknown_kind", r"'pick_favourite'.*expected tags"),
        ("missing_text", r"steps\.2\.pick_answered_picture\.text: Field required"),
        ("typo_field", r"txet: Extra inputs are not permitted"),
        ("duplicate_id", r"step id 'pick' is used twice"),
        ("show_if_later", r"step 'how': show_if\.step 'later' is not an earlier step"),
        ("show_if_unknown_step", r"step 'how': show_if\.step 'nowhere' is not an earlier step"),
        ("show_if_unknown_option", r"step 'how': show_if names unknown options \['maybe'\]"),
        ("show_if_outside_loop", r"step 'how': show_if\.step 'first' must be in the same loop"),
        ("show_if_into_loop", r"step 'fav': show_if\.step 'sure' must be in the same loop"),
        ("loop_over_choice", r"step 'rounds': over 'first' must be a PickPicturesStep"),
        ("result_not_last", r"a result can only be the last step"),
        ("first_step_loop", r"step 'rounds': over 'pick' is not an earlier step"),
        ("unknown_hook", r"step 'end': unknown hook 'poster' \(known: collage, grid, picture\)"),
        ("too_few_pictures", r"step 'pick': tag 'rare' has 1 pictures, fewer than min 2"),
        ("min_above_max", r"step 'pick': min \(3\) is larger than max \(2\)"),
        ("page_size_10", r"page_size: Input should be less than or equal to 9"),
        ("wrong_id", r"id 'other' must match the file name 'plan'"),
        ("group_by_unknown_step", r"step 'end': group_by\.step 'nowhere' is not an earlier step"),
        (
            "group_by_outside_the_loop",
            r"step 'end': group_by\.step 'first' must be asked in a loop over 'pick'",
        ),
        ("unknown_cover_picture", r"cover names unknown pictures \['unicorn'\]"),
        ("suggestion_unknown_step", r"plan_suggestions: unknown step 'nowhere'"),
    ],
)
def test_a_broken_flow_names_the_file_and_the_problem(
    tmp_path: Path, bank: Manifest, change: str, problem: str
) -> None:
    message = _error(_write(tmp_path, _mutated(change)), bank)
    assert re.search(problem, message), message


def test_result_not_last_also_says_the_last_step_must_be_a_result(
    tmp_path: Path, bank: Manifest
) -> None:
    message = _error(_write(tmp_path, _mutated("result_not_last")), bank)
    assert "the last step must be a result" in message


def test_a_file_that_is_not_yaml(tmp_path: Path, bank: Manifest) -> None:
    message = _error(_write(tmp_path, "id: plan\nsteps: [unclosed\n"), bank)
    assert "not valid YAML" in message


@pytest.mark.parametrize("text", ["- just\n- a list\n", "hello\n", ""])
def test_a_file_that_is_not_a_mapping(tmp_path: Path, bank: Manifest, text: str) -> None:
    message = _error(_write(tmp_path, text), bank)
    assert "expected a mapping with id, title, emoji and steps" in message


def test_a_missing_file(tmp_path: Path, bank: Manifest) -> None:
    message = _error(tmp_path / "plan.yaml", bank)
    assert "cannot read the file" in message


def test_every_problem_of_a_file_is_named_at_once(tmp_path: Path, bank: Manifest) -> None:
    flow = _mutated("unknown_hook")
    flow["id"] = "other"
    message = _error(_write(tmp_path, flow), bank)
    assert "unknown hook 'poster'" in message
    assert "must match the file name 'plan'" in message
