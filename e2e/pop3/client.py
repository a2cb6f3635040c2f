#!/usr/bin/env python3
"""An independent POP3 client for the end-to-end tests: the Python standard library's
poplib, over STLS or implicit TLS, checking the server certificate against the file
given. Prints one JSON object describing what it saw."""

import argparse
import json
import poplib
import ssl


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls", choices=["stls", "implicit"], required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--dele", type=int, action="append", default=[])
    a = p.parse_args()

    ctx = ssl.create_default_context(cafile=a.cafile)
    if a.tls == "implicit":
        box = poplib.POP3_SSL("localhost", a.port, context=ctx, timeout=10)
    else:
        box = poplib.POP3("localhost", a.port, timeout=10)
        box.stls(context=ctx)
    out = {"welcome": box.getwelcome().decode(), "capa": sorted(box.capa().keys())}
    box.user(a.user)
    box.pass_(a.password)
    out["stat"] = list(box.stat())
    out["list"] = [l.decode() for l in box.list()[1]]
    out["uidl"] = [l.decode() for l in box.uidl()[1]]
    messages = []
    for i in range(1, out["stat"][0] + 1):
        _, lines, octets = box.retr(i)
        messages.append({"lines": [l.decode() for l in lines], "octets": octets})
    out["messages"] = messages
    for n in a.dele:
        box.dele(n)
    out["quit"] = box.quit().decode()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
