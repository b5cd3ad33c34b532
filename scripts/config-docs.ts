/** Writes the config reference of docs/configuration.md from the config schema. */
import { writeConfigDocs } from "../config/docs-files";

writeConfigDocs();
