import { loadProgramConfig } from "../../tiers/load-config";
import { rawConfigOf, readStackFile, receiverSecretKeys } from "../../config/stack-file";
import type { StackConfig } from "../../config";
import { type MockedResource, installMocks } from "./mocks";

/**
 * Installs the mocks (test/harness/mocks.ts) in a `before` hook, so the cloud test files share one mocha
 * process, and returns the list every registration of the file's components lands in.
 */
export function useCloudMocks(stack: string): MockedResource[] {
  const registered: MockedResource[] = [];
  before(async () => {
    registered.length = 0;
    await installMocks({ stack, strict: true }, registered);
  });
  return registered;
}

/** A stack's validated config from its stack file, with keys overridden as `pulumi config set` would. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): StackConfig {
  const raw = { ...readStackFile(stack), ...overrides };
  return loadProgramConfig(stack, rawConfigOf(raw, receiverSecretKeys(raw)));
}

/** Custom resources (not components, not providers) whose provider is missing or a default one. */
export function onDefaultProviders(registered: MockedResource[]): MockedResource[] {
  return registered.filter(
    (r) =>
      r.custom &&
      !r.type.startsWith("pulumi:providers:") &&
      (!r.provider || /::pulumi:providers:[^:]+::default/.test(r.provider)),
  );
}
