"""What the entity routers share: paging and sorting of lists, merged PATCH validation,
and the error answers they document."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from warroom.schemas.entities.common import Page, Patch
from warroom.store.kinds import Kind

P = TypeVar("P", bound=BaseModel)

MAX_LIMIT = 500
#: Largest ``offset`` of a list: beyond it SQLite and PostgreSQL overflow (a 500, not a 422).
MAX_OFFSET = 1_000_000_000

#: ``DELETE ...?version=N``: refuse (409) unless the entity is still at version N.
IfVersion = Annotated[
    int | None, Query(ge=1, description="refuse (409) unless the entity is still this version")
]


class Problem(BaseModel):
    """An error: what went wrong, and the field it concerns when there is one."""

    detail: str = Field(examples=["shop 'shop-1' is still referenced by products 'SKU-101'"])
    field: str | None = None


class StaleProblem(Problem):
    current_version: int | None = Field(description="the entity's version now (None: deleted)")


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no or invalid API key"},
    403: {"model": Problem, "description": "outside the key's role or shop scope"},
    404: {"model": Problem, "description": "no such entity"},
    409: {
        "model": StaleProblem,
        "description": "the id exists, the version is stale, or the entity is still referenced",
    },
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERRORS[code] for code in (401, 403, *codes)}


@dataclass(frozen=True)
class Listing:
    limit: int
    offset: int
    sort: list[tuple[str, bool]]  # (field, descending)

    @property
    def page(self) -> tuple[int, int]:
        return self.limit, self.offset


def parse_sort(text: str, allowed: Sequence[str]) -> list[tuple[str, bool]]:
    """``"name,-created_at"`` as ``[("name", False), ("created_at", True)]``.

    >>> parse_sort("name, -created_at", ["name", "created_at"])
    [('name', False), ('created_at', True)]
    """
    keys = [
        (part.strip().removeprefix("-"), part.strip().startswith("-")) for part in text.split(",")
    ]
    unknown = [name for name, _ in keys if name not in allowed]
    if unknown:
        msg = f"cannot sort by {', '.join(map(repr, unknown))}; sort by {', '.join(allowed)}"
        raise HTTPException(422, [{"loc": ["query", "sort"], "msg": msg, "type": "value_error"}])
    return keys


def listing(kind: Kind[Any], default: str = "id") -> Callable[..., Listing]:
    """A dependency reading ``limit``, ``offset`` and ``sort`` for lists of ``kind``."""
    fields = ", ".join(kind.sortable)

    def read(
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="page size"),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="entities to skip"),
        sort: str = Query(
            default,
            max_length=300,
            description=f"comma-separated fields, '-' for descending; of: {fields}",
            examples=[default, f"-{kind.sortable[-1]}"],
        ),
    ) -> Listing:
        return Listing(limit, offset, parse_sort(sort, kind.sortable))

    return read


def page(public: type[P], rows: Sequence[Any], count: int) -> Page[P]:
    return Page[public](data=[public.model_validate(r) for r in rows], count=count)  # type: ignore[valid-type]


def merged_changes(
    create: type[BaseModel], public: type[BaseModel], row: Any, patch: Patch
) -> dict[str, Any]:
    """The fields ``patch`` changes, after validating the entity as it would be after it
    (required fields stay set, cross-field rules hold); errors name ``body.<field>``."""
    changes = patch.model_dump(exclude_unset=True, exclude={"version"})
    current = public.model_validate(row).model_dump(include=set(create.model_fields))
    try:
        merged = create.model_validate({**current, **changes})
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None
    return merged.model_dump(include=set(changes))
