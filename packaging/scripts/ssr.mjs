// Server rendering of the installed widget in plain Node (no DOM): what Next.js does for a page.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConnectMicrosoftAds } from "@ads-connect/widget";
import { connect } from "@ads-connect/widget/core";
import { createElement } from "react";
import { renderToString } from "react-dom/server";

const html = renderToString(createElement(ConnectMicrosoftAds, { serverUrl: "http://localhost:3003", getSessionToken: async () => "token" }));
const entry = readFileSync(fileURLToPath(import.meta.resolve("@ads-connect/widget")), "utf8");
const core = readFileSync(fileURLToPath(import.meta.resolve("@ads-connect/widget/core")), "utf8");
console.log(
  JSON.stringify({ html, hasWindow: typeof window !== "undefined", connect: typeof connect, entryStart: entry.slice(0, 20), coreStart: core.slice(0, 20) }),
);
