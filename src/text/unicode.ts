/** Characters no output of GitDone should carry as they are. Pure, browser-safe. */

/** Half of a surrogate pair with no partner: not valid text in any output. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Bidi embeddings, overrides and isolates: harmless inside <bdi>, harmful where nothing isolates them. */
export const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;
