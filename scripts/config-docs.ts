/** Writes the `config:` declarations of Pulumi.yaml and the README's config reference from the config schema. */
import { writeConfigDocs } from "../config/docs-files";

writeConfigDocs();
