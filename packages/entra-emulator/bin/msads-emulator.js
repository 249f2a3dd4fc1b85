#!/usr/bin/env node
// The published command: runs the compiled CLI (built by `pnpm build` into dist/).
import "../dist/msadsMain.js";
