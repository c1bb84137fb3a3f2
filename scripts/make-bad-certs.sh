#!/usr/bin/env bash
# Generates the certificate matrix used by test/verify-matrix.test.js and
# test/peer-certificate.test.js into test/fixtures/matrix/.
#
#   scripts/make-bad-certs.sh           generate only if some output is missing
#   scripts/make-bad-certs.sh --force   regenerate everything
#
# Only the `openssl` command line (3.0 or later) is needed; nothing goes to
# the network. Keys are fresh on each full generation (so the bytes differ),
# but the set of files, subjects, serial numbers, extensions, chains, CRLs and
# validity windows are always the same. Every certificate is issued with
# `openssl ca`, which takes explicit -startdate/-enddate (openssl 3.0's
# `x509 -req` has no -not_before/-not_after): good certificates are valid from
# 2020-01-01 to 2120-01-01; the expired leaf only during the year 2000; the
# not-yet-valid leaf from 2100-01-01. CRLs are dated with -crl_lastupdate and
# -crl_nextupdate (2020-01-01 .. 2120-01-01).
#
# Outputs (all PEM), in test/fixtures/matrix/:
#   Certificate authorities (RSA 2048)
#     root.{key,pem}               "uvtls Matrix Root CA", self-signed
#     intermediate.{key,pem}       "uvtls Matrix Intermediate CA", signed by root (pathlen:0)
#     other-root.{key,pem}         "uvtls Matrix Other Root CA", unrelated self-signed root
#   Server leaves (SAN DNS:localhost, IP:127.0.0.1 unless noted); NAME-chain.pem
#   is NAME.pem + intermediate.pem for the leaves signed by the intermediate
#     good                 RSA, signed by intermediate, EKU serverAuth
#     good-fullchain.pem   good.pem + intermediate.pem + root.pem
#     expired              RSA, signed by intermediate, valid 2000-01-01 .. 2001-01-01
#     notyet               RSA, signed by intermediate, valid 2100-01-01 .. 2120-01-01
#     selfsigned           RSA, self-signed, CN localhost
#     wronghost            RSA, signed by intermediate, CN/SAN wrong.example only
#     iponly               RSA, signed by intermediate, SAN IP:127.0.0.1 only, CN ip-only.example
#     cnonly               RSA, signed by intermediate, no SAN at all, CN localhost
#     revoked              RSA, signed by intermediate, revoked in intermediate.crl.pem
#     eku-client           RSA, signed by intermediate, EKU clientAuth only
#     ku-certsign          RSA, signed by intermediate, keyUsage keyCertSign+cRLSign only
#     ku-keyencipherment   RSA, signed by intermediate, keyUsage keyEncipherment only
#     rsa                  RSA 2048, signed directly by root, EKU serverAuth+clientAuth
#     ecdsa                ECDSA P-256, signed directly by root, EKU serverAuth+clientAuth
#     ed25519              Ed25519, signed directly by root, EKU serverAuth+clientAuth
#   Client certificates (EKU clientAuth, no SAN)
#     client               RSA, signed by intermediate (client-chain.pem = + intermediate)
#     client-untrusted     RSA, signed by other-root
#     client-selfsigned    RSA, self-signed
#   CRLs
#     root.crl.pem         by the root, empty (revokes nothing)
#     intermediate.crl.pem by the intermediate, revokes revoked.pem (keyCompromise)
#     crl-revoked.pem      root.crl.pem + intermediate.crl.pem (what a client passes as `crl`)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/cert-lib.sh"
TOOL=make-bad-certs
OUT="$ROOT/test/fixtures/matrix"
ORG="uvtls matrix"

CAS=(root intermediate other-root)
CHAINED=(good expired notyet wronghost iponly cnonly revoked eku-client ku-certsign
  ku-keyencipherment client)
LEAVES=(good expired notyet selfsigned wronghost iponly cnonly revoked eku-client
  ku-certsign ku-keyencipherment rsa ecdsa ed25519 client client-untrusted client-selfsigned)

OUTPUTS=()
for n in "${CAS[@]}" "${LEAVES[@]}"; do OUTPUTS+=("$n.key" "$n.pem"); done
for n in "${CHAINED[@]}"; do OUTPUTS+=("$n-chain.pem"); done
OUTPUTS+=(good-fullchain.pem root.crl.pem intermediate.crl.pem crl-revoked.pem)

skip_if_present "${1:-}"
enter_workdir

SAN_LOCALHOST="DNS:localhost,IP:127.0.0.1"

{
  common_extensions "$SAN_LOCALHOST"
  cat <<EOF
[both_rsa_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[both_sig_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[iponly_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = IP:127.0.0.1

[cnonly_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[eku_client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[ku_certsign_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[ku_keyencipherment_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SAN_LOCALHOST

[client_self_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
EOF
} > ext.cnf

# One `openssl ca` database per issuer (and one for the self-signed leaves),
# with fixed starting serial numbers so that serials are the same on every
# generation. The self-signed roots record their own certificates.
write_ca_config root:1000 intermediate:2000 other-root:3000 self:4000
database_for() {
  if [ "$2" != self ]; then echo "$2"; return; fi
  case "$1" in root|other-root) echo "$1" ;; *) echo self ;; esac
}

# Certificate authorities.
rsa_key root.key
issue root self "uvtls Matrix Root CA" ca_ext
rsa_key intermediate.key
issue intermediate root "uvtls Matrix Intermediate CA" intermediate_ext
rsa_key other-root.key
issue other-root self "uvtls Matrix Other Root CA" ca_ext

# Leaves signed by the intermediate.
for spec in \
  "good:localhost:server_ext" \
  "wronghost:wrong.example:wronghost_ext" \
  "iponly:ip-only.example:iponly_ext" \
  "cnonly:localhost:cnonly_ext" \
  "revoked:localhost:server_ext" \
  "eku-client:localhost:eku_client_ext" \
  "ku-certsign:localhost:ku_certsign_ext" \
  "ku-keyencipherment:localhost:ku_keyencipherment_ext" \
  "client:uvtls matrix client:client_ext"; do
  IFS=: read -r name cn ext <<<"$spec"
  rsa_key "$name.key"
  issue "$name" intermediate "$cn" "$ext"
done
rsa_key expired.key
issue expired intermediate localhost server_ext 20000101000000Z 20010101000000Z
rsa_key notyet.key
issue notyet intermediate localhost server_ext 21000101000000Z 21200101000000Z

# Self-signed leaves.
rsa_key selfsigned.key
issue selfsigned self localhost selfsigned_ext
rsa_key client-selfsigned.key
issue client-selfsigned self "uvtls matrix self-signed client" client_self_ext

# Leaves of each key type, signed directly by the root.
rsa_key rsa.key
issue rsa root localhost both_rsa_ext
ec_key ecdsa.key
issue ecdsa root localhost both_sig_ext
ed25519_key ed25519.key
issue ed25519 root localhost both_sig_ext

# Client certificate from the unrelated root.
rsa_key client-untrusted.key
issue client-untrusted other-root "uvtls matrix untrusted client" client_ext

# Chains as a server (or client) sends them.
for n in "${CHAINED[@]}"; do cat "$n.pem" intermediate.pem > "$n-chain.pem"; done
cat good.pem intermediate.pem root.pem > good-fullchain.pem

# CRLs: the intermediate revokes `revoked`; the root revokes nothing we use
# (a CRL for every level is needed: Node's `crl` option sets CRL_CHECK_ALL).
quiet openssl ca -batch -config ca.cnf -name ca_intermediate -keyfile intermediate.key \
  -cert intermediate.pem -revoke revoked.pem -crl_reason keyCompromise
# `openssl ca -revoke` records "now" as the revocation date; pin it to
# 2020-01-01 in the database (column 3: UTCTime,reason) so the CRL's content
# does not depend on when it was made.
awk 'BEGIN { FS = OFS = "\t" } $1 == "R" { $3 = "200101000000Z,keyCompromise" } { print }' \
  db-intermediate/index.txt > db-intermediate/index.txt.new
mv db-intermediate/index.txt.new db-intermediate/index.txt
gencrl() {
  quiet openssl ca -batch -config ca.cnf -name "ca_$1" -keyfile "$1.key" -cert "$1.pem" \
    -gencrl -crlexts crl_ext -crl_lastupdate "$START" -crl_nextupdate "$END" \
    -out "$1.crl.pem"
}
gencrl root
gencrl intermediate
cat root.crl.pem intermediate.crl.pem > crl-revoked.pem

# Sanity checks: every case must verify (or fail) the way the tests expect.
expect_ok() { openssl verify "$@" >/dev/null || { echo "make-bad-certs: expected OK: $*" >&2; exit 1; }; }
expect_fail() {
  local want=$1; shift
  local out
  if out=$(openssl verify "$@" 2>&1); then
    echo "make-bad-certs: unexpectedly verifies: $*" >&2; exit 1
  fi
  grep -q "$want" <<<"$out" || { echo "make-bad-certs: expected '$want' from $*: $out" >&2; exit 1; }
}
A=(-CAfile root.pem -untrusted intermediate.pem)
expect_ok -CAfile root.pem intermediate.pem rsa.pem ecdsa.pem ed25519.pem
expect_ok "${A[@]}" -purpose sslserver good.pem wronghost.pem iponly.pem cnonly.pem revoked.pem
expect_ok "${A[@]}" -purpose sslclient client.pem
expect_ok -CAfile root.pem -purpose sslclient rsa.pem ecdsa.pem ed25519.pem
expect_ok -CAfile other-root.pem -purpose sslclient client-untrusted.pem
expect_ok "${A[@]}" -crl_check_all -CRLfile crl-revoked.pem good.pem
expect_fail "certificate revoked" "${A[@]}" -crl_check_all -CRLfile crl-revoked.pem revoked.pem
expect_fail "certificate has expired" "${A[@]}" expired.pem
expect_fail "certificate is not yet valid" "${A[@]}" notyet.pem
expect_fail "unable to get local issuer" -CAfile root.pem good.pem
expect_fail "unsuitable certificate purpose" "${A[@]}" -purpose sslserver eku-client.pem
expect_fail "unsuitable certificate purpose" "${A[@]}" -purpose sslserver ku-certsign.pem
expect_fail "self-signed certificate" -CAfile root.pem selfsigned.pem

install_outputs
