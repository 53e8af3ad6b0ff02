import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export type { Span, Tracer };
export { SpanKind };

export interface TracingConfig {
  /** OTLP/HTTP base URL (e.g. http://collector:4318); traces go to `<endpoint>/v1/traces`. Absent: tracing off. */
  readonly endpoint?: string | undefined;
  readonly serviceName: string;
  /** Registers this service's provider for libraries that trace on the global API (Apollo Gateway): one per process. */
  readonly global?: boolean;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Exports every ended span now. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Span attribute carrying RTC's `x-request-id`, so a trace is found from a log line and back. */
export const requestIdAttribute = 'rtc.request_id';

// The context manager and propagator are process-wide; several services of one process share them.
let processUsers = 0;

function acquireProcessContext(): void {
  if (processUsers++ > 0) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

function releaseProcessContext(): void {
  if (--processUsers > 0) return;
  context.disable();
  propagation.disable();
}

/**
 * Starts tracing for one service when an OTLP endpoint is configured; undefined otherwise, and then nothing is
 * loaded or wrapped anywhere: every instrumented place of the kit checks for a tracer first.
 */
export function startTracing({ endpoint, serviceName, global = false }: TracingConfig): Tracing | undefined {
  if (!endpoint) return undefined;
  acquireProcessContext();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'rtc' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) })],
  });
  if (global) trace.setGlobalTracerProvider(provider);
  let stopped = false;
  return {
    tracer: provider.getTracer('@rtc/service-kit'),
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await provider.shutdown();
      if (global) trace.disable();
      releaseProcessContext();
    },
  };
}

/** Whether the current work belongs to a trace: background work (pollers, scrapes) starts none of its own. */
export function inTrace(): boolean {
  return trace.getSpan(context.active()) !== undefined;
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent; the active context when absent. */
  readonly parent?: Context;
}

/** Runs `work` inside a new active span that ends with it and records its failure. */
export async function inSpan<T>(tracer: Tracer, name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { parent = context.active(), kind = SpanKind.INTERNAL, attributes } = options;
  return tracer.startActiveSpan(name, { kind, ...(attributes ? { attributes } : {}) }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The W3C trace context of the active span, to carry across a hop the propagator does not see (a bus message). */
export function currentTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a carrier (request headers, a bus message's trace context) continues. */
export function contextFrom(carrier: Record<string, string | string[] | undefined> | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier) : context.active();
}
