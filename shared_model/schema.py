"""The feature schema: the single source of truth for what a penguin looks like.

The training code, the artifact's metadata and the API's request/response models are all derived
from the objects below. Change a range or a category here and every one of them follows; nothing
else in the repository spells out a column name, a unit or a category list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class NumericFeature:
    """A measured quantity. The range is what is *plausible* for a penguin, wider than the data."""

    name: str
    description: str
    unit: str
    minimum: float
    maximum: float
    kind: Literal["numeric"] = "numeric"


@dataclass(frozen=True)
class CategoricalFeature:
    """A label from a closed list. ``nullable`` features may be sent as ``null`` (unknown)."""

    name: str
    description: str
    categories: tuple[str, ...]
    nullable: bool = False
    kind: Literal["categorical"] = "categorical"


Feature = NumericFeature | CategoricalFeature


@dataclass(frozen=True)
class FeatureSchema:
    """The model's inputs (in column order) and its target."""

    features: tuple[Feature, ...]
    target: CategoricalFeature
    # What a missing nullable category becomes before one-hot encoding.
    missing_category: str = field(default="unknown")

    @property
    def numeric(self) -> tuple[NumericFeature, ...]:
        return tuple(f for f in self.features if isinstance(f, NumericFeature))

    @property
    def categorical(self) -> tuple[CategoricalFeature, ...]:
        return tuple(f for f in self.features if isinstance(f, CategoricalFeature))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.target.categories

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, stored in every artifact's ``metadata.json``."""

        def plain(feature: Feature) -> dict[str, Any]:
            data = asdict(feature)
            if "categories" in data:
                data["categories"] = list(data["categories"])  # JSON has lists, not tuples
            return data

        return {
            "features": [plain(f) for f in self.features],
            "target": plain(self.target),
            "missing_category": self.missing_category,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSchema:
        def feature(d: dict[str, Any]) -> Feature:
            d = dict(d)
            if d.pop("kind") == "numeric":
                return NumericFeature(**d)
            d["categories"] = tuple(d["categories"])
            return CategoricalFeature(**d)

        target = feature(data["target"])
        if not isinstance(target, CategoricalFeature):
            raise ValueError("The target of a feature schema must be categorical.")
        return cls(
            features=tuple(feature(f) for f in data["features"]),
            target=target,
            missing_category=data["missing_category"],
        )


FEATURES: tuple[Feature, ...] = (
    NumericFeature(
        name="bill_length_mm",
        description="Length of the bill (culmen), tip to base",
        unit="mm",
        minimum=25.0,
        maximum=70.0,
    ),
    NumericFeature(
        name="bill_depth_mm",
        description="Depth of the bill (culmen), top to bottom",
        unit="mm",
        minimum=10.0,
        maximum=25.0,
    ),
    NumericFeature(
        name="flipper_length_mm",
        description="Length of the flipper",
        unit="mm",
        minimum=150.0,
        maximum=250.0,
    ),
    NumericFeature(
        name="body_mass_g",
        description="Body mass",
        unit="g",
        minimum=2000.0,
        maximum=7500.0,
    ),
    CategoricalFeature(
        name="island",
        description="Island in the Palmer Archipelago where the penguin was observed",
        categories=("Biscoe", "Dream", "Torgersen"),
    ),
    CategoricalFeature(
        name="sex",
        description="Sex of the penguin; null when it was not recorded",
        categories=("female", "male"),
        nullable=True,
    ),
)

TARGET = CategoricalFeature(
    name="species",
    description="Penguin species",
    categories=("Adelie", "Chinstrap", "Gentoo"),
)

SCHEMA = FeatureSchema(features=FEATURES, target=TARGET)
