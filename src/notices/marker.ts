/**
 * The hidden tag every GitDone comment carries (SPEC §2): it names the goal and the
 * event, and lets a retry find a comment it already posted. `--` cannot occur in a key
 * we build, so the HTML comment cannot be closed early. The nonce is random per notice, so
 * that nobody can write the marker of a notice before GitDone has posted it.
 */
export function marker(key: string, nonce?: string | null): string {
  return `<!-- gitdone:${key.replace(/-{2,}/g, '-')}${nonce ? ` ${nonce}` : ''} -->`;
}
