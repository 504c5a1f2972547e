import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { executeUndo } from '../../drills/undoActions.ts';
import { twinClientConfig } from '../twinClientConfig.ts';
import { twinForTests } from '../twinForTests.ts';

// The ec2.startInstances undo against the twin's EC2: an instance still stopping is waited for, then started.

const lab = twinForTests({ auroraServers: false });

describe('the ec2.startInstances undo', () => {
  it('waits for an instance that is still stopping, then starts it', async () => {
    const ec2 = new EC2Client(twinClientConfig(lab.twin));
    try {
      // An instance of no Auto Scaling group: the group would replace a member left stopped for seconds.
      const { instanceId } = await lab.twin.launchInstance({
        name: 'undo-test',
        az: 'ap-northeast-2a',
        register: false,
      });
      await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
      const said = await executeUndo({ type: 'ec2.startInstances', instanceIds: [instanceId] }, { ec2 });
      expect(said).toBe(`started ${instanceId}`);
      const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      expect(['pending', 'running']).toContain(described.Reservations?.[0]?.Instances?.[0]?.State?.Name);
    } finally {
      ec2.destroy();
    }
  });

  it('says so when the instance is already running, and starts nothing', async () => {
    const ec2 = new EC2Client(twinClientConfig(lab.twin));
    try {
      const instanceId = [...lab.twin.servers.appInstances.keys()][1]!;
      expect(await executeUndo({ type: 'ec2.startInstances', instanceIds: [instanceId] }, { ec2 })).toBe(
        `${instanceId} already running`,
      );
    } finally {
      ec2.destroy();
    }
  });
});
