import type { AlertingRule, RuleGroup } from "./types";

/** The jobs the Kubernetes alerts read: kube-state-metrics for object state, the kubelet and cAdvisor for volumes and containers. */
export interface KubernetesJobs {
  readonly kubeStateMetrics: string;
  readonly kubelet: string;
  readonly cadvisor: string;
}

/** A throttled share of CFS periods above which a container is slowed down noticeably (the kubernetes-mixin's 25%). */
const CPU_THROTTLING_RATIO = 0.25;

/**
 * Alerts on the region's workloads and nodes, written after what the kubernetes-mixin covers. kube-state-metrics
 * is one target, so only the shard that scrapes it evaluates these; the others have no series and stay silent.
 *
 * There are no alerts on the API server's internals, the scheduler, the controller manager or etcd: the stacks
 * run on EKS and GKE, whose control planes are run by the cloud, expose none of those to the cluster's own
 * Prometheus (etcd and the scheduler are not reachable from nodes at all), and are watched by the provider
 * under its SLA. A control plane that fails shows here as what users feel: pods not scheduled
 * (KubePodNotReady), rollouts that stall, nodes not ready.
 */
export function kubernetesAlerts(jobs: KubernetesJobs): RuleGroup<AlertingRule> {
  const ksm = `job="${jobs.kubeStateMetrics}"`;
  const kubelet = `job="${jobs.kubelet}"`;
  const cadvisor = `job="${jobs.cadvisor}"`;
  const volumeAvailable = `kubelet_volume_stats_available_bytes{${kubelet}} / kubelet_volume_stats_capacity_bytes{${kubelet}}`;
  const volumeInUse = `kubelet_volume_stats_used_bytes{${kubelet}} > 0`;
  return {
    name: "kubernetes",
    rules: [
      {
        alert: "KubePodCrashLooping",
        expr: `max_over_time(kube_pod_container_status_waiting_reason{${ksm}, reason="CrashLoopBackOff"}[5m]) >= 1`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A container is crash looping.",
          description:
            "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.",
        },
      },
      {
        alert: "KubePodNotReady",
        // Pods of Jobs may fail and be retried by design; KubeJobFailed speaks for them.
        expr:
          `max by (namespace, pod) (kube_pod_status_phase{${ksm}, phase=~"Pending|Unknown|Failed"}) > 0` +
          ` unless on (namespace, pod) kube_pod_owner{${ksm}, owner_kind="Job"}`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A pod has not been running for 15 minutes.",
          description:
            "Pod {{ $labels.namespace }}/{{ $labels.pod }} has been Pending, Failed or Unknown for 15 minutes.",
        },
      },
      {
        alert: "KubeDeploymentReplicasMismatch",
        // Only while no rollout is progressing: a rollout lowers the available count on purpose.
        expr:
          `(kube_deployment_spec_replicas{${ksm}} > kube_deployment_status_replicas_available{${ksm}})` +
          ` and (changes(kube_deployment_status_replicas_updated{${ksm}}[10m]) == 0)`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A deployment has fewer available replicas than it asks for.",
          description:
            "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had {{ $value }} replicas wanted but fewer available for 15 minutes, with no rollout progressing.",
        },
      },
      {
        alert: "KubeStatefulSetReplicasMismatch",
        expr:
          `(kube_statefulset_status_replicas_ready{${ksm}} != kube_statefulset_replicas{${ksm}})` +
          ` and (changes(kube_statefulset_status_replicas_updated{${ksm}}[10m]) == 0)`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A statefulset has not the number of ready replicas it asks for.",
          description:
            "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had {{ $value }} ready replicas, not the number it asks for, for 15 minutes.",
        },
      },
      {
        alert: "KubeDaemonSetRolloutStuck",
        expr:
          `((kube_daemonset_status_current_number_scheduled{${ksm}} != kube_daemonset_status_desired_number_scheduled{${ksm}})` +
          ` or (kube_daemonset_status_number_misscheduled{${ksm}} != 0)` +
          ` or (kube_daemonset_status_updated_number_scheduled{${ksm}} != kube_daemonset_status_desired_number_scheduled{${ksm}})` +
          ` or (kube_daemonset_status_number_available{${ksm}} != kube_daemonset_status_desired_number_scheduled{${ksm}}))` +
          ` and (changes(kube_daemonset_status_updated_number_scheduled{${ksm}}[5m]) == 0)`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A daemonset rollout is stuck.",
          description:
            "DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has not scheduled, updated or made available a pod on every node it should for 15 minutes.",
        },
      },
      {
        alert: "KubeJobFailed",
        expr: `kube_job_failed{${ksm}} > 0`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A job failed.",
          description:
            "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed to complete; it stays failed until it is removed.",
        },
      },
      {
        alert: "KubeContainerOOMKilled",
        expr:
          `(kube_pod_container_status_restarts_total{${ksm}} - kube_pod_container_status_restarts_total{${ksm}} offset 10m >= 1)` +
          ` and ignoring (reason) min_over_time(kube_pod_container_status_last_terminated_reason{${ksm}, reason="OOMKilled"}[10m]) == 1`,
        labels: { severity: "warning" },
        annotations: {
          summary: "A container was killed for running out of memory.",
          description:
            "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted after an OOM kill in the last 10 minutes.",
        },
      },
      {
        alert: "KubeNodeNotReady",
        expr: `kube_node_status_condition{${ksm}, condition="Ready", status="true"} == 0`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A node is not ready.",
          description:
            "Node {{ $labels.node }} has not been Ready for 15 minutes: its pods are not scheduled or are being evicted.",
        },
      },
      {
        alert: "KubePersistentVolumeFillingUp",
        expr: `${volumeAvailable} < 0.03 and ${volumeInUse}`,
        for: "1m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A persistent volume is almost full.",
          description:
            "Volume {{ $labels.persistentvolumeclaim }} in namespace {{ $labels.namespace }} has {{ $value | humanizePercentage }} of its space left.",
        },
      },
      {
        alert: "KubePersistentVolumeFillingUp",
        expr:
          `${volumeAvailable} < 0.15 and ${volumeInUse}` +
          ` and predict_linear(kubelet_volume_stats_available_bytes{${kubelet}}[6h], 4 * 24 * 3600) < 0`,
        for: "1h",
        labels: { severity: "warning" },
        annotations: {
          summary: "A persistent volume is filling up and will be full within four days.",
          description:
            "Volume {{ $labels.persistentvolumeclaim }} in namespace {{ $labels.namespace }} has {{ $value | humanizePercentage }} of its space left and fills at a rate that leaves none within four days.",
        },
      },
      {
        alert: "CPUThrottlingHigh",
        expr:
          `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{${cadvisor}, container!=""}[5m]))` +
          ` / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{${cadvisor}, container!=""}[5m])) > ${CPU_THROTTLING_RATIO}`,
        for: "15m",
        labels: { severity: "info" },
        annotations: {
          summary: "A container is CPU-throttled.",
          description:
            "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} was throttled in {{ $value | humanizePercentage }} of its CPU periods: it runs at its CPU limit.",
        },
      },
    ],
  };
}
