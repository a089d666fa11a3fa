"""Environment beyond the air index: noise against QCVN 26:2010/BTNMT (limits by area and period, day and night
levels Ld/Ln) and water level against a gauge's warning levels. Pure functions; the limits are data
(``data/environment/noise_limits.yaml``), read when asked, never at import."""

from ._noise import NoiseLimits, day_night_levels, energy_mean, load_noise_limits
from ._water import WARNING_LEVELS, warning_level

__all__ = [
    "WARNING_LEVELS",
    "NoiseLimits",
    "day_night_levels",
    "energy_mean",
    "load_noise_limits",
    "warning_level",
]
