#!/usr/bin/env python3
"""A small OIDC token endpoint for the secured test harness (scripts/real-kafka.sh).

It owns one RSA key, made at start and never written to disk, and serves on loopback:
  POST /token   OAuth 2 client credentials (HTTP basic auth or form client_id/client_secret);
                answers an RS256 JWT with sub = client id, iss = this server's base URL,
                aud = "kafka", scope, iat and exp; a wrong client answers 401 with an
                OAuth error body, as real identity providers do.
  GET  /jwks    the public key as a JSON Web Key Set, for Kafka's token validator.
  GET  /.well-known/openid-configuration   the two URLs above, for clients that discover them.

Test use only: the one client and its secret are fixed by the issue 22 contracts.
"""

import argparse
import base64
import json
import os
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENTS = {"kafka-dash": "kafka-dash-secret"}
AUDIENCE = "kafka"
KEY_ID = "kafka-dash-test-key"


def b64url(data: bytes) -> str:
    """Base64url without padding, as JOSE wants it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64url(n: int) -> str:
    """A JWK integer member: big-endian bytes, base64url."""
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class Issuer:
    """The signing key and the tokens made with it."""

    def __init__(self, base_url: str, lifetime: int):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.base_url = base_url
        self.lifetime = lifetime

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID,
               "n": int_b64url(numbers.n), "e": int_b64url(numbers.e)}
        return {"keys": [jwk]}

    def token(self, client_id: str, scope: str) -> str:
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "kid": KEY_ID}
        claims = {"sub": client_id, "iss": self.base_url, "aud": AUDIENCE, "scope": scope,
                  "iat": now, "nbf": now, "exp": now + self.lifetime, "client_id": client_id}
        signing_input = ".".join(b64url(json.dumps(part, separators=(",", ":")).encode())
                                 for part in (header, claims))
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)


def client_credentials(headers, form: dict):
    """The (id, secret) a request presents: basic auth first, then the form's fields."""
    auth = headers.get("Authorization", "")
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return None, None
        cid, _, secret = decoded.partition(":")
        # RFC 6749 2.3.1: both halves are form-url-encoded before joining.
        return urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)
    return form.get("client_id"), form.get("client_secret")


def make_handler(issuer: Issuer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # one line per request, never a secret
            sys.stderr.write("oidc: %s %s\n" % (self.command, self.path.split("?")[0]))

        def reply(self, status: int, body: dict, extra=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/jwks":
                self.reply(200, issuer.jwks())
            elif path == "/.well-known/openid-configuration":
                self.reply(200, {"issuer": issuer.base_url,
                                 "token_endpoint": issuer.base_url + "/token",
                                 "jwks_uri": issuer.base_url + "/jwks",
                                 "grant_types_supported": ["client_credentials"]})
            else:
                self.reply(404, {"error": "not_found"})

        def do_POST(self):
            if self.path.split("?")[0] != "/token":
                self.reply(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode(errors="replace")
            form = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
            if form.get("grant_type") != "client_credentials":
                self.reply(400, {"error": "unsupported_grant_type",
                                 "error_description": "only client_credentials is served"})
                return
            cid, secret = client_credentials(self.headers, form)
            if cid not in CLIENTS or CLIENTS[cid] != secret:
                self.reply(401, {"error": "invalid_client",
                                 "error_description": "unknown client or wrong client secret"},
                           [("WWW-Authenticate", 'Basic realm="kafka-dash-test"')])
                return
            scope = form.get("scope") or AUDIENCE
            self.reply(200, {"access_token": issuer.token(cid, scope), "token_type": "Bearer",
                             "expires_in": issuer.lifetime, "scope": scope})

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", help="written with the port once the server listens")
    parser.add_argument("--lifetime", type=int, default=3600, help="token lifetime, seconds")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.RequestHandlerClass = make_handler(Issuer(f"http://127.0.0.1:{port}", args.lifetime))
    server.daemon_threads = True
    if args.port_file:
        # Written whole, then renamed, so a reader never sees a half-written port.
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"oidc: listening on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
