import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface InfraCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * The private RabbitMQ node and PostgreSQL cluster `npm run chaos` starts for itself
 * (scripts/lib/private-infra.mjs), described in the file named by CHAOS_INFRA: where they listen
 * and the exact commands that fault them. Tests fault only these, never the shared servers.
 */
export interface PrivateInfra {
  postgres: { adminUrl: string; port: number; restartFast: InfraCommand; restartImmediate: InfraCommand };
  rabbitmq: {
    node: string;
    amqpUrl: string;
    port: number;
    stopApp: InfraCommand;
    startApp: InfraCommand;
    awaitStartup: InfraCommand;
  };
}

/** The private servers of this run, or undefined when not started by `npm run chaos`. */
export function privateInfra(): PrivateInfra | undefined {
  const file = process.env.CHAOS_INFRA;
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as PrivateInfra) : undefined;
}

/** Keeps a log next to the private servers' own (`CHAOS_KEEP=1 npm run chaos` keeps that dir). */
export function keepInfraLog(name: string, text: string): string | undefined {
  const file = process.env.CHAOS_INFRA;
  if (!file) return undefined;
  const out = join(dirname(file), name);
  writeFileSync(out, text);
  return out;
}

export async function runInfraCommand(c: InfraCommand, timeoutMs = 120_000): Promise<void> {
  await exec(c.command, c.args, { env: c.env ?? process.env, cwd: '/', timeout: timeoutMs });
}

/** Set by `npm run chaos`: the full chaos run (more load, broker and database faults). */
export const CHAOS_FULL = process.env.CHAOS_FULL === '1';
