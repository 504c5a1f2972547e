import { printDemoTiming, timeDemo } from './demoWallTime.ts';
import { runLoadgenBench } from './loadgen.ts';

// `npm run bench`: every benchmark, each printing its figures and ratios measured side by side in one run.

const timings = [
  await timeDemo('labdrill demo (healthy twin)'),
  await timeDemo('labdrill demo --chaos (healthy twin)', ['--chaos']),
];
for (const timing of timings) printDemoTiming(timing);
await runLoadgenBench();
