"""Named image hooks: how a flow's ImageSpec becomes a picture to send."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from flows.conversation_types import ImageSpec
from images import result_hooks
from images.render import PictureRenderer, RenderedImage

ImageHook = Callable[[PictureRenderer, ImageSpec], RenderedImage]


def _grid(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Numbered pictures; `captions`, when given, are their words (e.g. answers' words)."""
    return renderer.grid(spec.pictures, spec.selected, labels=spec.captions)


def _picture(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    (picture,) = spec.pictures
    return renderer.picture(picture)


def _about_grid(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """The first picture is what the question is about; the others are the answers."""
    subject, *answers = spec.pictures
    return renderer.about_grid(subject, answers, spec.selected, labels=spec.captions)


def _collage(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    return renderer.collage(spec.pictures, spec.title)


def _plan(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """An action plan: a row per picture ("" for none); its caption is the words, then a
    line break and the date text."""
    if len(spec.captions) != len(spec.pictures):
        raise ValueError("a plan needs one caption per picture")
    rows = []
    for picture, caption in zip(spec.pictures, spec.captions, strict=True):
        words, _, day = caption.partition("\n")
        rows.append((picture or None, words, day))
    return renderer.plan_card(rows, spec.title)


def _me(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """The "Dit ben ik" picture: all chosen pictures; the selected ones are the strong sides,
    the others the growing sides."""
    return renderer.me_card(spec.pictures, spec.selected, spec.title)


IMAGE_HOOKS: Mapping[str, ImageHook] = MappingProxyType(
    {
        "grid": _grid,
        "about_grid": _about_grid,
        "picture": _picture,
        "collage": _collage,
        "plan": _plan,
        "me": _me,
        "menu": result_hooks.menu,
        "step": result_hooks.step,
        "success": result_hooks.success,
        "board": result_hooks.board,
        "hand": result_hooks.hand,
        "finger": result_hooks.finger,
        "day": result_hooks.day,
        "ladder": result_hooks.ladder,
        "traffic": result_hooks.traffic,
    }
)


def render_image(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Make (or take from the cache) the image a reply asks for."""
    try:
        hook = IMAGE_HOOKS[spec.hook]
    except KeyError:
        raise ValueError(f"unknown image hook {spec.hook!r}") from None
    return hook(renderer, spec)
