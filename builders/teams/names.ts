/** The job name: `<team>/<services|pods>/<monitor>/<endpoint>`, as the operator's `serviceMonitor/<ns>/<name>/<i>`. */
export function teamJobName(team: string, kind: "services" | "pods", monitor: string, endpoint: number): string {
  return `${team}/${kind}/${monitor}/${endpoint}`;
}
