import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import { promotionScript } from '../src/image-builds';
import { readRelease } from '../src/release';

// Writes the copy of a release's images, digest for digest, from dev's registry to prod's, for the skopeo container:
//   npm run ci:promote -w @rtc/ci -- --release release.json --from-registry <dev registry> --from-stack dev \
//     --from-password-file dev.password --to-registry <prod registry> --to-stack prod --to-password-file prod.password --out promote.sh
runMain(() => {
  const options = parseOptions({
    release: { type: 'string' },
    'from-registry': { type: 'string' },
    'from-stack': { type: 'string', default: 'dev' },
    'from-password-file': { type: 'string' },
    'to-registry': { type: 'string' },
    'to-stack': { type: 'string', default: 'prod' },
    'to-password-file': { type: 'string' },
    out: { type: 'string' },
  });
  const release = readRelease(required(options.release, 'release'));
  const script = promotionScript({
    release,
    from: {
      registry: required(options['from-registry'], 'from-registry'),
      stack: options['from-stack']!,
      passwordFile: callerPath(required(options['from-password-file'], 'from-password-file')),
    },
    to: {
      registry: required(options['to-registry'], 'to-registry'),
      stack: options['to-stack']!,
      passwordFile: callerPath(required(options['to-password-file'], 'to-password-file')),
    },
  });
  console.log(`promotion of ${release.commit} -> ${writeOutput(required(options.out, 'out'), script, 0o755)}`);
});
