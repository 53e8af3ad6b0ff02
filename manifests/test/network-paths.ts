import type { KubernetesObject } from '../src/kubernetes-object';
import { selects, type LabelSelector } from './workloads';

/** A pod, by where it runs and what it is labelled; or an address outside the cluster. */
export type Peer = { pod: { namespace: string; labels: Record<string, string>; ports?: Record<string, number> } } | { ip: string };

export interface Connection {
  from: Peer;
  to: Peer;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}
interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [network, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(network) / size) * size;
  const address = ipToNumber(ip);
  return address >= start && address < start + size;
}

function peerMatches(policyNamespace: string, rulePeer: PolicyPeer, peer: Peer): boolean {
  if (rulePeer.ipBlock) {
    return 'ip' in peer && cidrContains(rulePeer.ipBlock.cidr, peer.ip) && !(rulePeer.ipBlock.except ?? []).some((cidr) => cidrContains(cidr, peer.ip));
  }
  if (!('pod' in peer)) return false;
  const namespaceOk = rulePeer.namespaceSelector
    ? selects(rulePeer.namespaceSelector, { 'kubernetes.io/metadata.name': peer.pod.namespace })
    : peer.pod.namespace === policyNamespace;
  const podOk = rulePeer.podSelector ? selects(rulePeer.podSelector, peer.pod.labels) : true;
  return namespaceOk && podOk;
}

function portMatches(rulePort: PolicyPort, connection: Connection): boolean {
  if ((rulePort.protocol ?? 'TCP') !== (connection.protocol ?? 'TCP')) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'string') {
    // A named port is looked up on the destination pod.
    const ports = 'pod' in connection.to ? connection.to.pod.ports : undefined;
    return ports?.[rulePort.port] === connection.port;
  }
  return connection.port >= rulePort.port && connection.port <= (rulePort.endPort ?? rulePort.port);
}

function ruleAllows(policyNamespace: string, rule: PolicyRule, peers: PolicyPeer[] | undefined, other: Peer, connection: Connection): boolean {
  const peerOk = peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(policyNamespace, peer, other));
  const portOk = rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((port) => portMatches(port, connection));
  return peerOk && portOk;
}

function directionAllows(policies: readonly KubernetesObject[], direction: 'Ingress' | 'Egress', connection: Connection): boolean {
  const subject = direction === 'Ingress' ? connection.to : connection.from;
  const other = direction === 'Ingress' ? connection.from : connection.to;
  // Addresses outside the cluster carry no policies of their own.
  if (!('pod' in subject)) return true;
  const applying = policies.filter((policy) => {
    const spec = policy.spec as NetworkPolicySpec;
    const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return policy.metadata.namespace === subject.pod.namespace && types.includes(direction) && selects(spec.podSelector, subject.pod.labels);
  });
  if (applying.length === 0) return true;
  return applying.some((policy) => {
    const spec = policy.spec as NetworkPolicySpec;
    const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    return rules.some((rule) => ruleAllows(policy.metadata.namespace!, rule, direction === 'Ingress' ? rule.from : rule.to, other, connection));
  });
}

/** Whether the NetworkPolicies let a connection through: the sender's egress and the receiver's ingress. */
export function allows(policies: readonly KubernetesObject[], connection: Connection): boolean {
  const networkPolicies = policies.filter((object) => object.kind === 'NetworkPolicy');
  return directionAllows(networkPolicies, 'Egress', connection) && directionAllows(networkPolicies, 'Ingress', connection);
}
