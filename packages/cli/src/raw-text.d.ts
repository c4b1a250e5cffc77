// Files imported as text with the `?raw` suffix (the completion scripts): vite gives tests their text, and the build's
// esbuild plugin (scripts/build.mjs) bundles it.
declare module '*?raw' {
  const text: string;
  export default text;
}
