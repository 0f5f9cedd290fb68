// Process helpers for `npm start`: every child runs in its own process group, so Ctrl-C in the
// terminal reaches only the orchestrator, which then stops the children in order.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** Parent pid of a process, from /proc (null when it is gone). */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/**
 * Every live descendant of `root`. Taken before a shutdown: processes that detach into their own
 * group (the Java emulators do) are still found, by parentage, and can be checked afterwards.
 */
export function descendantsOf(root) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid !== null) parents.set(Number(name), ppid);
  }
  const found = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a whole process group we created; ignores groups that are already gone. */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already exited.
  }
}

/** Resolves true when the child exits within `ms`, false otherwise. */
export function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Waits until none of the pids is alive, or `ms` pass; returns those still alive. */
export async function waitForPids(pids, ms) {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Takes the machine-wide emulator lock that test and benchmark runs take with `flock`. The lock is
 * held by a `flock … cat` child reading our pipe: when this process ends in any way (even
 * SIGKILL) the pipe closes, `cat` exits and the lock is released.
 * `track` receives each `flock` child at once, so an interrupted wait can end it.
 * @returns {Promise<{ release(): void, child: import('node:child_process').ChildProcess }>}
 */
export async function acquireLock(lockFile, onWait, track = () => {}) {
  const attempt = (wait) =>
    new Promise((resolve) => {
      const args = wait ? [lockFile] : ['--nonblock', lockFile];
      const child = spawn('flock', [...args, 'sh', '-c', 'echo locked; exec cat'], {
        stdio: ['pipe', 'pipe', 'inherit'],
        detached: true,
      });
      track(child);
      let settled = false;
      child.stdout.once('data', () => {
        settled = true;
        resolve({ child, release: () => child.stdin.end() });
      });
      child.once('exit', () => {
        if (!settled) resolve(null);
      });
    });
  const held = await attempt(false);
  if (held) return held;
  onWait();
  const waited = await attempt(true);
  if (!waited) throw new Error(`could not take the lock ${lockFile}`);
  return waited;
}
