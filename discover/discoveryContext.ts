import type { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../probes/aws/awsClients.ts';
import type { DiscoveryNote } from './discoveryNotes.ts';
import type { DiscoverySelector } from '../config/discoverySelector.ts';

/** What every finder works with: the read-only clients, where to look, and the notes for the reader. */
export interface DiscoveryContext {
  clients: AwsClients;
  ssm: SSMClient;
  region: string;
  selector: DiscoverySelector;
  notes: DiscoveryNote[];
}
