import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildDemoPage } from "@ads-connect/demo";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    demoPageDir: string;
  }
}

/** Builds the demo page once for every browser test file. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "ads-connect-demo-page-"));
  await buildDemoPage(dir);
  project.provide("demoPageDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
