import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { platformSecretName, type platformSecretKeys } from '@rtc/manifests';

export interface PlatformSecretsArgs {
  readonly stack: string;
  /** The KMS key of the stack's secrets (the database key). */
  readonly keyArn: pulumi.Input<string>;
  /** REDIS_URL with the ElastiCache AUTH token: a secret output of the cache. */
  readonly redisUrl: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/** Generated secret length: letters and digits only, so the values pass through env files and URLs unescaped. */
const secretLength = 64;

/**
 * The runtime secrets every service reads, generated here and kept only in Secrets Manager (`rtc/<stack>/platform`,
 * keys JWT_SECRET, INTERNAL_TOKEN, REDIS_URL). The release overlay mounts them through the Secrets Store CSI driver;
 * no Kubernetes Secret is built from Pulumi config. Rotation: README.md.
 */
export class PlatformSecrets extends pulumi.ComponentResource {
  readonly secret: aws.secretsmanager.Secret;
  readonly secretArn: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: PlatformSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:platform-secrets:PlatformSecrets', name, {}, opts);
    const generated = (key: string) => new random.RandomPassword(`${name}-${key}`, { length: secretLength, special: false }, { parent: this }).result;

    this.secret = new aws.secretsmanager.Secret(
      `${name}-platform`,
      {
        name: platformSecretName(args.stack),
        description: 'RTC runtime secrets every service reads: JWT_SECRET, INTERNAL_TOKEN, REDIS_URL',
        kmsKeyId: args.keyArn,
        recoveryWindowInDays: 7,
        tags: args.tags,
      },
      { parent: this },
    );
    const value: Record<(typeof platformSecretKeys)[number], pulumi.Input<string>> = {
      JWT_SECRET: generated('jwt-secret'),
      INTERNAL_TOKEN: generated('internal-token'),
      REDIS_URL: args.redisUrl,
    };
    new aws.secretsmanager.SecretVersion(`${name}-platform`, { secretId: this.secret.id, secretString: pulumi.jsonStringify(value) }, { parent: this });
    this.secretArn = this.secret.arn;
    this.secretName = this.secret.name;
    this.registerOutputs({ secretName: this.secretName });
  }
}
