"""Spatial statistics: weights, small-area rates, hot spots (Local Moran, Gi*), emerging hot spots,
kernel density and incident points.

The modules are pure functions over GeoDataFrames and arrays returning frozen result objects:

- :mod:`.weights` — :func:`~.weights.build_weights`
- :mod:`.rates` — :func:`~.rates.compute_rates`
- :mod:`.hotspots` — :func:`~.hotspots.global_moran`, :func:`~.hotspots.local_moran`, :func:`~.hotspots.gi_star`
- :mod:`.emerging` — :func:`~.emerging.emerging_hotspots`, :func:`~.emerging.classify_series`
- :mod:`.density` — :func:`~.density.kernel_density`
- :mod:`.incidents` — :func:`~.incidents.read_incidents`, :func:`~.incidents.assign_points`
- :mod:`.stage` — the pipeline stage ``hotspots`` (:func:`~.stage.run_hotspots`)

This package imports nothing on import, so :mod:`petarawan.config` can import
:mod:`.config` without a cycle.
"""
