"""A short journey with a Python client generated from the server's OpenAPI document by
openapi-python-client, untouched: sign in, create a domain and accounts, page through
the accounts, and read refusals as typed problems.

Usage: journey.py --client DIR --url URL --user ADDRESS --password PASSWORD
(DIR holds the generated package `osprey_api_client`). Prints what it saw as JSON and
exits non-zero on the first surprise.
"""

import argparse
import json
import sys


def fail(what, detail=None):
    print(f"journey: {what} {detail!r}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    args = ap.parse_args()
    sys.path.insert(0, args.client)

    from osprey_api_client import AuthenticatedClient, Client
    from osprey_api_client.api.admin import create_account, create_domain, list_accounts
    from osprey_api_client.api.auth import login
    from osprey_api_client.models import (
        Account,
        CreateAccount,
        CreateDomain,
        Domain,
        LoginRequest,
        PageAccount,
        Problem,
        TokenResponse,
    )
    from osprey_api_client.types import UNSET

    domain = "py.journey.example"
    password = "Copper-Lantern-58q"

    signed_in = login.sync_detailed(
        client=Client(base_url=args.url),
        body=LoginRequest(username=args.user, password=args.password),
    )
    if not isinstance(signed_in.parsed, TokenResponse):
        fail("login", signed_in.content)
    client = AuthenticatedClient(base_url=args.url, token=signed_in.parsed.access_token)

    created = create_domain.sync_detailed(client=client, body=CreateDomain(name=domain))
    if created.status_code != 201 or not isinstance(created.parsed, Domain):
        fail("create_domain", created.content)

    names = ["ann", "ben", "cat"]
    for name in names:
        account = create_account.sync_detailed(
            client=client,
            body=CreateAccount(address=f"{name}@{domain}", password=password, display_name=name),
        )
        if account.status_code != 201 or not isinstance(account.parsed, Account):
            fail("create_account", account.content)

    seen, cursor, pages = [], UNSET, 0
    while True:
        page = list_accounts.sync(client=client, domain=domain, limit=2, cursor=cursor)
        if not isinstance(page, PageAccount):
            fail("list_accounts", page)
        seen.extend(a.address for a in page.items)
        pages += 1
        if not isinstance(page.next_cursor, str) or pages >= 10:
            break
        cursor = page.next_cursor
    addresses = sorted(seen)
    if addresses != [f"{n}@{domain}" for n in names]:
        fail("the pages do not hold the accounts", addresses)

    # The same address again: a conflict, read as the document's Problem.
    again = create_account.sync_detailed(
        client=client, body=CreateAccount(address=f"ann@{domain}", password=password)
    )
    problem = again.parsed
    if again.status_code != 409 or not isinstance(problem, Problem) or problem.code != "conflict":
        fail("a duplicate address is not a 409 problem", again.content)
    if again.headers.get("content-type") != "application/problem+json":
        fail("the problem's media type", again.headers.get("content-type"))

    # An invalid field: a 422 problem naming it.
    invalid = create_account.sync_detailed(
        client=client, body=CreateAccount(address="not an address", password=password)
    )
    if invalid.status_code != 422 or not isinstance(invalid.parsed, Problem):
        fail("an invalid address is not a 422 problem", invalid.content)
    fields = [e.field for e in (invalid.parsed.errors or [])]
    if "address" not in fields:
        fail("the 422 problem does not name the address", fields)

    print(json.dumps({"pages": pages, "addresses": addresses, "conflict": problem.code, "invalid": fields}))


if __name__ == "__main__":
    main()
