#!/usr/bin/env node
// Entry point; the code is compiled to dist/ by `make build`.
import { main } from '../dist/src/cli/main.js';

await main(process.argv);
// Open Docker streams (exec, capture) must not keep a finished command alive; flush first.
await new Promise((resolve) => process.stdout.write('', resolve));
process.exit(process.exitCode ?? 0);
