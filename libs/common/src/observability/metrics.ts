import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per service instance (not prom-client's global one), so several
 * services can run in one test process without their metrics colliding.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    return (
      (this.registry.getSingleMetric(name) as Counter<string>) ??
      new Counter({ name, help, labelNames, registers: [this.registry] })
    );
  }

  gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
    return (
      (this.registry.getSingleMetric(name) as Gauge<string>) ??
      new Gauge({ name, help, labelNames, registers: [this.registry] })
    );
  }

  /** A gauge read at scrape time (e.g. a queue's depth); a failing read leaves the last value. */
  gaugeFn(
    name: string,
    help: string,
    labelNames: string[],
    read: (set: (labels: Record<string, string>, v: number) => void) => Promise<void> | void,
  ): void {
    if (this.registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        try {
          await read((labels, v) => this.set(labels, v));
        } catch {
          /* keep the last value */
        }
      },
    });
  }

  histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram<string> {
    return (
      (this.registry.getSingleMetric(name) as Histogram<string>) ??
      new Histogram({
        name,
        help,
        labelNames,
        buckets: buckets ?? [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [this.registry],
      })
    );
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
