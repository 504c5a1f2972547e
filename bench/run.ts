import { runAwsPaceBench } from './awsPace.ts';
import { runCliBench } from './cliStartup.ts';
import { printDemoTiming, timeDemo } from './demoWallTime.ts';
import { runGradeBench } from './gradeClass.ts';
import { runFailoverAccuracyBench } from './failoverAccuracy.ts';
import { runLoadgenBench } from './loadgen.ts';

// `npm run bench`: every benchmark, each printing its figures and ratios measured side by side in one run.
// `npm run bench -- demo|accuracy|loadgen|cli|grade|aws-pace` runs one of them; aws-pace (about 40 minutes) runs only
// when named.

const only = process.argv[2];
const wanted = (name: string) => only === undefined || only === name;

if (wanted('demo')) {
  const timings = [
    await timeDemo('labdrill demo (healthy twin)'),
    await timeDemo('labdrill demo --chaos (healthy twin)', ['--chaos']),
  ];
  for (const timing of timings) printDemoTiming(timing);
}
if (wanted('accuracy')) await runFailoverAccuracyBench();
if (wanted('loadgen')) await runLoadgenBench();
if (wanted('cli')) await runCliBench();
if (wanted('grade')) await runGradeBench();
if (only === 'aws-pace') await runAwsPaceBench();
