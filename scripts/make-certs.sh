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
OUT="$ROOT/test/fixtures"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

OUTPUTS=(ca.key ca.pem server.key server.pem server-ec.key server-ec.pem
  server-encrypted.key intermediate.key intermediate.pem leaf.key leaf.pem
  leaf-chain.pem wrong.key wrong.pem selfsigned.key selfsigned.pem
  expired.key expired.pem client.key client.pem other-ca.key other-ca.pem
  other-server.key other-server.pem)

if [ "$FORCE" = 0 ]; then
  missing=0
  for f in "${OUTPUTS[@]}"; do [ -s "$OUT/$f" ] || missing=1; done
  if [ "$missing" = 0 ]; then
    echo "make-certs: all fixtures present in $OUT (use --force to regenerate)"
    exit 0
  fi
fi

command -v openssl >/dev/null || { echo "make-certs: openssl not found" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

START=20200101000000Z
END=21200101000000Z
SAN_LOCALHOST="DNS:localhost,IP:127.0.0.1,IP:::1"

cat > ext.cnf <<EOF
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[server_ec_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[wrong_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:wrong.example

[selfsigned_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $SAN_LOCALHOST

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

mkdir -p ca-db/new
: > ca-db/index.txt
openssl rand -hex 8 > ca-db/serial
cat > ca.cnf <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $WORK/ca-db
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
[dn]
EOF

rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
ec_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
}

# issue NAME ISSUER CN EXT [START END]    (ISSUER "self" = self-signed)
issue() {
  local name=$1 issuer=$2 cn=$3 ext=$4 start=${5:-$START} end=${6:-$END}
  local signer=()
  openssl req -new -config ca.cnf -key "$name.key" -out "$name.csr" \
    -subj "/O=uvtls test/CN=$cn"
  if [ "$issuer" = self ]; then
    signer=(-selfsign -keyfile "$name.key")
  else
    signer=(-keyfile "$issuer.key" -cert "$issuer.pem")
  fi
  openssl ca -batch -notext -config ca.cnf "${signer[@]}" -in "$name.csr" \
    -out "$name.pem" -startdate "$start" -enddate "$end" \
    -extfile ext.cnf -extensions "$ext" 2>/dev/null
}

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
issue wrong ca wrong.example wrong_ext

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

mkdir -p "$OUT"
for f in "${OUTPUTS[@]}"; do
  install -m 0644 "$f" "$OUT/$f"
done
echo "make-certs: wrote ${#OUTPUTS[@]} files to $OUT"
