/**
 * How much other work the machine is doing right now, in cores: the processors' busy time over a
 * short window (os.cpus()), less this process's own CPU time (process.cpuUsage()). A job samples it
 * before it loads anything, while this process waits, so that what it measures is the others'.
 * Unlike the load average, it does not remember the jobs this process ran a minute ago.
 */
import { cpus } from 'node:os';

/** Busy and total processor time over all processors, ms. */
function processorTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** Cores' worth of work other processes did over `windowMs` (0 where the system does not say). */
export async function otherWorkCores(windowMs = 100): Promise<number> {
  const before = processorTimes();
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = processorTimes();
  const own = process.cpuUsage(ownBefore);
  if (!(after.total > before.total) || !(elapsedMs > 0)) return 0;
  const othersMs = after.busy - before.busy - (own.user + own.system) / 1000;
  return Math.max(0, othersMs / elapsedMs);
}
