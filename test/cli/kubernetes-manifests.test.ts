// deploy/kubernetes/ without a cluster: every object validates against the Kubernetes schemas (the models of
// the npm package kubernetes-models), and what the schemas cannot see holds too: the agents' StatefulSet
// shards by pod ordinal with COUNT = replicas, every flag exists in the CLI, Services select the pods and name
// their ports, every secret reference resolves, the Secret carries every agent's password and every vendor key,
// and the certificate lands where the post office and the agents read it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { agentVariableSuffix } from '../../src/cli/agent-passwords.ts';
import { parseShard } from '../../src/cli/agent-shard.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { loadAgentDefinitions } from '../../src/swarm/agent-definition.ts';
import { optionsInHelp, readDockerfile, REPO } from './docker-files.ts';

const DIRECTORY = path.join(REPO, 'deploy/kubernetes');
const MODELS: Record<string, new (data: never) => { validate(): void }> = { 'v1/Service': Service, 'v1/Secret': Secret, 'apps/v1/StatefulSet': StatefulSet };
const defaults = configSchema.parse({});

interface Manifest {
  file: string;
  // The fields the checks read; the schemas validate the rest.
  object: { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; stringData?: Record<string, string> };
}

const manifests: Manifest[] = readdirSync(DIRECTORY)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(DIRECTORY, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      return { file, object: document.toJS() as Manifest['object'] };
    }),
  );
const find = (file: string, kind: string) => manifests.find((manifest) => manifest.file === file && manifest.object.kind === kind)!.object;
const help = (subcommand: string) => new Set([...optionsInHelp(execFileSync(process.execPath, [path.join(REPO, 'src/cli/main.ts'), '--help'], { encoding: 'utf8' })), ...optionsInHelp(execFileSync(process.execPath, [path.join(REPO, 'src/cli/main.ts'), subcommand, '--help'], { encoding: 'utf8' }))]);
const containerOf = (statefulSet: Manifest['object']) => statefulSet.spec.template.spec.containers[0];

describe('deploy/kubernetes', { timeout: 120_000 }, () => {
  it('has the expected objects, each valid against its Kubernetes schema', () => {
    expect(manifests.map((manifest) => `${manifest.file}: ${manifest.object.kind} ${manifest.object.metadata.name}`).sort()).toEqual([
      'agents.yaml: Service mailswarm-agents',
      'agents.yaml: StatefulSet mailswarm-agents',
      'external-mail-server.yaml: Service mailswarm-postoffice',
      'postoffice.yaml: Service mailswarm-postoffice',
      'postoffice.yaml: StatefulSet mailswarm-postoffice',
      'secret.yaml: Secret mailswarm-secrets',
    ]);
    for (const { file, object } of manifests) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${file}: a model for ${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => new Model!(object as never).validate(), `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    // The schemas do catch mistakes (they are not just accepted as any object).
    const broken = structuredClone(find('agents.yaml', 'StatefulSet'));
    broken.spec.replicas = 'two';
    expect(() => new StatefulSet(broken as never).validate()).toThrow(/replicas must be integer/);
  });

  it('shards the agents by pod ordinal, with as many shards as replicas', () => {
    const statefulSet = find('agents.yaml', 'StatefulSet');
    const container = containerOf(statefulSet);
    const args: string[] = container.args;
    expect(args[0]).toBe('agents');
    const shard = args[args.indexOf('--shard') + 1]!;
    const [indexReference, count] = shard.split('/');
    expect(Number(count)).toBe(statefulSet.spec.replicas);
    const indexVariable = /^\$\((\w+)\)$/.exec(indexReference!)![1];
    const environment = new Map<string, any>(container.env.map((variable: { name: string }) => [variable.name, variable]));
    expect(environment.get(indexVariable)!.valueFrom.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    for (let ordinal = 0; ordinal < statefulSet.spec.replicas; ordinal += 1) expect(parseShard(`${ordinal}/${count}`)).toEqual({ index: ordinal, count: Number(count) });
    // Kubernetes expands $(NAME) in args only for variables the container defines.
    for (const reference of args.join(' ').matchAll(/\$\((\w+)\)/g)) expect(environment.has(reference[1]!), `$(${reference[1]}) is defined`).toBe(true);
    expect(environment.get('MAILSWARM_MAIL_HOST')!.value).toBe(find('postoffice.yaml', 'Service').metadata.name);
  });

  it('runs commands and flags the CLI has, as the image user, on the config default ports', () => {
    for (const file of ['agents.yaml', 'postoffice.yaml']) {
      const statefulSet = find(file, 'StatefulSet');
      const [subcommand, ...args] = containerOf(statefulSet).args as string[];
      const known = help(subcommand!);
      for (const flag of args.filter((word) => word.startsWith('--'))) expect(known, `${file}: ${flag}`).toContain(flag);
      expect(args[args.indexOf('--domain') + 1]).toBe(defaults.domain);
      const imageUser = readDockerfile().at(-1)!.instructions.filter((instruction) => instruction.keyword === 'USER').at(-1)!.argument;
      expect(imageUser).toBe('mailswarm');
      expect(statefulSet.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
      expect(containerOf(statefulSet).volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
      expect(statefulSet.spec.volumeClaimTemplates.map((claim: { metadata: { name: string } }) => claim.metadata.name)).toEqual(['data']);
    }
    const postoffice = containerOf(find('postoffice.yaml', 'StatefulSet'));
    const ports = Object.fromEntries(postoffice.ports.map((port: { name: string; containerPort: number }) => [port.name, port.containerPort]));
    expect(ports).toEqual({ imap: defaults.ports.imap, submission: defaults.ports.submission, smtp: defaults.ports.smtp });
    expect(postoffice.args).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
  });

  it('runs each StatefulSet on the Dockerfile target it needs, built as its comment says', () => {
    const targets = new Set(readDockerfile().map((stage) => stage.name));
    const expected = { 'postoffice.yaml': 'postoffice', 'agents.yaml': 'agents' };
    for (const [file, target] of Object.entries(expected)) {
      const image = containerOf(find(file, 'StatefulSet')).image as string;
      const build = new RegExp(`docker build --target (\\S+) -t ${image.replace(/[.:]/g, '\\$&')} \\.`).exec(readFileSync(path.join(DIRECTORY, file), 'utf8'));
      expect(build, `${file}: a comment with the docker build command for ${image}`).not.toBeNull();
      expect(build![1], file).toBe(target);
      expect(targets, file).toContain(target);
    }
    // The post office does not carry the agents' git and bubblewrap: two different images.
    expect(containerOf(find('postoffice.yaml', 'StatefulSet')).image).not.toBe(containerOf(find('agents.yaml', 'StatefulSet')).image);
  });

  it('has Services that select their pods, name their ports, and back each StatefulSet', () => {
    const services = manifests.filter((manifest) => manifest.object.kind === 'Service' && manifest.file !== 'external-mail-server.yaml').map((manifest) => manifest.object);
    for (const file of ['agents.yaml', 'postoffice.yaml']) {
      const statefulSet = find(file, 'StatefulSet');
      const labels = statefulSet.spec.template.metadata.labels;
      expect(statefulSet.spec.selector.matchLabels).toEqual(labels);
      const service = services.find((candidate) => candidate.metadata.name === statefulSet.spec.serviceName)!;
      expect(service, `${file}: serviceName ${statefulSet.spec.serviceName}`).toBeDefined();
      expect(labels).toMatchObject(service.spec.selector);
      const containerPorts = new Set((containerOf(statefulSet).ports ?? []).map((port: { name: string }) => port.name));
      for (const port of service.spec.ports ?? []) expect(containerPorts, `${file}: targetPort ${port.targetPort}`).toContain(port.targetPort);
    }
    // The external mail server takes the post office's place under the same name.
    expect(find('external-mail-server.yaml', 'Service').metadata.name).toBe(find('postoffice.yaml', 'Service').metadata.name);
    expect(find('external-mail-server.yaml', 'Service').spec.type).toBe('ExternalName');
  });

  it('keeps API keys and every agent password in the Secret both StatefulSets read', () => {
    const secret = find('secret.yaml', 'Secret');
    const keys = Object.keys(secret.stringData!);
    const providerSource = readFileSync(path.join(REPO, 'src/providers/create-model.ts'), 'utf8');
    for (const name of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENAI_COMPATIBLE_API_KEY']) {
      expect(keys).toContain(name);
      expect(providerSource).toContain(`'${name}'`);
    }
    for (const agent of loadAgentDefinitions(path.join(REPO, 'agents'))) expect(keys).toContain(`MAILSWARM_PASSWORD_${agentVariableSuffix(agent.name)}`);
    for (const file of ['agents.yaml', 'postoffice.yaml']) {
      const pod = find(file, 'StatefulSet').spec.template.spec;
      expect(containerOf(find(file, 'StatefulSet')).envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
      // The only other secret is the TLS certificate the operator creates, as postoffice.yaml says how.
      for (const volume of pod.volumes.filter((candidate: { secret?: unknown }) => candidate.secret)) expect(volume.secret.secretName).toBe('mailswarm-tls');
    }
    expect(readFileSync(path.join(DIRECTORY, 'postoffice.yaml'), 'utf8')).toContain('kubectl create secret tls mailswarm-tls');
  });

  it('puts the certificate where the post office reads it and the agents trust it', () => {
    const postoffice = find('postoffice.yaml', 'StatefulSet').spec.template.spec;
    const tlsMount = containerOf(find('postoffice.yaml', 'StatefulSet')).volumeMounts.find((mount: { name: string }) => mount.name === 'tls');
    expect(tlsMount.mountPath).toBe('/data/tls'); // src/postoffice/tls/self-signed.ts: <dataDir>/tls/{cert,key}.pem
    const items = postoffice.volumes.find((volume: { name: string }) => volume.name === 'tls').secret.items;
    expect(items).toEqual([{ key: 'tls.crt', path: 'cert.pem' }, { key: 'tls.key', path: 'key.pem' }]);
    const agents = containerOf(find('agents.yaml', 'StatefulSet'));
    const caFile = agents.env.find((variable: { name: string }) => variable.name === 'NODE_EXTRA_CA_CERTS').value;
    const agentsTlsMount = agents.volumeMounts.find((mount: { name: string }) => mount.name === 'tls');
    expect(caFile).toBe(`${agentsTlsMount.mountPath}/cert.pem`);
    expect(agents.args).toContain('--tls-reject-unauthorized');
  });
});
