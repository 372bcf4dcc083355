#!/usr/bin/env bash
# deploy/tls/make-dev-certs.sh OUT_DIR [NODE...]
# Makes a development CA and one certificate per node (default: n1 n2 n3) for a TLS cluster:
#   OUT_DIR/ca.pem             the CA certificate: every node's --tls-ca, pvctl --cacert, curl --cacert
#   OUT_DIR/<node>.pem         the node's certificate: --tls-cert
#   OUT_DIR/<node>-key.pem     its private key, PKCS#8 PEM, mode 600: --tls-key
#   OUT_DIR/ca-key.pem         the CA's private key (only this script needs it)
# Each node certificate names DNS:localhost, DNS:<node> and IP:127.0.0.1, plus PENSIEVE_TLS_SANS
# (comma-separated, e.g. "DNS:db1.example.com,IP:10.0.0.5"), and may serve and connect (peers use
# the same certificate both ways). Keys are EC P-256; everything is valid for PENSIEVE_TLS_DAYS
# days (default and most 825). Idempotent: existing files are kept, a node certificate that the
# CA in OUT_DIR did not sign (or that lacks a requested SAN) is made again. A second OUT_DIR gets
# a CA of its own, whose certificates the first CA's nodes refuse.
# For development and tests only: production clusters should use the organisation's own CA.
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [NODE...]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
out=$1
shift
nodes=("$@")
((${#nodes[@]} > 0)) || nodes=(n1 n2 n3)
days=${PENSIEVE_TLS_DAYS:-825}
[[ $days =~ ^[0-9]+$ ]] && ((days >= 1 && days <= 825)) \
  || { echo "PENSIEVE_TLS_DAYS must be 1 to 825, got '$days'" >&2; exit 2; }
for node in "${nodes[@]}"; do
  [[ $node =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$ ]] \
    || { echo "'$node' is not a node id (letters, digits, '.', '_', '-')" >&2; exit 2; }
done

if ! command -v openssl >/dev/null 2>&1; then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssl >&2
fi

shown=${out%/}  # as given, for the report
mkdir -p "$out"
out=$(cd "$out" && pwd)
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

new_key() {  # file: an EC P-256 key, PKCS#8 PEM ("BEGIN PRIVATE KEY")
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

ca_made=false
if [[ ! -s $out/ca.pem || ! -s $out/ca-key.pem ]]; then
  new_key "$out/ca-key.pem"
  cat >"$work/ca.ext" <<EXT
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EXT
  # a random suffix tells two development CAs apart in error messages
  openssl req -new -x509 -key "$out/ca-key.pem" -sha256 -days "$days" \
    -subj "/O=Pensieve/CN=Pensieve development CA $(openssl rand -hex 4)" \
    -extensions ca -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n[ca]\n'; cat "$work/ca.ext") \
    -out "$out/ca.pem"
  chmod 644 "$out/ca.pem"
  ca_made=true
  echo "made   $shown/ca.pem (CA certificate, $(openssl x509 -in "$out/ca.pem" -noout -subject))"
  echo "made   $shown/ca-key.pem (CA private key)"
else
  echo "kept   $shown/ca.pem"
fi

sans_of() {  # node: the SANs its certificate must carry, comma-separated
  local list="DNS:localhost,DNS:$1,IP:127.0.0.1"
  [[ -z ${PENSIEVE_TLS_SANS:-} ]] || list="$list,${PENSIEVE_TLS_SANS// /}"
  echo "$list"
}

current() {  # node: whether its certificate exists, was signed by this CA and has the SANs
  local cert=$out/$1.pem key=$out/$1-key.pem
  [[ -s $cert && -s $key ]] || return 1
  openssl verify -CAfile "$out/ca.pem" "$cert" >/dev/null 2>&1 || return 1
  local have san
  have=$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | tail -n +2 \
    | sed 's/IP Address:/IP:/g; s/ //g')
  IFS=, read -ra wanted <<<"$(sans_of "$1")"
  for san in "${wanted[@]}"; do
    [[ ,$have, == *",$san,"* ]] || return 1
  done
}

for node in "${nodes[@]}"; do
  if ! $ca_made && current "$node"; then
    echo "kept   $shown/$node.pem"
    continue
  fi
  new_key "$out/$node-key.pem"
  cat >"$work/$node.ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $(sans_of "$node")
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
  openssl req -new -key "$out/$node-key.pem" -subj "/O=Pensieve/CN=$node" -out "$work/$node.csr"
  openssl x509 -req -in "$work/$node.csr" -CA "$out/ca.pem" -CAkey "$out/ca-key.pem" \
    -set_serial "0x$(openssl rand -hex 16)" -sha256 -days "$days" -extfile "$work/$node.ext" \
    -out "$out/$node.pem" 2>/dev/null
  chmod 644 "$out/$node.pem"
  echo "made   $shown/$node.pem (SANs $(sans_of "$node"); serverAuth, clientAuth; $days days)"
  echo "made   $shown/$node-key.pem (PKCS#8 private key)"
done
