export function oauthCases() {
  return [];
}
