// Permission warnings for a symlinked `.qlik` (issue 18 item 12): judged by the directory the link points to and by
// the directory holding the link, never by the link's own (always 0777) mode.
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/kit/run.js';
import { permissionWarnings } from './perms.js';

async function linkedQlik(): Promise<{ home: string; file: string; real: string }> {
  const home = await tempHome();
  await chmod(home, 0o700);
  const real = join(home, 'dotfiles', 'qlik');
  await mkdir(real, { recursive: true, mode: 0o700 });
  await chmod(real, 0o700);
  await symlink(real, join(home, '.qlik'));
  const file = join(home, '.qlik', 'contexts.yml');
  await writeFile(file, 'contexts: {}\n', { mode: 0o600 });
  return { home, file, real };
}

describe.skipIf(process.platform === 'win32')('permission warnings through a symlinked .qlik', () => {
  it('a private real directory behind the link: no warning', async () => {
    const { file } = await linkedQlik();
    expect(await permissionWarnings(file)).toEqual([]);
  });

  it('a real directory writable by others: the warning names the real directory', async () => {
    const { file, real } = await linkedQlik();
    await chmod(real, 0o777);
    expect(await permissionWarnings(file)).toEqual([
      `Warning: directory ${real} is writable by other users (mode 0777); they could change where your credentials are sent. Fix: chmod 700 ${real}`,
    ]);
  });

  it("the link's parent writable by others (not sticky): the warning names it", async () => {
    const { home, file } = await linkedQlik();
    await chmod(home, 0o777);
    expect(await permissionWarnings(file)).toEqual([
      `Warning: directory ${home} is writable by other users (mode 0777); they could change where your credentials are sent. Fix: chmod go-w ${home}`,
    ]);
  });
});
