"""Container image references, checked against the grammar every registry and Docker accept.

The grammar is the distribution project's `reference` grammar (the one `docker pull` parses):

    reference  := name [ ":" tag ] [ "@" digest ]
    name       := [domain "/"] remote-name
    domain     := host [":" port-number]
    tag        := [\\w][\\w.-]{0,127}
    digest     := algorithm ":" hex (at least 32 hex digits)

Anything else (spaces, quotes, newlines, shell syntax) is refused with a clear error, so a value
from `[tool.nbrefactor.image]` can never add a line to a Dockerfile or code to a pipeline module.
"""

from __future__ import annotations

import re

from nbrefactor.compile.literals import Serialised

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_REFERENCE = re.compile(rf"(?P<name>{_NAME})(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?", re.ASCII)
_REGISTRY = re.compile(rf"{_DOMAIN}(?:/{_PATH_COMPONENT})*", re.ASCII)
TAG = re.compile(_TAG, re.ASCII)


class InvalidImageReference(ValueError):
    pass


def image_reference(value: str) -> Serialised:
    """`value` if it is a valid image reference (name, optional tag, optional digest)."""
    text = str(value)
    if len(text) > 255 or not _REFERENCE.fullmatch(text):
        raise InvalidImageReference(f"{text!r} is not a container image reference (expected e.g. registry.example.com/team/model:1.0 or python:3.11-slim)")
    return Serialised(text)


def check_registry(value: str) -> str:
    """A registry prefix such as `ghcr.io/team` (no tag, no digest)."""
    text = str(value).rstrip("/")
    if len(text) > 255 or not _REGISTRY.fullmatch(text):
        raise InvalidImageReference(f"[tool.nbrefactor.image] registry {text!r} is not a registry (expected e.g. ghcr.io/team or registry.example.com:5000/ml)")
    return text


def check_tag(value: str) -> str:
    text = str(value)
    if not TAG.fullmatch(text):
        raise InvalidImageReference(f"[tool.nbrefactor.image] tag {text!r} is not an image tag (letters, digits, _, . and -; at most 128)")
    return text
