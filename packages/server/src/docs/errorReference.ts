import { AADSTS_CATALOGUE, ERROR_CATALOGUE, ERROR_CODES, type ErrorCatalogueActor, type ErrorCode } from "@ads-connect/shared";

const ACTOR: Record<ErrorCatalogueActor, string> = {
  end_user: "end user",
  end_user_admin: "end user's administrator",
  product_team: "product team",
  operator: "operator",
  none: "nobody (temporary)",
};

/** Microsoft Entra's AADSTS numbers that become each code, in ascending order. */
function aadstsByCode(): Map<ErrorCode, number[]> {
  const byCode = new Map<ErrorCode, number[]>();
  for (const [number, entry] of Object.entries(AADSTS_CATALOGUE)) byCode.set(entry.code, [...(byCode.get(entry.code) ?? []), Number(number)]);
  for (const numbers of byCode.values()) numbers.sort((a, b) => a - b);
  return byCode;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/reference/errors.md, generated from the shared error catalogue. */
export function renderErrorReference(): string {
  const aadsts = aadstsByCode();
  const rows = ERROR_CODES.map((code) => {
    const e = ERROR_CATALOGUE[code];
    const numbers =
      aadsts
        .get(code)
        ?.map((n) => `AADSTS${n}`)
        .join(", ") ?? "";
    return `| \`${code}\` | ${e.http.length > 0 ? e.http.join(", ") : "—"} | ${ACTOR[e.actor]} | ${cell(e.message)} | ${cell(e.action)} | ${numbers} |`;
  });
  return [
    "# Error codes",
    "",
    "<!-- Generated from the shared error catalogue (packages/shared/src/errorCatalogue.ts, aadstsCatalogue.ts) by `pnpm docs:reference`; do not edit by hand. -->",
    "",
    'Every error ads-connect reports carries one of these codes: API errors as `{"error":{"code","message"}}`,',
    "popup results and the session status as `error.code` with `actor`, a connection's `errors`. **HTTP** lists",
    "the statuses an API answer with the code can have (— : never an HTTP answer: the popup, the session",
    "status or the widget report it). Sign-in codes also reach token reads when a refresh fails: 424 when the",
    "grant is gone for good, 503 when Microsoft is temporarily unavailable, 502 otherwise.",
    "",
    "**Who acts:** the end user (or their organization's administrator), the product team (its backend and",
    "pages that call ads-connect), the operator (who configures and runs the ads-connect server; the wire's",
    "`actor` field says `product_team` for both), or nobody: trying again works. The message is typical; the",
    "actual one may name the field or limit. **AADSTS** lists Microsoft Entra's errors that become the code;",
    "an AADSTS number not listed becomes `provider_error`.",
    "",
    "| code | HTTP | who acts | message | what to do | AADSTS |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
