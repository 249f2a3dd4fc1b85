import type { AdAccount } from "@ads-connect/shared";

/** An `AdAccount` with plausible values; `n` makes the ids, number and name distinct. */
export function testAdAccount(n: number, overrides: Partial<AdAccount> = {}): AdAccount {
  return {
    id: String(180_278_000 + n),
    customer_id: overrides.customer_id ?? "251186883",
    number: `F${(0x12a34b00 + n).toString(16).toUpperCase()}`,
    name: `Contoso Ads ${n}`,
    currency: "USD",
    time_zone: "PacificTimeUSCanadaTijuana",
    status: "Active",
    pause_reason: null,
    language: "English",
    financial_status: "ClearFinancialStatus",
    mode: "Expert",
    ...overrides,
  };
}
