// Request/answer over a forked child's IPC channel: send one message, wait for the answer of a given
// type, fail on the child's {type:'error'}, on its exit, or after a deadline.
import type { ChildProcess } from 'node:child_process';

export function requestChild<Answer extends { type: string }, Type extends Answer['type']>(
  child: ChildProcess,
  message: { type: string; [field: string]: unknown },
  answer: Type,
  timeoutMs: number,
): Promise<Extract<Answer, { type: Type }>> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (reply: Answer & { message?: string }): void => {
      if (reply.type === 'error') {
        cleanup();
        reject(new Error(`child ${child.pid}: ${reply.message}`));
      } else if (reply.type === answer) {
        cleanup();
        resolve(reply as Extract<Answer, { type: Type }>);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (code ${code}) while waiting for "${answer}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid} did not answer "${message.type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}
