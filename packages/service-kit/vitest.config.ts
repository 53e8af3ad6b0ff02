import { configDefaults, defineConfig } from 'vitest/config';

// The kit's tests in two tiers as the testkit's withUnitTier splits every other package (the kit cannot depend on the testkit).
const unitFiles = [
  'src/bus.test.ts',
  'src/caller.test.ts',
  'src/loaders.test.ts',
  'src/request-recorder.test.ts',
  'src/mutation-payload.test.ts',
  'src/scalars.test.ts',
  'src/single-flight.test.ts',
  'src/text-input.test.ts',
  'src/postal-address.test.ts',
  'src/trusted-documents.test.ts',
  'src/zoned-time.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: unitFiles } },
      { extends: true, test: { name: 'integration', include: configDefaults.include, exclude: [...configDefaults.exclude, ...unitFiles] } },
    ],
  },
});
