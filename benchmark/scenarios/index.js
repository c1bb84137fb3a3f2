'use strict';
// Scenario definitions, one file per concern, registered here in report
// order. Each scenario has
//   variants(cfg)                 -> [{ id, title, ...params }]
//   server(tls, p, env)           -> { port, begin?(), stats?() } (async)
//   prepare?(tls, p, env, port)   -> state (async; client, before timing)
//   client(tls, p, env, port, st) -> result (async; the timed part)
//   load?(tls, p, env, port)      -> { stop() -> result } (async; a third
//                                    process's work against the server, begun
//                                    before and stopped after the timed part)
//   metrics(client, server, p, load) -> { metrics: [...], info: {...} }
// and optionally
//   setup(dir, cfg)  -> shared   run once by run.js (in its temporary
//                                 directory) before the scenario's first
//                                 measurement; `shared` reaches every worker
//                                 as env.shared (file.js)
//   module        'https' | 'http2': what the functions get in place of tls
//   builtinRoles  roles that always get the built-in module (the fixed side)
//   builtinLabel  the built-in's name in the report (default 'node:tls')
//   reportInfo    info fields printed under the variant's summary
// (the last four in the HTTP scenarios, http.js). A variant may have
//   openFiles     open files each of its processes needs (run.js raises the
//                 children's limit when it can; idle.js)
//   timeoutSec    a lower bound for the measurement's timeout
// `tls` is the implementation under test (uvtls or node:tls); the server, the
// client and the load run in separate child processes (see worker.js). CPU
// time (process.cpuUsage) of each process over its part is measured by the
// worker and arrives here as cpuUs, with the wall time of that part as
// wallMs. A metric's `better` is 'higher', 'lower' or null (context).
//
//   common.js     options for both ends, listen/connect, pump, timing
//   bulk.js       1. bulk, 7. wrap
//   handshake.js  2. handshake, 3. resume (and the handshake storm)
//   echo.js       4. echo, 6. flood
//   idle.js       5. idle
//   http.js       8.–10. https-server, h2-server, https-client
//   file.js       11. file

const { bulk, wrap } = require('./bulk');
const { handshake, resume } = require('./handshake');
const { echo, flood } = require('./echo');
const { idle } = require('./idle');
const { file } = require('./file');

module.exports = {
  scenarios: [bulk, handshake, resume, echo, idle, flood, wrap, ...require('./http').scenarios,
              file],
};
