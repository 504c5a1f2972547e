#!/usr/bin/env node
// The labdrill command. TypeScript sources run through tsx, so `npx labdrill` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// labdrill supports Node 20.19+ on purpose; the SDK's notice about its own future minimum is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./main.ts');
