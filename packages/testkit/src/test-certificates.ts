import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** PEM files of a certificate authority of a test's own and a server certificate it signed. */
export interface TestCertificates {
  /** The CA's private key, to sign more server certificates with it. */
  readonly caKeyFile: string;
  /** The CA certificate a client trusts. */
  readonly caFile: string;
  /** The server's certificate (signed by the CA) and its private key. */
  readonly certFile: string;
  readonly keyFile: string;
}

const run = promisify(execFile);

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args).catch((error: Error & { stderr?: string }) => {
    throw new Error(`openssl ${args[0]} failed: ${error.stderr || error.message}`);
  });
}

/**
 * Creates, with the `openssl` command, a server certificate for `hostnames` (subject alternative names, as TLS clients
 * check them), valid for a day, in `dir`: signed by `signer`'s CA, or by a new CA named `name`.
 */
export async function createTestCertificates(
  dir: string,
  name: string,
  hostnames: readonly string[],
  signer?: Pick<TestCertificates, 'caFile' | 'caKeyFile'>,
): Promise<TestCertificates> {
  const file = (suffix: string) => join(dir, `${name}-${suffix}`);
  const caKey = signer?.caKeyFile ?? file('ca-key.pem');
  const caFile = signer?.caFile ?? file('ca.pem');
  const keyFile = file('server-key.pem');
  const request = file('server.csr');
  const certFile = file('server.pem');
  const extensions = file('server.ext');
  const rsa = ['-newkey', 'rsa:2048', '-nodes'];
  if (!signer) await openssl(['req', '-x509', ...rsa, '-keyout', caKey, '-out', caFile, '-days', '1', '-subj', `/CN=${name} test CA`]);
  await openssl(['req', ...rsa, '-keyout', keyFile, '-out', request, '-subj', `/CN=${hostnames[0] ?? name}`]);
  writeFileSync(extensions, `subjectAltName=${hostnames.map((host) => `DNS:${host}`).join(',')}\n`);
  await openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-set_serial',
    String(Date.now()),
    '-out',
    certFile,
    '-days',
    '1',
    '-extfile',
    extensions,
  ]);
  return { caFile, caKeyFile: caKey, certFile, keyFile };
}
