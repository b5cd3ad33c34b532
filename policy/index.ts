import { PolicyPack } from "@pulumi/policy";
import { mandatoryPolicies } from "./policies";

// Constructing the pack starts the analyzer's gRPC server: this file is the only one that does.
new PolicyPack("monitoring", { policies: mandatoryPolicies });
