"""What templates may see: plain data only.

Templates come from brand agencies and the internet, so they must not reach anything with
I/O or behaviour: no path, no model with methods, no module, class or stray callable. Every
value a template receives is made here, from the validated models, into one of

- ``None``, ``bool``, ``int``, ``float``, ``str`` (and ``Markup``), ``datetime.date``;
- a ``tuple`` of plain values, or a read-only mapping (``MappingProxyType``) of them;
- a :class:`View`: a frozen record whose attributes are plain values (a model's fields and
  its computed properties, never its methods).

Anything else is refused with ``TypeError`` when the context is made, so a new field of an
unexpected type fails loudly in the tests rather than opening a way out of the sandbox.
The only callables templates get are the filters and globals the renderer registers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from ladderpress.model import PLACEHOLDER

M = TypeVar("M", bound=BaseModel)

SCALARS = (type(None), bool, int, float, str, datetime.date)
"""Values passed to templates as they are (``Markup`` is a ``str``; ``datetime`` is a ``date``)."""


class View:
    """A frozen record for templates: ``view.title`` reads a plain value, and nothing can be set."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_fields", MappingProxyType(dict(fields)))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._fields[name]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("template data is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("template data is read-only")

    def __repr__(self) -> str:
        return f"View({', '.join(self._fields)})"


def fields_of(view: View) -> Mapping[str, Any]:
    """A view's fields, for code (templates cannot reach names that start with an underscore)."""
    fields: Mapping[str, Any] = object.__getattribute__(view, "_fields")
    return fields


class Views:
    """Turns models into views, once each: the same model always gives the same view.

    Templates compare levels (``level.id == highlight.id``, ``select("in", levels)``), and a
    ladder's levels appear in many places; one view per model keeps that cheap and exact.

    Every text has ``{organisation}`` replaced by ``company`` here, on its way to the templates,
    so that the company is named in one place and a brand's name reaches every page.
    """

    def __init__(self, company: str | None = None) -> None:
        self._made: dict[int, tuple[object, View]] = {}  # the model is kept so that its id is not reused
        self._company = company

    @overload
    def __call__(self, value: BaseModel) -> View: ...
    @overload
    def __call__(self, value: list[M] | tuple[M, ...]) -> tuple[View, ...]: ...
    @overload
    def __call__(self, value: object) -> Any: ...

    def __call__(self, value: Any) -> Any:
        """``value`` as plain data for templates (see the module's docstring)."""
        if isinstance(value, str):
            return value.replace(PLACEHOLDER, self._company) if self._company and PLACEHOLDER in value else value
        if isinstance(value, (*SCALARS, View)):  # a view is plain data already (a record inside a record)
            return value
        if isinstance(value, BaseModel):
            return self.model(value)
        if isinstance(value, list | tuple):
            return tuple(self(item) for item in value)
        if isinstance(value, Mapping):
            return MappingProxyType({self._key(key): self(item) for key, item in value.items()})
        raise TypeError(f"{type(value).__name__} is not plain data and cannot be given to a template")

    def model(self, model: BaseModel) -> View:
        made = self._made.get(id(model))
        if made is None:
            fields = {name: self(getattr(model, name)) for name in type(model).model_fields}
            fields.update({name: self(getattr(model, name)) for name in computed(type(model))})
            made = self._made[id(model)] = (model, View(fields))
        return made[1]

    def model_of(self, view: View) -> BaseModel | None:
        """The model ``view`` was made from (None for a record), to name it in messages."""
        for model, made in self._made.values():
            if made is view:
                return model if isinstance(model, BaseModel) else None
        return None

    def record(self, **fields: Any) -> View:
        """A view of values that are not a model (a job's title and output, say)."""
        return View({name: self(value) for name, value in fields.items()})

    @staticmethod
    def _key(key: object) -> str | int:
        if not isinstance(key, str | int):
            raise TypeError(f"a mapping key of type {type(key).__name__} cannot be given to a template")
        return key


def computed(model: type[BaseModel]) -> list[str]:
    """The properties a model class defines itself (``person.greeting_name``), not pydantic's own."""
    names: list[str] = []
    for cls in model.__mro__:
        if cls is BaseModel or not issubclass(cls, BaseModel):
            continue
        names += [
            name
            for name, member in vars(cls).items()
            if isinstance(member, property) and not name.startswith("_") and name not in names
        ]
    return names


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value reachable from ``value`` with where it is (for tests that check the allow-list)."""
    yield path, value
    if isinstance(value, View):
        for name, item in fields_of(value).items():
            yield from walk(item, f"{path}.{name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk(item, f"{path}[{key!r}]")
