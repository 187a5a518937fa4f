import { Controller, Get, HttpCode, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';

export type HealthCheck = () => Promise<boolean> | boolean;

/** Readiness checks registered by the modules that own a dependency (database, broker). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private shuttingDown = false;

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async status(): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }> {
    const checks: Record<string, 'up' | 'down'> = {};
    for (const [name, check] of this.checks) {
      let ok = false;
      try {
        ok = await Promise.race([
          Promise.resolve(check()),
          new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
        ]);
      } catch {
        ok = false;
      }
      checks[name] = ok ? 'up' : 'down';
    }
    return { ready: !this.shuttingDown && Object.values(checks).every((c) => c === 'up'), checks };
  }
}

@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /** The process is alive and its event loop turns. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency answers and the service is not shutting down. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<object> {
    const s = await this.registry.status();
    res.status(s.ready ? 200 : 503);
    return { status: s.ready ? 'ok' : 'unavailable', checks: s.checks };
  }
}
