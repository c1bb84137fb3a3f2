'use strict';

// Linear-interpolated quantile of an ascending array.
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return {
    n: v.length,
    median: quantile(v, 0.5),
    min: v[0],
    max: v[v.length - 1],
    q1: quantile(v, 0.25),
    q3: quantile(v, 0.75),
  };
}

// 3 significant digits, no exponent; integers from 1000 up.
function fmt(x) {
  if (x == null || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return String(Math.round(x));
  if (a === 0) return '0';
  return String(Number(x.toPrecision(3)));
}

module.exports = { quantile, summarize, fmt };
