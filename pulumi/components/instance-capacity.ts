/** vCPUs and memory of the EC2 instance types RTC's node groups use (AWS's published sizes). */
export const instanceCapacity: Record<string, { readonly vcpus: number; readonly memoryMi: number }> = {
  't3.medium': { vcpus: 2, memoryMi: 4_096 },
  't3.large': { vcpus: 2, memoryMi: 8_192 },
  't3a.large': { vcpus: 2, memoryMi: 8_192 },
  'm6i.large': { vcpus: 2, memoryMi: 8_192 },
  'm6i.xlarge': { vcpus: 4, memoryMi: 16_384 },
};

/**
 * What the kubelet and the system keep of a node before any pod: EKS's AL2023 reservations (CPU by core, memory by
 * maximum pods) plus the hard eviction threshold, rounded up.
 */
export const systemReserve = { cpuMillis: 100, memoryMi: 1_100 };
