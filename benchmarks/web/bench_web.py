"""Server time of every web page on the 250,000-asset plant (benchmarks/model's generator, scale 1:
50 sites, 10,000 systems, 250,000 assets, 2,000,000 flows) in a SQLite workspace.

Steps: generate the YAML model, import it into the workspace, build the app (create_app + the web UI),
build the per-revision snapshot (model, analysis, standards check, roadmap) once, then request every
page in-process through the ASGI app (no network: the time is the server's) several times, logged in
with a viewer token. A page's figure is its median and its worst over the repeats, first hit included.

    nice python benchmarks/web/bench_web.py [--scale 1.0] [--work /tmp/plantarch-web-bench] [--repeat 5]
    nice python benchmarks/web/bench_web.py --database postgresql+psycopg://postgres@127.0.0.1:5432/DB

With --database the model is read from a store that already holds it (e.g. the one
benchmarks/model/run.py --postgres imported from the same generator) and nothing is written to it:
pages are requested as the anonymous viewer of a loopback server instead of with a token.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "model"))

from generate import generate  # noqa: E402

from plantarch import governance as gov  # noqa: E402
from plantarch.api.app import create_app  # noqa: E402
from plantarch.api.auth import Role, create_token  # noqa: E402
from plantarch.api.settings import ApiSettings  # noqa: E402
from plantarch.governance import create_proposal, proposal_from_data  # noqa: E402
from plantarch.interchange.model_io import import_model  # noqa: E402
from plantarch.store import open_store  # noqa: E402

NEW_MES = proposal_from_data(
    {"title": "New MES", "systems": [{"key": "mes-new", "name": "MES", "kind": "mes"}]}
)
PAGES = [
    ("dashboard", "/"),
    ("systems", "/inventory/system"),
    ("assets", "/inventory/asset"),
    ("assets page 2,000 (offset 99,950)", "/inventory/asset?page=2000"),
    ("assets by zone", "/inventory/asset?zone=site-07.cell&page=3"),
    ("assets search", "/inventory/asset?q=host+42+plant+7"),
    ("assets by ip", "/inventory/asset?ip=10.7.3.17"),
    ("assets sorted by name (desc)", "/inventory/asset?sort=name&dir=desc"),
    ("flows", "/inventory/flow"),
    ("flows by protocol", "/inventory/flow?protocol=modbus&page=10"),
    ("zones", "/inventory/zone"),
    ("conduits", "/inventory/conduit"),
    ("asset detail", "/inventory/asset/site-07.host-00042"),
    ("system detail", "/inventory/system/site-07.sys-0003"),
    ("findings", "/findings"),
    ("findings high", "/findings?severity=high&page=2"),
    ("roadmap", "/roadmap"),
    ("reviews", "/reviews"),
    ("review", "/reviews/1"),
    ("topology page", "/topology"),
    ("topology graph purdue", "/topology/graph?view=purdue"),
    ("topology graph zones", "/topology/graph?view=zones"),
    ("topology graph site purdue", "/topology/graph?view=purdue&site=site-07"),
    ("topology graph zone modbus", "/topology/graph?view=zones&zone=site-07.cell&protocol=modbus"),
]


def peak_mb() -> int:
    """This process's peak resident memory in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    """Run the benchmark and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/plantarch-web-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", help="read an already imported store (nothing is written)")
    parser.add_argument("--workspace", type=Path, help="a SQLite workspace already holding the model")
    args = parser.parse_args()
    figures: dict[str, Any] = {"scale": args.scale, "python": platform.python_version()}
    if args.database:
        store = open_store(database=args.database)
        figures["store"] = "postgresql (read only)"
        cookies: dict[str, str] = {}
        settings = ApiSettings(anonymous_role=Role.VIEWER)
    else:
        if args.workspace:
            store = open_store(workspace=args.workspace)
            figures["store"] = "sqlite (imported by benchmarks/model/run.py)"
            if not gov.list_proposals(store)[1]:
                create_proposal(store, NEW_MES, "ed")
        else:
            store = _sqlite_store(args.work, args.scale, figures)
        cookies = {"plantarch_token": create_token(store, "bench", "viewer")[1]}
        settings = ApiSettings()
    figures["counts"] = store.counts()
    app = create_app(store, settings)
    started, cpu = time.perf_counter(), time.process_time()
    snapshot = app.state.web_snapshots.wait(store)
    figures["snapshot_s"] = round(time.perf_counter() - started, 1)
    figures["snapshot_cpu_s"] = round(time.process_time() - cpu, 1)
    figures["snapshot_problems"] = snapshot.problems
    figures["peak_mb_after_snapshot"] = peak_mb()
    pages: dict[str, Any] = {}
    with httpx.Client(
        transport=_SyncAsgi(app),
        base_url="http://bench",
        cookies=cookies,
    ) as client:
        for name, path in PAGES:
            if path == "/reviews/1" and args.database:
                continue  # a read-only store has no proposal to show
            times = []
            status = 0
            size = 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                answer = client.get(path)
                times.append(time.perf_counter() - t0)
                status, size = answer.status_code, len(answer.content)
            pages[name] = {
                "path": path,
                "status": status,
                "bytes": size,
                "first_ms": round(times[0] * 1000, 1),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
            }
            line = pages[name]
            print(f"{name:40s} {status} {line['median_ms']:>8} ms (max {line['max_ms']})", flush=True)
    figures["pages"] = pages
    figures["peak_mb"] = peak_mb()
    figures["all_under_1s"] = all(p["max_ms"] < 1000 for p in pages.values())
    figures["all_ok"] = all(p["status"] == 200 for p in pages.values())
    print(json.dumps(figures, indent=2))
    store.close()


def _sqlite_store(work: Path, scale: float, figures: dict[str, Any]) -> Any:
    """Generate the model (once) and import it into a SQLite workspace (once), with one proposal."""
    model_dir, workspace = work / f"model-{scale}", work / f"workspace-{scale}"
    started = time.perf_counter()
    if not (model_dir / "plant.yaml").exists():
        generate(model_dir, scale)
    figures["generate_s"] = round(time.perf_counter() - started, 1)
    store = open_store(workspace=workspace)
    started = time.perf_counter()
    if store.revision == 0:
        import_model(store, model_dir, author="benchmark")
        create_proposal(store, NEW_MES, "ed")
    figures["import_s"] = round(time.perf_counter() - started, 1)
    figures["store"] = "sqlite"
    return store


class _SyncAsgi(httpx.BaseTransport):
    """Drive the ASGI app from this synchronous script on one event loop portal."""

    def __init__(self, app: Any) -> None:
        import anyio.from_thread

        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self.portal = self._portal_cm.__enter__()
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request to the app and read the whole answer."""
        return self.portal.call(self._send, request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        request = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        answer = await self.inner.handle_async_request(request)
        body = await answer.aread()
        return httpx.Response(answer.status_code, headers=answer.headers, content=body, request=request)

    def close(self) -> None:
        """Stop the portal."""
        self._portal_cm.__exit__(None, None, None)


if __name__ == "__main__":
    main()
