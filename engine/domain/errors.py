from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message says which and why."""


class IllegalTransition(DomainError):
    def __init__(self, from_status: str, to_status: str) -> None:
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(
            f"cannot move a task from '{from_status}' to '{to_status}'"
            f" / không thể chuyển nhiệm vụ từ '{from_status}' sang '{to_status}'"
        )
