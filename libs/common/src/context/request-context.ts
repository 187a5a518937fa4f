import { AsyncLocalStorage } from 'node:async_hooks';
import { pooledRandomBytes } from '../ids/random-pool';

export interface RequestContext {
  /** One id for one piece of work across HTTP, WebSocket and AMQP hops, and in every log line. */
  correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Ids arriving from outside are only trusted if they look like ids (no log injection). */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function newCorrelationId(): string {
  return pooledRandomBytes(9).toString('base64url');
}

export function runWithContext<T>(correlationId: string | undefined, fn: () => T): T {
  const id = correlationId && SAFE_ID.test(correlationId) ? correlationId : newCorrelationId();
  return storage.run({ correlationId: id }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
