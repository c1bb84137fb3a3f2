'use strict';
// The built-in tls module, for the few facts that only it holds (the root
// certificates compiled into Node). uvtls/register maps `tls` to uvtls for
// everyone but this directory, so this is always Node's own module.

module.exports = require('node:tls');
