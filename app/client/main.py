"""The ``mikroporada`` command: arguments, configuration, and failures as exit codes.

Exit codes: 0 success, 1 the server or the network refused (its Polish message on stderr),
2 a usage or configuration mistake, 130 interrupted with Ctrl+C.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from app.client import commands, messages, output
from app.client.commands import CommandError, Console, UsageError
from app.client.config import ConfigError, config_path, is_plain_remote, load
from app.client.http import Api, ApiError
from app.client.parsing import Parser

# Options under which people pass secrets elsewhere; here they are refused with a pointer to
# the environment and the config file. So is anything shaped like a key.
KEY_OPTIONS = {"--key", "--api-key", "--apikey", "--token", "--api-token"}
KEY_SHAPE = re.compile(r"mkp_[0-9a-f]{12}_")
DEFAULT_RENDER_TIMEOUT_S = 120

Command = Callable[[Api, Any, Console], int]


def key_on_command_line(argv: Sequence[str]) -> bool:
    """True when an argument passes a key (an option for it, or the key itself)."""
    for argument in argv:
        if argument == "--":
            break
        if argument.split("=", 1)[0].lower() in KEY_OPTIONS:
            return True
    return any(KEY_SHAPE.search(argument) for argument in argv)


def page_size(value: str) -> int:
    """A --limit between 1 and 100 (the API's page sizes)."""
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise argparse.ArgumentTypeError(messages.LIMIT_RANGE)
    return int(value)


def _command(sub: Any, name: str, help_: str, run: Command, *, needs_key: bool = True) -> Parser:
    """Add one command, with --json and whether it needs the key."""
    parser: Parser = sub.add_parser(name, help=help_, description=help_)
    parser.add_argument("--json", action="store_true", help=messages.HELP_JSON)
    parser.set_defaults(run=run, needs_key=needs_key)
    return parser


def build_parser() -> Parser:
    """The argument parser with every command."""
    parser = Parser(prog="mikroporada", description=messages.DESCRIPTION, epilog=messages.EPILOG)
    parser.add_argument("--url", help=messages.HELP_URL)
    sub = parser.add_subparsers(
        dest="command", metavar="POLECENIE", required=True, title=messages.HELP_COMMANDS
    )
    _command(sub, "health", messages.HELP_HEALTH, commands.health, needs_key=False)
    _command(sub, "types", messages.HELP_TYPES, commands.types, needs_key=False)
    found = _command(sub, "deadline", messages.HELP_DEADLINE, commands.deadline, needs_key=False)
    found.add_argument("type", metavar="TYP", help=messages.HELP_DEADLINE_TYPE)
    found.add_argument("date", metavar="OD", help=messages.HELP_DEADLINE_FROM)
    found.add_argument("--length", metavar="DŁUGOŚĆ", help=messages.HELP_DEADLINE_LENGTH)
    found.add_argument("--event", metavar="POLE", help=messages.HELP_DEADLINE_EVENT)

    started = _command(sub, "start", messages.HELP_START, commands.start)
    started.add_argument("--topic", metavar="TEMAT", help=messages.HELP_START_TOPIC)
    started.add_argument(
        "message", metavar="WIADOMOŚĆ", nargs="?", help=messages.HELP_START_MESSAGE
    )
    sent = _command(sub, "send", messages.HELP_SEND, commands.send)
    sent.add_argument("cid", metavar="ID", help=messages.HELP_CID)
    sent.add_argument("message", metavar="WIADOMOŚĆ", help=messages.HELP_MESSAGE)
    listed = _command(sub, "list", messages.HELP_LIST, commands.list_conversations)
    listed.add_argument(
        "--limit", type=page_size, default=20, metavar="N", help=messages.HELP_LIST_LIMIT
    )
    listed.add_argument("--all", action="store_true", help=messages.HELP_LIST_ALL)
    shown = _command(sub, "show", messages.HELP_SHOW, commands.show)
    shown.add_argument("cid", metavar="ID", help=messages.HELP_CID)

    filled = _command(sub, "fill", messages.HELP_FILL, commands.fill)
    filled.add_argument("type", metavar="TYP", help=messages.HELP_FILL_TYPE)
    filled.add_argument("file", metavar="POLA.json", help=messages.HELP_FILL_FILE)
    filled.add_argument("--allow-blanks", action="store_true", help=messages.HELP_ALLOW_BLANKS)
    rendered = _command(sub, "pdf", messages.HELP_PDF, commands.pdf)
    rendered.add_argument("cid", metavar="ID", help=messages.HELP_CID)
    rendered.add_argument("-o", "--output", metavar="PLIK", help=messages.HELP_PDF_OUTPUT)
    rendered.add_argument("--version", type=int, metavar="N", help=messages.HELP_PDF_VERSION)
    rendered.add_argument("--allow-blanks", action="store_true", help=messages.HELP_ALLOW_BLANKS)
    rendered.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_RENDER_TIMEOUT_S,
        metavar="S",
        help=messages.HELP_PDF_TIMEOUT,
    )
    deleted = _command(sub, "delete", messages.HELP_DELETE, commands.delete)
    deleted.add_argument("cid", metavar="ID", help=messages.HELP_CID)
    return parser


def _report(console: Console, *lines: str) -> None:
    first, *rest = lines
    console.warn(messages.ERROR.format(message=first))
    for line in rest:
        console.warn(line)


def run(args: Any, console: Console, env: dict[str, str]) -> int:
    """Run the parsed command; every failure becomes its message and exit code."""
    try:
        settings = load(env, args.url, warn=console.warn)
        key = settings.key if args.needs_key else None
        if args.needs_key and not key:
            raise ConfigError(messages.KEY_MISSING.format(path=settings.path))
        if key and is_plain_remote(settings.url):
            console.warn(messages.URL_PLAIN.format(url=settings.url))
        with Api(settings.url, key) as api:
            return args.run(api, args, console)
    except ApiError as exc:
        _report(console, *output.error_lines(exc.message, exc.details, exc.retry_after, exc.hints))
        return 1
    except CommandError as exc:
        _report(console, str(exc))
        return 1
    except (ConfigError, UsageError) as exc:
        _report(console, str(exc))
        return 2
    except KeyboardInterrupt:
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """The console script's entry point."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    console = Console(sys.stdout, sys.stderr, sys.stdin, sys.stdout.buffer)
    env = dict(os.environ)
    if key_on_command_line(arguments):
        path, _ = config_path(env)
        _report(console, messages.KEY_ON_COMMAND_LINE.format(path=path))
        return 2
    args = build_parser().parse_args(arguments)
    try:
        return run(args, console, env)
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing more, and let Python not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
