"""Rendering a template's text in Jinja2's sandbox.

Jinja2 is a page concern and the domains keep out of it (STYLE.md), with this one exception,
pinned by tests/test_layers.py: a message is a text, not a page, and the sandbox is the point.
Template texts are data an owner may edit one day, so they are rendered where they cannot
reach attributes, call methods or read files, and a missing parameter is an error, not a blank.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from milkrun.notify.errors import TemplateFailed

_sandbox = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


@lru_cache(maxsize=512)
def _compiled(text: str) -> Template:
    return _sandbox.from_string(text)


def render(text: str, context: dict[str, Any]) -> str:
    try:
        return _compiled(text).render(context).strip()
    except (TemplateError, SecurityError) as exc:
        raise TemplateFailed(f"the template cannot be rendered: {exc}") from exc
