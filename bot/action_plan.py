"""The action plan (POP) of the handbook's template (section 4.3), its checks, the file name
VDAB's Mijn Loopbaan expects, suggestions taken from what the participant answered, and the
evaluation of the previous POP that a next POP starts with."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from flows.answers import (
    Answers,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
    SkippedAnswer,
    TextAnswer,
    VoiceAnswer,
)
from flows.engine import FlowEngine
from flows.models import PlanSection

Phase = Literal["start", "analyse", "plannen", "uitvoeren", "evalueren"]
CompetenceKind = Literal["generiek", "technisch", "ander"]
Participation = Literal["NEC", "SEC", "LDE", "arbeidszorg", "niet_haalbaar"]
LifeDomain = Literal["werk", "welzijn"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Score = Annotated[int, Field(ge=0, le=5)]

PHASES: Mapping[Phase, str] = {
    "start": "Start",
    "analyse": "Analyse",
    "plannen": "Plannen",
    "uitvoeren": "Uitvoeren",
    "evalueren": "Evalueren",
}
KINDS: Mapping[CompetenceKind, str] = {
    "generiek": "Generieke competentie",
    "technisch": "Technische competentie",
    "ander": "Iets anders",
}
PARTICIPATION: Mapping[Participation, str] = {
    "NEC": "Reguliere job (NEC)",
    "SEC": "Sociale economie (SEC)",
    "LDE": "Lokale diensteneconomie (LDE)",
    "arbeidszorg": "Arbeidszorg",
    "niet_haalbaar": "Werk is nu niet haalbaar",
}
DOMAINS: Mapping[LifeDomain, str] = {"werk": "Werk", "welzijn": "Welzijn"}
SCORES = range(6)
SCORE_WORDS: Mapping[int, str] = {0: "niets gebeurd", 1: "net gestart", 5: "helemaal af"}
SCORE_SCALE = (
    "Score: 0 = er is niets gebeurd, 1 = net gestart met de actie, 2 tot 4 = onderweg,"
    " 5 = de actie is helemaal af."
)
"""The handbook's follow-up scale (4.3), in one line."""
SECTIONS: Mapping[PlanSection, str] = {
    "wants": "Wat wil ik",
    "cans": "Wat kan ik",
    "develop": "Ontwikkelpunten",
    "actions": "Acties",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactMoment(_Model):
    day: date
    phase: Phase


class PlanItem(_Model):
    text: Text = Field(min_length=1)
    kind: CompetenceKind = "ander"


class Action(_Model):
    what: Text = Field(min_length=1)
    who_helps: Line = ""
    by_when: date | None = None
    result: Text = ""
    kind: CompetenceKind = "ander"
    domain: LifeDomain = "werk"
    picture: str | None = None
    """A picture of the bank that stands for the action on the participant's plan."""


class EvaluatedAction(_Model):
    """An action of the previous POP as it was followed up: how far it got, whether the
    next POP takes it again, and why."""

    what: Text = Field(min_length=1)
    kind: CompetenceKind = "ander"
    by_when: date | None = None
    score: Score
    keep: bool
    remark: Text = ""


class Evaluation(_Model):
    """The follow-up of the previous POP's actions, in their order: a next POP starts with it."""

    previous_made_on: date
    evaluated_on: date
    actions: list[EvaluatedAction] = []


class ActionPlan(_Model):
    first_name: Line = ""
    last_name: Line = ""
    birth_date: date | None = None
    organisation: Line = ""
    contacts: list[ContactMoment] = []
    wants: list[PlanItem] = []
    cans: list[PlanItem] = []
    develop: list[PlanItem] = []
    goal: Text = ""
    participation: Participation | None = None
    actions: list[Action] = []
    evaluation: Evaluation | None = None
    """Only in a next POP: how the actions of the POP before it went."""

    def warnings(self) -> list[str]:
        """What the handbook asks and this plan still lacks."""
        found = []
        if not any(action.kind == "generiek" for action in self.actions):
            found.append("Er is nog geen actie voor een generieke competentie.")
        if not any(action.kind == "technisch" for action in self.actions):
            found.append("Er is nog geen actie voor een technische competentie.")
        for number, action in enumerate(self.actions, start=1):
            if action.by_when is None:
                found.append(f"Actie {number} heeft geen datum (tegen wanneer).")
            if not action.result:
                found.append(f"Actie {number} heeft geen verwacht resultaat.")
        return found

    def file_name(self, on: date) -> str:
        """JJJJMMDD_POP_ACHTERNAAM_VOORNAAM.pdf, as Mijn Loopbaan of VDAB wants it."""
        return f"{on:%Y%m%d}_POP_{_file_part(self.last_name)}_{_file_part(self.first_name)}.pdf"


def next_plan(previous: ActionPlan, evaluation: Evaluation) -> ActionPlan:
    """The next POP as the evaluation starts it: the personal data, what she wants and can
    and her development points copied for the coach to edit, the goal and the kind of
    participation, and the actions kept, in their order; a kept action's date that has
    passed is left empty, so that the editor asks for a new one. The conversations of the
    new POP are still to come."""
    if len(evaluation.actions) != len(previous.actions):
        raise ValueError("the evaluation does not follow the previous plan's actions")
    kept = [
        action.model_copy(update=_new_date(action, evaluation.evaluated_on))
        for action, followed in zip(previous.actions, evaluation.actions, strict=True)
        if followed.keep
    ]
    return previous.model_copy(
        update={"evaluation": evaluation, "contacts": [], "actions": kept}, deep=True
    )


def _new_date(action: Action, today: date) -> dict[str, object]:
    return {"by_when": None} if action.by_when is not None and action.by_when <= today else {}


def _file_part(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-") or "ONBEKEND"


@dataclass(frozen=True)
class Suggestion:
    section: PlanSection
    text: str
    picture: str | None


def suggestions(engine: FlowEngine, answers: Answers) -> list[Suggestion]:
    """What the flow's answers suggest for the plan, by the rules in the flow file: one per
    answer, and one per picture of an answer that chose several."""
    found = []
    for rule in engine.flow.plan_suggestions:
        for key in engine.answer_order(answers):
            answer = answers.get(key)
            if key.step != rule.step or answer is None or isinstance(answer, SkippedAnswer):
                continue
            if rule.options and not (
                isinstance(answer, OptionAnswer) and answer.option in rule.options
            ):
                continue
            subject = engine.subject(key, answers)
            if isinstance(answer, PicturesAnswer):
                about: tuple[str | None, ...] = answer.pictures
            elif isinstance(answer, PictureAnswer):
                about = (answer.picture,)
            else:
                about = (subject,)
            said = _said(answer)
            if isinstance(answer, OptionAnswer):
                said = engine.option_label(key.step, answer.option)
            for picture in about:
                label = engine.picture_label(picture) if picture else ""
                text = rule.text.replace("{label}", label).replace("{answer}", said).strip(" :")
                if text:
                    found.append(Suggestion(rule.section, text, picture))
    return found


def _said(answer: object) -> str:
    if isinstance(answer, TextAnswer):
        return answer.text
    if isinstance(answer, VoiceAnswer):
        return "🎙️ (spraakbericht: beluister het in het portaal)"
    return ""
