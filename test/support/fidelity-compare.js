'use strict';
// Whole comparisons for the fidelity specs: an outcome (what a call
// returned, or what it threw) and error objects down to their shape:
// constructor, name, message, code, own properties in order with their
// attributes and values, the first line of the stack, toString().

const assert = require('assert');
const util = require('util');

// What calling fn() did: { returned } or { threw }.
function outcome(fn) {
  try {
    return { returned: fn() };
  } catch (threw) {
    return { threw };
  }
}

function attributes(desc) {
  return (desc.enumerable ? 'e' : '-') + (desc.writable ? 'w' : '-') +
    (desc.configurable ? 'c' : '-') + (desc.get || desc.set ? 'a' : '-');
}

// Everything about an error that a program can see without its stack
// frames (which name files): the values of its own properties other than
// the stack are compared as they are (nested errors as errors).
function errorView(err, seen = new Set()) {
  if (!(err instanceof Error)) return { notAnError: err };
  if (seen.has(err)) return { cycle: true };
  seen.add(err);
  const own = {};
  for (const key of Reflect.ownKeys(err)) {
    const desc = Object.getOwnPropertyDescriptor(err, key);
    let value;
    if (key === 'stack') value = String(err.stack).split('\n')[0];
    else if ('value' in desc) value = desc.value instanceof Error ? errorView(desc.value, seen) : desc.value;
    own[String(key)] = [attributes(desc), value];
  }
  return {
    constructor: err.constructor,
    name: err.name,
    message: err.message,
    code: err.code,
    ownKeys: Reflect.ownKeys(err).map(String),
    own,
    toString: String(err),
    tag: Object.prototype.toString.call(err),
    inspected: util.inspect(err).split('\n')[0],
    instanceOf: [Error, TypeError, RangeError, SyntaxError].filter((C) => err instanceof C).map((C) => C.name),
  };
}

// Throws an AssertionError naming `what` unless the two errors look the same.
function assertSameError(actual, expected, what = 'error') {
  assert.deepStrictEqual(errorView(actual), errorView(expected), `${what}: the errors differ`);
}

// Outcomes compare by their returned values (through `view`, for values
// that hold things that differ by nature, such as random bytes) or by their
// errors, whole.
function viewOutcome(result, view = (v) => v) {
  if ('threw' in result) return { threw: errorView(result.threw) };
  return { returned: view(result.returned) };
}

function assertSameOutcome(actual, expected, what, view) {
  assert.deepStrictEqual(viewOutcome(actual, view), viewOutcome(expected, view),
                         `${what}: the outcomes differ`);
}

// A small seeded generator (mulberry32): the same seed, the same inputs.
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (list) => list[int(list.length)],
  };
}

module.exports = { outcome, errorView, assertSameError, viewOutcome, assertSameOutcome, random };
