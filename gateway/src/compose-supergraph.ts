import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, supergraphPath } from './supergraph';

// Composes the committed gateway/supergraph.graphql from the subgraphs' schema.graphql files.
const sdl = composeSupergraph();
const target = fileURLToPath(supergraphPath);
const previous = (() => {
  try {
    return readFileSync(target, 'utf8');
  } catch {
    return '';
  }
})();
writeFileSync(target, sdl);
console.log(previous === sdl ? 'supergraph.graphql is up to date' : 'supergraph.graphql written');
