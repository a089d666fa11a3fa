#!/usr/bin/env bash
# A private CA and one server certificate for the compose stack's TLS listeners (nginx :443, Mosquitto :8883).
# For trials and closed networks; with a public name, use your CA's certificate instead (same file names).
#   docker/make-certs.sh ioc.phuong.example.vn 10.0.0.5     # extra DNS names / IP addresses of the server
# Devices and browsers trust docker/certs/ca.crt. Keys stay in docker/certs (git-ignored); never commit them.
# IOC_CERTS_DIR=DIR writes elsewhere (tests).
set -euo pipefail
cd "${IOC_CERTS_DIR:-$(dirname "$0")/certs}"
names=(localhost mqtt dashboard "$@")
san="IP:127.0.0.1"
for n in "${names[@]}"; do
  if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san+=",IP:$n"; else san+=",DNS:$n"; fi
done
if [[ ! -f ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes -keyout ca.key -out ca.crt \
    -subj "/O=smartward-ioc/CN=smartward-ioc private CA"
fi
openssl req -newkey rsa:2048 -sha256 -nodes -keyout server.key -out server.csr -subj "/O=smartward-ioc/CN=${1:-localhost}"
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 825 -out server.crt \
  -extfile <(printf "subjectAltName=%s\nextendedKeyUsage=serverAuth\n" "$san")
rm -f server.csr
chmod 600 ca.key
# Mosquitto (uid 1883 in eclipse-mosquitto) and nginx read the server key inside their containers
chmod 644 server.key server.crt ca.crt
echo "wrote $(pwd)/{ca.crt,server.crt,server.key} for: $san"
