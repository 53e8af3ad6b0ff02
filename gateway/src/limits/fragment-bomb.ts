/**
 * `F_k = { ...F_{k-1} ...F_{k-1} }`: a document of about 40 bytes a level that expands to 2^k fields. Tests and the
 * hostile battery send it to prove limits are measured without expanding fragments.
 */
export function fragmentBomb(levels: number): string {
  const fragments = ['fragment F0 on Product { id name }'];
  for (let level = 1; level <= levels; level++) fragments.push(`fragment F${level} on Product { ...F${level - 1} ...F${level - 1} }`);
  return `query { product(id: "1") { ...F${levels} } } ${fragments.join(' ')}`;
}
