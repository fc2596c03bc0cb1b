import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real connector process, started with `node` as `npm start` does, on its own port, with only the
 * environment given (plus PATH and HOME). Its output is kept for failure messages.
 */
export class ConnectorProcess {
  #child: ChildProcess | null = null;
  #output = '';

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get output(): string {
    return this.#output;
  }

  /** Starts it (again, after a stop) and resolves once /healthz answers. */
  async start(readyWithinMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...this.env,
        PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout?.on('data', (d) => {
      this.#output += d;
    });
    child.stderr?.on('data', (d) => {
      this.#output += d;
    });
    const readyBy = Date.now() + readyWithinMs;
    while (!(await this.#answers())) {
      assert.equal(child.exitCode, null, `${this.name} exited early:\n${this.#output}`);
      assert.ok(
        Date.now() < readyBy,
        `${this.name} did not answer within ${readyWithinMs / 1000} s:\n${this.#output}`,
      );
      await sleep(200);
    }
  }

  /** Sends `signal` and resolves with how the process ended and how long it took. */
  async signal(
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: string | null; tookMs: number }> {
    const child = this.#child;
    assert.ok(child && this.running, `${this.name} is not running`);
    const sentAt = Date.now();
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    child.kill(signal);
    const [code, by] = await exited;
    return { code, signal: by, tookMs: Date.now() - sentAt };
  }

  /** Stops it with `signal` and waits for the exit; nothing to do when it is not running. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.running) await this.signal(signal);
  }

  /** Kills it without waiting (teardown after a failure). */
  kill(): void {
    if (this.running) this.#child?.kill('SIGKILL');
  }

  async #answers(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/healthz`)).ok;
    } catch {
      return false;
    }
  }
}
