"""Typed classes for the built-in event types of schema v1 (``configs/schema.yaml``).

``Event(type="Attack", ...)`` returns an :class:`Attack`, whose ``attacker``/``target``/... properties
return the entities filling each role, so editors complete them and ``isinstance`` works. A custom
schema's event types stay generic :class:`~khabar.document.Event` objects read with ``event.get(role)``.
``tests/test_document.py`` checks these classes against the schema file so they cannot drift apart.
"""

from __future__ import annotations

from khabar.document import Entity, Event


def _role(name: str) -> property:
    def getter(self: Event) -> tuple[Entity, ...]:
        return self.get(name)

    getter.__doc__ = f"Entities filling the {name} role, in text order."
    return property(getter)



class Attack(Event, event_type="Attack"):
    """Attack event (Attacker, Target, Instrument, Place, Time)."""

    attacker = _role("Attacker")
    target = _role("Target")
    instrument = _role("Instrument")
    place = _role("Place")
    time = _role("Time")


class TakeControl(Event, event_type="TakeControl"):
    """TakeControl event (Agent, Place, Time)."""

    agent = _role("Agent")
    place = _role("Place")
    time = _role("Time")


class Die(Event, event_type="Die"):
    """Die event (Victim, Agent, Instrument, Place, Time)."""

    victim = _role("Victim")
    agent = _role("Agent")
    instrument = _role("Instrument")
    place = _role("Place")
    time = _role("Time")


class Injure(Event, event_type="Injure"):
    """Injure event (Victim, Agent, Instrument, Place, Time)."""

    victim = _role("Victim")
    agent = _role("Agent")
    instrument = _role("Instrument")
    place = _role("Place")
    time = _role("Time")


class Displace(Event, event_type="Displace"):
    """Displace event (Displaced, Agent, Origin, Destination, Time)."""

    displaced = _role("Displaced")
    agent = _role("Agent")
    origin = _role("Origin")
    destination = _role("Destination")
    time = _role("Time")


class Transport(Event, event_type="Transport"):
    """Transport event (Traveler, Agent, Origin, Destination, Time)."""

    traveler = _role("Traveler")
    agent = _role("Agent")
    origin = _role("Origin")
    destination = _role("Destination")
    time = _role("Time")


class Meet(Event, event_type="Meet"):
    """Meet event (Participant, Place, Time)."""

    participant = _role("Participant")
    place = _role("Place")
    time = _role("Time")


class Communicate(Event, event_type="Communicate"):
    """Communicate event (Participant, Time)."""

    participant = _role("Participant")
    time = _role("Time")


class Statement(Event, event_type="Statement"):
    """Statement event (Speaker, Addressee, Place, Time)."""

    speaker = _role("Speaker")
    addressee = _role("Addressee")
    place = _role("Place")
    time = _role("Time")


class Agreement(Event, event_type="Agreement"):
    """Agreement event (Party, Place, Time)."""

    party = _role("Party")
    place = _role("Place")
    time = _role("Time")


class Arrest(Event, event_type="Arrest"):
    """Arrest event (Agent, Detainee, Place, Time)."""

    agent = _role("Agent")
    detainee = _role("Detainee")
    place = _role("Place")
    time = _role("Time")


class Protest(Event, event_type="Protest"):
    """Protest event (Protester, Place, Time)."""

    protester = _role("Protester")
    place = _role("Place")
    time = _role("Time")


BUILTIN_EVENT_CLASSES: dict[str, type[Event]] = {cls.__name__: cls for cls in (Attack, TakeControl, Die, Injure, Displace, Transport, Meet, Communicate, Statement, Agreement, Arrest, Protest)}

__all__ = ["Attack", "TakeControl", "Die", "Injure", "Displace", "Transport", "Meet", "Communicate", "Statement", "Agreement", "Arrest", "Protest", "BUILTIN_EVENT_CLASSES"]
