export { buildDemoPage } from "./buildDemoPage.js";
export { startDemo, DEMO_END_USER, type DemoServer } from "./startDemo.js";
export { startStack, DEFAULT_STATIC_DIR, type Stack, type StackOptions } from "./startStack.js";
