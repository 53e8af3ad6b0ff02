import { callerPath, parseOptions, required, runMain, writeOutput } from '../src/cli';
import { kanikoScript } from '../src/image-builds';
import { readPlan } from '../src/plan-file';

// Writes the kaniko builds of a plan, for the pipeline's kaniko container to run with sh:
//   npm run ci:images -w @rtc/ci -- --plan plan.json --registry <account>.dkr.ecr.<region>.amazonaws.com --stack dev --out kaniko.sh
runMain(() => {
  const options = parseOptions({
    plan: { type: 'string' },
    registry: { type: 'string' },
    stack: { type: 'string' },
    context: { type: 'string', default: '.' },
    out: { type: 'string' },
  });
  const plan = readPlan(required(options.plan, 'plan'));
  const script = kanikoScript({
    plan,
    registry: required(options.registry, 'registry'),
    stack: required(options.stack, 'stack'),
    context: callerPath(options.context!),
  });
  console.log(`kaniko builds: ${plan.build.join(' ') || 'none'} -> ${writeOutput(required(options.out, 'out'), script, 0o755)}`);
});
