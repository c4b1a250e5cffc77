// The import rules of `npm run lint` (.dependency-cruiser.cjs): run on a fixture tree with one violation of each kind,
// they report exactly those; run on the real source tree, none.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cruise } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const { layerRules } = require('../../../../scripts/lint/layers.cjs') as { layerRules: (src: string) => unknown[] };
const config = require('../../../../.dependency-cruiser.cjs') as { forbidden: { name: string }[]; options: Record<string, unknown> };

async function violations(paths: string[], src: string): Promise<string[]> {
  const circular = config.forbidden.find((r) => r.name === 'no-circular');
  const result = await cruise(paths, {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: [{ ...circular, from: { path: `^${src}` } }, ...layerRules(src)] },
  } as never);
  const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from.replace(src, '')} → ${v.to.replace(src, '')}`).sort();
}

describe('import layering', () => {
  it("fails on a backwards import, a sideways import, a verb importing a verb or another verb's folder, and a cycle", async () => {
    const src = 'packages/cli/test/fixtures/layers/src/';
    expect(await violations([src], src)).toEqual([
      'layer-config: config/resolve.ts → http/client.ts',
      'layer-http: http/client.ts → cmdutil/factory.ts',
      'no-circular: api/x.ts → api/y.ts',
      'verb-imports-verb: cmd/g/a.ts → cmd/g/b.ts',
      'verb-imports-verb: cmd/g/b.ts → cmd/g/a/helper.ts',
    ]);
  });

  it('finds nothing in the CLI', async () => {
    expect(await violations(['packages/cli/src'], 'packages/cli/src/')).toEqual([]);
  }, 30_000);
});
