/**
 * Every cloud of the traits table has every trait, and each yields a usable value: the compiler sees that a
 * trait exists, these tests see that it answers (zones of a region, a storage class, an objstore config...).
 */
import * as assert from "node:assert";
import { EXEC_API_VERSION } from "../../builders/cloud/kubeconfig";
import { PLATFORM_TRAITS } from "../../builders/cloud/platforms";
import { ssdStorageClass } from "../../builders/cloud/storage-class";
import { loadBalancerAnnotations } from "../../builders/global/load-balancer";
import { METADATA_CIDRS } from "../../builders/k8s/network-peers";
import { objstoreConfig } from "../../builders/thanos/objstore";
import {
  CLOUDS,
  CLOUD_TRAITS,
  cloudOfRegion,
  defaultZones,
  machineTypeOf,
  otherClouds,
  regionAllowed,
  zoneBelongsTo,
} from "../../config/clouds";
import type { ClusterSettings } from "../../config/types";
import { ANY_IDENTITY, tierSchema } from "../../config/schema";
import { keysAt } from "../../config/schema-walk";
import { LOCAL_OBJECT_STORES } from "../../local/object-stores";

/** A cluster as the schema's defaults make it, on `cloud`'s example region. */
function cluster(cloud: (typeof CLOUDS)[number], maxNodes: number): ClusterSettings {
  const traits = CLOUD_TRAITS[cloud];
  return {
    name: "c",
    kubernetesVersion: "1.33",
    zones: defaultZones(cloud, traits.exampleRegion),
    vpcCidr: "10.10.0.0/16",
    nodes: { machineType: traits.defaultMachineType, minNodes: 3, maxNodes, diskGiB: 100 },
    apiAllowedCidrs: ["203.0.113.0/24"],
    releaseChannel: "REGULAR",
  };
}

const failWith = (path: readonly PropertyKey[], allowed: string): never => {
  throw Object.assign(new Error(allowed), { path });
};

describe("cloud traits: every cloud of the table has every trait", () => {
  it("derives the list of clouds from the table", () => {
    assert.deepStrictEqual([...CLOUDS].sort(), Object.keys(CLOUD_TRAITS).sort());
    assert.ok(CLOUDS.length >= 2);
  });

  for (const cloud of CLOUDS) {
    describe(cloud, () => {
      const traits = CLOUD_TRAITS[cloud];
      const platform = PLATFORM_TRAITS[cloud];
      const region = traits.exampleRegion;

      it("names itself in sentences, differently from every other cloud", () => {
        for (const [noun, text] of Object.entries(traits.nouns)) assert.ok(text.length > 0, `nouns.${noun} is empty`);
        assert.ok(traits.nouns.withArticle.endsWith(` ${traits.nouns.name}`), traits.nouns.withArticle);
        for (const other of otherClouds(cloud)) {
          for (const noun of Object.keys(traits.nouns) as (keyof typeof traits.nouns)[]) {
            assert.notStrictEqual(
              traits.nouns[noun],
              CLOUD_TRAITS[other].nouns[noun],
              `nouns.${noun} of ${cloud} and ${other}`,
            );
          }
        }
      });

      it("owns its regions (no region name is another cloud's) and has three zones in its example region", () => {
        assert.ok(regionAllowed(cloud, region), `${region} is not a region of ${cloud}`);
        for (const r of traits.regions) assert.strictEqual(cloudOfRegion(r), cloud, r);
        const zones = defaultZones(cloud, region);
        assert.strictEqual(new Set(zones).size, 3, String(zones));
        for (const zone of zones) {
          assert.ok(zoneBelongsTo(cloud, region, zone), zone);
          for (const other of otherClouds(cloud))
            assert.ok(!zoneBelongsTo(other, region, zone), `${zone} reads as a zone of ${other}`);
        }
      });

      it("defaults to a machine type it knows the capacity of, and to a database class it accepts", () => {
        const machine = machineTypeOf(cloud, traits.defaultMachineType);
        assert.ok(machine, traits.defaultMachineType);
        const offer = traits.allocatable(machine);
        assert.ok(offer.cpuCores > 0 && offer.cpuCores < machine.vcpu, JSON.stringify(offer));
        assert.ok(offer.memoryBytes > 0 && offer.memoryBytes < machine.memoryGiB * 1024 ** 3, JSON.stringify(offer));
        assert.match(traits.defaultDatabaseClass, traits.databaseClass.re);
        for (const example of traits.databaseClass.example.split(" or "))
          assert.match(example, traits.databaseClass.re);
        for (const other of otherClouds(cloud))
          assert.doesNotMatch(traits.defaultDatabaseClass, CLOUD_TRAITS[other].databaseClass.re);
      });

      it("names only keys the config schema has as its own keys", () => {
        const schema = tierSchema("regional", { ...ANY_IDENTITY, cloud, region });
        for (const { path } of traits.ownKeys)
          assert.ok(keysAt(schema, path.slice(0, -1)).includes(path[path.length - 1]), path.join("."));
      });

      it("creates its cluster and bucket exactly where the builders know how (config and platform traits agree)", () => {
        assert.strictEqual(platform.provisioned !== undefined, traits.createsInfrastructure);
      });

      it("holds the default cluster in its address plan and, where it makes the network, refuses one of 1000 nodes", () => {
        assert.doesNotThrow(() =>
          platform.checkNodeAddresses(cluster(cloud, 6), machineTypeOf(cloud, traits.defaultMachineType)!, failWith),
        );
        if (!platform.provisioned) return;
        assert.throws(
          () =>
            platform.checkNodeAddresses(
              cluster(cloud, 1000),
              machineTypeOf(cloud, traits.defaultMachineType)!,
              failWith,
            ),
          (err: { path?: readonly PropertyKey[] }) => err.path?.join(".") === "cluster.nodes.maxNodes",
        );
      });

      it("gives the SSD storage class a CSI provisioner, where it makes the cluster", () => {
        if (!platform.provisioned)
          return assert.throws(() => ssdStorageClass(cloud), /creates no cluster or bucket on/);
        const storageClass = ssdStorageClass(cloud);
        assert.match(storageClass.provisioner, /^[a-z0-9.-]+\.[a-z]+$/);
        assert.ok(Object.keys(storageClass.parameters).length > 0);
      });

      it("admits load-balanced traffic from outside the cluster, never from the metadata address", () => {
        assert.strictEqual(typeof loadBalancerAnnotations(cloud), "object");
        const peers = platform.loadBalancerPeers("10.10.0.0/16", defaultZones(cloud, region));
        assert.ok(peers.length > 0);
        for (const peer of peers) {
          if ("ipBlock" in peer && peer.ipBlock.cidr === "0.0.0.0/0")
            assert.ok(peer.ipBlock.except?.includes(METADATA_CIDRS.ipv4), JSON.stringify(peer));
        }
        for (const rule of platform.identityMetadataEgress()) {
          assert.deepStrictEqual(rule.to, [{ ipBlock: { cidr: METADATA_CIDRS.ipv4 } }]);
          assert.ok(rule.ports.length > 0);
        }
      });

      it("places the bucket where Thanos reads it, and has a local stand-in for it", () => {
        if (!platform.provisioned) return assert.ok(LOCAL_OBJECT_STORES[cloud].emulatorName.length > 0);
        const config = objstoreConfig(platform.provisioned.objectStore("b-thanos", region));
        assert.match(config.type, /^[A-Z0-9]+$/);
        assert.strictEqual(config.config.bucket, "b-thanos");
        assert.ok(LOCAL_OBJECT_STORES[cloud].emulatorName.length > 0);
      });

      const provisioned = platform.provisioned;
      if (provisioned)
        it("writes kubeconfigs that run the cloud's token helper", () => {
          const exec = provisioned.execCredential("c-monitoring", region);
          assert.strictEqual(exec.apiVersion, EXEC_API_VERSION);
          assert.ok(exec.command.length > 0 && exec.installHint.length > 0);
        });
    });
  }
});
