"""Walks every operation of the server's OpenAPI document with bad input and checks each
answer against the document: its status must be one the operation lists, and its body
must have a media type the document gives for that status and match its schema.

Bad input, per operation: no credentials, a malformed Authorization header, an unknown
token and API key, a plain user's token, an API key without the scopes the operation
needs; as the server administrator, path ids that name nothing; for a JSON body, none, a
wrong media type, malformed JSON, an array, an empty object, an unknown field, every
field of the wrong type; for query parameters, values out of range or of the wrong type.
Nothing here has a valid target, so nothing is changed but what the set-up creates.

Usage: walk.py --url URL --user ADDRESS --password PASSWORD [--document FILE]. Prints a summary as JSON;
exits 1 listing every answer the document does not describe.
"""

import argparse
import http.client
import json
import sys
import urllib.parse

from openapi_schema_validator import OAS31Validator

METHODS = ("get", "put", "post", "patch", "delete")
PASSWORD = "Copper-Lantern-58q"


class Server:
    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port

    def call(self, method, path, headers=None, body=None):
        """One request; returns (status, media type, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method.upper(), path, body=body, headers=headers or {})
            res = conn.getresponse()
            data = res.read()
            media = (res.getheader("content-type") or "").split(";")[0].strip()
            return res.status, media, data
        finally:
            conn.close()

    def json(self, method, path, token=None, body=None, expect=200):
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        status, _, data = self.call(method, path, headers, json.dumps(body) if body is not None else None)
        if status != expect:
            raise SystemExit(f"walk: set-up {method} {path} answered {status}: {data[:300]!r}")
        return json.loads(data) if data else None


def set_up(server, user, password):
    """An administrator's token, a plain user's token, and API keys that lack scopes."""
    admin = server.json("post", "/api/v1/auth/login", body={"username": user, "password": password})["access_token"]
    server.json("post", "/api/v1/admin/domains", admin, {"name": "walk.example"}, expect=201)
    server.json(
        "post", "/api/v1/admin/accounts", admin,
        {"address": "walker@walk.example", "password": PASSWORD}, expect=201,
    )
    plain = server.json(
        "post", "/api/v1/auth/login", body={"username": "walker@walk.example", "password": PASSWORD}
    )["access_token"]
    # An administrator's key that may only read, and one that may only read its account.
    read_only = server.json(
        "post", "/api/v1/me/api-keys", admin,
        {"name": "walk read", "scopes": ["account:read", "admin:read"]}, expect=201,
    )["secret"]
    account_read = server.json(
        "post", "/api/v1/me/api-keys", admin, {"name": "walk account", "scopes": ["account:read"]}, expect=201
    )["secret"]
    return admin, plain, read_only, account_read


def wrong_type(schema, components):
    """A JSON value that is not of `schema`'s type."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    kinds = schema.get("type", "object")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "object" in kinds or "enum" in schema:
        return [1, 2]
    if "string" in kinds:
        return 12345
    if "integer" in kinds or "number" in kinds:
        return "not a number"
    if "boolean" in kinds:
        return "yes"
    if "array" in kinds:
        return {"not": "an array"}
    return [1, 2]


def form_cases():
    """(name, content type, body) of the bad bodies for an operation that takes a form."""
    return [
        ("no body", "multipart/form-data; boundary=walk", None),
        ("wrong media type", "application/json", "{}"),
        ("not a form", "multipart/form-data; boundary=walk", "not a form at all"),
        ("a form without its file", "multipart/form-data; boundary=walk",
         '--walk\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--walk--\r\n'),
    ]


def body_cases(op, components):
    """(name, content type, body) of the bad bodies for an operation with a JSON body."""
    if "multipart/form-data" in op["requestBody"]["content"]:
        return form_cases()
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    cases = [
        ("no body", "application/json", None),
        ("wrong media type", "text/plain", "{}"),
        ("malformed JSON", "application/json", '{"a": '),
        ("an array", "application/json", "[]"),
        ("an empty object", "application/json", "{}"),
        ("an unknown field", "application/json", json.dumps({"no_such_field_here": 1})),
    ]
    props = schema.get("properties", {})
    if props:
        wrong = {name: wrong_type(p, components) for name, p in props.items()}
        cases.append(("every field of the wrong type", "application/json", json.dumps(wrong)))
        for name, p in props.items():
            cases.append((f"{name} of the wrong type", "application/json", json.dumps({name: wrong_type(p, components)})))
    return cases


def query_cases(op):
    """(name, query string) of bad query parameters."""
    cases = []
    for p in op.get("parameters", []):
        if p["in"] != "query":
            continue
        s = p.get("schema", {})
        kinds = s.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "integer" in kinds:
            values = ["abc", "-1", "1.5", "99999999999999999999"]
            if "minimum" in s:
                values.append(str(s["minimum"] - 1))
            if "maximum" in s:
                values.append(str(s["maximum"] + 1))
        else:
            values = ["\u00ff" * 300, "%"]
        for v in values:
            cases.append((f"{p['name']}={v[:20]}", urllib.parse.urlencode({p["name"]: v})))
    return cases


def path_with(path, value):
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + urllib.parse.quote(value, safe="") + out[end + 1:]
    return out


def check(doc, validators, path, method, op, case, answer, problems, counts):
    status, media, data = answer
    counts["requests"] += 1
    where = f"{method.upper()} {path} ({case})"
    if status >= 500:
        problems.append(f"{where}: {status}, a server error: {data[:200]!r}")
        return
    response = op["responses"].get(str(status))
    if response is None:
        problems.append(f"{where}: {status} is not listed (listed: {sorted(op['responses'])}): {data[:200]!r}")
        return
    counts["statuses"].add(status)
    content = response.get("content", {})
    if not content:
        if data:
            problems.append(f"{where}: {status} has a body the document does not describe: {data[:200]!r}")
        return
    if media not in content:
        problems.append(f"{where}: {status} is {media or 'untyped'}, the document says {sorted(content)}")
        return
    schema = content[media].get("schema")
    if schema is None or not media.endswith("json"):
        return
    try:
        value = json.loads(data)
    except ValueError:
        problems.append(f"{where}: {status} {media} is not JSON: {data[:200]!r}")
        return
    key = json.dumps(schema, sort_keys=True)
    if key not in validators:
        validators[key] = OAS31Validator({**schema, "components": doc["components"]})
    errors = sorted(validators[key].iter_errors(value), key=lambda e: list(e.path))
    if errors:
        problems.append(f"{where}: {status} body does not match its schema: {errors[0].message}")


def walk(server, doc, tokens):
    admin, plain, read_only, account_read = tokens
    components = doc["components"]["schemas"]
    problems, validators = [], {}
    counts = {"operations": 0, "requests": 0, "statuses": set()}
    for path, item in sorted(doc["paths"].items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            counts["operations"] += 1
            bogus = path_with(path, "no-such-id-0000")
            cases = []
            # Credentials: absent, malformed, unknown, too weak.
            auth = [
                ("no credentials", None),
                ("not a bearer", "Basic d2Fsazp3YWxr"),
                ("an unknown token", "Bearer not.a.jwt"),
                ("an unknown API key", "Bearer osk_000000000000000000000000000000"),
                ("a plain user", f"Bearer {plain}"),
                ("a read-only API key", f"Bearer {read_only}"),
                ("an account:read API key", f"Bearer {account_read}"),
            ]
            valid_body = "{}" if "requestBody" in op else None
            for name, header in auth:
                headers = {"authorization": header} if header else {}
                if valid_body is not None:
                    headers["content-type"] = "application/json"
                cases.append((name, method, bogus, headers, valid_body))
            as_admin = {"authorization": f"Bearer {admin}"}
            if "{" in path:
                for value in ["no-such-id-0000", "0", "-1", "x" * 300, "%00", "..", "\u00e9"]:
                    headers = dict(as_admin)
                    if valid_body is not None:
                        headers["content-type"] = "application/json"
                    cases.append((f"path id {value[:12]!r}", method, path_with(path, value), headers, valid_body))
            if "requestBody" in op:
                for name, media, body in body_cases(op, components):
                    headers = dict(as_admin)
                    headers["content-type"] = media
                    cases.append((name, method, bogus, headers, body))
            for name, query in query_cases(op):
                cases.append((name, method, f"{bogus}?{query}", as_admin, None))
            for name, m, target, headers, body in cases:
                answer = server.call(m, target, headers, body)
                check(doc, validators, path, m, op, name, answer, problems, counts)
    return problems, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--document", help="check against this file instead of the served document")
    args = ap.parse_args()
    server = Server(args.url)
    if args.document:
        with open(args.document, encoding="utf-8") as f:
            doc = json.load(f)
    else:
        status, _, data = server.call("get", "/api/v1/openapi.json")
        if status != 200:
            raise SystemExit(f"walk: the document answered {status}")
        doc = json.loads(data)
    tokens = set_up(server, args.user, args.password)
    problems, counts = walk(server, doc, tokens)
    summary = {
        "operations": counts["operations"],
        "requests": counts["requests"],
        "statuses": sorted(counts["statuses"]),
        "problems": len(problems),
    }
    print(json.dumps(summary))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
