#!/bin/sh
# Installs the load generators the http scenarios use (Debian/Ubuntu):
#   wrk             HTTP/1.1 load over TLS (https-keepalive, https-close)
#   nghttp2-client  h2load, HTTP/2 load over TLS (h2)
# Without them those scenarios fall back to a Node load generator (the
# built-in https / http2 client in its own process) and say so in the output.
# Run as root, or it uses sudo.
set -e
SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends wrk nghttp2-client
wrk --version 2>&1 | head -n 1 || true
h2load --version 2>&1 | head -n 1 || true
