// @qlik-ts/emulator: start a local, faithful Qlik Cloud (its services: router-table.ts) from any test runner.
//
//   import { startEmulator } from '@qlik-ts/emulator';
//   const emu = await startEmulator();                  // in-process; { mode: 'child' } spawns it
//   const dev = emu.user('dev');                        // { id, name, email, roles, apiKey }
//   await fetch(`${emu.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${dev.apiKey}` } });
//   await emu.faults.add({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'reset-after' } });
//   await emu.reset();                                  // between tests
//   await emu.stop();
import type { Emulator, StartOptions } from './public-types.js';
import { startChild } from './host/child.js';
import { emulatorHandle } from './handle.js';
import { startService } from './host/emulator.js';
import { OptionError, serviceOptions } from './host/options.js';

export type {
  ApiKeysConfigView,
  Emulator,
  EmulatorUser,
  FaultRuleInput,
  FaultRuleView,
  IdentityProviderInput,
  IdentityProviderView,
  LedgerEntry,
  NewUser,
  OAuthClientInfo,
  OAuthClientInput,
  OAuthClientView,
  OAuthSettings,
  OAuthTokenMatch,
  OAuthTokenView,
  RequestLogEntry,
  SeedInput,
  SeedRole,
  StartOptions,
} from './public-types.js';

/**
 * Starts an emulator and resolves once it listens. Rejects with a one-line Error on bad options
 * (naming the option), an unreadable or invalid seed, or a port in use.
 */
export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const mode = opts.mode ?? 'in-process';
  if (mode === 'child') return startChild(opts);
  if (mode !== 'in-process')
    throw new OptionError(`invalid mode ${JSON.stringify(mode)}: expected "in-process" or "child"`);
  const running = await startService(serviceOptions(opts));
  return emulatorHandle(running.info, () => running.close());
}
