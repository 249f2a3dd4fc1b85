import path from "node:path";
import { fileURLToPath } from "node:url";
import { Application, type TypeDocOptions } from "typedoc";
import type { PluginOptions } from "typedoc-plugin-markdown";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The published packages whose reference `pnpm docs:api` generates: their `exports` entries, as source. */
export const API_PACKAGES = {
  widget: {
    name: "@ads-connect/widget",
    tsconfig: "packages/widget/tsconfig.typedoc.json",
    entryPoints: ["packages/widget/src/index.ts", "packages/widget/src/core/index.ts", "packages/widget/src/element/index.ts"],
  },
  node: { name: "@ads-connect/node", tsconfig: "packages/node/tsconfig.typedoc.json", entryPoints: ["packages/node/src/index.ts"] },
} as const;
export type ApiPackage = keyof typeof API_PACKAGES;

/** Where each package's reference is checked in (relative to the repository). */
export const referenceDir = (pkg: ApiPackage) => path.join("docs", "reference", pkg);

/**
 * Generates one package's Markdown reference into `out` with TypeDoc. Markdown (not HTML) so it
 * reads on GitHub without scripts; no source links, whose line numbers and commit would make the
 * checked-in copy drift with every unrelated edit.
 */
export async function generateApiReference(pkg: ApiPackage, out: string): Promise<void> {
  const { name, tsconfig, entryPoints } = API_PACKAGES[pkg];
  const options: TypeDocOptions & PluginOptions = {
    name,
    entryPoints: entryPoints.map((e) => path.join(ROOT, e)),
    tsconfig: path.join(ROOT, tsconfig),
    plugin: ["typedoc-plugin-markdown"],
    out,
    readme: "none",
    disableSources: true,
    disableGit: true,
    sourceLinkTemplate: "",
    excludePrivate: true,
    excludeInternal: true,
    hideGenerator: true,
    hidePageHeader: true,
    hideBreadcrumbs: false,
    excludeScopesInPaths: true,
    skipErrorChecking: true,
    logLevel: "Warn",
    treatWarningsAsErrors: true,
  };
  const app = await Application.bootstrapWithPlugins(options);
  const project = await app.convert();
  if (!project) throw new Error(`TypeDoc could not convert ${name}`);
  await app.generateOutputs(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error(`TypeDoc reported problems generating ${name}'s reference`);
}
