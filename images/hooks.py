"""Named image hooks: how a flow's ImageSpec becomes a picture to send."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from flows.conversation_types import ImageSpec
from images.render import PictureRenderer, RenderedImage

ImageHook = Callable[[PictureRenderer, ImageSpec], RenderedImage]


def _grid(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    return renderer.grid(spec.pictures, spec.selected)


def _picture(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    (picture,) = spec.pictures
    return renderer.picture(picture)


def _collage(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    return renderer.collage(spec.pictures, spec.title)


IMAGE_HOOKS: Mapping[str, ImageHook] = MappingProxyType(
    {"grid": _grid, "picture": _picture, "collage": _collage}
)


def render_image(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Make (or take from the cache) the image a reply asks for."""
    try:
        hook = IMAGE_HOOKS[spec.hook]
    except KeyError:
        raise ValueError(f"unknown image hook {spec.hook!r}") from None
    return hook(renderer, spec)
