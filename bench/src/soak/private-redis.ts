import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';

export interface PrivateRedis {
  readonly url: string;
  stop(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A redis-server of the run's own on 127.0.0.1:`port`, in memory only (no RDB, no AOF): a stack on it shares its
 * event bus with nothing else on the machine.
 */
export async function startPrivateRedis(port: number, binary = 'redis-server'): Promise<PrivateRedis> {
  if (await answersPing(port)) throw new Error(`something already answers on 127.0.0.1:${port}; pick another --base-port`);
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let failure: string | undefined;
  child.once('error', (error) => (failure = `${binary} did not start: ${error.message}`));
  child.stderr.on('data', (data) => (failure ??= String(data).trim() || undefined));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, stop };
    if (child.exitCode !== null || failure?.includes('did not start')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(failure ?? `redis-server did not answer on 127.0.0.1:${port} within 10 s`);
}
