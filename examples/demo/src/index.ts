export { buildDemoPage } from "./buildDemoPage.js";
export { DEMO_END_USER, type DemoServer, startDemo } from "./startDemo.js";
export { startMessage } from "./startMessage.js";
export { DEFAULT_STATIC_DIR, type Stack, type StackOptions, startStack } from "./startStack.js";
