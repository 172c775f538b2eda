// Summarises a V8 .cpuprofile (from `npm run bench -- --profile <dir>`): self time per function and per
// source file, so "where the time goes" in the post office child can be read without DevTools.
// Usage: node bench/profile-summary.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function summarizeProfile(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const file = shorten(frame.url) || `(${frame.functionName || 'native'})`;
    const name = `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    byFile.set(file, (byFile.get(file) ?? 0) + micros);
  }
  const render = (title: string, entries: Map<string, number>): string[] => [
    title,
    ...[...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`),
  ];
  return [`profile: ${(total / 1e6).toFixed(1)} s wall`, ...render('self time by function:', byFunction), ...render('self time by file:', byFile)].join('\n');
}

function shorten(url: string): string {
  const marker = url.indexOf('/node_modules/');
  if (marker >= 0) return url.slice(marker + 1);
  const source = url.indexOf('/src/');
  if (source >= 0) return url.slice(source + 1);
  return url.replace(/^file:\/\//, '');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exitCode = 2;
  } else {
    console.log(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 25)));
  }
}
