/**
 * What a rule read of the config, so that a rule which read a key the stack file got wrong says nothing: its
 * finding would be about the default or the repaired value that stood in for the user's, not about the
 * user's mistake (with `alerting.receivers` misspelt, "the default receiver is no receiver" is noise).
 */
import { type KeyPath as Path, nested } from "./paths";

/** A value a rule read (`whole`: it saw a list's length or a section's keys, so every entry counts as read). */
interface Read {
  readonly path: Path;
  readonly whole: boolean;
}

/** Records the reads made through the views it hands out. */
export class ReadLog {
  private readonly reads: Read[] = [];
  private readonly views = new WeakMap<object, object>();

  /** `value` seen as a rule sees it: every value read below it (at `path` in the stack file's terms) is logged. */
  view<T extends object>(value: T, path: Path = []): T {
    const known = this.views.get(value);
    if (known) return known as T;
    const log = (read: Read) => this.reads.push(read);
    const child = <C extends object>(v: C, p: Path) => this.view(v, p);
    const proxy = new Proxy(value, {
      get(target, property, receiver) {
        const v = Reflect.get(target, property, receiver);
        if (typeof property === "symbol") {
          if (property === Symbol.iterator) log({ path, whole: true });
          return v;
        }
        if (Array.isArray(target) && property === "length") {
          log({ path, whole: true });
          return v;
        }
        // Methods of Array.prototype and Object.prototype are not values of the config.
        if (!Object.hasOwn(target, property) && typeof v === "function") return v;
        const at = [...path, Array.isArray(target) && /^\d+$/.test(property) ? Number(property) : property];
        if (v !== null && typeof v === "object") {
          // A proxy must hand out a frozen property's own value: such a value counts as read whole.
          if (!Object.isFrozen(target)) return child(v, at);
          log({ path: at, whole: true });
          return v;
        }
        log({ path: at, whole: false });
        return v;
      },
      ownKeys(target) {
        log({ path, whole: true });
        return Reflect.ownKeys(target);
      },
    });
    this.views.set(value, proxy);
    return proxy;
  }

  /**
   * Whether a logged read touched one of `paths`: read a value at or inside one, or read a value (or the
   * whole of a list or section) that one lies inside, as a default that stood in for a broken section.
   */
  touched(paths: readonly Path[]): boolean {
    return this.reads.some((read) => paths.some((path) => nested(read.path, path)));
  }
}
