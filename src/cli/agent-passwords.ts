// Agent passwords given in the environment: MAILSWARM_PASSWORD_<NAME> (the name upper-cased, other characters
// as "_"), the variables `mailswarm agents` logs in with. When the post office (`serve`, `up`, `accounts`)
// reads the same variables, a post office and agents in different containers or pods share their passwords
// through one secret (deploy/kubernetes/) instead of the generated <data>/credentials.json.
import type { AgentAccountSpec } from '../postoffice/accounts/account-specs.ts';

/** The <NAME> part of MAILSWARM_USER_<NAME> / MAILSWARM_PASSWORD_<NAME>. */
export function agentVariableSuffix(agentName: string): string {
  return agentName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The post office's view of the agents: a password from the environment, else undefined (generated and kept). */
export function agentAccountSpecs(agents: ReadonlyArray<{ name: string; displayName?: string | undefined }>, environment: NodeJS.ProcessEnv = process.env): AgentAccountSpec[] {
  return agents.map((agent) => {
    const password = environment[`MAILSWARM_PASSWORD_${agentVariableSuffix(agent.name)}`];
    return {
      name: agent.name,
      ...(agent.displayName === undefined ? {} : { displayName: agent.displayName }),
      ...(password ? { password } : {}),
    };
  });
}
