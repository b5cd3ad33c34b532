/**
 * Single sign-on as Grafana's generic OAuth reads it (`[auth.generic_oauth]`, `GF_AUTH_GENERIC_OAUTH_*`):
 * OpenID Connect with PKCE, the groups claim, and each group's role through one JMESPath expression that
 * refuses (role_attribute_strict) a user in none of the mapped groups. The client secret is not here: it
 * reaches the pods from a Kubernetes Secret (components/global/grafana.ts).
 */
import type { GrafanaRole, GrafanaSsoSettings } from "../../config/types";

/** Highest first: a user in groups of several roles gets the highest. */
const ROLES_BY_RANK: readonly GrafanaRole[] = ["Admin", "Editor", "Viewer"];

/** The variable Grafana reads the client secret from; the component binds it to a Secret, never to a value. */
export const CLIENT_SECRET_ENV = "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET";

/** A claim name as a JMESPath quoted identifier: dots, dashes and colons (`cognito:groups`) stay part of the name. */
function claim(name: string): string {
  return JSON.stringify(name);
}

/**
 * A group name as a JMESPath raw string literal. Inside one only `\'` is an escape; the config refuses
 * backslashes, which Grafana's JMESPath would read as escaping a closing quote.
 */
function rawString(value: string): string {
  return `'${value.replaceAll("'", "\\'")}'`;
}

/**
 * The claim as a list of groups: a claim that is missing or not a list (a single group as a string, which
 * `contains` would search for substrings) reads as no groups.
 */
function groupsOf(groupsClaim: string): string {
  return `(${claim(groupsClaim)}[*] || \`[]\`)`;
}

/** The roles' groups, highest role first, without the roles no group gives. */
function groupsByRole(roles: Readonly<Record<string, GrafanaRole>>): { role: GrafanaRole; groups: string[] }[] {
  return ROLES_BY_RANK.map((role) => ({
    role,
    groups: Object.keys(roles).filter((group) => roles[group] === role),
  })).filter((r) => r.groups.length > 0);
}

/**
 * `role_attribute_path`: the role of the highest-ranked group the user is in, or `false` (no role: with
 * role_attribute_strict Grafana refuses the login). JMESPath's `a && 'Role' || b` picks the first match.
 */
export function roleAttributePath(groupsClaim: string, roles: Readonly<Record<string, GrafanaRole>>): string {
  const groups = groupsOf(groupsClaim);
  return groupsByRole(roles)
    .map(({ role, groups: names }) => {
      const member = names.map((name) => `contains(${groups}, ${rawString(name)})`).join(" || ");
      return `(${member}) && ${rawString(role)}`;
    })
    .join(" || ");
}

/**
 * The `GF_` variables of single sign-on. Without it there are none: the login form, Grafana's default, is
 * the only way in. With it the form is hidden unless `loginForm` asks for it (the admin's break-glass path).
 */
export function ssoEnv(sso: GrafanaSsoSettings | undefined): Record<string, string> {
  if (sso === undefined) return {};
  return {
    GF_AUTH_DISABLE_LOGIN_FORM: String(!sso.loginForm),
    GF_AUTH_GENERIC_OAUTH_ENABLED: "true",
    GF_AUTH_GENERIC_OAUTH_NAME: sso.name,
    GF_AUTH_GENERIC_OAUTH_CLIENT_ID: sso.clientId,
    GF_AUTH_GENERIC_OAUTH_SCOPES: sso.scopes.join(" "),
    GF_AUTH_GENERIC_OAUTH_AUTH_URL: sso.authUrl,
    GF_AUTH_GENERIC_OAUTH_TOKEN_URL: sso.tokenUrl,
    GF_AUTH_GENERIC_OAUTH_API_URL: sso.userInfoUrl,
    GF_AUTH_GENERIC_OAUTH_USE_PKCE: "true",
    // Users of the mapped groups get their account at their first login; nobody else gets one.
    GF_AUTH_GENERIC_OAUTH_ALLOW_SIGN_UP: "true",
    GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH: claim(sso.groupsClaim),
    // A JSON list: group names may hold spaces and commas, Grafana's separators otherwise.
    GF_AUTH_GENERIC_OAUTH_ALLOWED_GROUPS: JSON.stringify(Object.keys(sso.roles)),
    GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH: roleAttributePath(sso.groupsClaim, sso.roles),
    GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_STRICT: "true",
  };
}
