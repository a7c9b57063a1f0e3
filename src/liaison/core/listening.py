"""The listening sockets of `liaison serve --workers N`: one per server process, so that the
kernel shares the connections out instead of the first process awake taking them all.

Why: uvicorn's supervisor binds one socket and every process accepts from it. The process woken
for a burst of new connections accepts all that are waiting (asyncio accepts up to the backlog
per wake-up), and keep-alive clients then stay with it. Measured with 24 clients on two processes
(`bench/load.py --workers 2`): all 24 connections were held by one process at 90% of a core while
the other idled. On Linux, sockets bound to one port with `SO_REUSEPORT` each have their own accept
queue, and the kernel spreads new connections over the listening ones by a hash of the addresses
(uvicorn's open pull request 2472 and gunicorn's `reuse_port` fix do the same).

The supervisor binds a socket of this kind but never listens on it, so it takes no connection: it
holds the port (a taken port fails at once, in the supervisor) and stands for it in the list that
uvicorn hands each process it starts. Handing it over pickles it, and unpickling, in the new
process, binds that process's own socket (again for a process the supervisor restarts).
"""

from __future__ import annotations

import socket
import sys
from typing import Any


def shares_out_connections() -> bool:
    """Whether the kernel spreads connections over sockets sharing a port (Linux; elsewhere the
    port goes to one socket, and uvicorn's shared socket is the better choice)."""
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def _reusing_port(kind: type[socket.socket], host: str, port: int) -> socket.socket:
    sock = kind(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def bind_own(host: str, port: int) -> socket.socket:
    """A server process's socket, bound to `host:port` beside the other processes' (not yet
    listening: uvicorn listens on it once the process's application has started, so a process
    still building its screening index is given no connection)."""
    return _reusing_port(socket.socket, host, port)


class OwnSocketEach(socket.socket):
    """The supervisor's socket: bound, never listening, and handed to each process as the
    instruction to bind one of its own (`bind_own`) on the same address."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, tuple[str, int]]:
        host, port = self.getsockname()[:2]
        return bind_own, (host, port)


def hold_port(host: str, port: int) -> socket.socket:
    """The socket the supervisor passes to uvicorn's `Multiprocess` in place of a shared one."""
    return _reusing_port(OwnSocketEach, host, port)
