"""Schemathesis hooks for scripts/fuzz-api.sh: the bearer token each request is sent with."""

import json
import os
import urllib.request

import schemathesis

API = os.environ["JIETI_FUZZ_API"]
TOKEN = os.environ["JIETI_FUZZ_TOKEN"]


def guest_token():
    req = urllib.request.Request(f"{API}/session/guest", method="POST")
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.load(res)["token"]


# refresh_interval=None: asked for every case, so each sign-out can get a token of its own.
@schemathesis.auth(refresh_interval=None)
class JietiBearer:
    """The admin's token (prepare.py), which reaches every route. Sign-out revokes the token it
    is sent with, so each sign-out gets a new guest's instead: the admin's stays valid."""

    def get(self, case, ctx):
        if case.operation.method.upper() == "DELETE" and case.operation.path == "/session":
            return guest_token()
        return TOKEN

    def set(self, case, token, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
