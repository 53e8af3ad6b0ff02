// Hive Gateway in its default configuration, as the peer of `npm run bench:gateways`, on RTC's supergraph. The only
// additions are what RTC's subgraphs require of any gateway: Hive's own JWT plugin verifies the access token as RTC's
// gateway does (HS256, issuer and audience), and every subgraph call carries the internal token and the caller's id
// and role in the headers RTC's gateway sets. A project of its own: Hive's types widen graphql's error extensions in
// a way RTC's service kit does not compile against, so nothing here imports the kit.
import { createServer } from 'node:http';
import { createGatewayRuntime, createInlineSigningKeyProvider, useJWT, type GatewayPlugin, type JWTAuthContextExtension } from '@graphql-hive/gateway';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const supergraph = required('HIVE_SUPERGRAPH_PATH');
const port = Number(required('PORT'));
const internalToken = required('INTERNAL_TOKEN');
const jwtSecret = required('JWT_SECRET');

// The caller headers of RTC's service kit (InternalHeader).
const header = { token: 'x-rtc-internal-token', userId: 'x-rtc-user-id', userRole: 'x-rtc-user-role' } as const;

const gateway = createGatewayRuntime<JWTAuthContextExtension>({
  supergraph,
  logging: 'error',
  // useJWT's declared context differs from the runtime's plugin list in variance only (the plugin is Hive's own).
  plugins: () => [
    useJWT({
      signingKeyProviders: [createInlineSigningKeyProvider(jwtSecret)],
      tokenVerification: { algorithms: ['HS256'], issuer: 'rtc', audience: 'rtc-gateway' },
      // An anonymous storefront read carries no token; a bad one is refused, as RTC refuses it.
      reject: { missingToken: false, invalidToken: true },
    }) as unknown as GatewayPlugin,
  ],
  propagateHeaders: {
    fromClientToSubgraphs: ({ context }) => {
      const payload = context.jwt?.payload as { sub?: unknown; role?: unknown } | undefined;
      const caller =
        typeof payload?.sub === 'string' && typeof payload.role === 'string' ? { [header.userId]: payload.sub, [header.userRole]: payload.role } : {};
      return { [header.token]: internalToken, ...caller };
    },
  },
});

const server = createServer(gateway);
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
});
