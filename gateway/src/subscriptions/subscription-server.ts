import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  getArgumentValues,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { Gauge, isStaff, withoutSuggestions, type Caller, type Logger, type ServiceMetrics } from '@rtc/service-kit';
import { isExpiredTokenError, type Authenticator, type TokenIdentity } from '../authenticate';
import { checkOperationLimits, limitedParseOptions, limitValidationRules, tokenLimitAsTooComplex, type OperationLimits } from '../limits/operation-limits';
import type { SocketAdmission } from '../rate-limits/socket-admission';
import type { TrustedDocuments } from '../trusted-documents/trusted-documents';
import { liveFieldSpecs } from './live-fields';
import { guardSockets, SocketCloseCode } from './socket-guard';
import { KeepAliveCloseCode, keepSocketsAlive, type SocketKeepAlive } from './socket-keepalive';
import type { SinkFlow } from './coalescing-writer';
import { batchSocketWrites, createNextMessages, type SocketWrites } from './socket-writes';

type NextMessages = ReturnType<typeof createNextMessages>;
import { salesStatsField, type LiveHub, type LiveSink, type LiveSubscription } from './live-hub';
import { validateWindowSeconds } from '@rtc/orders/live-sales';
import { validateFunnelWindow } from '@rtc/activity/live-window';
import { funnelStatsField } from './live-funnel';

/** Answers whether `caller` may follow `orderId`: null when allowed, else the error to send. */
export type OrderAccessCheck = (caller: Caller, orderId: string) => Promise<GraphQLError | null>;

export interface SubscriptionServerOptions {
  readonly server: Server;
  readonly path: string;
  readonly schema: () => GraphQLSchema;
  /** The same operation limits as HTTP, checked when a subscription starts. */
  readonly limits: OperationLimits;
  /** Leaves "Did you mean …" suggestions out of validation and argument errors. */
  readonly production: boolean;
  readonly authenticator: Authenticator;
  /** How often each authenticated socket's token is checked against its account again. */
  readonly recheckMs: number;
  readonly hub: LiveHub;
  /** Which operation texts may run; in safelist mode, only the trusted documents. */
  readonly trustedDocuments: TrustedDocuments;
  readonly checkOrderAccess: OrderAccessCheck;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** Limits on new and open sockets per client address; absent, every upgrade is accepted. */
  readonly admission?: { readonly sockets: SocketAdmission; readonly addressOf: (req: IncomingMessage) => string };
  /** How often sockets are pinged, and how many unsent bytes one may hold before it is closed. */
  readonly keepAlive: { readonly pingIntervalMs: number; readonly maxBufferedBytes: number };
  /** True once the gateway is shutting down: new sockets are turned away with 503. */
  readonly draining: () => boolean;
}

/**
 * Writes a group's serialized result as a graphql-ws `next` message for one subscription. A socket past the buffer
 * bound is closed rather than skipped over: a gap the client cannot see is worse than a reconnect that resumes.
 */
function sinkFor(socket: WebSocket, id: string, keepAlive: SocketKeepAlive, writes: SocketWrites, messages: NextMessages): LiveSink {
  const messageOf = messages.forSubscription(id);
  return (payload) => {
    if (!keepAlive.admit(socket)) return;
    writes.sendFrame(socket, messageOf(payload));
  };
}

/**
 * A coalescing subscription's view of its socket: behind while a sixteenth of the slow-reader bound is still unsent,
 * so its updates gather into one message well before the socket would be closed for not reading.
 */
function flowOf(socket: WebSocket, keepAlive: SocketKeepAlive, maxBufferedBytes: number, writes: SocketWrites): SinkFlow {
  const behindBytes = Math.max(16 * 1024, maxBufferedBytes / 16);
  return {
    behind: () => socket.bufferedAmount > behindBytes,
    giveUp: () => keepAlive.close(socket, KeepAliveCloseCode.TooSlow, 'Client too slow: updates were not read'),
    flush: () => writes.flush(),
  };
}

const error = (message: string, code: string) => [new GraphQLError(message, { extensions: { code } })];

/** `error` with `code` unless it carries one already (e.g. QUERY_TOO_COMPLEX from a limit): the codes HTTP answers with. */
function withDefaultCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions['code'] === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code },
  });
}

/** Message types only a server sends: graphql-ws takes one from a client for its own failure (4500), not the client's. */
const serverOnlyMessageTypes = new Set(['connection_ack', 'next', 'error']);

/**
 * Refuses a server-only message while it is parsed, so graphql-ws closes with 4400 Bad Request. The message comes
 * last, under the empty key; GraphQL names are never empty, so no variable or input field arrives under it.
 */
function refuseServerOnlyMessages(key: string, value: unknown): unknown {
  const type = key === '' && typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && serverOnlyMessageTypes.has(type)) throw new Error(`A client may not send ${type} messages`);
  return value;
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0] ?? '/';
}

function refuseUpgrade(socket: Duplex, retryAfterSeconds: number, status = '429 Too Many Requests'): void {
  socket.end(`HTTP/1.1 ${status}\r\nRetry-After: ${retryAfterSeconds}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** graphql-ws on the gateway's HTTP server: authenticates connection_init, checks each subscription, hands it to the hub. */
export function attachSubscriptionServer({
  server,
  path,
  schema,
  limits,
  production,
  authenticator,
  recheckMs,
  hub,
  trustedDocuments,
  checkOrderAccess,
  metrics,
  logger,
  admission,
  keepAlive: keepAliveOptions,
  draining,
}: SubscriptionServerOptions) {
  const parseOptions = limitedParseOptions(limits);
  const validationRules = [...specifiedRules, ...limitValidationRules(limits)];
  const identities = new WeakMap<object, TokenIdentity | null>();
  const guard = guardSockets({ authenticator, recheckMs, metrics, logger });
  const connections = new Gauge({
    name: 'rtc_gateway_websocket_connections',
    help: 'Open graphql-ws connections',
    registers: [metrics.registry],
  });
  // Uncompressed, so a next message's frame is built once by the gateway (createNextMessages) and written as it is.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    connections.inc();
    socket.once('close', () => connections.dec());
  });
  const keepAlive = keepSocketsAlive({ wss, ...keepAliveOptions, metrics, logger });
  const writes = batchSocketWrites(wss);
  const nextMessages = createNextMessages();
  let closing: Promise<void> | undefined;
  const admitAndUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = admission ? await admission.sockets.admit(admission.addressOf(req)) : undefined;
    if (verdict && !verdict.allowed) {
      refuseUpgrade(socket, verdict.retryAfterSeconds);
      return;
    }
    if (verdict?.release) socket.once('close', verdict.release);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(req) !== path) {
      socket.destroy();
      return;
    }
    if (draining() || closing) {
      refuseUpgrade(socket, 1, '503 Service Unavailable');
      return;
    }
    admitAndUpgrade(req, socket, head).catch((error: unknown) => {
      logger.error({ err: error }, 'websocket admission failed');
      socket.destroy();
    });
  };
  server.on('upgrade', onUpgrade);

  const onSubscribe = async (
    ctx: Context<Record<string, unknown>, { socket: WebSocket }>,
    id: string,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null; extensions?: Record<string, unknown> | null },
  ) => {
    // The payload's `extensions.persistedQuery` (or `documentId`) may name a trusted document instead of sending its text.
    const query = trustedDocuments.sourceOf(payload);
    if (query instanceof GraphQLError) return [query];
    // graphql-ws has already entered this subscription in ctx.subscriptions.
    if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
      return error(
        `At most ${limits.maxSubscriptionsPerSocket} subscriptions may run on one socket; stop one or open another socket`,
        'TOO_MANY_SUBSCRIPTIONS',
      );
    }
    let document: DocumentNode;
    try {
      document = parse(query, parseOptions);
    } catch (syntaxError) {
      return [withDefaultCode(tokenLimitAsTooComplex(syntaxError as GraphQLError), 'GRAPHQL_PARSE_FAILED')];
    }
    const apiSchema = schema();
    const validationErrors = validate(apiSchema, document, validationRules).map((invalid) => withDefaultCode(invalid, 'GRAPHQL_VALIDATION_FAILED'));
    if (validationErrors.length > 0) return production ? validationErrors.map(withoutSuggestions) : validationErrors;
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return error('Name the operation to run', 'BAD_USER_INPUT');
    if (operation.operation !== 'subscription') return error('Send queries and mutations over HTTP; this socket serves subscriptions', 'BAD_USER_INPUT');
    const variables = payload.variables ?? {};
    const tooComplex = checkOperationLimits(apiSchema, document, operation, variables, limits);
    if (tooComplex) return [tooComplex];
    const root = operation.selectionSet.selections.find((selection): selection is FieldNode => selection.kind === Kind.FIELD);
    const field = root ? apiSchema.getSubscriptionType()?.getFields()[root.name.value] : undefined;
    if (!root || !field) return error('Select one subscription field directly under the operation', 'BAD_USER_INPUT');

    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, root, variables);
    } catch (argumentError) {
      return [production ? withoutSuggestions(argumentError as GraphQLError) : (argumentError as GraphQLError)];
    }
    const caller = identities.get(ctx)?.caller ?? null;
    const rootField = root.name.value;
    if (!caller) return error('Send a token in connection_init to subscribe', 'UNAUTHENTICATED');
    if (rootField === salesStatsField || rootField === funnelStatsField) {
      try {
        (rootField === salesStatsField ? validateWindowSeconds : validateFunnelWindow)(Number(args['windowSeconds']));
      } catch (invalid) {
        return [invalid as GraphQLError];
      }
    }
    const access = rootField === salesStatsField || rootField === funnelStatsField ? 'staff' : liveFieldSpecs.get(rootField)?.access;
    if (!access) return error(`${rootField} is not served live`, 'BAD_USER_INPUT');
    if (access === 'staff' && !isStaff(caller)) return error(`${rootField} needs the ANALYST or ADMIN role`, 'FORBIDDEN');
    if (access === 'order-owner') {
      const denied = await checkOrderAccess(caller, String(args['orderId']));
      if (denied) return [denied];
    }
    // A reconnecting client names the last update it got (its extensions.eventPosition) to be sent what it missed.
    const resumeAfter = payload.extensions?.['resumeAfter'];
    if (resumeAfter !== undefined && resumeAfter !== null && !hub.isPosition(resumeAfter)) {
      return error('extensions.resumeAfter must be the extensions.eventPosition of an update this subscription received', 'BAD_USER_INPUT');
    }
    const live: LiveSubscription = { query, document, operationName: payload.operationName, variables, rootField, args };
    const executionArgs: ExecutionArgs = {
      schema: apiSchema,
      document,
      operationName: payload.operationName,
      variableValues: variables,
      contextValue: {
        live,
        caller,
        sink: sinkFor(ctx.extra.socket, id, keepAlive, writes, nextMessages),
        flow: flowOf(ctx.extra.socket, keepAlive, keepAliveOptions.maxBufferedBytes, writes),
        resumeAfter: resumeAfter ?? undefined,
      },
    };
    return executionArgs;
  };

  const closeServer = useServer(
    {
      schema,
      connectionInitWaitTimeout: 10_000,
      jsonMessageReviver: refuseServerOnlyMessages,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams;
        const raw = params?.['authorization'] ?? params?.['token'];
        if (raw === undefined) {
          identities.set(ctx, null);
          return true;
        }
        // Returning false closes the socket with 4403 Forbidden.
        if (typeof raw !== 'string') return false;
        const socket = ctx.extra.socket;
        let identity: TokenIdentity;
        try {
          identity = await authenticator.verify(raw.startsWith('Bearer ') ? raw : `Bearer ${raw}`);
        } catch (refused) {
          if (isExpiredTokenError(refused)) socket.close(SocketCloseCode.TokenExpired, 'Token expired');
          return false;
        }
        if (await guard.revocationOf(identity)) return false;
        identities.set(ctx, identity);
        guard.watch(socket, identity);
        return true;
      },
      onSubscribe,
      subscribe: (args) => {
        const { live, caller, sink, flow, resumeAfter } = args.contextValue as {
          live: LiveSubscription;
          caller: Caller;
          sink: LiveSink;
          flow: SinkFlow;
          resumeAfter?: string;
        };
        return hub.subscribe(live, sink, caller, { resumeAfter, flow });
      },
      onError: (_ctx, _id, _payload, errors) => {
        logger.debug({ errors: errors.map((e) => e.message) }, 'subscription refused');
      },
    },
    wss,
    // keepSocketsAlive pings instead, and counts what it drops.
    0,
  );

  /**
   * Closes every socket with 1001 Going Away through the close handshake, so clients reconnect (to another replica)
   * and resume; a socket that has not finished the handshake within two seconds is cut.
   */
  const closeAll = async (): Promise<void> => {
    // The upgrade listener stays: while the gateway drains, it turns new sockets away with 503.
    guard.stop();
    keepAlive.stop();
    writes.flush();
    const closed = [...wss.clients].map((client) => {
      const done = new Promise<void>((resolve) => (client.readyState === WebSocket.CLOSED ? resolve() : client.once('close', () => resolve())));
      keepAlive.close(client, KeepAliveCloseCode.GoingAway, 'Gateway shutting down');
      return done;
    });
    await Promise.all(closed);
    await closeServer.dispose();
  };

  return {
    close(): Promise<void> {
      closing ??= closeAll();
      return closing;
    },
  };
}
