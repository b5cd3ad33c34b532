import * as assert from "node:assert";
import { grafanaEnv } from "../../builders/grafana/settings";
import { CLIENT_SECRET_ENV, roleAttributePath, ssoEnv } from "../../builders/grafana/sso";
import type { GrafanaSsoSettings } from "../../config/types";
import { documentedKeyOf } from "../fixtures/grafana-documented-keys";
import { globalConfig } from "../fixtures/global-fixtures";

/** Single sign-on as a user writes it, through the schema (its defaults filled in). */
const SSO = {
  clientId: "grafana",
  secretKey: "grafanaClientSecret",
  authUrl: "https://idp.example.com/oauth2/v1/authorize",
  tokenUrl: "https://idp.example.com/oauth2/v1/token",
  userInfoUrl: "https://idp.example.com/oauth2/v1/userinfo",
  roles: { engineering: "Viewer", "platform-admins": "Admin", sre: "Editor" },
};

function ssoSettings(sso: Record<string, unknown> = SSO): GrafanaSsoSettings {
  const config = globalConfig(["us-east"], {
    grafana: { domain: "grafana.example.com", sso },
    grafanaClientSecret: "s3cret",
  });
  return config.grafana.sso!;
}

const env = (sso?: GrafanaSsoSettings) =>
  grafanaEnv({
    port: 3000,
    certFile: "/etc/grafana/tls/tls.crt",
    keyFile: "/etc/grafana/tls/tls.key",
    domain: "grafana.example.com",
    database: { host: "db:5432", name: "grafana", user: "grafana" },
    provisioningDir: "/etc/grafana/provisioning",
    dataDir: "/var/lib/grafana",
    alertingPeers: "grafana-alerting.monitoring.svc:9094",
    alertingAddress: "$(POD_IP):9094",
    sso,
  });

describe("Grafana single sign-on (generic OAuth)", () => {
  it("signs in through the provider's three endpoints with PKCE, and hides the login form", () => {
    const rendered = ssoEnv(ssoSettings());
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_ENABLED, "true");
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_NAME, "SSO");
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_CLIENT_ID, "grafana");
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_AUTH_URL, SSO.authUrl);
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_TOKEN_URL, SSO.tokenUrl);
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_API_URL, SSO.userInfoUrl);
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_SCOPES, "openid email profile groups");
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_USE_PKCE, "true");
    assert.strictEqual(rendered.GF_AUTH_DISABLE_LOGIN_FORM, "true");
    assert.strictEqual(ssoEnv(ssoSettings({ ...SSO, loginForm: true })).GF_AUTH_DISABLE_LOGIN_FORM, "false");
  });

  it("never renders the client secret: the component binds it from a Secret", () => {
    assert.ok(!(CLIENT_SECRET_ENV in env(ssoSettings())));
    assert.ok(!Object.values(env(ssoSettings())).includes("s3cret"));
  });

  it("without single sign-on, renders none of it: the login form stays Grafana's only way in", () => {
    const rendered = env(undefined);
    assert.deepStrictEqual(
      Object.keys(rendered).filter((name) => name.startsWith("GF_AUTH_GENERIC_OAUTH_") || name.includes("LOGIN_FORM")),
      [],
    );
  });

  it("sets only settings Grafana documents, the client secret's variable among them", () => {
    const names = [...Object.keys(env(ssoSettings())), CLIENT_SECRET_ENV];
    assert.deepStrictEqual(
      names.filter((name) => documentedKeyOf(name) === undefined),
      [],
    );
    assert.deepStrictEqual(documentedKeyOf(CLIENT_SECRET_ENV), { section: "auth.generic_oauth", key: "client_secret" });
    // The check can fail: Grafana 12.1's generic OAuth reads no issuer, nor a misspelt key.
    assert.strictEqual(documentedKeyOf("GF_AUTH_GENERIC_OAUTH_ISSUER"), undefined);
    assert.strictEqual(documentedKeyOf("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTES_PATH"), undefined);
  });

  it("admits the mapped groups only, from the groups claim, as a JSON list that keeps spaces and commas", () => {
    const rendered = ssoEnv(ssoSettings({ ...SSO, roles: { "Site Reliability, EU": "Editor", sre: "Viewer" } }));
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH, '"groups"');
    assert.deepStrictEqual(JSON.parse(rendered.GF_AUTH_GENERIC_OAUTH_ALLOWED_GROUPS), ["Site Reliability, EU", "sre"]);
    assert.strictEqual(rendered.GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT, "true");
  });

  describe("the role mapping as one JMESPath expression", () => {
    const groups = '("groups"[*] || `[]`)';

    it("gives the highest role of a user's groups, whatever the order of the mapping", () => {
      assert.strictEqual(
        roleAttributePath("groups", {
          engineering: "Viewer",
          "platform-admins": "Admin",
          sre: "Editor",
          oncall: "Editor",
        }),
        `(contains(${groups}, 'platform-admins')) && 'Admin' || ` +
          `(contains(${groups}, 'sre') || contains(${groups}, 'oncall')) && 'Editor' || ` +
          `(contains(${groups}, 'engineering')) && 'Viewer'`,
      );
    });

    it("leaves out a role no group gives", () => {
      assert.strictEqual(roleAttributePath("groups", { sre: "Editor" }), `(contains(${groups}, 'sre')) && 'Editor'`);
    });

    it("quotes a claim name with a colon or dots as one identifier, and a quote in a group name", () => {
      assert.strictEqual(
        roleAttributePath("cognito:groups", { "O'Brien's team": "Viewer" }),
        `(contains(("cognito:groups"[*] || \`[]\`), 'O\\'Brien\\'s team')) && 'Viewer'`,
      );
      assert.strictEqual(
        roleAttributePath("https://example.com/groups", { a: "Admin" }),
        `(contains(("https://example.com/groups"[*] || \`[]\`), 'a')) && 'Admin'`,
      );
    });
  });
});
