import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { copyBuildContext, parseDockerignore } from './dockerignore';

/**
 * Runs a Dockerfile's steps without Docker, where Docker cannot run: each stage's filesystem is a folder,
 * COPY copies between folders, RUN runs in the stage's WORKDIR with its ARGs and ENVs. Base images are
 * this machine, so a RUN may only touch paths under its stage (checked), never absolute ones.
 */

export interface RehearsalOptions {
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
  /** An empty folder; each stage gets a subfolder named after it. */
  root: string;
  /** Extra environment for RUN (e.g. npm_config_prefer_offline), like a builder's proxy settings. */
  runEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface RehearsedImage {
  /** The final stage's filesystem. */
  root: string;
  /** Its WORKDIR, mapped into `root`. */
  workdir: string;
  env: Record<string, string>;
  user?: string;
  cmd: string[];
  healthcheck?: { options: Record<string, string>; cmd: string[] };
  /** Every base image named by FROM. */
  baseImages: string[];
  /** Each stage's folder, by stage name. */
  stages: Record<string, string>;
}

interface Stage {
  name: string;
  root: string;
  workdir: string;
  vars: Record<string, string>;
  env: Record<string, string>;
}

const hostPaths = /(^|[\s="'(])\/(usr|etc|root|var|opt|bin|sbin|lib|lib64|home|srv|boot|proc|sys)(\/|\s|$)/;

function expand(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced?: string, bare?: string) => vars[(braced ?? bare)!] ?? '');
}

function inStage(stage: Stage, containerPath: string): string {
  return path.isAbsolute(containerPath) ? path.join(stage.root, containerPath) : path.join(stage.workdir, containerPath);
}

function flagValue(instruction: Instruction, name: string): string | undefined {
  const flags = 'getFlags' in instruction ? (instruction as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags() : [];
  return flags.find((flag) => flag.getName() === name)?.getValue() ?? undefined;
}

function copy(source: string, destination: string, manySources: boolean): void {
  if (!existsSync(source)) throw new Error(`COPY: ${source} does not exist`);
  if (statSync(source).isDirectory()) {
    cpSync(source, destination, { recursive: true, verbatimSymlinks: true });
    return;
  }
  const target = destination.endsWith('/') || manySources ? path.join(destination, path.basename(source)) : destination;
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(source, target);
}

function run(command: string, stage: Stage, options: RehearsalOptions): Promise<void> {
  if (hostPaths.test(command)) throw new Error(`RUN touches a path outside its stage, which a rehearsal cannot contain: ${command}`);
  options.log?.(`[${stage.name}] RUN ${command}`);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], {
      cwd: stage.workdir,
      env: { ...process.env, ...stage.vars, ...stage.env, ...options.runEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`[${stage.name}] RUN ${command} exited ${code}:\n${output}`))));
  });
}

function jsonArray(text: string, what: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`${what} must be an exec-form JSON array`);
  return value;
}

export async function rehearseDockerfile(options: RehearsalOptions): Promise<RehearsedImage> {
  const dockerfile = DockerfileParser.parse(readFileSync(options.dockerfile, 'utf8'));
  const ignoreFile = path.join(options.context, '.dockerignore');
  const ignoreRules = parseDockerignore(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const stages: Stage[] = [];
  const baseImages: string[] = [];
  let contextCopy: string | undefined;
  let stage: Stage | undefined;
  let user: string | undefined;
  let cmd: string[] = [];
  let healthcheck: RehearsedImage['healthcheck'];

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'FROM') {
      const [image, as, name] = args;
      if (!image || as?.toUpperCase() !== 'AS' || !name) throw new Error('every FROM must name its stage: FROM <image> AS <name>');
      const parent = stages.find((candidate) => candidate.name === image);
      const root = path.join(options.root, name);
      if (parent) cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true });
      else baseImages.push(image);
      mkdirSync(root, { recursive: true });
      stage = { name, root, workdir: root, vars: { ...parent?.vars }, env: { ...parent?.env } };
      stages.push(stage);
      user = undefined;
      cmd = [];
      healthcheck = undefined;
      continue;
    }
    if (!stage) throw new Error(`${keyword} before the first FROM`);
    const content = instruction.getArgumentsContent() ?? '';
    const vars = { ...stage.vars, ...stage.env };
    switch (keyword) {
      case 'ARG': {
        const [name, fallback] = content.split('=', 2) as [string, string | undefined];
        const value = options.buildArgs[name] ?? fallback;
        if (value !== undefined) stage.vars[name] = value;
        break;
      }
      case 'ENV':
        for (const pair of args) {
          const [name, value] = pair.split('=', 2) as [string, string];
          stage.env[name] = expand(value.replace(/^"(.*)"$/, '$1'), vars);
        }
        break;
      case 'WORKDIR':
        stage.workdir = inStage(stage, expand(content, vars));
        mkdirSync(stage.workdir, { recursive: true });
        break;
      case 'COPY': {
        const from = flagValue(instruction, 'from');
        const paths = args.map((arg) => expand(arg, vars));
        const destination = paths.pop()!;
        const target = inStage(stage, destination) + (destination.endsWith('/') ? '/' : '');
        let sourceRoot: string;
        if (from) {
          const source = stages.find((candidate) => candidate.name === from);
          if (!source) throw new Error(`COPY --from=${from}: no such stage`);
          sourceRoot = source.root;
        } else {
          if (!contextCopy) {
            contextCopy = path.join(options.root, '.context');
            copyBuildContext(options.context, ignoreRules, contextCopy);
          }
          sourceRoot = contextCopy;
        }
        for (const source of paths) copy(path.join(sourceRoot, source), target, paths.length > 1);
        break;
      }
      case 'RUN':
        await run(content, stage, options);
        break;
      case 'USER':
        user = expand(content, vars);
        break;
      case 'CMD':
        cmd = jsonArray(content, 'CMD');
        break;
      case 'HEALTHCHECK': {
        const match = /^CMD\s+(\[.*\])$/s.exec(content);
        if (!match) throw new Error('HEALTHCHECK must be CMD in exec form');
        const flags = (instruction as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags();
        healthcheck = {
          options: Object.fromEntries(flags.map((flag) => [flag.getName(), flag.getValue() ?? ''])),
          cmd: jsonArray(match[1]!, 'HEALTHCHECK CMD'),
        };
        break;
      }
      case 'EXPOSE':
      case 'LABEL':
        break;
      default:
        throw new Error(`${keyword} is not supported by the rehearsal`);
    }
  }
  if (!stage) throw new Error('no FROM');
  return {
    root: stage.root,
    workdir: stage.workdir,
    env: stage.env,
    ...(user !== undefined && { user }),
    cmd,
    ...(healthcheck && { healthcheck }),
    baseImages,
    stages: Object.fromEntries(stages.map((candidate) => [candidate.name, candidate.root])),
  };
}
