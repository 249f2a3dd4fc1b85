import { startHarness, WIDGET_ORIGIN } from "@ads-connect/server/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    adsConnect: { serverUrl: string; secretKey: string; widgetOrigin: string };
  }
}

/** One real ads-connect server (with the Entra emulator) for the widget's DOM tests. */
export default async function setup(project: TestProject) {
  // The widget-dom-pg project runs the same tests against a server on PostgreSQL.
  const h = await startHarness({ database: project.config.env?.ADS_CONNECT_TEST_DATABASE === "postgres" ? "postgres" : "sqlite" });
  project.provide("adsConnect", { serverUrl: h.server.url, secretKey: h.secretKey, widgetOrigin: WIDGET_ORIGIN });
  return () => h.close();
}
