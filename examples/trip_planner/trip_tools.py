"""Tools of the trip planner example: today's weather and places to visit.

The data comes from a small table in this file (no network, no key), so the
example gives the same answer every time; a city that is not in the table gets
a deterministic made-up entry. Swap these functions for real APIs and the
agent spec stays the same.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = ["DayPlan", "Stop", "find_places", "get_weather"]

Category = Literal["museum", "food", "park", "viewpoint", "market"]

_WEATHER: dict[str, dict[str, Any]] = {
    "lisbon": {"forecast": "sunny", "high_c": 24, "low_c": 16, "rain_chance": 5},
    "paris": {"forecast": "light rain", "high_c": 14, "low_c": 9, "rain_chance": 70},
    "tokyo": {"forecast": "cloudy", "high_c": 19, "low_c": 12, "rain_chance": 30},
    "oslo": {"forecast": "snow showers", "high_c": -1, "low_c": -6, "rain_chance": 60},
}
_PLACES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "lisbon": {
        "museum": [("Museu Nacional do Azulejo", "10:00"), ("MAAT", "11:00")],
        "food": [("Time Out Market", "10:00"), ("Pastéis de Belém", "08:00")],
        "park": [("Jardim da Estrela", "07:00")],
        "viewpoint": [("Miradouro da Senhora do Monte", "00:00")],
        "market": [("Feira da Ladra", "09:00")],
    },
    "paris": {
        "museum": [("Musée d'Orsay", "09:30"), ("Musée de l'Orangerie", "09:00")],
        "food": [("Marché des Enfants Rouges", "08:30")],
        "park": [("Jardin du Luxembourg", "07:30")],
        "viewpoint": [("Sacré-Cœur steps", "06:00")],
        "market": [("Marché d'Aligre", "07:30")],
    },
}
_FORECASTS = ("sunny", "partly cloudy", "cloudy", "light rain", "windy")


def _seed(city: str) -> int:
    return int(hashlib.sha256(city.strip().lower().encode()).hexdigest()[:8], 16)


def get_weather(city: str) -> dict[str, Any]:
    """Today's weather forecast for a city.

    Args:
        city: City name, e.g. "Lisbon".
    """
    known = _WEATHER.get(city.strip().lower())
    if known is None:
        n = _seed(city)
        known = {
            "forecast": _FORECASTS[n % len(_FORECASTS)],
            "high_c": 12 + n % 15,
            "low_c": 4 + n % 8,
            "rain_chance": n % 90,
        }
    return {"city": city, **known}


def find_places(city: str, category: Category = "museum") -> dict[str, Any]:
    """Find places to visit in a city, by category.

    Args:
        city: City name, e.g. "Lisbon".
        category: What kind of place: museum, food, park, viewpoint or market.
    """
    table = _PLACES.get(city.strip().lower())
    found = (
        table.get(category, [])
        if table
        else [(f"{city} {category} no. {_seed(city) % 9 + 1}", "10:00")]
    )
    return {
        "city": city,
        "places": [{"name": name, "category": category, "opens": opens} for name, opens in found],
    }


class Stop(BaseModel):
    """One place in the day plan."""

    name: str
    category: Category
    opens: str = Field(description="opening time, HH:MM")


class DayPlan(BaseModel):
    """The trip planner's answer: the day's weather and where to go."""

    city: str
    forecast: str
    high_c: int = Field(description="today's high in °C")
    places: list[Stop] = Field(min_length=1)
