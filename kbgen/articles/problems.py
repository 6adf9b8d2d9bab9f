"""Problems found in articles, reported as ``path:line: severity: message``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the article cannot be published as it is
    WARNING = "warning"  # published, but something a reader would notice is wrong
    INFO = "info"  # worth knowing (listed with -v): unknown keys, reviews due


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the project (or the articles folder when outside it)
    line: int  # 1-based; 0 when the problem concerns the whole file
    severity: Severity
    message: str
    hint: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity.value}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class Problems(list[Problem]):
    """An ordered collection of problems with convenience constructors."""

    def error(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.append(Problem(path, line, Severity.ERROR, message, hint))

    def warning(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.append(Problem(path, line, Severity.WARNING, message, hint))

    def info(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.append(Problem(path, line, Severity.INFO, message, hint))

    def count(self, severity: Severity) -> int:  # type: ignore[override]
        return sum(1 for p in self if p.severity is severity)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity is Severity.WARNING]
