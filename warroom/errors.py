"""The one exception root and its meaningful subclasses."""


class WarroomError(Exception):
    """Base of every error warroom raises on purpose."""


class BrokerError(WarroomError):
    """The Kafka-protocol broker could not be started or reached."""


class InvalidEvent(WarroomError):
    """An event failed validation; ``field`` names the offending field when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class VersionConflict(WarroomError):
    """A change was based on a version that is no longer the current one."""


class Unauthorized(WarroomError):
    """No credentials, or credentials that are not valid."""


class Forbidden(WarroomError):
    """Valid credentials, but the role or the shop scope does not allow this."""


class WeakSecret(WarroomError):
    """A configured secret is missing entropy or is a well-known default."""


class PayloadTooLarge(WarroomError):
    """A request body or batch is larger than the configured bound."""


class NotFound(WarroomError):
    """The entity asked for does not exist."""


class Conflict(WarroomError):
    """The change contradicts the stored state: the id exists, or the row is still referenced."""


class StaleVersion(VersionConflict):
    """An update or delete named a version of an entity that is no longer its current one."""

    def __init__(self, message: str, current_version: int | None) -> None:
        super().__init__(message)
        self.current_version = current_version


class InvalidEntity(WarroomError):
    """An entity's values are inconsistent with the store (e.g. a reference to nothing)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
