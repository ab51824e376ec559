// Reads the Linux /proc files the series needs (host CPU, load, pressure, per-thread and per-process CPU) and parses
// them with pure functions. Every reader returns null when its file is missing (another OS, a locked-down container).
import fs from 'node:fs';

/** Jiffies per second of /proc/<pid>/stat: USER_HZ is 100 on every Linux x64 ABI. */
export const USER_HZ = 100;

export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
}

/** The aggregate `cpu` line of /proc/stat (jiffies). */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number): number => (Number.isFinite(v[i]) ? (v[i] as number) : 0);
  return { user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4), irq: at(5), softirq: at(6), steal: at(7) };
}

/** Shares 0..1 of the CPU time between two readings; user includes nice, system includes irq and softirq. */
export function cpuShares(a: CpuTimes, b: CpuTimes): { user: number; system: number; iowait: number; steal: number; idle: number } | null {
  const d = (k: keyof CpuTimes): number => Math.max(0, b[k] - a[k]);
  const total = d('user') + d('nice') + d('system') + d('idle') + d('iowait') + d('irq') + d('softirq') + d('steal');
  if (total <= 0) return null;
  return {
    user: (d('user') + d('nice')) / total,
    system: (d('system') + d('irq') + d('softirq')) / total,
    iowait: d('iowait') / total,
    steal: d('steal') / total,
    idle: d('idle') / total,
  };
}

/** `some … total=<µs>` of a /proc/pressure file: µs during which some task stalled. */
export function parsePressureTotal(text: string): number | null {
  const m = /^some .*total=(\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

export function parseLoad1(text: string): number | null {
  const v = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(v) ? v : null;
}

/** Fields of /proc/<pid>/stat after the `(comm)`, which may itself hold spaces and parentheses. */
function statFields(text: string): string[] | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  return text.slice(close + 2).trim().split(/\s+/);
}

export interface ProcessCpu {
  readonly ppid: number;
  /** utime + stime, seconds. */
  readonly ownSec: number;
  /** cutime + cstime: children that exited and were reaped, seconds. */
  readonly reapedChildrenSec: number;
}

export function parsePidStat(text: string): ProcessCpu | null {
  const f = statFields(text);
  // After the comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  if (!f || f.length < 15) return null;
  const n = (i: number): number => Number(f[i]) || 0;
  return { ppid: n(1), ownSec: (n(11) + n(12)) / USER_HZ, reapedChildrenSec: (n(13) + n(14)) / USER_HZ };
}

/** /proc/<pid>/task/<tid>/schedstat: ns on a CPU, ns waiting on a run queue. */
export function parseSchedstat(text: string): { runSec: number; waitSec: number } | null {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(run) || !Number.isFinite(wait)) return null;
  return { runSec: (run as number) / 1e9, waitSec: (wait as number) / 1e9 };
}

export function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export interface ThreadTimes {
  readonly name: string;
  readonly runSec: number;
  readonly waitSec: number;
}

/**
 * This process's threads by tid with their name (`main` for the main thread, the thread's comm otherwise:
 * load workers name themselves `authbench-w<N>`, see thread-name.ts) and scheduler times.
 */
export function readOwnThreads(): Map<string, ThreadTimes> | null {
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const out = new Map<string, ThreadTimes>();
  for (const tid of tids) {
    const sched = parseSchedstat(readText(`/proc/self/task/${tid}/schedstat`) ?? '');
    if (!sched) continue;
    const comm = (readText(`/proc/self/task/${tid}/comm`) ?? '').trim();
    out.set(tid, { name: Number(tid) === process.pid ? 'main' : comm, ...sched });
  }
  return out;
}

/** The process and its live children (one level: PostgreSQL's backends are the postmaster's children). */
export function readProcessTreeSec(pid: number): number | null {
  const root = parsePidStat(readText(`/proc/${pid}/stat`) ?? '');
  if (!root) return null;
  let total = root.ownSec + root.reapedChildrenSec;
  const children = readText(`/proc/${pid}/task/${pid}/children`);
  for (const child of (children ?? '').trim().split(/\s+/).filter(Boolean)) {
    const c = parsePidStat(readText(`/proc/${child}/stat`) ?? '');
    if (c) total += c.ownSec + c.reapedChildrenSec;
  }
  return total;
}

/** The parent of `pid` when both are processes named `comm` on this machine, else null. */
export function parentNamed(pid: number, comm: string): number | null {
  if ((readText(`/proc/${pid}/comm`) ?? '').trim() !== comm) return null;
  const stat = parsePidStat(readText(`/proc/${pid}/stat`) ?? '');
  if (!stat || stat.ppid <= 1) return null;
  return (readText(`/proc/${stat.ppid}/comm`) ?? '').trim() === comm ? stat.ppid : null;
}
