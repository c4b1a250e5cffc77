declare const __QLIK_VERSION__: string | undefined;

/** The CLI's version; esbuild replaces __QLIK_VERSION__ at build time (tests run unbundled and see "dev"). */
export const VERSION: string = typeof __QLIK_VERSION__ === 'string' ? __QLIK_VERSION__ : '0.0.0-dev';
