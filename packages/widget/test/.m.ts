import { build } from "esbuild";

const r = await build({
  entryPoints: [process.argv[2]!],
  bundle: true,
  minify: true,
  format: "esm",
  write: false,
  legalComments: "none",
  splitting: false,
  external: ["react", "react/*", "@tanstack/react-query"],
});
console.log(r.outputFiles[0]!.text);
