/**
 * Tests only: stands in for the browser's popup window, which happy-dom cannot give a real
 * cross-origin life. The Chromium tests in e2e/ drive the real thing.
 */
import { vi } from "vitest";
import type { AdAccount } from "./protocol.js";
/** A well-formed success result, as the server's result page posts it. */
export const SUCCESS_RESULT = {
  type: "ads-connect:success",
  connection_id: "c-1",
  provider_config_key: "microsoft-ads",
  operation: "creation",
  account: { username: "adele@contoso.example", display_name: "Adele Vance", tenant_id: "t", account_type: "work" },
  accounts: [
    {
      id: "180278106",
      customer_id: "251186883",
      number: "F12A34BC",
      name: "Contoso Ads",
      currency: "USD",
      time_zone: "PacificTimeUSCanadaTijuana",
      status: "Active",
      pause_reason: null,
      language: "English",
      financial_status: "ClearFinancialStatus",
      mode: "Expert",
    },
  ] as AdAccount[],
} as const;

export interface TestPopup {
  closed: boolean;
  location: { href: string };
  focusCount: number;
  /** What the page posted to the popup, with the target origin it named. */
  messages: { data: unknown; targetOrigin: string }[];
  close(): void;
  focus(): void;
  postMessage(data: unknown, targetOrigin: string): void;
}

export function stubWindowOpen(options: { blocked?: boolean } = {}) {
  const opened: { url: string; popup: TestPopup }[] = [];
  const original = window.open;
  window.open = ((url?: string | URL) => {
    if (options.blocked) return null;
    const popup: TestPopup = {
      closed: false,
      location: { href: String(url ?? "") },
      focusCount: 0,
      messages: [],
      postMessage(data, targetOrigin) {
        this.messages.push({ data, targetOrigin });
      },
      close() {
        this.closed = true;
      },
      focus() {
        this.focusCount++;
      },
    };
    opened.push({ url: String(url ?? ""), popup });
    return popup as unknown as Window;
  }) as typeof window.open;
  return {
    opened,
    restore: () => {
      window.open = original;
    },
  };
}

/**
 * A message as the result page would post it: from `origin`, with `source` the popup. Resolves once
 * the widget has handled it (it checks a result with a part it loads at the click).
 */
export async function postFromPopup(data: unknown, origin: string, source: unknown): Promise<void> {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source: source as Window }));
  await vi.dynamicImportSettled();
}
