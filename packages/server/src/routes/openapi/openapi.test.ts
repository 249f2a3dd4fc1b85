import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_FILE, renderOpenApiFile } from "../../../../../scripts/docs-openapi.js";
import { createApp } from "../../app.js";
import { expressRoutes } from "../../testing/expressRoutes.js";
import { type Harness, startHarness } from "../../testing/harness.js";
import { buildOpenApiDocument } from "./document.js";

const NANGO_EXCERPT = new URL("../../../../../docs/reference/nango-excerpt.json", import.meta.url);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("the OpenAPI document", () => {
  it("is checked in as generated (run `pnpm docs:openapi` after changing a route or a shared schema)", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8")).toBe(renderOpenApiFile());
  });

  it("is a valid OpenAPI 3.1 document, and so is the checked-in Nango excerpt", async () => {
    await expect(SwaggerParser.validate(structuredClone(buildOpenApiDocument()) as never)).resolves.toBeTruthy();
    await expect(SwaggerParser.validate(JSON.parse(readFileSync(NANGO_EXCERPT, "utf8")))).resolves.toBeTruthy();
  });

  it("documents every route the server mounts and nothing else", () => {
    const app = createApp({ config: h.server.config, logger: h.server.logger, services: h.server.services });
    const mounted = expressRoutes(app).map((route) => route.replace(/:(\w+)/g, "{$1}"));
    const doc = buildOpenApiDocument();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    // The proxy passes any method on; the document lists the ones Microsoft Advertising's API uses.
    const expected = documented
      .filter((op) => !op.endsWith(" /proxy/{endpoint}"))
      .concat("ALL /proxy/*")
      .sort();
    expect(mounted).toEqual(expected);
  });

  it("is served at /openapi.json without a key, naming this server and the bearer secret key", async () => {
    const res = await fetch(`${h.server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const served = (await res.json()) as ReturnType<typeof buildOpenApiDocument>;
    expect(served).toEqual(buildOpenApiDocument(h.server.config.publicUrl));
    expect(served.servers).toEqual([{ url: h.server.config.publicUrl, description: "This server" }]);
    expect(served.components.securitySchemes.secretKey).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
