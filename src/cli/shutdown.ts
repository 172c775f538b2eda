// Keeps a long-running command alive until SIGINT/SIGTERM, then runs its clean-up once. A second signal
// exits at once (the store is durable at every commit, so nothing acknowledged is lost either way).
export function runUntilSignal(cleanup: () => Promise<void>, log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: exiting now`);
        process.exit(130);
      }
      stopping = true;
      log(`${signal}: shutting down (press Ctrl+C again to exit at once)`);
      cleanup().then(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      }, reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
