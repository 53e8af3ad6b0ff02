import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The schemas of the two custom resources the release applies that no published model package covers,
 * transcribed from the CRDs' openAPIV3Schema: SecretProviderClass (Secrets Store CSI driver,
 * secrets-store.csi.x-k8s.io/v1) and TargetGroupBinding (AWS Load Balancer Controller, elbv2.k8s.aws/v1beta1).
 * Unknown fields are refused, as a structural schema's pruning would silently drop them.
 */

const objectMeta = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253 },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const intOrString = { anyOf: [{ type: 'integer' }, { type: 'string' }] };

const secretProviderClass = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'secrets-store.csi.x-k8s.io/v1' },
    kind: { const: 'SecretProviderClass' },
    metadata: objectMeta,
    spec: {
      type: 'object',
      required: ['provider'],
      additionalProperties: false,
      properties: {
        provider: { type: 'string', minLength: 1 },
        parameters: { type: 'object', additionalProperties: { type: 'string' } },
        secretObjects: {
          type: 'array',
          items: {
            type: 'object',
            required: ['secretName', 'type', 'data'],
            additionalProperties: false,
            properties: {
              secretName: { type: 'string', minLength: 1 },
              type: { type: 'string', minLength: 1 },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              annotations: { type: 'object', additionalProperties: { type: 'string' } },
              data: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['objectName', 'key'],
                  additionalProperties: false,
                  properties: { objectName: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } },
                },
              },
            },
          },
        },
      },
    },
  },
};

const labelSelector = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        additionalProperties: false,
        properties: { key: { type: 'string' }, operator: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};

const targetGroupBinding = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'elbv2.k8s.aws/v1beta1' },
    kind: { const: 'TargetGroupBinding' },
    metadata: objectMeta,
    spec: {
      type: 'object',
      required: ['serviceRef', 'targetGroupARN'],
      additionalProperties: false,
      properties: {
        targetGroupARN: { type: 'string', minLength: 1 },
        targetGroupName: { type: 'string' },
        targetType: { enum: ['instance', 'ip'] },
        ipAddressType: { enum: ['ipv4', 'ipv6'] },
        vpcID: { type: 'string' },
        multiClusterTargetGroup: { type: 'boolean' },
        nodeSelector: labelSelector,
        serviceRef: {
          type: 'object',
          required: ['name', 'port'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, port: intOrString },
        },
        networking: { type: 'object' },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });

export const customResourceValidators: Record<string, ValidateFunction> = {
  'secrets-store.csi.x-k8s.io/v1/SecretProviderClass': ajv.compile(secretProviderClass),
  'elbv2.k8s.aws/v1beta1/TargetGroupBinding': ajv.compile(targetGroupBinding),
};
