"""Exceptions raised by khabar. Every message names the problem, and the file:line for data files."""


class KhabarError(Exception):
    """Base class of khabar's own errors."""


class SchemaError(KhabarError, ValueError):
    """A schema file or object is inconsistent (unknown type, duplicate name, ...)."""


class DataError(KhabarError, ValueError):
    """An input data file is malformed. ``problems`` lists every ``file:line: what`` message."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class ConfigError(KhabarError, ValueError):
    """A training or inference configuration is invalid."""


class ModelError(KhabarError, OSError):
    """A model directory is missing a file or holds a corrupt one."""
