export function adversarialCases() {
  return [];
}
