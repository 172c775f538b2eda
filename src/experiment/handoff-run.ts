// One run of a mail-less condition, the baselines: `pipeline` (a fixed synchronous hand-off, builder →
// reviewer → tester → maintainer by default, each stage given everything produced since its last turn,
// addressed to it; no inbox, no Cc; passes repeat up to the suite's `rounds` until the maintainer has applied
// something to upstream or a pass produces nothing) and `single` (one agent alone with the whole team's step
// budget and maintainer rights; its commits are pushed to upstream after each turn, as a lone developer
// would; it gets another turn only when the last one ran out of tool steps). Each turn is the mail runtime's
// own turn loop (runTurn) with the same model, system prompt, turn format, budgets and code tools;
// handoff-tools.ts gives the mail tools their hand-off meaning.
import path from 'node:path';
import { ModelError } from '../providers/model.ts';
import { defaultRetryPolicy } from '../swarm/agent-runtime.ts';
import { AgentWorkspaces } from '../swarm/agent-workspaces.ts';
import type { AgentDefinition } from '../swarm/agent-definition.ts';
import { buildDirectory, type Directory } from '../swarm/directory.ts';
import { buildSystemPrompt } from '../swarm/prompt-builder.ts';
import { maxThreadMessages } from '../swarm/thread-context.ts';
import type { TurnToolContext } from '../swarm/tools.ts';
import { runTurn } from '../swarm/turn-loop.ts';
import { runGit } from '../workspace/git-runner.ts';
import { HandoffTranscript, type HandoffMail } from './handoff-transcript.ts';
import { handoffTools, type HandoffTurn } from './handoff-tools.ts';
import type { AddressedMail } from './peer-corrections.ts';
import { writeMbox, type RunRecord, type RunTurn } from './run-record.ts';
import { DOMAIN, HUMAN, taskMail, type PreparedRun } from './run-setup.ts';
import type { RunEnd } from './turn-scheduler.ts';

const orchestrator = { name: 'orchestrator', address: `experiment@${DOMAIN}`, displayName: 'mailswarm experiment' };

export async function runHandoffCondition(run: PreparedRun): Promise<RunRecord> {
  const started = Date.now();
  const deadline = started + run.spec.task.spec.timeout * 1000;
  const stages = run.agents;
  const single = run.spec.condition === 'single';
  const humanAddress = `${HUMAN.name}@${DOMAIN}`;
  const directory = buildDirectory({ agents: stages, humans: [{ address: humanAddress, displayName: HUMAN.displayName }], domain: DOMAIN });
  const transcript = new HandoffTranscript();
  const task = taskMail(run.spec.task);
  transcript.add({
    messageId: task.messageId,
    from: HUMAN.name,
    fromAddress: humanAddress,
    fromDisplayName: HUMAN.displayName,
    to: [stages[0]!.name],
    subject: run.spec.task.spec.subject,
    body: run.spec.task.spec.body,
    inReplyTo: undefined,
    references: [],
    patch: undefined,
    agent: undefined,
    modelId: undefined,
    usage: undefined,
  });
  const workspaces = new Map(
    stages.map((agent) => [
      agent.name,
      new AgentWorkspaces({ settings: run.workspaces, agentName: agent.name, author: { name: agent.displayName ?? agent.name, email: addressOf(agent) }, projectNames: agent.projects, maintainer: agent.maintainer, logger: run.logger.child({ agent: agent.name }) }),
    ]),
  );
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
  const turns: RunTurn[] = [];
  const addressed: AddressedMail[] = [];
  const upstreamOrder = new Map<string, number>();
  const lastSeen = new Map<string, number>();
  const upstreamAtStart = await upstreamHead(run.upstreamPath);
  let tokens = 0;
  let end: RunEnd = 'quiet';
  try {
    passes: for (let round = 1; round <= run.spec.suite.settings.rounds; round++) {
      const before = transcript.lastSequence;
      for (const [index, agent] of stages.entries()) {
        if (Date.now() >= deadline) {
          end = 'timeout';
          break passes;
        }
        const seenUpTo = lastSeen.get(agent.name) ?? 0;
        const fresh = transcript.mails.filter((mail) => mail.sequence > seenUpTo && mail.from !== agent.name);
        if (fresh.length === 0) continue;
        const recipients = single ? [HUMAN.name] : [stages[(index + 1) % stages.length]!.name];
        for (const mail of fresh) addressed.push({ order: transcript.lastSequence + 0.5, messageId: mail.messageId, from: mail.from, to: [agent.name], threadIds: threadIdsOf(mail) });
        lastSeen.set(agent.name, transcript.lastSequence);
        const outcome = await playTurn({ run, agent, transcript, directory, seenUpTo, fresh, recipients, workspaces: workspaces.get(agent.name)!, signal: abort.signal, deadline });
        turns.push(outcome.turn);
        tokens += outcome.turn.inputTokens + outcome.turn.outputTokens;
        if (abort.signal.aborted) {
          end = 'timeout';
          break passes;
        }
        if (tokens > run.spec.task.spec.max_tokens) {
          end = 'token-budget';
          break passes;
        }
        if (single) {
          for (const sha of await pushOwnCommits(run, workspaces.get(agent.name)!)) upstreamOrder.set(sha, transcript.lastSequence + 0.5);
          if (!outcome.stepBudgetExhausted) break passes;
          transcript.add({
            messageId: `<continue.${round}.${run.spec.task.id}@${DOMAIN}>`,
            from: orchestrator.name,
            fromAddress: orchestrator.address,
            fromDisplayName: orchestrator.displayName,
            to: [agent.name],
            subject: run.spec.task.spec.subject,
            body: 'Your previous turn ran out of tool steps. Continue the task where you stopped.',
            inReplyTo: task.messageId,
            references: [task.messageId],
            patch: undefined,
            agent: undefined,
            modelId: undefined,
            usage: undefined,
          });
        } else if ((await upstreamHead(run.upstreamPath)) !== upstreamAtStart) {
          // The maintainer has applied the work: the pipeline has delivered.
          break passes;
        }
      }
      if (transcript.lastSequence === before) break;
    }
  } finally {
    clearTimeout(timer);
  }
  writeMbox(path.join(run.runDir, 'mail', 'transcript.mbox'), transcript.mails.map((mail) => transcript.raw(mail, DOMAIN)));
  return {
    end,
    wallMs: Date.now() - started,
    turns,
    messages: transcript.mails.map((mail) => ({
      sequence: mail.sequence,
      messageId: mail.messageId,
      from: mail.from,
      to: mail.to,
      cc: [],
      recipients: mail.to,
      subject: mail.subject,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      outcome: 'delivered' as const,
      heldRule: undefined,
      raw: transcript.raw(mail, DOMAIN),
    })),
    addressed,
    held: [],
    upstreamOrder,
  };
}

interface TurnInput {
  run: PreparedRun;
  agent: AgentDefinition;
  transcript: HandoffTranscript;
  directory: Directory;
  seenUpTo: number;
  fresh: HandoffMail[];
  recipients: string[];
  workspaces: AgentWorkspaces;
  signal: AbortSignal;
  deadline: number;
}

/** One turn with the runtime's retry policy for model failures; the turn's record, whatever happened. */
async function playTurn(input: TurnInput): Promise<{ turn: RunTurn; stepBudgetExhausted: boolean }> {
  const { run, agent } = input;
  const model = run.models.get(agent.name)!;
  const address = addressOf(agent);
  const system = buildSystemPrompt(agent, address, input.directory);
  const { text } = input.transcript.render({ agent: { name: agent.name, address, role: agent.role }, directory: input.directory, seenUpTo: input.seenUpTo, maxMessages: maxThreadMessages });
  let inputTokens = 0;
  let outputTokens = 0;
  for (let attempt = 1; ; attempt++) {
    let usage = { inputTokens: 0, outputTokens: 0 };
    const state: HandoffTurn = {
      transcript: input.transcript,
      agent: { name: agent.name, address, displayName: agent.displayName ?? agent.name, modelId: model.id },
      recipients: input.recipients,
      directory: input.directory,
      domain: DOMAIN,
      incomingMessageIds: input.fresh.map((mail) => mail.messageId),
      defaultTarget: input.fresh.at(-1),
      outgoingCount: 0,
      usageSoFar: () => usage,
      silent: false,
    };
    try {
      const result = await runTurn({
        model,
        system,
        userMessage: text,
        tools: handoffTools(state),
        context: toolContext(agent, address, input),
        maxSteps: agent.budgets.maxToolStepsPerTurn,
        maxOutputTokens: agent.budgets.maxOutputTokens,
        signal: input.signal,
        logger: run.logger.child({ agent: agent.name }),
        onUsage: (total) => {
          usage = total;
        },
      });
      const sent = input.transcript.mails.some((mail) => mail.from === agent.name && mail.sequence > input.seenUpTo);
      return {
        turn: { agent: agent.name, outcome: sent ? 'answered' : 'silent', inputTokens: inputTokens + result.usage.inputTokens, outputTokens: outputTokens + result.usage.outputTokens, toolCalls: result.toolCalls.map((call) => call.name) },
        stepBudgetExhausted: result.stepBudgetExhausted,
      };
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      inputTokens += usage.inputTokens;
      outputTokens += usage.outputTokens;
      const delay = defaultRetryPolicy.delayMs * attempt;
      if (!error.retryable || attempt >= defaultRetryPolicy.maxAttempts || input.signal.aborted || Date.now() + delay >= input.deadline) {
        return { turn: { agent: agent.name, outcome: 'failed', inputTokens, outputTokens, toolCalls: [], error: `${error.kind}: ${error.message}` }, stepBudgetExhausted: false };
      }
      run.logger.warn({ agent: agent.name, attempt, err: error }, 'model failed; the turn is retried');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The runtime's tool context: the code tools use the workspaces; the mail fields have no mailbox behind them. */
function toolContext(agent: AgentDefinition, address: string, input: TurnInput): TurnToolContext {
  const noMailbox = (): never => {
    throw new Error(`the ${input.run.spec.condition} condition has no mailbox`);
  };
  return {
    agentName: agent.name,
    self: { address, name: agent.displayName ?? agent.name },
    modelId: input.run.models.get(agent.name)!.id,
    client: noMailbox,
    folders: { inbox: 'INBOX', sent: 'Sent', archive: undefined },
    submitter: undefined as unknown as TurnToolContext['submitter'],
    directory: input.directory,
    logger: input.run.logger.child({ agent: agent.name }),
    thread: [],
    incomingMessageIds: input.fresh.map((mail) => mail.messageId),
    defaultTarget: undefined as unknown as TurnToolContext['defaultTarget'],
    usageSoFar: () => ({ inputTokens: 0, outputTokens: 0 }),
    outcome: { sentMessageIds: [], deliveries: [], silent: false, silentReason: undefined },
    outgoingCount: 0,
    workspaces: input.workspaces.beginTurn(),
  };
}

/** A lone agent's commits that upstream lacks, pushed fast-forward; answers the new upstream shas. */
async function pushOwnCommits(run: PreparedRun, workspaces: AgentWorkspaces): Promise<string[]> {
  const project = workspaces.pick(undefined);
  const workspace = await workspaces.open(project);
  await runGit(['fetch', '--quiet', 'origin'], { cwd: workspace.root });
  const ahead = await workspace.commitsSinceUpstream();
  if (ahead.length === 0) return [];
  const fastForward = await runGit(['merge-base', '--is-ancestor', workspace.upstreamRef, 'HEAD'], { cwd: workspace.root, allowFailure: true });
  if (fastForward.exitCode !== 0) {
    run.logger.warn({ project: project.name }, 'the single agent\'s commits do not follow upstream: not pushed');
    return [];
  }
  await runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${workspace.branch}`], { cwd: workspace.root });
  return ahead.map((commit) => commit.sha);
}

async function upstreamHead(upstreamPath: string): Promise<string> {
  return (await runGit(['rev-parse', 'HEAD'], { cwd: upstreamPath })).stdout.trim();
}

function addressOf(agent: AgentDefinition): string {
  return `${agent.name}@${DOMAIN}`;
}

function threadIdsOf(mail: HandoffMail): string[] {
  return [mail.messageId, ...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references];
}
