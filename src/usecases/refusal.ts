/**
 * A command refused with a reason for the person who wrote it (nothing stored). `usage` is
 * the command's usage line; `echo: false` when the reply must not repeat their words (they
 * lack the permission, and are told only that).
 */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly usage: string,
    readonly echo = true,
  ) {
    super(message);
  }
}
