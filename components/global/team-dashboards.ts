import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GRAFANA } from "../../builders/global/layout";
import { teamDashboardsDir } from "../../builders/grafana/team-dashboards";
import { type ContainerFeature, type Workload, metadata, mountedFiles } from "../workload";

/** A team's dashboard files by name, as the global render wrote them. */
export interface TeamDashboardFiles {
  readonly team: string;
  readonly files: pulumi.Output<Record<string, string>>;
}

/**
 * One ConfigMap per team with dashboards (a ConfigMap holds at most 1 MiB, so a team's dashboards never
 * crowd out another's), mounted where the team's folder provider reads.
 */
export function teamDashboardFeatures(
  w: Workload,
  teams: readonly TeamDashboardFiles[],
): { features: ContainerFeature[]; contents: pulumi.Output<string> } {
  const features = teams.map((t) => {
    const name = `${w.id.name}-team-${t.team}-dashboards`;
    const configMap = new k8s.core.v1.ConfigMap(name, { metadata: metadata(w, name), data: t.files }, w.opts);
    return mountedFiles(`team-${t.team}`, teamDashboardsDir(GRAFANA.teamDashboardsDir, t.team), {
      configMap: { name: configMap.metadata.name },
    });
  });
  // Changes when any team's dashboard does, so the replicas roll and provision it.
  return { features, contents: pulumi.all(teams.map((t) => t.files)).apply((all) => JSON.stringify(all)) };
}
