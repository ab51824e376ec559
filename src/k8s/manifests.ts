// `authbench k8s`: the Kubernetes objects of one distributed run, built with kubernetes-models (each validated
// against the API schema): scenario ConfigMap, results volume, prepare Job, Indexed Job of N shards, merge Job.
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import type { Plan } from '../scenario/plan.js';

export interface ManifestOptions {
  readonly shards: number;
  readonly image: string;
  readonly namespace?: string;
  /** Secret holding DATABASE_URL and REDIS_URL of the external target. */
  readonly secret: string;
  /** Time between the end of `prepare` and the common start: the shard pods must be scheduled and running by then. */
  readonly leadMs: number;
  /** Size of the shared results volume (ReadWriteMany). */
  readonly storage: string;
}

/** The scenario file's name inside the pods. */
const SCENARIO = '/scenario/scenario.yaml';
const RESULTS = '/results';
/** Written by the prepare Job once the target is ready: the common start, epoch ms, that every shard reads. */
const START_FILE = `${RESULTS}/start-at`;

/** Kubernetes object names: lowercase alphanumerics and '-', at most 63 characters with our suffixes. */
export function objectBase(name: string): string {
  const base = `authbench-${name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}`.replace(/-+$/, '');
  return base.slice(0, 44).replace(/-+$/, '');
}

/** Single-quoted for sh. */
const q = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

export function buildManifests(plan: Plan, opts: ManifestOptions): (ConfigMap | PersistentVolumeClaim | Job)[] {
  const base = objectBase(plan.name);
  const n = opts.shards;
  const labels = { 'app.kubernetes.io/name': 'authbench', 'app.kubernetes.io/instance': base };
  const meta = (name: string): { name: string; namespace?: string; labels: Record<string, string> } => ({ name, ...(opts.namespace ? { namespace: opts.namespace } : {}), labels });
  const volumes = [
    { name: 'scenario', configMap: { name: `${base}-scenario` } },
    { name: 'results', persistentVolumeClaim: { claimName: `${base}-results` } },
  ];
  const volumeMounts = [
    { name: 'scenario', mountPath: '/scenario', readOnly: true },
    { name: 'results', mountPath: RESULTS },
  ];
  const targetEnv = ['DATABASE_URL', 'REDIS_URL'].map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: opts.secret, key } } }));
  const container = (name: string, script: string, env: object[] = targetEnv) => ({ name, image: opts.image, command: ['/bin/sh', '-c', script], env, volumeMounts });
  const job = (name: string, spec: Record<string, unknown>, containers: object[], initContainers: object[] = []): Job =>
    new Job({
      metadata: meta(name),
      spec: {
        backoffLimit: 0,
        ...spec,
        template: { metadata: { labels }, spec: { restartPolicy: 'Never', volumes, containers, ...(initContainers.length > 0 ? { initContainers } : {}) } },
      },
    } as ConstructorParameters<typeof Job>[0]);

  const totalS = Math.ceil((plan.load.warmupMs + plan.load.durationMs + plan.load.gracefulStopMs + opts.leadMs) / 1000);
  const shardDirs = Array.from({ length: n }, (_, k) => `${RESULTS}/shard-${k}`);
  const objects = [
    new ConfigMap({ metadata: meta(`${base}-scenario`), data: { 'scenario.yaml': plan.source.text } }),
    new PersistentVolumeClaim({ metadata: meta(`${base}-results`), spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: opts.storage } } } }),
    // Migrate, seed and warm once; then publish the common start for the shards (now + lead).
    job(`${base}-prepare`, {}, [
      container('prepare', `set -e; rm -f ${START_FILE}; authbench prepare ${SCENARIO} --target external; node -e 'console.log(Date.now() + ${opts.leadMs})' > ${START_FILE}.tmp; mv ${START_FILE}.tmp ${START_FILE}`),
    ]),
    // Shard K of N per completion index; each waits for the prepared target's start instant, then runs its share.
    job(
      `${base}-shards`,
      { completionMode: 'Indexed', completions: n, parallelism: n, activeDeadlineSeconds: totalS + 1800 },
      [
        container(
          'shard',
          `exec authbench run ${SCENARIO} --target external --shard "$JOB_COMPLETION_INDEX/${n}" --start-at "$(cat ${START_FILE})" --out "${RESULTS}/shard-$JOB_COMPLETION_INDEX" --no-html --no-junit`,
          [...targetEnv, { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }],
        ),
      ],
      [container('wait-for-prepare', `until [ -s ${START_FILE} ]; do sleep 2; done`, [])],
    ),
    // Waits for every shard's results.json (or the run's end plus a margin: a killed shard is then reported missing).
    job(`${base}-merge`, { activeDeadlineSeconds: totalS + 3600 }, [
      container(
        'merge',
        `until [ -s ${START_FILE} ]; do sleep 2; done; deadline=$(( $(cat ${START_FILE}) / 1000 + ${totalS} + 120 )); ` +
          `while [ "$(date +%s)" -lt "$deadline" ]; do missing=0; for d in ${shardDirs.map(q).join(' ')}; do [ -s "$d/results.json" ] || missing=1; done; [ "$missing" = 0 ] && break; sleep 5; done; ` +
          `exec authbench merge ${shardDirs.map(q).join(' ')} --out ${RESULTS}/merged`,
        [],
      ),
    ]),
  ];
  for (const o of objects) o.validate();
  return objects;
}

/** The objects as one multi-document YAML stream for `kubectl apply -f -`. */
export function renderManifests(objects: readonly { toJSON(): unknown }[], header: readonly string[] = []): string {
  return [...header.map((l) => `# ${l}`), ...objects.map((o) => `---\n${stringify(o.toJSON(), { lineWidth: 0 })}`)].join('\n');
}
