#!/usr/bin/env python3
"""Sends one signed request (README "Request signing") with the Python standard library.

  API=http://localhost:5000 TOKEN=<bearer token> SIGNING_KEY=<key> python3 sign.py METHOD PATH [BODY] [HEADER]

API_KEY=<secret> instead of TOKEN authenticates with X-API-Key. Prints the answer's body, then
its status on the last line.
"""
import hashlib
import hmac
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

method, path = sys.argv[1], sys.argv[2]
body = sys.argv[3] if len(sys.argv) > 3 else ""
extra = sys.argv[4] if len(sys.argv) > 4 else ""

timestamp = str(int(time.time()))
nonce = secrets.token_hex(16)
body_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
canonical = "\n".join([method, path, timestamp, nonce, body_hash])
signature = hmac.new(os.environ["SIGNING_KEY"].encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()

headers = {"X-Signature-Timestamp": timestamp, "X-Signature-Nonce": nonce, "X-Signature": signature}
if os.environ.get("API_KEY"):
    headers["X-API-Key"] = os.environ["API_KEY"]
else:
    headers["Authorization"] = "Bearer " + os.environ["TOKEN"]
if body:
    headers["Content-Type"] = "application/json"
if extra:
    name, _, value = extra.partition(":")
    headers[name.strip()] = value.strip()

request = urllib.request.Request(
    os.environ["API"] + path, data=body.encode("utf-8") if body else None, headers=headers, method=method
)
try:
    with urllib.request.urlopen(request) as response:
        status, text = response.status, response.read().decode("utf-8")
except urllib.error.HTTPError as error:
    status, text = error.code, error.read().decode("utf-8")
print(text)
print(status)
