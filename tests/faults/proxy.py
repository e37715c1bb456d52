"""A broker that keeps its topics across a restart, as Apache Kafka does, made of tansu
behind a TCP proxy: "restarting" it drops every connection and refuses new ones for a
while (the proxy stops), while tansu behind keeps its topics, offsets and groups.

tansu advertises the proxy's address, so every client connection (bootstrap and
metadata-directed) goes through the proxy. The proxy runs its own event loop in a
thread: the tests' blocking Kafka reads must not stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import threading
from collections.abc import Iterator

from warroom.streams.broker import find_tansu, free_port, stop, wait_until_listening

HOST = "127.0.0.1"


class Proxy:
    """Forwards ``HOST:port`` to ``HOST:target``; ``cut`` and ``resume`` it."""

    def __init__(self, target: int) -> None:
        self.target, self.port = target, free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> Proxy:
        self._thread.start()
        self.resume()
        return self

    def __exit__(self, *_: object) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)  # type: ignore[arg-type]

    def cut(self) -> None:
        """Stop listening and drop every connection, as a broker going down does."""
        self._call(self._cut())

    def resume(self) -> None:
        """Listen again on the same port (the broker is back, with everything it had)."""
        self._call(self._listen())

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, HOST, self.port)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(HOST, self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        self._writers.difference_update((writer, up_writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@contextlib.contextmanager
def persistent_broker() -> Iterator[Proxy]:
    """tansu behind a proxy; yields the proxy, whose ``port`` clients use."""
    target = free_port()
    with Proxy(target) as proxy:
        listen, advertised = f"tcp://{HOST}:{target}", f"tcp://{HOST}:{proxy.port}"
        cmd = [str(find_tansu()), "broker", "--listener-url", listen, "--advertised-listener-url",
               advertised, "--storage-engine", "memory://tansu/"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_listening(HOST, target, proc, 10)
            yield proxy
        finally:
            stop(proc)
