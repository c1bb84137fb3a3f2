'use strict';
// The open-files limit (RLIMIT_NOFILE) of the benchmark's processes. Node
// cannot change its own limits, so run.js starts a child that needs more
// open files than the runner's soft limit through /bin/sh, whose `ulimit -n`
// sets the soft and hard limits before it exec()s node. Raising the hard
// limit needs root (CAP_SYS_RESOURCE); without it the soft limit is raised to
// the hard one, and the child checks what it got (checkOpenFiles).

const fs = require('fs');

// { soft, hard } of this process, from /proc/self/limits (Linux), or null.
function openFiles() {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/);
    const n = (s) => (s === 'unlimited' ? Infinity : Number(s));
    return { soft: n(soft), hard: n(hard) };
  } catch {
    return null;
  }
}

// fork() options (execPath, and what goes before execArgv) that start a
// child with a limit of at least `want` open files, or null if this
// process's soft limit is enough already or cannot be read.
function forkWithOpenFiles(want) {
  const lim = openFiles();
  if (!want || !lim || lim.soft >= want) return null;
  const n = Math.ceil(want);
  return {
    execPath: '/bin/sh',
    prefix: ['-c', `ulimit -n ${n} 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; ` +
             'exec "$0" "$@"', process.execPath],
  };
}

// Throws (code ERR_BENCH_LIMIT, which makes the runner mark the variant n/a
// at once) if this process may open fewer than `want` files; `spare` is what
// the process needs besides its connections (for the hint).
function checkOpenFiles(want, what, spare = 0) {
  const lim = openFiles();
  if (!lim || lim.soft >= want) return;
  const err = new Error(`${what} needs about ${want} open files in each process, but this ` +
    `process may open only ${lim.soft} (RLIMIT_NOFILE soft ${lim.soft}, hard ${lim.hard}), ` +
    'and the runner could not raise it (that needs CAP_SYS_RESOURCE, as root usually has); ' +
    `raise the hard limit (limits.conf, or ulimit -Hn as root before starting run.js) or use ` +
    `at most ${Math.max(0, lim.soft - spare)} --idle-connections`);
  err.code = 'ERR_BENCH_LIMIT';
  throw err;
}

module.exports = { openFiles, forkWithOpenFiles, checkOpenFiles };
