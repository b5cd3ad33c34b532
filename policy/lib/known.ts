/**
 * Values the engine cannot know during `pulumi preview` (an ARN of a key not yet created, a name computed
 * from another resource) reach a policy as sentinels behind a proxy that throws `UnknownValueError` when
 * read. The engine turns an escaping error into an advisory "can't run during preview" for the whole
 * policy; reading through `known` instead skips just the one judgement that needs the value. Resource
 * policies run again at `pulumi up`, when every input is known.
 */

// @pulumi/policy exports the class at run time, but its type declarations strip it (it is marked internal).
const { UnknownValueError } = require("@pulumi/policy") as { UnknownValueError: new (...args: any[]) => Error };

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Known<T> = T | typeof UNKNOWN;

export function known<T>(read: () => T): Known<T> {
  try {
    return read();
  } catch (err) {
    if (err instanceof UnknownValueError) return UNKNOWN;
    throw err;
  }
}

/** Runs each check (a violation message, or nothing when it passes) and returns the messages of those that fail. */
export function failing(checks: readonly (() => string | undefined)[]): string[] {
  const messages: string[] = [];
  for (const check of checks) {
    const message = known(check);
    if (typeof message === "string") messages.push(message);
  }
  return messages;
}
