import type { Express } from "express";

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/**
 * Every "METHOD path" the Express app answers, read from its router (Express 5, router 2):
 * `router.get(...)` routes, nested routers, and middleware mounted on a path under which no route
 * is declared (the proxy's `router.use("/proxy", …)`, reported as `ALL /proxy/*`). Middleware on a
 * path that also has routes (the secret-key check on `/connections`) is not an endpoint.
 * `skip`: mount paths not walked (PUBLIC_URL's prefix repeats every route).
 */
export function expressRoutes(app: Express): string[] {
  const routes: string[] = [];
  const mounts: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const raw = typeof layer.rawPath === "string" ? layer.rawPath : "/";
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== "_all") routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, raw === "/" ? prefix : `${prefix}${raw}`);
      } else if (raw !== "/") {
        mounts.push(`${prefix}${raw}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  const paths = routes.map((r) => r.slice(r.indexOf(" ") + 1));
  for (const mount of new Set(mounts)) if (!paths.some((p) => p === mount || p.startsWith(`${mount}/`))) routes.push(`ALL ${mount}/*`);
  return [...new Set(routes)].sort();
}
