/** Test helpers for other packages' tests: the real server, emulator and webhook receiver on port 0. */
export { startHarness, signInAs, beginSignIn, startForm, submitStart, resultOf, connectAs, pickerForm, submitPicker, WIDGET_ORIGIN, type Harness, type HarnessOptions } from "./harness.js";
export { BrowserClient, type Page } from "./browserClient.js";
export { startWebhookReceiver } from "./webhookReceiver.js";
export { httpRequest } from "./httpRequest.js";
