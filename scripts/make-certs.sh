#!/usr/bin/env bash
# Generates the PEM fixtures used by the test suite into test/fixtures/.
#
#   scripts/make-certs.sh           generate only if some output is missing
#   scripts/make-certs.sh --force   regenerate everything
#
# Only the `openssl` command line is needed. Keys are fresh on each full
# generation (so the bytes differ), but the set of files, their subjects,
# SANs, chains and validity windows are always the same. Every certificate
# is issued with `openssl ca`, which takes explicit dates: good certificates
# are valid from 2020-01-01 to 2120-01-01 (not "from now", so a peer whose
# clock is a little behind still accepts them); the expired one was valid
# only during the year 2000.
#
# Outputs (all PEM):
#   ca.key / ca.pem                  root CA, RSA 2048
#   server.key / server.pem          RSA 2048 leaf for localhost, signed by CA
#   server-ec.key / server-ec.pem    ECDSA P-256 leaf for localhost, signed by CA
#   server-encrypted.key             server.key encrypted (PKCS#8, AES-256), passphrase "secret"
#   intermediate.key / intermediate.pem   intermediate CA signed by the root
#   leaf.key / leaf.pem              leaf for localhost signed by the intermediate
#   leaf-chain.pem                   leaf.pem + intermediate.pem
#   wrong.key / wrong.pem            leaf for wrong.example only, signed by CA
#   selfsigned.key / selfsigned.pem  self-signed localhost cert (not from the CA)
#   expired.key / expired.pem        leaf for localhost, signed by CA, expired in 2001
#   client.key / client.pem          client certificate (clientAuth), signed by CA
#   other-ca.key / other-ca.pem      a second, unrelated root CA
#   other-server.key / other-server.pem   localhost leaf signed by other-ca (unknown CA)
# Leaf SANs: DNS:localhost, IP:127.0.0.1, IP:::1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/cert-lib.sh"
TOOL=make-certs
OUT="$ROOT/test/fixtures"
ORG="uvtls test"
OUTPUTS=(ca.key ca.pem server.key server.pem server-ec.key server-ec.pem
  server-encrypted.key intermediate.key intermediate.pem leaf.key leaf.pem
  leaf-chain.pem wrong.key wrong.pem selfsigned.key selfsigned.pem
  expired.key expired.pem client.key client.pem other-ca.key other-ca.pem
  other-server.key other-server.pem)

skip_if_present "${1:-}"
enter_workdir

SAN_LOCALHOST="DNS:localhost,IP:127.0.0.1,IP:::1"

{
  common_extensions "$SAN_LOCALHOST"
  cat <<EOF
[server_ec_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

EOF
} > ext.cnf

# One database, numbered from a random serial.
write_ca_config "main:$(openssl rand -hex 8)"
database_for() { echo main; }

# Root CA and an unrelated second root.
rsa_key ca.key
issue ca self "uvtls Test Root CA" ca_ext
rsa_key other-ca.key
issue other-ca self "uvtls Other Root CA" ca_ext

# RSA server.
rsa_key server.key
issue server ca localhost server_ext

# ECDSA P-256 server.
ec_key server-ec.key
issue server-ec ca localhost server_ec_ext

# Encrypted copy of the server key.
openssl pkey -in server.key -aes256 -passout pass:secret -out server-encrypted.key

# Three-level chain: root -> intermediate -> leaf.
rsa_key intermediate.key
issue intermediate ca "uvtls Test Intermediate CA" intermediate_ext
rsa_key leaf.key
issue leaf intermediate localhost server_ext
cat leaf.pem intermediate.pem > leaf-chain.pem

# Wrong host name.
rsa_key wrong.key
issue wrong ca wrong.example wronghost_ext

# Self-signed localhost (not from the CA).
rsa_key selfsigned.key
issue selfsigned self localhost selfsigned_ext

# Localhost leaf from the unrelated CA (unknown issuer).
rsa_key other-server.key
issue other-server other-ca localhost server_ext

# Client certificate.
rsa_key client.key
issue client ca "uvtls test client" client_ext

# Expired certificate (valid only during 2000), signed by the CA.
rsa_key expired.key
issue expired ca localhost server_ext 20000101000000Z 20010101000000Z

# Sanity checks: every chain must verify (or fail) the way the tests expect.
openssl verify -CAfile ca.pem server.pem server-ec.pem wrong.pem client.pem intermediate.pem >/dev/null
openssl verify -CAfile ca.pem -untrusted intermediate.pem leaf.pem >/dev/null
openssl verify -CAfile other-ca.pem other-server.pem >/dev/null
if openssl verify -CAfile ca.pem expired.pem >/dev/null 2>&1; then
  echo "make-certs: expired.pem unexpectedly verifies" >&2; exit 1
fi
if openssl verify -CAfile ca.pem leaf.pem >/dev/null 2>&1; then
  echo "make-certs: leaf.pem unexpectedly verifies without its intermediate" >&2; exit 1
fi
openssl pkey -in server-encrypted.key -passin pass:secret -noout

install_outputs
