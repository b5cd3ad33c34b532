import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "../../..");

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The Pulumi CLI: $PULUMI_BIN, else `pulumi` on PATH, else the project's `.tools/bin/pulumi` (npm run setup). */
export function findPulumiCli(): string | undefined {
  const candidates = [
    process.env.PULUMI_BIN,
    ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "pulumi")),
    path.join(REPO, ".tools", "bin", "pulumi"),
  ];
  return candidates.find((file): file is string => file !== undefined && file !== "" && isExecutable(file));
}
