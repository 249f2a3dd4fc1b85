/** Test helpers for other packages' tests: the real server, emulator and webhook receiver on port 0. */

export { BrowserClient } from "./browserClient.js";
export { beginSignIn, connectAs, type Harness, resultOf, signInAs, startHarness, WIDGET_ORIGIN } from "./harness.js";
export { httpRequest } from "./httpRequest.js";
