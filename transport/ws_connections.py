"""How many WebSocket connections are open in this process, in all and per subject.

A connection takes a seat when it is accepted (the process cap, `max_open`) and names
its subject once `connection_init` signed it in (the cap per subject); over either, it
is closed with 4429 "Too many connections" (graphql-ws's codes are 44xx after HTTP's,
as 4401, 4403, 4408 and 4409 are; 429 is HTTP's Too Many Requests). The seat is given
back in the handler's `finally`, so a connection that ends any way (closed by either
side, dropped, timed out, its task cancelled at shutdown) is no longer counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

TOO_MANY_CONNECTIONS = 4429
TOO_MANY_CONNECTIONS_REASON = "Too many connections"


@dataclass
class Seat:
    """One open connection's place in the count; `release` is idempotent."""

    connections: WebSocketConnections
    subject: str | None = None
    released: bool = False

    def sign_in(self, subject: str) -> bool:
        """Count this connection for `subject`; False when the subject has no seat left."""
        return self.connections.sign_in(self, subject)

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.connections.release(self)


@dataclass
class WebSocketConnections:
    """The counts of one process's open connections."""

    max_open: int
    max_per_subject: int
    open: int = 0
    by_subject: Counter[str] = field(default_factory=Counter)

    def admit(self) -> Seat | None:
        """A seat for a new connection; None when the process has `max_open` already."""
        if self.open >= self.max_open:
            return None
        self.open += 1
        return Seat(self)

    def sign_in(self, seat: Seat, subject: str) -> bool:
        if seat.subject is not None:  # signed in already (the protocol allows one init)
            return seat.subject == subject
        if self.by_subject[subject] >= self.max_per_subject:
            return False
        seat.subject = subject
        self.by_subject[subject] += 1
        return True

    def release(self, seat: Seat) -> None:
        self.open -= 1
        if seat.subject is not None:
            self.by_subject[seat.subject] -= 1
            if not self.by_subject[seat.subject]:
                del self.by_subject[seat.subject]
