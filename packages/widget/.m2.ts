import { bundleSize } from "./test/bundleSize.ts";
const d = process.argv[2]!;
for (const [n, code] of Object.entries({
  connect: `export { connect } from "./core.js";`,
  fetch: `export { fetchSessionStatus } from "./core.js";`,
  isCR: `export { isConnectResult } from "./core.js";`,
  resume: `export { resumeRedirect } from "./core.js";`,
  hookOnly: `export { useMicrosoftAdsConnect } from "./index.js";`,
  button: `export { ConnectMicrosoftAds } from "./index.js";`,
  labels: `export { DEFAULT_LABELS, loadConnectLabels, resolveWidgetLanguage, WIDGET_LANGUAGES } from "./index.js";`,
})) { const s = await bundleSize(code, d); console.log(n, s.min, s.gzip); }
