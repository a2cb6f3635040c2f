// A short journey with a TypeScript client generated from the server's OpenAPI document
// by openapi-typescript (types only, in generated/schema.d.ts, untouched) and called
// through openapi-fetch: sign in, create a domain and accounts, page through the
// accounts, and read a refusal as a typed problem. tsc checks it against the generated
// types first, so a document that does not describe these calls fails to compile.
// Prints what it saw as JSON; exits non-zero on the first surprise.

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Problem = components["schemas"]["Problem"];
type Account = components["schemas"]["Account"];

const baseUrl = process.env.OSPREY_URL ?? "";
const username = process.env.OSPREY_ADMIN_USER ?? "";
const password = process.env.OSPREY_ADMIN_PASSWORD ?? "";
const domain = "ts.journey.example";

function fail(what: string, detail?: unknown): never {
  console.error(`journey: ${what}`, detail === undefined ? "" : JSON.stringify(detail));
  process.exit(1);
}

const anonymous = createClient<paths>({ baseUrl });
const signedIn = await anonymous.POST("/api/v1/auth/login", {
  body: { username, password },
});
if (!signedIn.data) fail("login failed", signedIn.error);
const tokens = signedIn.data;

const client = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${tokens.access_token}` },
});

const created = await client.POST("/api/v1/admin/domains", { body: { name: domain } });
if (created.response.status !== 201 || !created.data) fail("create_domain", created.error);

const names = ["ann", "ben", "cat"];
for (const name of names) {
  const account = await client.POST("/api/v1/admin/accounts", {
    body: { address: `${name}@${domain}`, password: "Copper-Lantern-58q", display_name: name },
  });
  if (account.response.status !== 201 || !account.data) fail("create_account", account.error);
}

const seen: Account[] = [];
let cursor: string | undefined;
let pages = 0;
do {
  const page = await client.GET("/api/v1/admin/accounts", {
    params: { query: { domain, limit: 2, cursor } },
  });
  if (!page.data) fail("list_accounts", page.error);
  seen.push(...page.data.items);
  cursor = page.data.next_cursor ?? undefined;
  pages += 1;
} while (cursor !== undefined && pages < 10);
const addresses = seen.map((a) => a.address).sort();
if (JSON.stringify(addresses) !== JSON.stringify(names.map((n) => `${n}@${domain}`))) {
  fail("the pages do not hold the accounts", addresses);
}

// The same address again: a conflict, read as the document's Problem.
const again = await client.POST("/api/v1/admin/accounts", {
  body: { address: `ann@${domain}`, password: "Copper-Lantern-58q" },
});
const problem: Problem | undefined = again.error;
if (again.response.status !== 409 || problem?.code !== "conflict" || problem.status !== 409) {
  fail("a duplicate address is not a 409 problem", problem);
}
const mediaType = again.response.headers.get("content-type");
if (mediaType !== "application/problem+json") fail("the problem's media type", mediaType);

// An invalid field: a 422 problem naming it.
const invalid = await client.POST("/api/v1/admin/accounts", {
  body: { address: "not an address", password: "Copper-Lantern-58q" },
});
const fields = (invalid.error?.errors ?? []).map((e) => e.field);
if (invalid.response.status !== 422 || !fields.includes("address")) {
  fail("an invalid address is not a 422 problem naming it", invalid.error);
}

console.log(JSON.stringify({ pages, addresses, conflict: problem.code, invalid: fields }));
