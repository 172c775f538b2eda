#!/usr/bin/env node
// Entry point installed as `mailswarm`: hands over to the TypeScript CLI (Node >= 22.18 strips types natively).
import '../src/cli/main.ts';
