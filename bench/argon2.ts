// Cost of one Argon2id password verify at OWASP's minimum (m=19456 KiB, t=2, p=1) for node-argon2 and @node-rs/argon2:
// latency, throughput by concurrency, hash time, interop, RSS. `npx tsx bench/argon2.ts [--repeat 3] [--quick]`; stdout only.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const OWASP = { memoryKiB: 19456, timeCost: 2, parallelism: 1 } as const;
const CONCURRENCY = [1, 2, 4, 8] as const;
const PASSWORD = 'correct horse battery staple';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(import.meta.url);

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    'no-source-build': { type: 'boolean', default: false },
    // Child modes: one binding per process, so RSS and thread counts belong to that binding alone.
    child: { type: 'string' },
    module: { type: 'string' },
    interop: { type: 'string' },
    'pool-probe': { type: 'boolean', default: false },
  },
});
const quick = values.quick;

interface Binding {
  name: string;
  hash(password: string, salt?: Buffer): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
}

interface ThroughputRow {
  concurrency: number;
  verifies: number;
  perSecond: number;
  /** CPU seconds used per wall second: how many verifies really ran at once. */
  busyCores: number;
  perCpuSecond: number;
  latencyP50Ms: number;
  /** Threads other than the main one that burnt ≥ 30 ms CPU during the run: the threads that really hashed. */
  hashThreads: number;
  /** OS threads in the process at the end of the run (main, V8, libuv pool, any binding-owned pool). */
  threads: number;
}

interface ChildResult {
  binding: string;
  hashP50Ms: number;
  verifyP50Ms: number;
  verifyP95Ms: number;
  verifyMeanMs: number;
  verifySamples: number;
  throughput: ThroughputRow[];
  threadsBeforeFirstHash: number;
  rssAfterLoadMiB: number;
  rssEndMiB: number;
  maxRssMiB: number;
}

/** Loads a binding by module path (node-argon2, possibly a source build) or package name. */
async function loadBinding(name: string, modulePath: string | undefined): Promise<Binding> {
  const params = { memoryCost: OWASP.memoryKiB, timeCost: OWASP.timeCost, parallelism: OWASP.parallelism };
  if (name === 'argon2') {
    const a = requireHere(modulePath ?? 'argon2') as typeof import('argon2');
    return {
      name,
      hash: (pw, salt) => a.hash(pw, { ...params, type: a.argon2id, ...(salt ? { salt } : {}) }),
      verify: (phc, pw) => a.verify(phc, pw),
    };
  }
  const rs = await import('@node-rs/argon2');
  // Algorithm is a const enum with no runtime value: 2 is Argon2id.
  return {
    name,
    hash: (pw, salt) => rs.hash(pw, { ...params, algorithm: 2 as import('@node-rs/argon2').Algorithm, ...(salt ? { salt } : {}) }),
    verify: (phc, pw) => rs.verify(phc, pw),
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const sortNum = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: readonly number[]): number => percentile(sortNum(xs), 50);
const threadCount = (): number => fs.readdirSync('/proc/self/task').length;
/** CPU ms per thread id, from /proc (utime + stime in clock ticks; 100 Hz on Linux x64). */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return out;
}
const mib = (bytes: number): number => bytes / 1048576;
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = nowMs();
  await fn();
  return nowMs() - t0;
}

/** Closed loop: `concurrency` callers each verify back to back until `durationMs` has passed. */
async function throughputAt(b: Binding, phc: string, concurrency: number, durationMs: number): Promise<ThroughputRow> {
  const latencies: number[] = [];
  const threads0 = threadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  const deadline = t0 + durationMs;
  const caller = async (): Promise<void> => {
    while (nowMs() < deadline) {
      const s = nowMs();
      if (!(await b.verify(phc, PASSWORD))) throw new Error(`${b.name}: right password refused`);
      latencies.push(nowMs() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const wallS = (nowMs() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const hashThreads = [...threadCpuMs()].filter(([tid, ms]) => tid !== String(process.pid) && ms - (threads0.get(tid) ?? 0) >= 30).length;
  return {
    concurrency,
    verifies: latencies.length,
    perSecond: latencies.length / wallS,
    busyCores: cpuS / wallS,
    perCpuSecond: latencies.length / cpuS,
    latencyP50Ms: median(latencies),
    hashThreads,
    threads: threadCount(),
  };
}

async function runChild(name: string, modulePath: string | undefined): Promise<ChildResult> {
  const threadsBefore = threadCount();
  const b = await loadBinding(name, modulePath);
  const rssAfterLoad = process.memoryUsage().rss;
  for (let i = 0; i < 2; i++) await b.hash(PASSWORD);
  const hashTimes: number[] = [];
  for (let i = 0; i < (quick ? 5 : 15); i++) hashTimes.push(await timed(() => b.hash(PASSWORD)));
  const phc = await b.hash(PASSWORD);
  if (await b.verify(phc, 'wrong password')) throw new Error(`${name}: wrong password accepted`);
  for (let i = 0; i < 5; i++) await b.verify(phc, PASSWORD);
  const verifyTimes: number[] = [];
  for (let i = 0; i < (quick ? 50 : 80); i++) verifyTimes.push(await timed(() => b.verify(phc, PASSWORD)));
  const sorted = sortNum(verifyTimes);
  const throughput: ThroughputRow[] = [];
  for (const c of CONCURRENCY) throughput.push(await throughputAt(b, phc, c, quick ? 1000 : 3000));
  return {
    binding: name,
    hashP50Ms: median(hashTimes),
    verifyP50Ms: percentile(sorted, 50),
    verifyP95Ms: percentile(sorted, 95),
    verifyMeanMs: verifyTimes.reduce((s, x) => s + x, 0) / verifyTimes.length,
    verifySamples: verifyTimes.length,
    throughput,
    threadsBeforeFirstHash: threadsBefore,
    rssAfterLoadMiB: mib(rssAfterLoad),
    rssEndMiB: mib(process.memoryUsage().rss),
    // resourceUsage().maxRSS is in KiB.
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** With UV_THREADPOOL_SIZE=1, four callers: if verifies/s falls to the 1-caller rate, the binding runs on libuv's pool. */
async function runPoolProbe(name: string, modulePath: string | undefined): Promise<ThroughputRow> {
  const b = await loadBinding(name, modulePath);
  const phc = await b.hash(PASSWORD);
  await b.verify(phc, PASSWORD);
  return throughputAt(b, phc, 4, quick ? 1000 : 2000);
}

interface InteropResult {
  from: string;
  to: string;
  rightAccepted: boolean;
  wrongRefused: boolean;
}

/** Each binding verifies the other's PHC strings, including a seed-style string with a caller-chosen 16-byte salt. */
async function runInterop(argon2Path: string): Promise<InteropResult[]> {
  const a = await loadBinding('argon2', argon2Path);
  const rs = await loadBinding('@node-rs/argon2', undefined);
  const out: InteropResult[] = [];
  for (const [from, to, salt] of [[a, rs, undefined], [rs, a, undefined], [rs, a, randomBytes(16)]] as const) {
    const phc = await from.hash(PASSWORD, salt);
    out.push({
      from: `${from.name}${salt ? ' (seed-style salt)' : ''}`,
      to: to.name,
      rightAccepted: await to.verify(phc, PASSWORD),
      wrongRefused: !(await to.verify(phc, `${PASSWORD}!`)),
    });
  }
  return out;
}

// ---- parent: probe, optional source build, children, summary ----

interface LoadProbe {
  ok: boolean;
  detail: string;
}

/** Loading a native addon can crash the process (SIGSEGV), so try it in a throwaway child first. */
function probeLoad(modulePath: string, env: NodeJS.ProcessEnv = {}): LoadProbe {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(modulePath)}).hash('x').then(()=>console.log('ok'))`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  if (r.status === 0 && r.stdout.includes('ok')) return { ok: true, detail: 'loads' };
  return { ok: false, detail: r.signal ? `process killed by ${r.signal} on require()` : `exit ${r.status}: ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
}

/**
 * Compiles node-argon2's own sources for this Node's Node-API version into the temp folder (outside git), with the
 * flags of its binding.gyp, so its verify cost can be measured where the shipped prebuild does not load.
 */
function sourceBuildArgon2(): string | undefined {
  const pkgDir = path.dirname(requireHere.resolve('argon2/package.json'));
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const napi = process.versions.napi ?? '9';
  const headers = path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node');
  if (!fs.existsSync(path.join(headers, 'node_api.h'))) return undefined;
  const dir = path.join(os.tmpdir(), `authbench-argon2-${version}-napi${napi}`);
  const modDir = path.join(dir, 'node_modules', 'argon2');
  const addon = path.join(modDir, 'build', 'Release', 'argon2.node');
  if (!fs.existsSync(addon)) {
    fs.mkdirSync(path.dirname(addon), { recursive: true });
    const obj = path.join(dir, 'obj');
    fs.mkdirSync(obj, { recursive: true });
    const inc = path.join(pkgDir, 'argon2', 'include');
    const cSources = ['argon2.c', 'blake2/blake2b.c', 'core.c', 'encoding.c', 'thread.c', 'opt.c'];
    const objects: string[] = [];
    for (const src of cSources) {
      const o = path.join(obj, `${path.basename(src, '.c')}.o`);
      execFileSync('gcc', ['-O3', '-fPIC', '-msse', '-msse2', '-DNDEBUG', `-I${inc}`, '-c', path.join(pkgDir, 'argon2', 'src', src), '-o', o]);
      objects.push(o);
    }
    const addonApi = path.dirname(requireHere.resolve('node-addon-api/package.json'));
    const bindingObj = path.join(obj, 'binding.o');
    execFileSync('g++', ['-O3', '-fPIC', '-std=c++17', '-fexceptions', '-DNDEBUG', `-DNAPI_VERSION=${napi}`, '-DNODE_ADDON_API_DISABLE_DEPRECATED', '-DNODE_API_NO_EXTERNAL_BUFFERS_ALLOWED', `-I${inc}`, `-I${headers}`, `-I${addonApi}`, '-c', path.join(pkgDir, 'argon2.cpp'), '-o', bindingObj]);
    execFileSync('g++', ['-shared', '-pthread', '-o', addon, bindingObj, ...objects]);
    // The JS wrapper is copied (not linked) so node-gyp-build looks for build/Release next to it; its deps are linked.
    fs.copyFileSync(path.join(pkgDir, 'argon2.cjs'), path.join(modDir, 'argon2.cjs'));
    fs.copyFileSync(path.join(pkgDir, 'package.json'), path.join(modDir, 'package.json'));
    for (const dep of ['@phc', 'node-gyp-build']) {
      const link = path.join(dir, 'node_modules', dep);
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), link);
    }
  }
  return path.join(modDir, 'argon2.cjs');
}

function runSelf(args: string[], env: NodeJS.ProcessEnv = {}): unknown {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args, ...(quick ? ['--quick'] : [])], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.signal ?? `exit ${r.status}`}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
/** "median (min–max)" over repetitions. */
const spread = (xs: readonly number[], digits = 1): string => (xs.length > 1 ? `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})` : fmt(xs[0] ?? NaN, digits));

async function main(): Promise<void> {
  if (values.child) {
    const result = values['pool-probe'] ? await runPoolProbe(values.child, values.module) : await runChild(values.child, values.module);
    console.log(JSON.stringify(result));
    return;
  }
  if (values.interop) {
    console.log(JSON.stringify(await runInterop(values.interop)));
    return;
  }
  const repeat = quick ? 1 : Math.max(1, Number(values.repeat));
  const loadStart = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  const cores = os.availableParallelism();
  // PREBUILDS_ONLY makes node-gyp-build skip node_modules/argon2/build/Release: the shipped prebuild alone.
  const prebuild = probeLoad('argon2', { PREBUILDS_ONLY: '1' });
  const installed = probeLoad('argon2');
  const hasLocalBuild = fs.existsSync(path.join(path.dirname(requireHere.resolve('argon2/package.json')), 'build', 'Release', 'argon2.node'));
  let argon2Path: string | undefined = installed.ok ? requireHere.resolve('argon2') : undefined;
  let argon2Label = prebuild.ok ? 'argon2 (prebuild)' : hasLocalBuild ? 'argon2 (build/Release in node_modules)' : 'argon2';
  if (!installed.ok && !values['no-source-build']) {
    argon2Path = sourceBuildArgon2();
    argon2Label = `argon2 (source build, Node-API ${process.versions.napi})`;
    if (argon2Path && !probeLoad(argon2Path).ok) argon2Path = undefined;
  }
  console.log(`# Argon2id verify cost, m=${OWASP.memoryKiB} KiB t=${OWASP.timeCost} p=${OWASP.parallelism}`);
  console.log(`node ${process.version} (Node-API ${process.versions.napi}), ${cores} cores (${os.cpus()[0]?.model ?? '?'}), UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 'unset (4)'}`);
  console.log(`argon2 prebuild (PREBUILDS_ONLY=1): ${prebuild.detail}; require('argon2') as installed: ${installed.detail}${hasLocalBuild ? ' (a build/Release exists)' : ''}; measuring: ${argon2Path ? argon2Label : 'nothing'}`);
  console.log(`loadavg at start: ${loadStart}; ${repeat} repetition(s), fresh processes each, binding order alternated`);

  const bindings: { name: string; label: string; module?: string }[] = [{ name: '@node-rs/argon2', label: '@node-rs/argon2' }];
  if (argon2Path) bindings.push({ name: 'argon2', label: argon2Label, module: argon2Path });
  const runs = new Map<string, ChildResult[]>(bindings.map((b) => [b.name, []]));
  const probes = new Map<string, ThroughputRow[]>(bindings.map((b) => [b.name, []]));
  for (let r = 0; r < repeat; r++) {
    const order = r % 2 === 0 ? bindings : [...bindings].reverse();
    for (const b of order) {
      const moduleArgs = b.module ? ['--module', b.module] : [];
      runs.get(b.name)!.push(runSelf(['--child', b.name, ...moduleArgs]) as ChildResult);
      probes.get(b.name)!.push(runSelf(['--child', b.name, ...moduleArgs, '--pool-probe'], { UV_THREADPOOL_SIZE: '1' }) as ThroughputRow);
    }
  }
  const interop = argon2Path ? (runSelf(['--interop', argon2Path]) as InteropResult[]) : [];
  const loadEnd = fs.readFileSync('/proc/loadavg', 'utf8').trim();

  console.log('\nper verify, one at a time (ms): median over repetitions (min–max)');
  console.log(`${'binding'.padEnd(40)} ${'hash P50'.padEnd(18)} ${'verify P50'.padEnd(18)} ${'verify P95'.padEnd(18)} RSS load→max MiB`);
  for (const b of bindings) {
    const rs = runs.get(b.name)!;
    console.log(
      `${b.label.padEnd(40)} ${spread(rs.map((x) => x.hashP50Ms)).padEnd(18)} ${spread(rs.map((x) => x.verifyP50Ms)).padEnd(18)} ${spread(rs.map((x) => x.verifyP95Ms)).padEnd(18)} ${fmt(median(rs.map((x) => x.rssAfterLoadMiB)), 0)}→${fmt(median(rs.map((x) => x.maxRssMiB)), 0)}`,
    );
  }
  console.log('\nthroughput by concurrency (closed loop): verifies/s | busy cores | verifies per CPU-second | P50 ms | threads that hashed');
  for (const b of bindings) {
    const rs = runs.get(b.name)!;
    for (const [i, c] of CONCURRENCY.entries()) {
      const rows = rs.map((x) => x.throughput[i]!);
      console.log(
        `${b.label.padEnd(40)} c=${c}  ${spread(rows.map((x) => x.perSecond)).padEnd(18)} ${spread(rows.map((x) => x.busyCores), 2).padEnd(18)} ${spread(rows.map((x) => x.perCpuSecond)).padEnd(18)} ${fmt(median(rows.map((x) => x.latencyP50Ms))).padEnd(7)} ${Math.max(...rows.map((x) => x.hashThreads))}`,
      );
    }
    const p = probes.get(b.name)!;
    console.log(`${b.label.padEnd(40)} c=4, UV_THREADPOOL_SIZE=1: ${spread(p.map((x) => x.perSecond))} verifies/s, busy cores ${spread(p.map((x) => x.busyCores), 2)}, threads that hashed ${Math.max(...p.map((x) => x.hashThreads))}`);
  }
  if (interop.length) {
    console.log('\ninteroperability (PHC strings at OWASP settings)');
    for (const x of interop) console.log(`${x.from} → ${x.to}: right password ${x.rightAccepted ? 'accepted' : 'REFUSED'}, wrong password ${x.wrongRefused ? 'refused' : 'ACCEPTED'}`);
  }

  // Capacity: verifies per CPU-second at the best concurrency (robust to other tenants), and verifies/s ÷ cores.
  const capacity = bindings.map((b) => {
    const rs = runs.get(b.name)!;
    const byC = CONCURRENCY.map((c, i) => ({ c, perSecond: median(rs.map((x) => x.throughput[i]!.perSecond)), perCpuSecond: median(rs.map((x) => x.throughput[i]!.perCpuSecond)) }));
    const best = byC.reduce((m, x) => (x.perSecond > m.perSecond ? x : m));
    return { binding: b.name, bestConcurrency: best.c, verifiesPerSecond: best.perSecond, perCoreByCpuTime: best.perCpuSecond, perCoreByWall: best.perSecond / Math.min(best.c, cores) };
  });
  console.log('\nfull-login capacity per core (verify part only; the database part is measured by the login scenario)');
  for (const c of capacity) {
    console.log(`${c.binding.padEnd(40)} best c=${c.bestConcurrency}: ${fmt(c.verifiesPerSecond)} verifies/s; ${fmt(c.perCoreByCpuTime)} per CPU-second; ${fmt(c.perCoreByWall)} per core by wall clock`);
  }
  console.log(`\nloadavg at end: ${loadEnd}`);
  console.log(
    JSON.stringify({
      bench: 'argon2',
      params: OWASP,
      node: process.version,
      napi: process.versions.napi,
      cores,
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? null,
      loadavgStart: loadStart,
      loadavgEnd: loadEnd,
      argon2Prebuild: prebuild,
      argon2Installed: { ...installed, localBuild: hasLocalBuild },
      argon2Measured: argon2Path ? argon2Label : null,
      runs: Object.fromEntries(runs),
      poolProbe: Object.fromEntries(probes),
      interop,
      capacity,
    }),
  );
}

await main();
