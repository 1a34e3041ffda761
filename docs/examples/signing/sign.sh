#!/usr/bin/env bash
# Sends one signed request (README "Request signing") with curl and openssl.
#   API=http://localhost:5000 TOKEN=<bearer token> SIGNING_KEY=<key> ./sign.sh METHOD PATH [BODY] [HEADER]
# API_KEY=<secret> instead of TOKEN authenticates with X-API-Key. Prints the answer's body, then
# its status on the last line.
set -euo pipefail
method="$1" path="$2" body="${3-}" extra="${4-}"

timestamp="$(date +%s)"
nonce="$(openssl rand -hex 16)"
body_hash="$(printf '%s' "$body" | openssl dgst -sha256 -hex | sed 's/^.*= //')"
signature="$(printf '%s\n%s\n%s\n%s\n%s' "$method" "$path" "$timestamp" "$nonce" "$body_hash" |
  openssl dgst -sha256 -hmac "$SIGNING_KEY" -hex | sed 's/^.*= //')"

headers=(-H "X-Signature-Timestamp: $timestamp" -H "X-Signature-Nonce: $nonce" -H "X-Signature: $signature")
if [ -n "${API_KEY-}" ]; then headers+=(-H "X-API-Key: $API_KEY"); else headers+=(-H "Authorization: Bearer $TOKEN"); fi
if [ -n "$extra" ]; then headers+=(-H "$extra"); fi
if [ -n "$body" ]; then headers+=(-H "Content-Type: application/json" --data-binary "$body"); fi
curl -sS -X "$method" "${API}${path}" "${headers[@]}" -w '\n%{http_code}\n'
