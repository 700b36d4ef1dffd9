"""What the chat socket sends: the page's own fragments, swapped out of band by htmx.

A relay follows one conversation for one socket. On (re)connect it sends the whole message
list as the database has it, with every unfinished reply empty, and then relays each such
reply's stream from its first chunk: the browser ends up with everything written so far and
then the live rest, never a chunk twice. New turns (from this socket, another tab or a plain
form post) arrive as notices on the conversation's stream.
"""

from __future__ import annotations

import time
from html import escape

from app import wording
from app.conversations.page import render_fragment, render_fragments
from app.extensions import db
from app.models import IN_FLIGHT, Conversation, Message, MessageKind, MessageStatus
from app.services import bus as channels
from app.services.bus import Bus, Event

# How often a reply still waiting in the model's queue re-reads its place in it.
QUEUE_REFRESH_S = 2.0
CONTROLS = (
    "conversations/_turn_state.html",
    "conversations/_send_button.html",
    "documents/_draft_form.html",
)


class Relay:
    """The cursors and what is on the page of one socket."""

    def __init__(self, conversation: Conversation, bus: Bus) -> None:
        self.conversation = conversation
        self.bus = bus
        self.conversation_key = channels.conversation_key(conversation.id)
        self.conversation_cursor = channels.START
        self.shown: set[int] = set()
        self.placeholder = False
        self.following: dict[int, str] = {}  # message id -> cursor in its stream
        self.waiting: set[int] = set()  # followed replies with no chunk yet
        self.drafted: dict[int, int] = {}  # draft message id -> characters so far
        self.refreshed_at = time.monotonic()

    @property
    def busy(self) -> bool:
        """True while a reply of this conversation is being followed."""
        return bool(self.following)

    def snapshot(self) -> str:
        """The whole message list and the controls, as the database has them now."""
        # Take the notice cursor first: a turn started after it is either in the snapshot
        # or announced after it, never lost between the two.
        self.conversation_cursor = self.bus.last_id(self.conversation_key)
        conversation = self._reload()
        self.shown = {message.id for message in conversation.messages}
        self.placeholder = not self.shown  # the empty chat's greeting, removed by the first turn
        self.following, self.waiting, self.drafted = {}, set(), {}
        for message in conversation.messages:
            if message.status in IN_FLIGHT:
                self._follow(message)
        frame = render_fragment("conversations/_messages.html", conversation, oob=True)
        return frame + self._controls()

    def read(self, timeout: float) -> list[tuple[str, Event]]:
        """Wait up to ``timeout`` for events of the conversation and the followed replies."""
        cursors = {self.conversation_key: self.conversation_cursor}
        cursors.update(
            (channels.message_key(message_id), cursor)
            for message_id, cursor in self.following.items()
        )
        return self.bus.read(cursors, timeout)

    def frame(self, events: list[tuple[str, Event]]) -> str:
        """One socket frame for a batch of events (empty when nothing changes on the page)."""
        parts: list[str] = []
        pending_text: dict[int, list[str]] = {}

        def flush(message_id: int) -> None:
            texts = pending_text.pop(message_id, None)
            if texts:
                parts.append(self._text(message_id, "".join(texts)))

        for key, event in events:
            if key == self.conversation_key:
                self.conversation_cursor = event.id
                if int(event.data or 0) not in self.shown:
                    parts.append(self._new_messages())
                continue
            message_id = int(key.rsplit(":", 1)[1])
            if message_id not in self.following:
                continue
            self.following[message_id] = event.id
            if event.kind == channels.TOKEN:
                if message_id in self.waiting:
                    self.waiting.discard(message_id)
                    parts.append(self._status(message_id))
                pending_text.setdefault(message_id, []).append(event.data)
            elif event.kind == channels.DONE:
                flush(message_id)
                parts.append(self._finished(message_id))
        for message_id in list(pending_text):
            flush(message_id)
        return "".join(parts)

    def tick(self) -> str:
        """Every few seconds, the queue place of replies that wait for the model."""
        if not self.waiting or time.monotonic() - self.refreshed_at < QUEUE_REFRESH_S:
            return ""
        self.refreshed_at = time.monotonic()
        return "".join(self._status(message_id) for message_id in list(self.waiting))

    # -- fragments ---------------------------------------------------------------------------

    def _reload(self) -> Conversation:
        db.session.commit()  # end the last transaction: see what other processes wrote
        return self.conversation

    def _follow(self, message: Message) -> None:
        self.following[message.id] = channels.START
        if message.status == MessageStatus.PENDING:
            self.waiting.add(message.id)
        if message.kind != MessageKind.CHAT:
            self.drafted[message.id] = 0

    def _controls(self) -> str:
        conversation = self._reload()
        html = render_fragments(CONTROLS, conversation, oob=True)
        db.session.commit()
        return html

    def _new_messages(self) -> str:
        conversation = self._reload()
        new = [message for message in conversation.messages if message.id not in self.shown]
        if not new:
            return ""
        items = []
        for message in new:
            self.shown.add(message.id)
            if message.status in IN_FLIGHT:
                self._follow(message)
            items.append(
                render_fragment("conversations/_message.html", conversation, message=message)
            )
        appended = '<ol id="messages" hx-swap-oob="beforeend">' + "".join(items) + "</ol>"
        if self.placeholder:
            self.placeholder = False
            appended = '<li id="m0" hx-swap-oob="delete"></li>' + appended
        return appended + self._controls()

    def _text(self, message_id: int, text: str) -> str:
        if message_id in self.drafted:
            self.drafted[message_id] += len(text)
            count = self.drafted[message_id]
            return (
                f'<span id="m{message_id}-text" class="draft-progress" hx-swap-oob="true">'
                f"({count} zn.)</span>"
            )
        return f'<span id="m{message_id}-text" hx-swap-oob="beforeend">{escape(text)}</span>'

    def _status(self, message_id: int) -> str:
        message = db.session.get(Message, message_id)
        if message is None or message.status not in IN_FLIGHT:
            return ""
        # A chunk may arrive before this process sees the row move to streaming.
        note = None if message_id in self.waiting else wording.writing_note(message)
        html = render_fragment(
            "conversations/_turn_status.html",
            self.conversation,
            message=message,
            note=note,
            oob=True,
        )
        db.session.commit()
        return html

    def _finished(self, message_id: int) -> str:
        self.following.pop(message_id, None)
        self.waiting.discard(message_id)
        drafted = self.drafted.pop(message_id, None) is not None
        conversation = self._reload()
        message = db.session.get(Message, message_id)
        if message is None:
            return self._controls()
        names = ["conversations/_message.html"]
        if drafted and message.status == MessageStatus.COMPLETE:
            names += ["documents/_document.html", "conversations/_deadline.html"]
        html = render_fragments((*names, *CONTROLS), conversation, message=message, oob=True)
        db.session.commit()
        return html
