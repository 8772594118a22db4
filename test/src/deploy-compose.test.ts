/**
 * deploy/queue-mode/compose.yaml and its Dockerfile, checked for structure (no Docker needed): the
 * roles (main, webhook processor, worker) and the services they need (Postgres, Redis, a vector
 * database); every n8n service on the pinned n8n image with the Firth package, in queue mode, with
 * the one shared encryption key, the same database and queue, a binary-data mode queue mode
 * supports, a health check; no data service published beyond the host; every n8n variable one
 * that the pinned n8n reads. `composeProblems` lists what is wrong; the last test breaks a copy of
 * the file in each of those ways and expects each to be named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installedN8nBin } from '@firth/n8n-host';
import { MEMORY_REPORT_DIR_ENV } from '@firth/numeric';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './harness/node-types.js';

const deployDir = join(repoRoot, 'deploy', 'queue-mode');
const composeText = readFileSync(join(deployDir, 'compose.yaml'), 'utf8');
const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
const envExample = readFileSync(join(deployDir, '.env.example'), 'utf8');
/** The n8n version the project pins (what start and the tests run). */
const n8nVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'apps/n8n-host/runtime/package.json'), 'utf8')) as {
    dependencies: { n8n: string };
  }
).dependencies.n8n;

/** Compose's YAML: `<<` merge keys (the shared n8n settings) resolved. */
const load = (text: string) => parse(text, { merge: true }) as Compose;

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { published?: string | number; host_ip?: string; target?: number })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  profiles?: string[];
  deploy?: { replicas?: number | string };
}
interface Compose {
  services: Record<string, Service>;
}

/** The roles, and the data services n8n's queue mode and Firth's cross-machine path need. */
const N8N_ROLES = { main: 'start', webhook: 'webhook', worker: 'worker' } as const;
const DATA_SERVICES = {
  postgres: /^(postgres|pgvector\/pgvector):/,
  redis: /^(redis|valkey\/valkey):/,
} as const;
/** The external vector database: Qdrant, or Postgres with pgvector (the PGVector store). */
const VECTOR_DATABASES = /^(qdrant\/qdrant|pgvector\/pgvector):/;
/** Binary-data modes n8n 2.41 accepts in queue mode: every process reads what another wrote. */
const QUEUE_BINARY_MODES = ['database', 's3'];
/** Data services' well-known ports: never published beyond the host. */
const DATA_PORTS = new Set([5432, 6379, 6333, 6334]);

const environmentOf = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(
        s.environment.map(
          (e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string],
        ),
      )
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));

/** A port entry's host address and published/target ports, short or long syntax. */
function portOf(p: NonNullable<Service['ports']>[number]): {
  hostIp: string;
  published: string;
  target: number;
} {
  if (typeof p === 'object')
    return { hostIp: p.host_ip ?? '0.0.0.0', published: String(p.published ?? ''), target: Number(p.target) };
  const parts = String(p).split('/')[0]!.split(':');
  if (parts.length === 1) return { hostIp: '0.0.0.0', published: '', target: Number(parts[0]) };
  if (parts.length === 2) return { hostIp: '0.0.0.0', published: parts[0]!, target: Number(parts[1]) };
  return { hostIp: parts.slice(0, -2).join(':'), published: parts.at(-2)!, target: Number(parts.at(-1)) };
}

/** Everything wrong with a compose file, in words; [] when it is right. */
function composeProblems(compose: Compose, version = n8nVersion): string[] {
  const problems: string[] = [];
  const services = compose?.services ?? {};
  const n8n = Object.entries(services).filter(([, s]) => s.image?.includes('n8n') || s.build);
  for (const [role, command] of Object.entries(N8N_ROLES)) {
    const s = services[role];
    if (!s) {
      problems.push(`no "${role}" service`);
      continue;
    }
    const cmd = commandOf(s);
    if (!(cmd === command || cmd.startsWith(`${command} `)))
      problems.push(`${role}: command must be "${command}", got "${cmd}"`);
  }
  for (const [name, image] of Object.entries(DATA_SERVICES))
    if (!services[name]) problems.push(`no "${name}" service`);
    else if (!image.test(services[name].image ?? ''))
      problems.push(`${name}: image ${services[name].image} is not ${image}`);
  if (!Object.values(services).some((s) => VECTOR_DATABASES.test(s.image ?? '')))
    problems.push('no external vector database service (Qdrant, or Postgres with pgvector)');

  const keys = new Set<string>();
  for (const [name, s] of n8n) {
    const env = environmentOf(s);
    if (!s.image?.endsWith(`:${version}`))
      problems.push(`${name}: image ${s.image} is not tagged ${version}`);
    if (s.build && s.build.args?.N8N_VERSION !== version)
      problems.push(`${name}: build arg N8N_VERSION is ${s.build.args?.N8N_VERSION}, not ${version}`);
    if (env.EXECUTIONS_MODE !== 'queue')
      problems.push(`${name}: EXECUTIONS_MODE is ${env.EXECUTIONS_MODE}, not queue`);
    if (env.DB_TYPE !== 'postgresdb') problems.push(`${name}: DB_TYPE is ${env.DB_TYPE}, not postgresdb`);
    for (const v of [
      'DB_POSTGRESDB_HOST',
      'DB_POSTGRESDB_PASSWORD',
      'QUEUE_BULL_REDIS_HOST',
      'QUEUE_BULL_REDIS_PASSWORD',
    ])
      if (!env[v]) problems.push(`${name}: ${v} is not set`);
    if (!QUEUE_BINARY_MODES.includes(env.N8N_DEFAULT_BINARY_DATA_MODE ?? ''))
      problems.push(
        `${name}: N8N_DEFAULT_BINARY_DATA_MODE is ${env.N8N_DEFAULT_BINARY_DATA_MODE}; queue mode needs ${QUEUE_BINARY_MODES.join(' or ')}`,
      );
    const key = env.N8N_ENCRYPTION_KEY;
    if (!key) problems.push(`${name}: N8N_ENCRYPTION_KEY is not set`);
    else {
      keys.add(key);
      // from the environment, required, never a default written in the file
      if (!/^\$\{N8N_ENCRYPTION_KEY:\?[^}]*\}$/.test(key))
        problems.push(
          `${name}: N8N_ENCRYPTION_KEY must be \${N8N_ENCRYPTION_KEY:?…} (required, no default), got ${key}`,
        );
    }
    if (env[MEMORY_REPORT_DIR_ENV] === undefined)
      problems.push(`${name}: ${MEMORY_REPORT_DIR_ENV} is not set`);
    const check = [s.healthcheck?.test ?? ''].flat().join(' ');
    if (s.healthcheck?.disable || !check.includes('/healthz'))
      problems.push(`${name}: no /healthz health check`);
    if (name === 'worker') {
      if (env.QUEUE_HEALTH_CHECK_ACTIVE !== 'true')
        problems.push('worker: QUEUE_HEALTH_CHECK_ACTIVE is not true');
      if (!check.includes(`:${env.QUEUE_HEALTH_CHECK_PORT}/`))
        problems.push(
          `worker: the health check does not ask QUEUE_HEALTH_CHECK_PORT (${env.QUEUE_HEALTH_CHECK_PORT})`,
        );
      if ((s.ports ?? []).length > 0)
        problems.push('worker: publishes a port (workers take jobs from Redis)');
    }
  }
  if (keys.size > 1) problems.push(`the n8n services use different encryption keys: ${[...keys].join(', ')}`);

  for (const [name, s] of Object.entries(services)) {
    if (!s.healthcheck?.test || s.healthcheck.disable) problems.push(`${name}: no health check`);
    for (const p of s.ports ?? []) {
      const { hostIp, target } = portOf(p);
      const isData = name in DATA_SERVICES || VECTOR_DATABASES.test(s.image ?? '') || DATA_PORTS.has(target);
      if (isData && hostIp !== '127.0.0.1') problems.push(`${name}: publishes ${target} on ${hostIp}`);
      else if (hostIp !== '127.0.0.1')
        problems.push(`${name}: publishes ${target} on ${hostIp}, not 127.0.0.1 (a proxy in front)`);
    }
  }
  return problems;
}

describe('deploy/queue-mode/compose.yaml', () => {
  const compose = load(composeText);

  it('has the roles and services, each right (composeProblems finds nothing)', () => {
    expect(composeProblems(compose)).toEqual([]);
    expect(Object.keys(compose.services).sort()).toEqual([
      'main',
      'postgres',
      'qdrant',
      'redis',
      'webhook',
      'worker',
    ]);
    expect(compose.services.worker!.deploy?.replicas).toBeDefined();
  });

  it('every n8n service gets the same shared settings (one key, one database, one queue)', () => {
    const envs = Object.keys(N8N_ROLES).map((role) => environmentOf(compose.services[role]!));
    for (const v of [
      'N8N_ENCRYPTION_KEY',
      'DB_POSTGRESDB_HOST',
      'DB_POSTGRESDB_DATABASE',
      'QUEUE_BULL_REDIS_HOST',
      'N8N_DEFAULT_BINARY_DATA_MODE',
    ])
      expect(new Set(envs.map((e) => e[v])).size, v).toBe(1);
  });

  it('the Dockerfile builds on the pinned n8n and installs the Firth package where n8n looks for community packages', () => {
    expect(dockerfile).toMatch(new RegExp(`^ARG N8N_VERSION=${n8nVersion.replace(/\./g, '\\.')}$`, 'm'));
    expect(dockerfile).toMatch(/^FROM docker\.n8n\.io\/n8nio\/n8n:\$\{N8N_VERSION\}$/m);
    expect(dockerfile).toContain('/home/node/.n8n/nodes/node_modules/n8n-nodes-firth');
    for (const service of Object.keys(N8N_ROLES))
      expect(compose.services[service]!.build?.dockerfile, service).toBe('Dockerfile');
  });

  it('.env.example names every variable the file requires', () => {
    const required = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!));
    expect(required.size).toBeGreaterThanOrEqual(3);
    const listed = new Set([...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    expect([...required].filter((v) => !listed.has(v))).toEqual([]);
  });

  it('every n8n variable it sets is one the pinned n8n reads', ({ skip }) => {
    const bin = installedN8nBin(repoRoot);
    if (!bin) return skip('the pinned n8n runtime is not installed (scripts/lib/n8n-runtime.sh installs it)');
    // <runtime>/node_modules/n8n/bin/n8n → <runtime>/node_modules
    const modules = dirname(dirname(dirname(bin)));
    const sources = ['n8n/dist', '@n8n/config/dist', 'n8n-core/dist']
      .flatMap((d) =>
        readdirSync(join(modules, d), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.js'))
          .map((f) => readFileSync(join(modules, d, f), 'utf8')),
      )
      .join('\n');
    const names = new Set(
      Object.keys(N8N_ROLES).flatMap((role) => Object.keys(environmentOf(compose.services[role]!))),
    );
    const unknown = [...names].filter(
      (v) =>
        !v.startsWith('FIRTH_') &&
        !sources.includes(`'${v}'`) &&
        !sources.includes(`"${v}"`) &&
        !sources.includes(`.${v}`),
    );
    expect(unknown).toEqual([]);
  });

  it('names what is wrong when the file is broken', () => {
    const broken = (edit: (c: Compose) => void) => {
      const c = load(composeText);
      edit(c);
      return composeProblems(c);
    };
    const env = (c: Compose, service: string) => c.services[service]!.environment as Record<string, string>;
    expect(broken((c) => delete c.services.worker)).toContain('no "worker" service');
    expect(broken((c) => delete c.services.redis)).toContain('no "redis" service');
    expect(
      broken((c) => {
        delete c.services.qdrant;
        c.services.postgres!.image = 'postgres:16.6'; // no pgvector either
      }),
    ).toContain('no external vector database service (Qdrant, or Postgres with pgvector)');
    expect(
      broken((c) => {
        c.services.worker!.command = 'start';
      }),
    ).toContain('worker: command must be "worker", got "start"');
    expect(
      broken((c) => {
        env(c, 'worker').EXECUTIONS_MODE = 'regular';
      }),
    ).toContain('worker: EXECUTIONS_MODE is regular, not queue');
    expect(
      broken((c) => {
        env(c, 'webhook').N8N_ENCRYPTION_KEY = ['${', 'OTHER_KEY:?x}'].join('');
      }),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^the n8n services use different encryption keys/)]),
    );
    expect(
      broken((c) => {
        env(c, 'main').N8N_ENCRYPTION_KEY = 'abc123';
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^main: N8N_ENCRYPTION_KEY must be/)]));
    expect(broken((c) => delete env(c, 'worker').N8N_ENCRYPTION_KEY)).toContain(
      'worker: N8N_ENCRYPTION_KEY is not set',
    );
    expect(
      broken((c) => {
        env(c, 'worker').N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
      }),
    ).toContain('worker: N8N_DEFAULT_BINARY_DATA_MODE is filesystem; queue mode needs database or s3');
    expect(
      broken((c) => {
        c.services.main!.image = 'firth-n8n:2.40.0';
      }),
    ).toContain(`main: image firth-n8n:2.40.0 is not tagged ${n8nVersion}`);
    expect(
      broken((c) => {
        c.services.redis!.ports = ['6379:6379'];
      }),
    ).toContain('redis: publishes 6379 on 0.0.0.0');
    expect(
      broken((c) => {
        c.services.postgres!.ports = [{ target: 5432, published: 5432 }];
      }),
    ).toContain('postgres: publishes 5432 on 0.0.0.0');
    expect(
      broken((c) => {
        c.services.main!.ports = ['5678:5678'];
      }),
    ).toContain('main: publishes 5678 on 0.0.0.0, not 127.0.0.1 (a proxy in front)');
    expect(broken((c) => delete c.services.worker!.healthcheck)).toEqual(
      expect.arrayContaining(['worker: no /healthz health check', 'worker: no health check']),
    );
    expect(
      broken((c) => {
        env(c, 'worker').QUEUE_HEALTH_CHECK_ACTIVE = 'false';
      }),
    ).toContain('worker: QUEUE_HEALTH_CHECK_ACTIVE is not true');
    // and the YAML itself: a file that no longer parses fails here, not silently
    expect(() => load(`${composeText}\n  bad: [unclosed`)).toThrow();
  });
});
