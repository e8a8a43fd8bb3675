"""The two kinds of error: expected ones carry a message safe to show a member."""


class CoachError(Exception):
    """An expected failure whose message (Chinese by default) may be shown to the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
