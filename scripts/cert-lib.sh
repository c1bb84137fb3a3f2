# Shared by the fixture generators (make-certs.sh, make-bad-certs.sh):
# sourced, not run. Each generator sets TOOL (its name, for messages), OUT
# (where the fixtures go), ORG (the O= of every subject) and OUTPUTS (the
# files it writes), then calls these in turn.

# Certificates are valid from 2020 to 2120, not "from now", so a peer whose
# clock is a little behind still accepts them.
START=20200101000000Z
END=21200101000000Z

# Stops (successfully) when every output exists, unless --force was given.
skip_if_present() {
  [ "${1:-}" = "--force" ] && return 0
  local f
  for f in "${OUTPUTS[@]}"; do [ -s "$OUT/$f" ] || return 0; done
  echo "$TOOL: all fixtures present in $OUT (use --force to regenerate)"
  exit 0
}

# Works in a fresh temporary directory, removed at exit.
enter_workdir() {
  command -v openssl >/dev/null || { echo "$TOOL: openssl not found" >&2; exit 1; }
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  cd "$WORK"
}

# Runs a command quietly; shows its output if it fails.
quiet() {
  local log
  if ! log=$("$@" 2>&1); then
    echo "$TOOL: failed: $*" >&2
    echo "$log" >&2
    return 1
  fi
}

rsa_key() { quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }
ec_key() {
  quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1"
}
ed25519_key() { quiet openssl genpkey -algorithm ED25519 -out "$1"; }

# The extension sections both generators use, for leaves with SAN $1:
# ca_ext, intermediate_ext, server_ext, wronghost_ext, selfsigned_ext,
# client_ext.
common_extensions() {
  cat <<EOF2
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
subjectAltName = $1

[wronghost_ext]
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
subjectAltName = $1

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

EOF2
}

# Writes ca.cnf with one `openssl ca` database per NAME:SERIAL argument
# (section ca_NAME, numbering from SERIAL).
write_ca_config() {
  local db name serial
  {
    echo "[ca]"
    echo "default_ca = ca_${1%%:*}"
    for db in "$@"; do
      name=${db%%:*}
      serial=${db##*:}
      mkdir -p "db-$name/new"
      : > "db-$name/index.txt"
      echo "$serial" > "db-$name/serial"
      echo "$serial" > "db-$name/crlnumber"
      cat <<EOF2
[ca_$name]
dir = $WORK/db-$name
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
EOF2
    done
    cat <<EOF2
[policy_any]
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
[dn]
[crl_ext]
authorityKeyIdentifier = keyid:always
EOF2
  } > ca.cnf
}

# The database that records NAME's certificate when ISSUER signs it; a
# generator may redefine it. By default the issuer's, or "self".
database_for() {
  echo "$2"
}

# issue NAME ISSUER CN EXT [START END]    (ISSUER "self" = self-signed)
issue() {
  local name=$1 issuer=$2 cn=$3 ext=$4 start=${5:-$START} end=${6:-$END}
  local signer=()
  quiet openssl req -new -config ca.cnf -key "$name.key" -out "$name.csr" \
    -subj "/O=$ORG/CN=$cn"
  if [ "$issuer" = self ]; then
    signer=(-selfsign -keyfile "$name.key")
  else
    signer=(-keyfile "$issuer.key" -cert "$issuer.pem")
  fi
  quiet openssl ca -batch -notext -config ca.cnf -name "ca_$(database_for "$name" "$issuer")" \
    "${signer[@]}" -in "$name.csr" -out "$name.pem" -startdate "$start" -enddate "$end" \
    -extfile ext.cnf -extensions "$ext"
}

# Copies the outputs into $OUT.
install_outputs() {
  local f
  mkdir -p "$OUT"
  for f in "${OUTPUTS[@]}"; do
    install -m 0644 "$f" "$OUT/$f"
  done
  echo "$TOOL: wrote ${#OUTPUTS[@]} files to $OUT"
}
