#!/usr/bin/env node
// The labdrill command. TypeScript sources run through tsx, so `npx labdrill` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
