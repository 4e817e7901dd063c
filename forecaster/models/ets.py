"""Exponential smoothing with an additive damped trend (and an additive season), fitted
over a whole panel at once.

The model is the one :mod:`forecaster.models.smooth_statsmodels` fits series by series
with ``statsmodels.tsa.holtwinters.ExponentialSmoothing(trend="add", damped_trend=True,
seasonal="add" | None)``, in statsmodels' recursions (one-step forecast
``l + phi b + s_{t-m}``)::

    l_t = alpha (y_t - s_{t-m}) + (1 - alpha) (l_{t-1} + phi b_{t-1})
    b_t = beta (l_t - l_{t-1}) + (1 - beta) phi b_{t-1}
    s_t = gamma (y_t - l_{t-1} - phi b_{t-1}) + (1 - gamma) s_{t-m}

with statsmodels' bounds: ``0 <= alpha <= 1``, ``0 <= beta <= alpha``,
``0 <= gamma <= 1 - alpha``, ``0.8 <= phi <= 0.995``. A series is seasonal when its
history before the first origin holds two full seasons and two periods.

**Estimation** (statsmodels' ``initialization_method="estimated"``: parameters and
initial states together minimise the in-sample sum of squared one-step errors):

* For fixed ``alpha, beta, gamma, phi`` the one-step errors are linear in the initial
  level and trend, ``e_t = e0_t - l_0 p_t - b_0 q_t`` (``e0``: the errors from
  ``l_0 = b_0 = 0``; ``p``, ``q``: what a unit initial level or trend alone
  predicts), so the best ``l_0, b_0`` solve a 2 x 2 least-squares problem and the
  SSE they leave is known without a search over them.
* The smoothing parameters come from a coarse grid (:data:`ALPHAS` x
  :data:`BETA_SHARES` x :data:`PHIS`, x :data:`GAMMA_SHARES` for a seasonal series),
  scored for every series at once, then :data:`ROUNDS` rounds of a local search
  around each series' best point (every combination of one step down, none or up
  in each parameter, the steps halving each round).
* A seasonal series starts from fixed initial seasonal states (the mean, over the
  first two seasons, of its deviation from the straight line through them, centred);
  then every initial state (level, trend and the ``m`` seasons, as statsmodels
  estimates them) is solved by least squares at the parameters found, the local
  search runs again, finer, with those seasons, and the initial states are solved
  once more.

The grid sees the whole box of parameters before the local search, so where
statsmodels' L-BFGS-B (from one fixed starting point, ``phi`` 0.99) stops at a
local minimum this fit finds a lower SSE; where the SSE has one clear minimum
both reach it (tests/test_ets.py: the SSE within 0.1% of statsmodels', 1.5% with a
season, and the forecasts within 3% and 5% of the series' mean).

As in the statsmodels fits, the parameters and initial states are estimated once, on
the data up to the first origin; later origins filter the data up to them with the
same parameters (no new estimation), so no forecast sees its own test periods.
"""

from __future__ import annotations

import itertools

import numpy as np

from forecaster.models.smooth_rules import MIN_PERIODS, guard_rows

#: Leading fields of an ETS state row (``m + 1`` seasonal states follow).
ETS_FIELDS = ("alpha", "beta", "gamma", "phi", "level", "trend", "top")
#: The coarse grid of the search: alpha; beta as a share of alpha; phi; gamma as a share of
#: ``1 - alpha``.
ALPHAS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0)
BETA_SHARES = (0.0, 0.05, 0.2, 0.5, 1.0)
PHIS = (0.8, 0.9, 0.96, 0.99, 0.995)
GAMMA_SHARES = (0.0, 0.1, 0.3, 0.6)
#: Rounds of the local search after the grid, and its first steps (alpha, beta share,
#: phi, gamma share); each round halves them.
ROUNDS = 6
FIRST_STEPS = (0.1, 0.2, 0.04, 0.1)
#: The box of the search's coordinates (alpha, beta share, phi, gamma share).
LOWER = np.array([0.0, 0.0, 0.8, 0.0])
UPPER = np.array([1.0, 1.0, 0.995, 1.0])


def ets_panel(
    values: np.ndarray, cuts: np.ndarray, horizon: int, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fit every series of ``values`` at its first cut and forecast from each cut.

    Parameters
    ----------
    values
        Demand per period, shape (n, L), each series from its first period on
        (left-aligned; cells past a series' last cut are not read).
    cuts
        Shape (n, k), ascending per row: the forecast from cut ``c`` uses
        ``values[:, :c]``. A series with fewer than :data:`MIN_PERIODS` periods
        before its first cut is not fitted (NaN).
    horizon
        Periods forecast from each cut.
    season
        Seasonal period (1: none).

    Returns
    -------
    forecasts
        Shape (n, k, horizon), guarded (:func:`~forecaster.models.smooth_rules.guard_rows`).
    states
        Shape (n, k, 7 + season + 1): the state row at each cut (see
        :class:`~forecaster.models.smooth_states.SmoothStates`).
    """
    n, k = cuts.shape
    width = len(ETS_FIELDS) + season + 1
    forecasts = np.full((n, k, horizon), np.nan)
    states = np.full((n, k, width), np.nan)
    fit = cuts[:, 0] >= MIN_PERIODS if k else np.zeros(n, dtype=bool)
    if not fit.any():
        return forecasts, states
    rows = np.flatnonzero(fit)
    y, first = values[rows], cuts[rows, 0]
    seasonal = (season > 1) & (first >= 2 * season + 2)
    start = np.full((len(rows), width), np.nan)
    for part, with_season in ((~seasonal, False), (seasonal, True)):
        if part.any():
            start[part] = estimate(y[part], first[part], season, with_season)
    for j in range(k):
        active = np.arange(y.shape[1])[None, :] < cuts[rows, j][:, None]
        state = advance(start, y, active, season)
        state[:, ETS_FIELDS.index("top")] = np.where(active, y, 0.0).max(axis=1, initial=0.0)
        states[rows, j] = state
        forecasts[rows, j] = forecast_state(state, horizon, season)
    return forecasts, states


def estimate(y: np.ndarray, length: np.ndarray, season: int, seasonal: bool) -> np.ndarray:
    """The estimated state rows before the first period (alpha, beta, gamma, phi, l_0, b_0,
    0, then ``[0, s_0 .. s_{m-1}]``) of series ``y`` fitted on their first ``length``
    periods, with a season of ``season`` periods or (not ``seasonal``) without (seasons 0).

    A seasonal fit alternates: the search with the initial seasons fixed, then every
    initial state by least squares at the parameters found, then the search again
    (finer) with those seasons, and the initial states once more.
    """
    n = len(y)
    y = y[:, : int(length.max())]
    seasons = _initial_seasons(y, season) if seasonal else None
    grid = np.array(
        list(itertools.product(ALPHAS, BETA_SHARES, PHIS, GAMMA_SHARES if seasonal else (0.0,)))
    )
    sse, _, _ = _sse(y, length, seasons, *_parameters(grid[:, None, :]))
    best = _search(y, length, seasons, grid[np.argmin(sse, axis=0)], np.array(FIRST_STEPS))
    if seasons is None:
        _, level, trend = _sse(y, length, None, *(p[None] for p in _parameters(best)))
        initial = np.column_stack([level[0], trend[0], np.zeros((n, season))])
    else:
        initial = _initial_states(y, length, best, season)
        best = _search(y, length, initial[:, 2:], best, np.array(FIRST_STEPS) / 8)
        initial = _initial_states(y, length, best, season)
    alpha, beta, gamma, phi = _parameters(best)
    # the row's width is that of the panel's season: a non-seasonal fit pads with zeros
    return np.column_stack([alpha, beta, gamma, phi, initial[:, :2], np.zeros((n, 2)),
                            initial[:, 2:]])  # fmt: skip


def _search(
    y: np.ndarray, length: np.ndarray, seasons: np.ndarray | None, best: np.ndarray,
    steps: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """:data:`ROUNDS` rounds of the local search from ``best`` (n, 4) coordinates: each
    series' best of every move of one step down, none or up per parameter (gamma only with
    ``seasons``), the steps halving each round."""
    dims = 3 if seasons is None else 4
    moves = np.array(list(itertools.product((-1.0, 0.0, 1.0), repeat=dims)))
    moves = np.hstack([moves, np.zeros((len(moves), 4 - dims))])
    columns = np.arange(len(y))
    for _ in range(ROUNDS):
        trial = np.clip(best[None, :, :] + moves[:, None, :] * steps, LOWER, UPPER)  # (R, n, 4)
        sse, _, _ = _sse(y, length, seasons, *_parameters(trial))
        best = trial[np.argmin(sse, axis=0), columns]
        steps = steps / 2
    return best


def _initial_states(y: np.ndarray, length: np.ndarray, best: np.ndarray, season: int) -> np.ndarray:
    """Least-squares ``l_0, b_0, s_0 .. s_{m-1}`` (n, 2 + m) at the coordinates ``best``.

    The one-step errors are ``e0 - X x_0``, column ``j`` of ``X`` the forecasts of a run
    from the ``j``-th unit state on no data; a tiny ridge picks one of the equivalent
    solutions (a constant moved between the level and every season changes nothing).
    """
    n, periods = y.shape
    alpha, beta, gamma, phi = (p[:, None] for p in _parameters(best))
    k = 2 + season
    level, trend = np.zeros((n, k)), np.zeros((n, k))
    level[:, 0], trend[:, 1] = 1.0, 1.0
    ring = np.zeros((n, k, season))
    ring[:, np.arange(2, k), np.arange(season)] = 1.0
    x = np.zeros((n, periods, k))
    for t in range(periods):
        slot = t % season
        guess = level + phi * trend + ring[:, :, slot]
        level += phi * trend - alpha * guess
        trend *= phi
        trend -= alpha * beta * guess
        ring[:, :, slot] -= gamma * guess
        x[:, t] = guess
    zero = np.zeros((n, season))
    state = np.column_stack([alpha, beta, gamma, phi, np.zeros((n, 4)), zero])
    on = np.arange(periods)[None, :] < length[:, None]
    fitted = _one_step(state, y, on, season)
    error = np.where(on, y - fitted, 0.0)
    x = np.where(on[:, :, None], x, 0.0)
    gram = np.einsum("ntj,ntk->njk", x, x)
    ridge = 1e-9 * np.trace(gram, axis1=1, axis2=2)[:, None, None] / k + 1e-300
    gram += ridge * np.eye(k)
    return np.asarray(np.linalg.solve(gram, np.einsum("ntj,nt->nj", x, error)[:, :, None])[:, :, 0])


def _one_step(state: np.ndarray, y: np.ndarray, on: np.ndarray, season: int) -> np.ndarray:
    """The one-step forecasts (n, L) of ETS state rows before the first period over ``y``."""
    out = np.zeros(y.shape)
    current = state
    for t in range(y.shape[1]):
        out[:, t] = current[:, 4] + current[:, 3] * current[:, 5] + current[:, len(ETS_FIELDS) + 1]
        current = advance(current, y[:, t : t + 1], on[:, t : t + 1], season)
    return out


def _parameters(u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """alpha, beta, gamma, phi from the search's coordinates ``u[..., 0:4]`` (alpha, beta
    share, phi, gamma share)."""
    alpha = u[..., 0]
    return alpha, u[..., 1] * alpha, u[..., 3] * (1 - alpha), u[..., 2]


def _initial_seasons(y: np.ndarray, season: int) -> np.ndarray:
    """The mean deviation of each of the first two seasons' periods from the least-squares
    line through them, centred: ``s_0 .. s_{m-1}``, shape (n, m)."""
    two = y[:, : 2 * season]
    t = np.arange(2 * season, dtype=float)
    slope = ((t - t.mean()) * (two - two.mean(axis=1, keepdims=True))).sum(axis=1) / (
        (t - t.mean()) ** 2
    ).sum()
    line = two.mean(axis=1, keepdims=True) + slope[:, None] * (t - t.mean())
    deviation = (two - line).reshape(len(y), 2, season).mean(axis=1)
    return np.asarray(deviation - deviation.mean(axis=1, keepdims=True))


def _sse(
    y: np.ndarray,
    length: np.ndarray,
    seasons: np.ndarray | None,
    alpha: np.ndarray,
    beta: np.ndarray,
    gamma: np.ndarray,
    phi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """In-sample SSE of one-step errors with the best initial level and trend, and those.

    ``y`` (n, L), each series fitted on its first ``length`` (n,) periods; parameters of
    shape (P, n) or (P, 1) (P candidates per series); ``seasons`` (n, m) the fixed
    initial seasonal states, or None (no season: ``gamma`` is not used). Returns SSE,
    ``l_0`` and ``b_0``, each (P, n).
    """
    n = len(y)
    shape = np.broadcast_shapes(alpha.shape, (1, n))
    ab = alpha * beta
    # the run on the data from l_0 = b_0 = 0 (and the given seasons) ...
    level, trend, error, work = (np.zeros(shape) for _ in range(4))
    ring = (
        None
        if seasons is None
        else np.broadcast_to(seasons[None], (*shape, seasons.shape[1])).copy()
    )
    # ... and the runs of a unit l_0 and a unit b_0 on no data: their one-step forecasts
    # p_t and q_t are what each initial state adds to every forecast
    units = [
        (np.ones(alpha.shape), np.zeros(alpha.shape)),
        (np.zeros(alpha.shape), np.ones(alpha.shape)),
    ]
    unit_rings = [None if ring is None else np.zeros((*alpha.shape, ring.shape[-1])) for _ in units]
    running = {key: np.zeros(shape) for key in ("ee", "pe", "qe")}
    squares = {key: np.zeros(alpha.shape) for key in ("pp", "pq", "qq")}
    sums = {key: np.zeros(shape) for key in (*running, *squares)}
    ends = [np.flatnonzero(length == t + 1) for t in range(int(length.max(initial=0)))]
    for t, done in enumerate(ends):
        slot = t % (1 if ring is None else ring.shape[-1])
        np.multiply(phi, trend, out=work)
        work += level  # l + phi b
        np.subtract(y[:, t], work, out=error)
        if ring is not None:
            error -= ring[..., slot]
            ring[..., slot] += gamma * error
        np.multiply(alpha, error, out=level)
        level += work
        trend *= phi
        trend += ab * error
        guesses = []
        for (u_level, u_trend), u_ring in zip(units, unit_rings, strict=True):
            guess = u_level + phi * u_trend
            if u_ring is not None:
                guess += u_ring[..., slot]
                u_ring[..., slot] -= gamma * guess
            u_level += phi * u_trend - alpha * guess
            u_trend *= phi
            u_trend -= ab * guess
            guesses.append(guess)
        p, q = guesses
        for key, factor in (("ee", error), ("pe", p), ("qe", q)):
            np.multiply(factor, error, out=work)
            running[key] += work
        squares["pp"] += p * p
        squares["pq"] += p * q
        squares["qq"] += q * q
        if len(done):  # the series whose fitted periods end here keep their sums
            for key, value in (*running.items(), *squares.items()):
                sums[key][:, done] = np.broadcast_to(value, shape)[:, done]
    ridge = 1e-10 * (sums["pp"] + sums["qq"]) + 1e-300
    pp, qq, pq = sums["pp"] + ridge, sums["qq"] + ridge, sums["pq"]
    det = pp * qq - pq * pq
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        l0 = (qq * sums["pe"] - pq * sums["qe"]) / det
        b0 = (pp * sums["qe"] - pq * sums["pe"]) / det
        sse = sums["ee"] - l0 * sums["pe"] - b0 * sums["qe"]
    return np.where(np.isfinite(sse), sse, np.inf), l0, b0


def advance(state: np.ndarray, new: np.ndarray, active: np.ndarray, season: int) -> np.ndarray:
    """ETS state rows (n, 7 + m + 1) after the periods ``new`` (n, j) where ``active``.

    statsmodels' recursions (module docstring); the seasonal states ``s_{T-1} ..
    s_{T+m-1}`` move on by one each period. The ``top`` field is left as it is.
    """
    alpha, beta, gamma, phi, level, trend = (state[:, i] for i in range(6))
    s = state[:, len(ETS_FIELDS) :]
    for j in range(new.shape[1]):
        x, on = new[:, j], active[:, j]
        damped = level + trend * phi
        fresh = alpha * x - alpha * s[:, 1] + (1 - alpha) * damped
        season_next = gamma * x - gamma * damped + (1 - gamma) * s[:, 1]
        trend = np.where(on, beta * (fresh - level) + (1 - beta) * (trend * phi), trend)
        s = np.where(on[:, None], np.concatenate([s[:, 1:], season_next[:, None]], axis=1), s)
        level = np.where(on, fresh, level)
    out = state.copy()
    out[:, 4], out[:, 5], out[:, len(ETS_FIELDS) :] = level, trend, s
    return out


def forecast_state(state: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The forecast ``l + (phi + .. + phi^h) b`` plus the seasonal state statsmodels uses
    ``h`` ahead, from state rows (n, 7 + m + 1), guarded by each row's ``top``."""
    phi, level, trend, top = state[:, 3], state[:, 4], state[:, 5], state[:, 6]
    steps = np.arange(1, horizon + 1)
    phi_h = np.cumsum(phi[:, None] ** steps[None, :], axis=1)
    # statsmodels repeats s_{T-1} .. s_{T+m-2} beyond the first m - 1 steps
    column = np.where(steps < season, steps, (steps - season) % season)
    seasonal = state[:, len(ETS_FIELDS) :][:, column]
    return guard_rows((level[:, None] + trend[:, None] * phi_h) + seasonal, top)


def ets_forecast(
    state: np.ndarray, new: np.ndarray, active: np.ndarray, horizon: int, season: int
) -> np.ndarray:
    """Advance ETS state rows by the periods ``new`` (where ``active``), then forecast
    (:func:`advance`, :func:`forecast_state`); the guard counts the new periods as seen."""
    moved = advance(state, new, active, season)
    moved[:, 6] = np.maximum(state[:, 6], np.where(active, new, 0.0).max(axis=1, initial=0.0))
    return forecast_state(moved, horizon, season)
