"""duban's domain errors: one small hierarchy, mapped to CLI exit codes and HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """Something wrong or doubtful in an input, located by file and row/line."""

    file: str
    ref: str
    message: str
    severity: str = "error"  # error | warning
    kind: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.file}, {self.ref}" if self.ref else self.file
        return f"{where}: {self.message}"


class DubanError(Exception):
    """Base of every error duban reports to a user."""

    exit_code = 1
    http_status = 400


class ConfigError(DubanError):
    """The configuration or the department directory is wrong."""

    exit_code = 2


class ImportFailed(DubanError):
    """A document could not be imported; nothing was written."""

    exit_code = 3
    http_status = 422

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = [p for p in (problems or []) if p.severity == "error"]
        detail = "\n".join(f"  - {p}" for p in self.problems[:50])
        super().__init__(f"{message}\n{detail}" if detail else message)


class NotFound(DubanError):
    """A plan, task, department, round or update does not exist."""

    exit_code = 4
    http_status = 404


class ValidationFailed(DubanError):
    """Submitted data (a status update, a form, an argument) is not acceptable."""

    exit_code = 5
    http_status = 422

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


class AccessDenied(DubanError):
    """A link or account may not see or change this object."""

    exit_code = 6
    http_status = 403


class TooManyAttempts(AccessDenied):
    """Sign-in is locked for a while after repeated wrong passwords (per account or per client address)."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after  # seconds until the lock ends
        super().__init__(message)


class DeliveryFailed(DubanError):
    """A notification could not be delivered on any channel."""

    exit_code = 7
    http_status = 502


@dataclass
class Problems:
    """A collector of problems found while reading one input."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def error(self, ref: str, message: str, kind: str = "invalid") -> None:
        self.items.append(Problem(self.file, ref, message, "error", kind))

    def warning(self, ref: str, message: str, kind: str = "doubt") -> None:
        self.items.append(Problem(self.file, ref, message, "warning", kind))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]
