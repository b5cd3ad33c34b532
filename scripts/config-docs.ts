/** Writes the README's config reference from the config schema. */
import { writeConfigDocs } from "../config/docs-files";

writeConfigDocs();
