"""argparse speaking Polish: its headings, its help option and its error messages."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from app.client import messages

# argparse's own error messages (Python 3.11+) and their Polish wording.
ERRORS = (
    (re.compile(r"^the following arguments are required: (.*)$"), messages.ARGS_MISSING),
    (re.compile(r"^unrecognized arguments: (.*)$"), messages.ARGS_UNKNOWN),
    (
        re.compile(r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$"),
        messages.ARG_CHOICE,
    ),
    (re.compile(r"^argument (.*?): invalid \w+ value: (.*)$"), messages.ARG_INVALID),
    (re.compile(r"^argument (.*?): expected one argument$"), messages.ARG_VALUE_MISSING),
)

# Conversation and render ids are URL-safe base64 (22 characters) and may begin with "-":
# such a token is an id, never an option (no option has that shape).
ID_SHAPE = re.compile(r"-[A-Za-z0-9_-]{21}")


def polish_error(message: str) -> str:
    """argparse's English error message in Polish (unknown ones stay as they are)."""
    for pattern, wording in ERRORS:
        if pattern.match(message):
            return pattern.sub(wording, message)
    return message


class Formatter(argparse.HelpFormatter):
    """Help with a Polish usage heading."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, messages.USAGE if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help, headings and errors are Polish; no abbreviated options,
    so nothing unknown (a ``--key``) is ever taken for something known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = messages.POSITIONALS
        self._optionals.title = messages.OPTIONALS
        self.add_argument("-h", "--help", action="help", help=messages.HELP_HELP)

    def _parse_optional(self, arg_string: str) -> Any:
        """Take an id that begins with "-" for the positional argument it is."""
        if ID_SHAPE.fullmatch(arg_string):
            return None
        return super()._parse_optional(arg_string)

    def error(self, message: str) -> NoReturn:
        """Print the usage and the Polish error, exit with 2 (as argparse does)."""
        self.print_usage(sys.stderr)
        self.exit(2, messages.ERROR.format(message=polish_error(message)) + "\n")
