"""Domain errors and problems of the geospatial core. No HTTP, no translation here.

A ``Problem`` carries a stable ``code`` and its parameters; ``app`` turns it into a
sentence in the user's language through the translation catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    Parameters
    ----------
    code : str
        Stable identifier of the kind of problem, e.g. ``"missing_field"``.
    severity : {"error", "warning", "note"}
        Errors reject the whole file; warnings and notes are reported with the import.
    params : dict
        Values the message needs (field names, areas in m², feature names...).
    feature : int or None
        1-based number of the feature (row) in the file, when the problem has one.
    """

    code: str
    severity: Severity
    params: dict[str, Any] = field(default_factory=dict)
    feature: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "feature": self.feature,
            "params": self.params,
        }


class XkmtError(Exception):
    """Base of the domain errors."""


class InvalidBoundary(XkmtError):
    """A boundary file was rejected. ``problems`` lists every error found (and warnings)."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        errors = [p.code for p in problems if p.severity == "error"]
        super().__init__(f"{file}: {', '.join(errors)}")


class UnknownCommune(XkmtError):
    """No commune with this code is known."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class PlanProblem:
    """One problem in a plan file: a stable ``code``, the 1-based ``line`` it is on (None
    when the file has no such line, e.g. a missing key of an empty file) and the values
    the message needs (indicator id, key, value...)."""

    code: str
    line: int | None
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "line": self.line, "params": self.params}


class InvalidPlan(XkmtError):
    """A plan file was rejected. ``problems`` lists every problem found, by line."""

    def __init__(self, file: str, problems: list[PlanProblem]):
        self.file = file
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.code))
        where = ", ".join(f"line {p.line}: {p.code}" for p in self.problems)
        super().__init__(f"{file}: {where}")
