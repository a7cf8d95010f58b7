"""Partial updates (PATCH bodies): only the fields sent change; null only where it means so."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class Patch(BaseModel):
    """A PATCH body. A field left out is unchanged; ``null`` is refused unless the field is
    listed in ``nullable`` (where it clears a value, such as a route's delivery boy)."""

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _no_null_for_required(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None and key in cls.model_fields and key not in cls.nullable:
                    raise ValueError(f"{key} cannot be null")
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The schema says what is accepted: null only for the fields in ``nullable``."""
        json_schema = handler(core_schema)
        target = handler.resolve_ref_schema(json_schema)
        for name, prop in target.get("properties", {}).items():
            if name in cls.nullable or "anyOf" not in prop:
                continue
            options = [o for o in prop["anyOf"] if o != {"type": "null"}]
            if len(options) == 1:
                del prop["anyOf"]
                prop.update(options[0])
            else:
                prop["anyOf"] = options
        return json_schema

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)
