import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import cors from "cors";
import { Router } from "express";
import type { ConnectFlowService } from "../connect/connectFlowService.js";
import { AppError } from "../errors.js";
import { bearerToken } from "../http/bearerToken.js";

/** How long browsers and CDNs keep `/widget.js` before asking again (then a 304 via its ETag). */
const SCRIPT_MAX_AGE_SECONDS = 3600;

/** The script-tag build of @ads-connect/widget (`dist/widget.js`), read once. */
async function loadWidgetScript(): Promise<{ body: Buffer; etag: string }> {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve("@ads-connect/widget/widget.js");
  } catch {
    throw new AppError("not_found", "The widget script is not installed: @ads-connect/widget is missing.", 404);
  }
  const body = await readFile(file).catch(() => {
    throw new AppError("not_found", "The widget script is not built: build @ads-connect/widget (pnpm build).", 404);
  });
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}

/**
 * What a product page fetches from this server besides the popup: the single-file script-tag
 * widget (`<script src=".../widget.js">`: the `<connect-microsoft-ads>` element and
 * `window.AdsConnect`) and a redirect-mode sign-in's result (`POST /connect/redirect/result`).
 */
export function widgetRoutes(flow: ConnectFlowService, allowedOrigins: string[]): Router {
  const router = Router({ caseSensitive: true });
  let script: Promise<{ body: Buffer; etag: string }> | undefined;

  router.get("/widget.js", async (req, res) => {
    script ??= loadWidgetScript();
    const { body, etag } = await script.catch((err: unknown) => {
      script = undefined;
      throw err;
    });
    res.set({
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": `public, max-age=${SCRIPT_MAX_AGE_SECONDS}`,
      etag,
      // A script for other origins' pages (helmet's default would refuse them), also with
      // `crossorigin` and Subresource Integrity.
      "cross-origin-resource-policy": "cross-origin",
      "access-control-allow-origin": "*",
    });
    if (req.get("if-none-match") === etag) res.status(304).end();
    else res.send(body);
  });

  const resultCors = cors({ origin: allowedOrigins, methods: ["POST"], allowedHeaders: ["authorization"], maxAge: 600 });
  router.options("/connect/redirect/result", resultCors);
  router.post("/connect/redirect/result", resultCors, async (req, res) => {
    res.set("cache-control", "no-store").json({ data: await flow.redirects.redeem(bearerToken(req), req.get("origin")) });
  });
  return router;
}
