"""What drives satisfaction: OLS regression and Spearman correlations with confidence intervals.

Supervisors ask "does a faster first response raise CSAT, and by how much?". The regression answers it
holding the other drivers fixed (first response hours, resolution hours, reopened, channel, replies);
the per-driver Spearman correlation answers it one driver at a time without assuming linearity.
Both come with 95% intervals so a pattern from 30 answers is not read as a law.

Bad inputs return a status code rather than raising: too few rows, a constant score, or drivers that
are linear combinations of each other (say every phone ticket has exactly one reply). For collinear
columns the dependent ones are named and dropped and the remaining model is fitted, so the report can
still show something and say what it left out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

# Status codes (translated by the caller)
OK = "ok"
TOO_FEW_ROWS = "too_few_rows"
NO_VARIANCE = "no_variance"
COLLINEAR = "collinear"

SCORE = "score"
NUMERIC_DRIVERS = ("first_response_hours", "resolution_hours", "reopened", "replies")
CHANNEL = "channel"
INTERCEPT = "intercept"
CLASSICAL = "classical"
HC3 = "hc3"
RANK_RTOL = 1e-9  # relative singular-value cut-off on unit-norm columns


@dataclass(frozen=True)
class Coefficient:
	name: str
	estimate: float
	se: float
	t: float
	p_value: float
	ci_low: float
	ci_high: float


@dataclass
class RegressionResult:
	status: str
	n: int
	coefficients: list[Coefficient] = field(default_factory=list)
	r2: float | None = None
	adj_r2: float | None = None
	residual_df: int = 0
	dropped_columns: list[str] = field(default_factory=list)  # collinear, left out of the fit
	rows_skipped: int = 0  # rows with a missing value
	baseline_channel: str | None = None

	def coef(self, name: str) -> Coefficient:
		for c in self.coefficients:
			if c.name == name:
				return c
		raise KeyError(name)


def _independent_columns(x: np.ndarray) -> list[int]:
	"""Indexes of columns kept when each column is added only if it raises the rank (left to right)."""
	norms = np.linalg.norm(x, axis=0)
	scaled = x / np.where(norms == 0, 1.0, norms)
	kept: list[int] = []
	for j in range(x.shape[1]):
		if norms[j] == 0:
			continue
		trial = scaled[:, [*kept, j]]
		s = np.linalg.svd(trial, compute_uv=False)
		if s[-1] > RANK_RTOL * s[0]:
			kept.append(j)
	return kept


def ols(
	x: Sequence[Sequence[float]] | np.ndarray,
	y: Sequence[float] | np.ndarray,
	names: Sequence[str],
	confidence: float = 0.95,
	min_residual_df: int = 5,
	cov_type: str = CLASSICAL,
) -> RegressionResult:
	"""Ordinary least squares of y on the columns of x (include an intercept column yourself).

	Standard errors are classical (homoskedastic) or HC3 (MacKinnon and White 1985): satisfaction
	scores are bounded, so their spread often differs between fast and slow tickets, and HC3 keeps
	the intervals honest then. p-values and intervals use the t distribution with n - p df.
	"""
	if cov_type not in (CLASSICAL, HC3):
		raise ValueError(f"unknown cov_type {cov_type!r}")
	xa = np.asarray(x, dtype=float)
	ya = np.asarray(y, dtype=float)
	n = len(ya)
	if xa.ndim != 2 or xa.shape != (n, len(names)):
		raise ValueError("x must be n rows by len(names) columns")
	if n == 0 or n - len(names) < min_residual_df:
		return RegressionResult(TOO_FEW_ROWS, n, residual_df=max(n - len(names), 0))
	if np.ptp(ya) == 0:
		return RegressionResult(NO_VARIANCE, n)
	kept = _independent_columns(xa)
	dropped = [names[j] for j in range(len(names)) if j not in kept]
	xk = xa[:, kept]
	p = len(kept)
	df = n - p
	if df < min_residual_df:
		return RegressionResult(TOO_FEW_ROWS, n, residual_df=df, dropped_columns=dropped)
	xtx_inv = np.linalg.inv(xk.T @ xk)
	beta = xtx_inv @ xk.T @ ya
	resid = ya - xk @ beta
	rss = float(resid @ resid)
	tss = float(((ya - ya.mean()) ** 2).sum())
	sigma2 = rss / df
	if cov_type == HC3:
		leverage = np.einsum("ij,jk,ik->i", xk, xtx_inv, xk)
		weights = resid**2 / np.clip(1 - leverage, 1e-12, None) ** 2
		cov = xtx_inv @ (xk.T * weights) @ xk @ xtx_inv
	else:
		cov = xtx_inv * sigma2
	se = np.sqrt(np.clip(np.diag(cov), 0, None))
	tcrit = float(stats.t.ppf(0.5 + confidence / 2, df))
	coefs = []
	for i, j in enumerate(kept):
		b, s = float(beta[i]), float(se[i])
		t = b / s if s > 0 else math.copysign(math.inf, b)
		pv = float(2 * stats.t.sf(abs(t), df)) if s > 0 else 0.0
		coefs.append(Coefficient(names[j], b, s, t, pv, b - tcrit * s, b + tcrit * s))
	r2 = 1 - rss / tss
	has_intercept = any(np.ptp(xk[:, i]) == 0 for i in range(p))
	adj = 1 - (1 - r2) * (n - 1) / df if has_intercept else None
	return RegressionResult(
		COLLINEAR if dropped else OK,
		n,
		coefs,
		r2,
		adj,
		df,
		dropped,
	)


def _number(v: Any) -> float | None:
	"""A finite float, or None for missing / blank / non-numeric / NaN values (the row is skipped)."""
	try:
		f = float(v)
	except (TypeError, ValueError):
		return None
	return f if math.isfinite(f) else None


def driver_regression(
	rows: Sequence[Mapping[str, Any]],
	baseline_channel: str | None = None,
	confidence: float = 0.95,
	min_residual_df: int = 5,
	cov_type: str = CLASSICAL,
) -> RegressionResult:
	"""Regress `score` on the numeric drivers and channel dummies (baseline: the commonest channel).

	Each row is a mapping with keys score, first_response_hours, resolution_hours, reopened (0/1),
	replies and channel; rows with any missing value are skipped and counted. A coefficient reads
	"score change per unit of the driver, others held equal"; a channel's is relative to the baseline.
	"""
	clean: list[tuple[float, list[float], str]] = []
	skipped = 0
	for row in rows:
		vals = [_number(row.get(k)) for k in (SCORE, *NUMERIC_DRIVERS)]
		channel = row.get(CHANNEL)
		if any(v is None for v in vals) or not channel:
			skipped += 1
			continue
		clean.append((vals[0], vals[1:], str(channel)))  # type: ignore[arg-type]
	counts = Counter(c for _, _, c in clean)
	if baseline_channel is None and counts:
		baseline_channel = min(counts, key=lambda c: (-counts[c], c))
	others = sorted(c for c in counts if c != baseline_channel)
	names = [INTERCEPT, *NUMERIC_DRIVERS, *(f"{CHANNEL}={c}" for c in others)]
	x = [[1.0, *nums, *(1.0 if ch == c else 0.0 for c in others)] for _, nums, ch in clean]
	y = [s for s, _, _ in clean]
	result = ols(np.asarray(x).reshape(len(x), len(names)), y, names, confidence, min_residual_df, cov_type)
	result.rows_skipped = skipped
	result.baseline_channel = baseline_channel
	return result


@dataclass(frozen=True)
class Correlation:
	driver: str
	status: str
	n: int
	rho: float | None = None
	p_value: float | None = None
	ci_low: float | None = None
	ci_high: float | None = None


def spearman(
	x: Sequence[float], y: Sequence[float], confidence: float = 0.95, driver: str = ""
) -> Correlation:
	"""Spearman's rho (average ranks for ties) with a Fisher-z interval.

	The z standard error is sqrt(1.06 / (n - 3)) (Fieller, Hartley and Pearson 1957), the usual
	correction for rank correlation; the p-value is the t approximation scipy uses.
	"""
	if len(x) != len(y):
		raise ValueError("x and y must have the same length")
	n = len(x)
	if n < 4:
		return Correlation(driver, TOO_FEW_ROWS, n)
	rx, ry = stats.rankdata(x), stats.rankdata(y)
	if np.ptp(rx) == 0 or np.ptp(ry) == 0:
		return Correlation(driver, NO_VARIANCE, n)
	rho = float(np.corrcoef(rx, ry)[0, 1])
	if abs(rho) >= 1 - 1e-12:  # perfect monotone relation (float noise from corrcoef)
		rho = math.copysign(1.0, rho)
		return Correlation(driver, OK, n, rho, 0.0, rho, rho)
	t = rho * math.sqrt((n - 2) / (1 - rho * rho))
	pv = float(2 * stats.t.sf(abs(t), n - 2))
	z = math.atanh(rho)
	half = float(stats.norm.ppf(0.5 + confidence / 2)) * math.sqrt(1.06 / (n - 3))
	return Correlation(driver, OK, n, rho, pv, math.tanh(z - half), math.tanh(z + half))


def driver_correlations(rows: Sequence[Mapping[str, Any]], confidence: float = 0.95) -> list[Correlation]:
	"""Spearman correlation of the score with each numeric driver, on the rows where both are present."""
	out = []
	for driver in NUMERIC_DRIVERS:
		pairs = [(_number(r.get(SCORE)), _number(r.get(driver))) for r in rows]
		pairs = [(s, d) for s, d in pairs if s is not None and d is not None]
		out.append(spearman([d for _, d in pairs], [s for s, _ in pairs], confidence, driver))
	return out
