"""/api/discovery/{source}: upload a capture, scan or export; it is read and reconciled into the store."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from plantarch.api.deps import Editor, StoreDep
from plantarch.api.routes.observations import reconcile_result
from plantarch.discovery.reconcile import reconcile
from plantarch.discovery.registry import get_source
from plantarch.errors import InputError

router = APIRouter(tags=["discovery"])

FILE_SOURCES = ("pcap", "zeek", "nmap", "opcua", "inventory")
"""Sources that read one uploaded file (opcua: a NodeSet2 XML file; zeek: one log such as conn.log)."""


def _safe_name(filename: str | None) -> str:
    """The upload's base name with only safe characters (some sources read the log type from it)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename or "").name).lstrip(".")
    return name or "upload"


@router.post("/discovery/{source}", summary="Upload a file for a discovery source and reconcile it")
def upload(source: str, file: Annotated[UploadFile, File()], store: StoreDep, user: Editor) -> dict[str, Any]:
    """Read the uploaded file with the named source and merge what it shows into the store."""
    if source not in FILE_SOURCES:
        raise InputError(
            f"source '{source}' does not read uploads; use one of {', '.join(FILE_SOURCES)}", field="source"
        )
    reader = get_source(source)
    with tempfile.TemporaryDirectory(prefix="plantarch-upload-") as tmp:
        path = Path(tmp) / _safe_name(file.filename)
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        batch = reader.observe(str(path))
    result = reconcile(store, batch, author=user.user, reason=f"upload {source}: {file.filename}")
    return reconcile_result(result, [*batch.warnings, *result.warnings])
