import type { Response } from "express";
import { escapeHtml, htmlPage } from "./htmlPage.js";
import type { RedirectTarget } from "./validateAuthorizeRequest.js";

/** Returns the authorization response to the app's redirect URI, in the requested response mode; `state` always goes back. */
export function sendToClient(res: Response, target: RedirectTarget, params: Record<string, string>): void {
  const all = new URLSearchParams(params);
  if (target.state !== null) all.set("state", target.state);
  res.set("Cache-Control", "no-store");
  if (target.responseMode === "form_post") {
    const inputs = [...all].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join("");
    res
      .status(200)
      .type("html")
      .send(
        htmlPage(
          "Working…",
          `<form method="post" action="${escapeHtml(target.redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>`,
          "document.forms[0].submit()",
        ),
      );
    return;
  }
  const url = new URL(target.redirectUri);
  if (target.responseMode === "fragment") url.hash = all.toString();
  else for (const [k, v] of all) url.searchParams.append(k, v);
  res.redirect(302, url.href);
}
