/** `promtool test rules` cases of the Kubernetes alerts (builders/rules/kubernetes.ts). */
import { STACK_JOBS } from "../../../../builders/regional/plan";
import type { TestGroup, expectations } from "../../../support/alert-tests";

type Firing = ReturnType<typeof expectations>;

const KSM = { job: STACK_JOBS.kubeStateMetrics, instance: "10.0.1.7:8080" };
const series = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
const ksm = (name: string, labels: Record<string, string>) => series(name, { ...KSM, ...labels });

export function kubernetesCases(firing: Firing): TestGroup[] {
  const cart = { namespace: "shop", pod: "cart-1", container: "cart" };
  const pvc = { job: STACK_JOBS.kubelet, instance: "node-a", node: "node-a", namespace: "db", persistentvolumeclaim: "data-db-0" };
  const quiet = { ...pvc, persistentvolumeclaim: "data-db-1" };
  const throttled = { job: STACK_JOBS.cadvisor, instance: "node-a", namespace: "shop", pod: "cart-1", container: "cart" };
  const relaxed = { ...throttled, pod: "cart-2" };
  return [
    {
      name: "a container crash loops; its neighbour waits for an image",
      interval: "1m",
      input_series: [
        { series: ksm("kube_pod_container_status_waiting_reason", { ...cart, reason: "CrashLoopBackOff" }), values: "0x5 1x30" },
        { series: ksm("kube_pod_container_status_waiting_reason", { ...cart, pod: "cart-2", reason: "ContainerCreating" }), values: "1x35" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubePodCrashLooping", exp_alerts: [] },
        { eval_time: "25m", alertname: "KubePodCrashLooping", exp_alerts: [firing("KubePodCrashLooping", { ...KSM, ...cart, reason: "CrashLoopBackOff" })] },
      ],
    },
    {
      name: "a pod stays Pending; a failed pod of a Job is left to the Job",
      interval: "1m",
      input_series: [
        { series: ksm("kube_pod_status_phase", { namespace: "shop", pod: "cart-2", phase: "Pending" }), values: "1x30" },
        { series: ksm("kube_pod_status_phase", { namespace: "shop", pod: "cart-2", phase: "Running" }), values: "0x30" },
        { series: ksm("kube_pod_status_phase", { namespace: "shop", pod: "cart-1", phase: "Running" }), values: "1x30" },
        { series: ksm("kube_pod_status_phase", { namespace: "shop", pod: "migrate-x1", phase: "Failed" }), values: "1x30" },
        { series: ksm("kube_pod_owner", { namespace: "shop", pod: "migrate-x1", owner_kind: "Job", owner_name: "migrate" }), values: "1x30" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubePodNotReady", exp_alerts: [] },
        { eval_time: "20m", alertname: "KubePodNotReady", exp_alerts: [firing("KubePodNotReady", { namespace: "shop", pod: "cart-2" })] },
      ],
    },
    {
      name: "a deployment loses a replica with no rollout; another is rolling out",
      interval: "1m",
      input_series: [
        { series: ksm("kube_deployment_spec_replicas", { namespace: "shop", deployment: "cart" }), values: "3x40" },
        { series: ksm("kube_deployment_status_replicas_available", { namespace: "shop", deployment: "cart" }), values: "3x5 2x35" },
        { series: ksm("kube_deployment_status_replicas_updated", { namespace: "shop", deployment: "cart" }), values: "3x40" },
        { series: ksm("kube_deployment_spec_replicas", { namespace: "shop", deployment: "web" }), values: "3x40" },
        { series: ksm("kube_deployment_status_replicas_available", { namespace: "shop", deployment: "web" }), values: "2x40" },
        { series: ksm("kube_deployment_status_replicas_updated", { namespace: "shop", deployment: "web" }), values: "0+1x40" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubeDeploymentReplicasMismatch", exp_alerts: [] },
        {
          eval_time: "25m",
          alertname: "KubeDeploymentReplicasMismatch",
          exp_alerts: [firing("KubeDeploymentReplicasMismatch", { ...KSM, namespace: "shop", deployment: "cart" }, "3")],
        },
      ],
    },
    {
      name: "a statefulset loses a ready replica",
      interval: "1m",
      input_series: [
        { series: ksm("kube_statefulset_replicas", { namespace: "db", statefulset: "db" }), values: "3x40" },
        { series: ksm("kube_statefulset_status_replicas_ready", { namespace: "db", statefulset: "db" }), values: "3x5 2x35" },
        { series: ksm("kube_statefulset_status_replicas_updated", { namespace: "db", statefulset: "db" }), values: "3x40" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubeStatefulSetReplicasMismatch", exp_alerts: [] },
        { eval_time: "25m", alertname: "KubeStatefulSetReplicasMismatch", exp_alerts: [firing("KubeStatefulSetReplicasMismatch", { ...KSM, namespace: "db", statefulset: "db" }, "2")] },
      ],
    },
    {
      name: "a daemonset pod never becomes available",
      interval: "1m",
      input_series: [
        { series: ksm("kube_daemonset_status_desired_number_scheduled", { namespace: "monitoring", daemonset: "agent" }), values: "3x40" },
        { series: ksm("kube_daemonset_status_current_number_scheduled", { namespace: "monitoring", daemonset: "agent" }), values: "3x40" },
        { series: ksm("kube_daemonset_status_number_misscheduled", { namespace: "monitoring", daemonset: "agent" }), values: "0x40" },
        { series: ksm("kube_daemonset_status_updated_number_scheduled", { namespace: "monitoring", daemonset: "agent" }), values: "3x40" },
        { series: ksm("kube_daemonset_status_number_available", { namespace: "monitoring", daemonset: "agent" }), values: "3x5 2x35" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubeDaemonSetRolloutStuck", exp_alerts: [] },
        { eval_time: "25m", alertname: "KubeDaemonSetRolloutStuck", exp_alerts: [firing("KubeDaemonSetRolloutStuck", { ...KSM, namespace: "monitoring", daemonset: "agent" })] },
      ],
    },
    {
      name: "a job fails",
      interval: "1m",
      input_series: [{ series: ksm("kube_job_failed", { namespace: "shop", job_name: "migrate", condition: "true" }), values: "0x5 1x30" }],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubeJobFailed", exp_alerts: [] },
        { eval_time: "25m", alertname: "KubeJobFailed", exp_alerts: [firing("KubeJobFailed", { ...KSM, namespace: "shop", job_name: "migrate", condition: "true" })] },
      ],
    },
    {
      name: "a container is OOM-killed once; another restarts after an error",
      interval: "1m",
      input_series: [
        { series: ksm("kube_pod_container_status_restarts_total", cart), values: "0x10 1x30" },
        // kube-state-metrics exports the reason of the last termination once there is one.
        { series: ksm("kube_pod_container_status_last_terminated_reason", { ...cart, reason: "OOMKilled" }), values: "_x10 1x30" },
        { series: ksm("kube_pod_container_status_restarts_total", { ...cart, pod: "cart-2" }), values: "0x10 1x30" },
        { series: ksm("kube_pod_container_status_last_terminated_reason", { ...cart, pod: "cart-2", reason: "Error" }), values: "_x10 1x30" },
      ],
      alert_rule_test: [
        { eval_time: "5m", alertname: "KubeContainerOOMKilled", exp_alerts: [] },
        { eval_time: "15m", alertname: "KubeContainerOOMKilled", exp_alerts: [firing("KubeContainerOOMKilled", { ...KSM, ...cart })] },
        { eval_time: "30m", alertname: "KubeContainerOOMKilled", exp_alerts: [] },
      ],
    },
    {
      name: "a node stops being ready",
      interval: "1m",
      input_series: [
        { series: ksm("kube_node_status_condition", { node: "node-a", condition: "Ready", status: "true" }), values: "1x5 0x30" },
        { series: ksm("kube_node_status_condition", { node: "node-b", condition: "Ready", status: "true" }), values: "1x35" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "KubeNodeNotReady", exp_alerts: [] },
        { eval_time: "25m", alertname: "KubeNodeNotReady", exp_alerts: [firing("KubeNodeNotReady", { ...KSM, node: "node-a", condition: "Ready", status: "true" })] },
      ],
    },
    {
      name: "a volume has 2% left; another is half full",
      interval: "1m",
      input_series: [
        { series: series("kubelet_volume_stats_available_bytes", pvc), values: "2x10" },
        { series: series("kubelet_volume_stats_capacity_bytes", pvc), values: "100x10" },
        { series: series("kubelet_volume_stats_used_bytes", pvc), values: "98x10" },
        { series: series("kubelet_volume_stats_available_bytes", quiet), values: "50x10" },
        { series: series("kubelet_volume_stats_capacity_bytes", quiet), values: "100x10" },
        { series: series("kubelet_volume_stats_used_bytes", quiet), values: "50x10" },
      ],
      alert_rule_test: [
        { eval_time: "0m", alertname: "KubePersistentVolumeFillingUp", exp_alerts: [] },
        { eval_time: "2m", alertname: "KubePersistentVolumeFillingUp", exp_alerts: [firing("KubePersistentVolumeFillingUp", { ...pvc, severity: "critical" }, "2%")] },
      ],
    },
    {
      name: "a volume fills at 6% an hour below 15% left; another sits at 10% without growing",
      interval: "1m",
      input_series: [
        { series: series("kubelet_volume_stats_available_bytes", pvc), values: "20-0.1x160" },
        { series: series("kubelet_volume_stats_capacity_bytes", pvc), values: "100x160" },
        { series: series("kubelet_volume_stats_used_bytes", pvc), values: "80+0.1x160" },
        { series: series("kubelet_volume_stats_available_bytes", quiet), values: "10x160" },
        { series: series("kubelet_volume_stats_capacity_bytes", quiet), values: "100x160" },
        { series: series("kubelet_volume_stats_used_bytes", quiet), values: "90x160" },
      ],
      alert_rule_test: [
        { eval_time: "1h30m", alertname: "KubePersistentVolumeFillingUp", exp_alerts: [] },
        { eval_time: "2h30m", alertname: "KubePersistentVolumeFillingUp", exp_alerts: [firing("KubePersistentVolumeFillingUp", { ...pvc, severity: "warning" }, "5%")] },
      ],
    },
    {
      name: "a container is throttled in half its CPU periods; its neighbour in a tenth",
      interval: "1m",
      input_series: [
        { series: series("container_cpu_cfs_periods_total", throttled), values: "0+100x40" },
        { series: series("container_cpu_cfs_throttled_periods_total", throttled), values: "0+50x40" },
        { series: series("container_cpu_cfs_periods_total", relaxed), values: "0+100x40" },
        { series: series("container_cpu_cfs_throttled_periods_total", relaxed), values: "0+10x40" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "CPUThrottlingHigh", exp_alerts: [] },
        { eval_time: "25m", alertname: "CPUThrottlingHigh", exp_alerts: [firing("CPUThrottlingHigh", { namespace: "shop", pod: "cart-1", container: "cart" }, "50%")] },
      ],
    },
  ];
}
