/** An image reference split the way kustomize's `images` field addresses it. */
export interface ImageReference {
  /** Registry and repository, without tag or digest. */
  name: string;
  tag?: string;
  /** `sha256:<hex>`: the content address, which a registry never moves. */
  digest?: string;
}

export function parseImageReference(image: string): ImageReference {
  const [withoutDigest, digest] = image.split('@') as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon === -1 ? undefined : withoutDigest.slice(colon + 1);
  return { name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function formatImageReference(reference: ImageReference): string {
  if (reference.digest) return `${reference.name}@${reference.digest}`;
  return reference.tag ? `${reference.name}:${reference.tag}` : reference.name;
}

const digestPattern = /^sha256:[0-9a-f]{64}$/;

export function isImageDigest(value: string): boolean {
  return digestPattern.test(value);
}
