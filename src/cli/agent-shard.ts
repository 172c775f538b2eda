// `mailswarm agents --shard INDEX/COUNT`: a stable partition of the agents by name, so COUNT runtime processes
// on COUNT machines run disjoint sets of agents against one mail server. An agent's shard depends on its name
// alone (a hash, not its position in the folder), so adding or removing an agent never moves the others, and
// every process computes the same partition without talking to the others. The index counts from 0, like
// a Kubernetes StatefulSet ordinal (deploy/kubernetes/).
import { createHash } from 'node:crypto';
import { CliError } from './cli-options.ts';

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new CliError(`--shard expects INDEX/COUNT with 0 <= INDEX < COUNT (e.g. 0/2 and 1/2 for two processes), got "${text}"`);
  }
  return { index, count };
}

/** The shard (0 … count-1) an agent belongs to: the first 32 bits of SHA-256 of its lower-cased name, modulo count. */
export function shardOfAgent(name: string, count: number): number {
  return createHash('sha256').update(name.toLowerCase()).digest().readUInt32BE(0) % count;
}

/** Splits the agents into the ones this shard runs and the ones the other shards run (its peers). */
export function partitionAgents<Agent extends { name: string }>(agents: readonly Agent[], shard: Shard | undefined): { local: Agent[]; remote: Agent[] } {
  if (!shard) return { local: [...agents], remote: [] };
  const local: Agent[] = [];
  const remote: Agent[] = [];
  for (const agent of agents) (shardOfAgent(agent.name, shard.count) === shard.index ? local : remote).push(agent);
  return { local, remote };
}
