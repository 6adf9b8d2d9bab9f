"""One error hierarchy. The CLI shows these as messages; tracebacks only with ``-v``."""

from __future__ import annotations

import click


class KbgenError(click.ClickException):
    """An error a person can act on: the message says what, where, and what to do."""

    exit_code = 1


class ConfigError(KbgenError):
    """The configuration (mkdocs.yml, command-line options) is not usable."""

    exit_code = 2


class ArticleError(KbgenError):
    """One or more articles have errors; the message lists them as ``path:line: message``."""


class BuildError(KbgenError):
    """The build failed for a reason other than article content."""


class UsageError(KbgenError):
    """A command was called with values it cannot use (exit status 2, like click's)."""

    exit_code = 2
