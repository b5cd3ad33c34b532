/**
 * What the mocked engine answers for a resource's computed outputs (the fields a cloud fills in), by type
 * token. Components read these (an EKS endpoint, a generated password), so the mocks must supply
 * plausible values. Add an entry when a component reads a computed field of a new type.
 */
type Inputs = Record<string, any>;

const FAKE_PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIBmock\n-----END CERTIFICATE-----\n";
const FAKE_PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEmock\n-----END PRIVATE KEY-----\n";

let counter = 0;
/** What @pulumi/tls reports of a new certificate's validity: from now for `validityPeriodHours`. */
function validity(inputs: Inputs): Inputs {
  const start = Date.now();
  const hours = Number(inputs.validityPeriodHours ?? 0);
  return {
    validityStartTime: new Date(start).toISOString(),
    validityEndTime: new Date(start + hours * 3600_000).toISOString(),
    readyForRenewal: false,
  };
}

function nextOctet(): number {
  counter = (counter % 250) + 1;
  return counter;
}

export const COMPUTED_STATE: Record<string, (name: string, inputs: Inputs) => Inputs> = {
  "aws:eks/cluster:Cluster": (name) => ({
    endpoint: `https://${name}.gr7.us-east-1.eks.amazonaws.com`,
    certificateAuthority: { data: Buffer.from(FAKE_PEM_CERT).toString("base64") },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.us-east-1.amazonaws.com/id/${name.toUpperCase()}` }] }],
    vpcConfig: { clusterSecurityGroupId: `sg-${name}` },
    arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
  }),
  "aws:ec2/eip:Eip": () => ({ publicIp: `198.51.100.${nextOctet()}` }),
  "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::123456789012:role/${name}` }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (name) => ({
    arn: `arn:aws:iam::123456789012:oidc-provider/${name}`,
  }),
  "aws:kms/key:Key": (name) => ({ arn: `arn:aws:kms:us-east-1:123456789012:key/${name}` }),
  "aws:s3/bucket:Bucket": (name, inputs) => ({
    bucket: inputs.bucket ?? name,
    arn: `arn:aws:s3:::${inputs.bucket ?? name}`,
  }),
  "aws:rds/instance:Instance": (name) => ({ address: `${name}.abcdefghij.us-east-2.rds.amazonaws.com`, port: 5432 }),
  "gcp:container/cluster:Cluster": () => ({
    endpoint: "203.0.113.10",
    masterAuth: { clusterCaCertificate: Buffer.from(FAKE_PEM_CERT).toString("base64") },
  }),
  "gcp:compute/address:Address": (name) => ({
    address: `198.51.100.${nextOctet()}`,
    selfLink: `https://www.googleapis.com/compute/v1/projects/my-project/regions/europe-west1/addresses/${name}`,
  }),
  "gcp:compute/router:Router": (name, inputs) => ({ name: inputs.name ?? name }),
  "gcp:compute/globalAddress:GlobalAddress": (name, inputs) => ({ name: inputs.name ?? name }),
  "gcp:serviceaccount/account:Account": (name, inputs) => ({
    email: `${inputs.accountId ?? name}@${inputs.project ?? "my-project"}.iam.gserviceaccount.com`,
    name: `projects/${inputs.project ?? "my-project"}/serviceAccounts/${inputs.accountId ?? name}@${inputs.project ?? "my-project"}.iam.gserviceaccount.com`,
  }),
  "gcp:storage/bucket:Bucket": (name, inputs) => ({ url: `gs://${inputs.name ?? name}`, name: inputs.name ?? name }),
  "gcp:sql/databaseInstance:DatabaseInstance": (name, inputs) => ({
    privateIpAddress: "10.60.0.5",
    connectionName: "my-project:europe-west1:grafana",
    name: inputs.name ?? name,
  }),
  "random:index/randomPassword:RandomPassword": (_name, inputs) => ({
    result: "p".repeat(inputs.length ?? 32),
    bcryptHash: `$2a$10$${"h".repeat(53)}`,
  }),
  "tls:index/privateKey:PrivateKey": () => ({
    privateKeyPem: FAKE_PEM_KEY,
    publicKeyPem: FAKE_PEM_KEY,
    privateKeyPemPkcs8: FAKE_PEM_KEY,
  }),
  "tls:index/selfSignedCert:SelfSignedCert": (_name, inputs) => ({ certPem: FAKE_PEM_CERT, ...validity(inputs) }),
  "tls:index/locallySignedCert:LocallySignedCert": (_name, inputs) => ({ certPem: FAKE_PEM_CERT, ...validity(inputs) }),
  "tls:index/certRequest:CertRequest": () => ({
    certRequestPem: "-----BEGIN CERTIFICATE REQUEST-----\nMIIBmock\n-----END CERTIFICATE REQUEST-----\n",
  }),
  "kubernetes:core/v1:Service": (name, inputs) =>
    inputs.spec?.type === "LoadBalancer"
      ? {
          status: { loadBalancer: { ingress: [{ ip: `192.0.2.${nextOctet()}`, hostname: `${name}.lb.example.com` }] } },
        }
      : {},
};

/** Answers for provider functions (data sources) the components call, by function token. */
export const CALL_RESULTS: Record<string, (args: Inputs) => Inputs> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: "123456789012",
    arn: "arn:aws:iam::123456789012:user/ci",
    userId: "AIDA",
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  "aws:index/getRegion:getRegion": (args) => ({ name: args.name ?? "us-east-1", region: args.region ?? "us-east-1" }),
  "aws:iam/getPolicyDocument:getPolicyDocument": (args) => ({
    json: JSON.stringify({ Version: "2012-10-17", Statement: args.statements ?? [] }),
  }),
  "tls:index/getCertificate:getCertificate": () => ({
    certificates: [{ sha1Fingerprint: "9e99a48a9960b14926bb7f3b02e22da2b0ab7280" }],
  }),
  "gcp:organizations/getClientConfig:getClientConfig": () => ({
    project: "my-project",
    region: "europe-west1",
    accessToken: "mock",
  }),
  "gcp:organizations/getProject:getProject": (args) => ({
    number: "123456789012",
    projectId: args.projectId ?? "my-project",
  }),
};
