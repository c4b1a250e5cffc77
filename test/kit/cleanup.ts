// Setup file (vitest.config.ts): runs for every test file, also where files share a worker's modules, so that the
// temporary homes of each file are removed after it.
import { afterAll } from 'vitest';
import { removeTempHomes } from './temp.js';

afterAll(removeTempHomes);
