"""Errors a user can hit, each with the exit code the CLI contract gives it."""

from __future__ import annotations


class PlantarchError(Exception):
    """Base of every error plantarch reports to a user (exit code 2 unless said otherwise)."""

    exit_code: int = 2


class InputError(PlantarchError):
    """Bad input: names the file, line / offset and field, and says what was expected."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        offset: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.offset = offset
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class StoreUnavailable(PlantarchError):
    """The workspace or database cannot be opened or reached."""


class PartialResult(PlantarchError):
    """Work stopped at damaged input; everything before the damage was kept (exit code 3)."""

    exit_code = 3


class SourceUnreachable(PlantarchError):
    """A live discovery source (OPC UA server, MQTT broker) did not answer in time; nothing was written."""
