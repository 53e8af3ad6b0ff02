import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import { buildahScript } from '../src/image-builds';
import { readPlan } from '../src/plan-file';

// Writes the buildah builds and pushes of a plan, for the pipeline's buildah container to run with sh:
//   npm run ci:images -w @rtc/ci -- --plan plan.json --registry <account>.dkr.ecr.<region>.amazonaws.com --stack dev \
//     --password-file ecr.password --digests build/release/digests --out build.sh
runMain(() => {
  const options = parseOptions({
    plan: { type: 'string' },
    registry: { type: 'string' },
    stack: { type: 'string' },
    context: { type: 'string', default: '.' },
    'password-file': { type: 'string' },
    digests: { type: 'string' },
    out: { type: 'string' },
  });
  const plan = readPlan(required(options.plan, 'plan'));
  const script = buildahScript({
    plan,
    registry: required(options.registry, 'registry'),
    stack: required(options.stack, 'stack'),
    context: callerPath(options.context!),
    passwordFile: callerPath(required(options['password-file'], 'password-file')),
    digestsDirectory: callerPath(required(options.digests, 'digests')),
  });
  console.log(`buildah builds: ${plan.build.join(' ') || 'none'} -> ${writeOutput(required(options.out, 'out'), script, 0o755)}`);
});
