import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderIamPolicyJson } from '../../probes/aws/iamPolicy.ts';

// The policies in the README are the ones the code needs: the generator is tested against the calls the
// code makes (test/probes/aws/iamPolicy.test.ts); this keeps the README equal to the generator.

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## IAM policies'), readme.indexOf('## Reports'));
const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('IAM policies in the README', () => {
  it('shows the read-only policy with exec, exactly as generated', () => {
    expect(blocks[0]).toBe(renderIamPolicyJson('read', { exec: true }));
  });

  it('shows the drill policy, exactly as generated', () => {
    expect(blocks[1]).toBe(renderIamPolicyJson('drill'));
  });
});
