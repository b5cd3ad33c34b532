/** Type tokens the policies match, as the providers' schemas spell them (no provider package is loaded). */
export const AWS = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"] as readonly string[],
  versioning: [
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
  ] as readonly string[],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ] as readonly string[],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] as readonly string[],
  rdsInstance: "aws:rds/instance:Instance",
  eksCluster: "aws:eks/cluster:Cluster",
} as const;

export const GCP = {
  bucket: "gcp:storage/bucket:Bucket",
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  gkeCluster: "gcp:container/cluster:Cluster",
} as const;

export const K8S = {
  pod: "kubernetes:core/v1:Pod",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  replicaSet: "kubernetes:apps/v1:ReplicaSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  service: "kubernetes:core/v1:Service",
  namespace: "kubernetes:core/v1:Namespace",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  horizontalPodAutoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
} as const;
