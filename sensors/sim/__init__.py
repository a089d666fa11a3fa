"""The fleet simulator behind ``ioc simulate``.

Behaviour models are pure functions of (device, simulated time, rng): ``traffic`` (cameras: counts on the local
clock, Poisson events), ``wifi`` (hotspots: opening hours, weekends, Tết), ``environment`` and ``pm25`` (stations:
the real Hanoi PM2.5 series replayed, diurnal temperature and humidity, traffic noise), ``weather`` (a city's
storms), ``faults`` and ``malformed`` (outages, silences, clock skew, one broken message per rejection code),
``clock`` (durations, the fast-forward clock, the Vietnamese calendar).

``engine.Simulation`` turns a fleet into messages (every one made by the contract's encode); ``runner`` drives it
against the clock and ``backfill`` through a span of history; ``publish`` hands messages to MQTT (or to memory, in
tests).
"""
