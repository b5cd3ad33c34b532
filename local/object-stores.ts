/**
 * The local stand-in of each cloud's bucket: an emulator process, the objstore location the builders turn
 * into Thanos' config (the clusters' own, with only the endpoint and test credentials changed), and the two
 * calls the runner and the checks make on the bucket (create it, list its objects).
 */
import { generateKeyPairSync } from "node:crypto";
import type { Cloud } from "../config/clouds";
import type { ObjectStoreLocation } from "../builders/cloud/object-store";
import type { Binaries } from "./binaries";
import { request } from "./client";
import { LOOPBACK, address } from "./ports";
import type { ProcessSpec } from "./supervisor";

export interface LocalObjectStore {
  /** Process name of the emulator (one per kind of store, shared by the regions of that cloud). */
  readonly emulatorName: string;
  /** A path the emulator answers with 2xx once it serves. */
  readonly readyPath: string;
  emulator(binaries: Binaries, port: number, dataDir: string): ProcessSpec;
  /** The bucket as Thanos reaches it here. `tokenUrl` serves the GCS client's OAuth tokens. */
  location(bucket: string, cloudRegion: string, port: number, tokenUrl: string): ObjectStoreLocation;
  /** Environment every Thanos process of a region on this store runs with. */
  env(port: number): Readonly<Record<string, string>>;
  createBucket(port: number, bucket: string): Promise<void>;
  /** Every object name in the bucket. */
  listObjects(port: number, bucket: string): Promise<string[]>;
}

/** moto accepts any key pair; Thanos must not fall back to instance credentials (the metadata address). */
const S3_TEST_CREDENTIALS = { accessKey: "local-test-access-key", secretKey: "local-test-secret-key" } as const;

const s3: LocalObjectStore = {
  emulatorName: "s3-emulator",
  readyPath: "/",
  emulator: (binaries, port) => ({
    name: "s3-emulator",
    command: binaries.motoServer,
    args: ["-H", LOOPBACK, "-p", String(port)],
  }),
  location: (bucket, cloudRegion, port) => ({
    type: "S3",
    bucket,
    region: cloudRegion,
    endpoint: address(port),
    insecure: true,
    staticCredentials: S3_TEST_CREDENTIALS,
  }),
  env: () => ({}),
  createBucket: async (port, bucket) => {
    await request({ url: `http://${address(port)}` }, `/${bucket}`, "PUT");
  },
  listObjects: async (port, bucket) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await request(
        { url: `http://${address(port)}` },
        `/${bucket}?list-type=2${token ? `&continuation-token=${encodeURIComponent(token)}` : ""}`,
      );
      keys.push(...[...page.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]));
      token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(page)?.[1];
    } while (token);
    return keys;
  },
};

/**
 * A service-account key for the GCS client: without one it looks for application default credentials and
 * then probes the metadata server. Its token URI is the runner's own token endpoint.
 */
function testServiceAccount(tokenUrl: string): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify({
    type: "service_account",
    project_id: "local-test",
    private_key_id: "local-test",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: "thanos@local-test.iam.gserviceaccount.com",
    client_id: "1",
    token_uri: tokenUrl,
  });
}

const gcs: LocalObjectStore = {
  emulatorName: "gcs-emulator",
  readyPath: "/storage/v1/b",
  emulator: (binaries, port, dataDir) => ({
    name: "gcs-emulator",
    command: binaries.fakeGcsServer,
    args: [
      "-scheme=http",
      `-host=${LOOPBACK}`,
      `-port=${port}`,
      // On disk, so a bucket outage (the emulator stopped) keeps what was uploaded before it.
      "-backend=filesystem",
      `-filesystem-root=${dataDir}`,
      `-external-url=http://${address(port)}`,
      `-public-host=${address(port)}`,
      "-log-level=warn",
    ],
  }),
  location: (bucket, _cloudRegion, _port, tokenUrl) => ({
    type: "GCS",
    bucket,
    serviceAccountJson: testServiceAccount(tokenUrl),
  }),
  env: (port) => ({ STORAGE_EMULATOR_HOST: `http://${address(port)}` }),
  createBucket: async (port, bucket) => {
    await request(
      { url: `http://${address(port)}` },
      `/storage/v1/b?project=local-test`,
      "POST",
      JSON.stringify({ name: bucket }),
    );
  },
  listObjects: async (port, bucket) => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = JSON.parse(
        await request(
          { url: `http://${address(port)}` },
          `/storage/v1/b/${bucket}/o${token ? `?pageToken=${encodeURIComponent(token)}` : ""}`,
        ),
      ) as { items?: { name: string }[]; nextPageToken?: string };
      names.push(...(page.items ?? []).map((i) => i.name));
      token = page.nextPageToken;
    } while (token);
    return names;
  },
};

/**
 * Each cloud's local bucket; a new cloud is a compile error here until it has one. A cluster the user runs
 * keeps its blocks on any S3-compatible store, which the S3 emulator stands in for.
 */
export const LOCAL_OBJECT_STORES: Record<Cloud, LocalObjectStore> = { aws: s3, gcp: gcs, kubernetes: s3 };

/**
 * Set on every Thanos process: should a client ever look for instance credentials, it asks a closed
 * loopback port instead of a cloud metadata address.
 */
export const NO_METADATA_ENV = {
  AWS_EC2_METADATA_DISABLED: "true",
  GCE_METADATA_HOST: `${LOOPBACK}:9`,
  GCE_METADATA_IP: `${LOOPBACK}:9`,
} as const;
