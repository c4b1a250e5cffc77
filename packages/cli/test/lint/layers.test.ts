// The import rules of `npm run lint` (.dependency-cruiser.cjs): run on a fixture tree with one violation of each kind,
// they report exactly those; run on the real source tree, none. The CLI's rules and the emulator's, each on its own
// fixture (packages/emulator/test/fixtures/layers for the emulator).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cruise } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
type Rules = (src: string) => unknown[];
const { emulatorRules, layerRules } = require('../../../../scripts/lint/layers.cjs') as {
  emulatorRules: Rules;
  layerRules: Rules;
};
const config = require('../../../../.dependency-cruiser.cjs') as {
  forbidden: { name: string }[];
  options: Record<string, unknown>;
};

async function violations(paths: string[], src: string, rules: Rules = layerRules): Promise<string[]> {
  const circular = config.forbidden.find((r) => r.name === 'no-circular');
  const result = await cruise(paths, {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: [{ ...circular, from: { path: `^${src}` } }, ...rules(src)] },
  } as never);
  const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return output.summary.violations
    .map((v) => `${v.rule.name}: ${v.from.replace(src, '')} → ${v.to.replace(src, '')}`)
    .sort();
}

describe('import layering', () => {
  it("fails on a backwards import, a sideways import, a verb importing a verb or another verb's folder, a verb's folder importing a verb, and a cycle; a verb's folder may import its own files", async () => {
    const src = 'packages/cli/test/fixtures/layers/src/';
    expect(await violations([src], src)).toEqual([
      'layer-config: config/resolve.ts → http/client.ts',
      'layer-http: http/client.ts → cmdutil/factory.ts',
      'no-circular: api/x.ts → api/y.ts',
      'verb-folder-imports-verb: cmd/g/a/helper.ts → cmd/g/c.ts',
      'verb-imports-verb: cmd/g/a.ts → cmd/g/b.ts',
      'verb-imports-verb: cmd/g/b.ts → cmd/g/a/helper.ts',
    ]);
  });

  it('finds nothing in the CLI', async () => {
    expect(await violations(['packages/cli/src'], 'packages/cli/src/')).toEqual([]);
  }, 30_000);
});

describe("the emulator's import layering", () => {
  it('fails on a backwards import, a service reaching into another service, and control/ reaching into one', async () => {
    const src = 'packages/emulator/test/fixtures/layers/src/';
    expect(await violations([src], src, emulatorRules)).toEqual([
      'emulator-layer-http: http/server.ts → services/a/index.ts',
      'emulator-layer-shared: shared/text.ts → http/reply.ts',
      'service-imports-service: services/a/routes.ts → services/b/store.ts',
      'service-internals: control/routes.ts → services/b/store.ts',
    ]);
  });

  it('finds nothing in the emulator', async () => {
    expect(await violations(['packages/emulator/src'], 'packages/emulator/src/', emulatorRules)).toEqual([]);
  }, 30_000);
});
