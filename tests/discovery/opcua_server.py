"""A real asyncua OPC UA server running in a background thread for the duration of a test."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

APPLICATION_URI = "urn:plant:press-line:opcua"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def make_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed server certificate (DER) and private key (PEM) for the secure endpoints."""
    from asyncua.crypto.cert_gen import setup_self_signed_certificate
    from cryptography.x509.oid import ExtendedKeyUsageOID

    cert, key = directory / f"{name}-cert.der", directory / f"{name}-key.pem"
    await setup_self_signed_certificate(
        key,
        cert,
        APPLICATION_URI,
        socket.gethostname(),
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
        {"commonName": name},
    )
    return cert, key


class OpcUaServer:
    """Start with `start()`, stop with `stop()`; `url` is where it listens."""

    def __init__(
        self,
        *,
        nodesets: Sequence[Path] = (),
        secure_only: bool = False,
        workdir: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"opc.tcp://127.0.0.1:{self.port}/plantarch/"
        self.nodesets = list(nodesets)
        self.secure_only = secure_only
        self.workdir = workdir
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> OpcUaServer:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("OPC UA test server did not start within 60 s")
        if self._failure is not None:
            raise RuntimeError(f"OPC UA test server failed: {self._failure}")
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start()
            self._failure = exc
            self._ready.set()

    async def _serve(self) -> None:
        from asyncua import Server, ua

        server: Any = Server()
        await server.init()
        server.set_endpoint(self.url)
        server.set_server_name("Press Line OPC UA")
        await server.set_application_uri(APPLICATION_URI)
        if self.secure_only:
            assert self.workdir is not None
            cert, key = await make_certificate(self.workdir, "server")
            server.set_security_policy(
                [
                    ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
                    ua.SecurityPolicyType.Basic256Sha256_Sign,
                ]
            )
            await server.load_certificate(str(cert))
            await server.load_private_key(str(key))
        for nodeset in self.nodesets:
            await server.import_xml(str(nodeset))
        index = await server.register_namespace("urn:plant:press-line")
        line = await server.nodes.objects.add_folder(index, "PressLine1")
        await line.add_variable(index, "Speed", 1.5)
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with server:
            self._ready.set()
            await self._stop.wait()
