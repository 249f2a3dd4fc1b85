import { Router } from "express";
import { buildOpenApiDocument } from "./openapi/document.js";

/** `GET /openapi.json`: the API's OpenAPI 3.1 document (no key; rate limited per IP as any unauthenticated call). */
export function openapiRoutes(publicUrl: string): Router {
  const router = Router({ caseSensitive: true });
  // Built once from the same code as docs/reference/openapi.json, so the route needs no file from the repo.
  const body = JSON.stringify(buildOpenApiDocument(publicUrl));
  router.get("/openapi.json", (_req, res) => {
    res.set("cache-control", "public, max-age=300").type("json").send(body);
  });
  return router;
}
