/** Whether a zone name is UTC itself (shown as "UTC", without an offset). Browser-safe. */
export function isUtc(zone: string): boolean {
  return /^(?:Etc\/)?UTC$/.test(zone);
}
