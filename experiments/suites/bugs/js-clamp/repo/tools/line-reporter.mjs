// A node:test reporter that prints one line per test and nothing that changes from run to run (no timings,
// no paths): "ok - <name>", or "not ok - <name>" followed by "# <first line of the error>" (TAP). The
// experiment harness reads these lines to follow each test from commit to commit.
export default async function* lineReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:pass') {
      yield `ok - ${event.data.name}\n`;
    } else {
      const error = event.data.details?.error;
      const reason = String(error?.cause?.message ?? error?.message ?? 'failed').split('\n')[0];
      yield `not ok - ${event.data.name}\n# ${reason}\n`;
    }
  }
}
