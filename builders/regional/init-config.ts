/**
 * The init container's command: writes the first substituted config before Prometheus starts, so that
 * Prometheus never starts without one (the sidecar's reloader keeps it current from then on). Like the
 * reloader, it replaces `$(POD_NAME)` (POD_NAME_PLACEHOLDER) with the pod's name. Runs with the Prometheus
 * image's busybox `sh` and `sed`; pod names are DNS labels, safe in a sed replacement.
 */
export function substituteConfigCommand(templateFile: string, outFile: string): string[] {
  return ["sh", "-c", `sed -e 's/[$](POD_NAME)/'"$POD_NAME"'/g' '${templateFile}' > '${outFile}'`];
}
