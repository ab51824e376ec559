// Small helpers the benchmarks share: CPU of a process or a whole process tree from /proc, a child process run
// with samples taken on a timer and at marked output lines, percentiles and number formatting.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import console from 'node:console';
import process from 'node:process';
import { setInterval, clearInterval } from 'node:timers';

export const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

export const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Fields of /proc/<pid>/stat after the command name (index 0 = state), or null once the process is gone. */
function statFields(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime+stime (s) and VmRSS (bytes) of one process (all its threads); null once it has exited. */
export function procSample(pid) {
  const fields = statFields(pid);
  if (!fields) return null;
  const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS;
  let rssBytes = 0;
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    rssBytes = rss ? Number(rss[1]) * 1024 : 0;
  } catch {
    return null;
  }
  return { atMs: Date.now(), cpuS, rssBytes, wakes: wakes(pid), threads: threadCpuS(pid) };
}

/**
 * CPU seconds of a process split by thread: authbench's load workers (threads named `authbench-w<N>`, see
 * src/series/thread-name.ts), the main thread (tid = pid), and the rest (V8's GC and compiler helpers, libuv's pool).
 */
export function threadCpuS(pid) {
  const split = { loadWorkers: 0, main: 0, other: 0 };
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      let stat;
      let comm;
      try {
        stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      } catch {
        continue; // the thread exited meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const s = (Number(f[11]) + Number(f[12])) / TICKS;
      if (Number(tid) === pid) split.main += s;
      else if (comm.startsWith('authbench-w')) split.loadWorkers += s;
      else split.other += s;
    }
  } catch {
    // the process exited: what was read so far
  }
  return split;
}

/**
 * Times the threads of a process went to sleep and were woken again (the sum of every thread's
 * voluntary_ctxt_switches): a count, so unlike CPU time it does not move with the machine's noise. Each one is a
 * syscall that blocked (epoll_wait, poll, a futex) and a wake-up by the kernel later.
 */
export function wakes(pid) {
  let n = 0;
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      if (m) n += Number(m[1]);
    }
  } catch {
    // the process or a thread exited meanwhile: what was read so far
  }
  return n;
}

/** wakes() of a process tree: the root and every live descendant (a backend that exits inside a window is lost). */
export function treeWakes(rootPid) {
  const parent = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f) parent.set(Number(name), Number(f[1]));
  }
  let total = wakes(rootPid);
  for (const pid of parent.keys()) {
    if (pid === rootPid) continue;
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === rootPid) {
        total += wakes(pid);
        break;
      }
    }
  }
  return total;
}

/**
 * CPU seconds of a process tree: the root and every live descendant (utime+stime), plus what the root has reaped
 * (cutime+cstime), so a backend that exits inside a window still counts. For PostgreSQL pass the postmaster.
 */
export function treeCpuS(rootPid) {
  const parent = new Map();
  const cpu = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (!f) continue;
    const pid = Number(name);
    parent.set(pid, Number(f[1]));
    cpu.set(pid, (Number(f[11]) + Number(f[12])) / TICKS);
  }
  const root = statFields(rootPid);
  if (!root) return Number.NaN;
  let total = (Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14])) / TICKS;
  for (const [pid, s] of cpu) {
    if (pid === rootPid) continue;
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === rootPid) {
        total += s;
        break;
      }
    }
  }
  return total;
}

/**
 * Runs a command, sampling its CPU and RSS every `everyMs` and whenever a stdout/stderr line matches `mark`; at a mark
 * `extra()` is also called and its result kept (e.g. the servers' CPU at the same instant). Resolves with stdout,
 * stderr, exit code, the samples and the marks.
 */
export function runSampled(cmd, argv, { env = process.env, everyMs = 250, mark, cwd, extra } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const samples = [];
    const marks = [];
    let stdout = '';
    let stderr = '';
    let last = null;
    const take = () => {
      const s = procSample(child.pid);
      if (s) {
        last = s;
        samples.push(s);
      }
      return s;
    };
    const onLines = (d) => {
      if (!mark) return;
      for (const line of String(d).split('\n')) {
        const m = mark.exec(line);
        if (!m) continue;
        const s = take();
        if (s) marks.push({ ...s, match: m, extra: extra?.() });
      }
    };
    const timer = setInterval(take, everyMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      onLines(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      onLines(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, samples, marks, last });
    });
  });
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function table(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}
