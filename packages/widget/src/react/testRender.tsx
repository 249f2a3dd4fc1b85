import { httpRequest } from "@ads-connect/server/testing";
import { act, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { inject, vi } from "vitest";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Tests only: renders into a fresh container; returns it and an unmount. */
export function render(node: ReactNode) {
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(node));
  return {
    container,
    rerender: (next: ReactNode) => act(() => root.render(next)),
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/**
 * Waits for a condition that asynchronous work (polling) brings about. React expects such updates
 * outside act() then, so act's checks are off while waiting.
 */
export async function waitUntil(assertion: () => void, timeout = 10_000): Promise<void> {
  const flags = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
  flags.IS_REACT_ACT_ENVIRONMENT = false;
  try {
    await vi.waitFor(assertion, { timeout });
  } finally {
    flags.IS_REACT_ACT_ENVIRONMENT = true;
  }
}

/** Resolves once the page has no request or timer left: a flow that ended leaves nothing running. */
export async function settle(): Promise<void> {
  await (window as unknown as { happyDOM: { waitUntilComplete(): Promise<void> } }).happyDOM.waitUntilComplete();
}

/** The server the global setup started, and a session created on it as a product backend would. */
export const server = () => inject("adsConnect");
export async function createSession(): Promise<string> {
  const { serverUrl, secretKey } = server();
  const res = await httpRequest(`${serverUrl}/connect/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ end_user: { id: "widget-dom-user" } }),
  });
  return (JSON.parse(res.text) as { data: { token: string } }).data.token;
}
