import type { Policies } from "@pulumi/policy";
import { eksPolicies } from "./aws/eks";
import { rdsPolicies } from "./aws/rds";
import { s3Policies } from "./aws/s3";
import { cloudSqlPolicies } from "./gcp/cloud-sql";
import { gcsPolicies } from "./gcp/gcs";
import { gkePolicies } from "./gcp/gke";
import { kubernetesPolicies } from "./kubernetes";

/** Every policy of the pack, all mandatory. Importing this module has no side effects (no PolicyPack, no server). */
export const mandatoryPolicies: Policies = [
  ...s3Policies,
  ...rdsPolicies,
  ...eksPolicies,
  ...gcsPolicies,
  ...cloudSqlPolicies,
  ...gkePolicies,
  ...kubernetesPolicies,
];
