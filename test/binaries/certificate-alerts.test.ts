/**
 * The certificate expiry rules each stack publishes from its certificates' validityEndTime: promtool checks
 * them and `promtool test rules` shows CertificateExpiresSoon silent until `warningDays` before the expiry.
 */
import * as assert from "node:assert";
import * as YAML from "yaml";
import {
  CERTIFICATE_EXPIRY_ALERT,
  CERTIFICATE_EXPIRY_METRIC,
  certificateRules,
} from "../../builders/rules/certificates";
import { TEST_ALERT_SETTINGS } from "../support/alert-tests";
import { checkRuleFiles, testRules } from "../support/promtool";

// promtool's test clock starts at the epoch: the server certificate expires on day 14, the CA in 10 years.
const issued = [
  { name: "server", validityEndTime: "1970-01-15T00:00:00Z" },
  { name: "ca", validityEndTime: "1980-01-01T00:00:00Z" },
];
const FILE = "certificates.yaml";
const text = YAML.stringify(certificateRules(issued, 7, TEST_ALERT_SETTINGS));
const alertRule = () => certificateRules(issued, 7, TEST_ALERT_SETTINGS).groups[0].rules.find((r) => "alert" in r)!;

describe("certificate expiry rules", () => {
  it("record one expiry series per certificate, in seconds since the epoch", () => {
    const records = certificateRules(issued, 7, TEST_ALERT_SETTINGS).groups[0].rules.filter((r) => "record" in r);
    assert.deepStrictEqual(records, [
      { record: CERTIFICATE_EXPIRY_METRIC, expr: "vector(1209600)", labels: { certificate: "server" } },
      { record: CERTIFICATE_EXPIRY_METRIC, expr: "vector(315532800)", labels: { certificate: "ca" } },
    ]);
    assert.throws(() => certificateRules([...issued, issued[0]], 7, TEST_ALERT_SETTINGS), /listed twice/);
    assert.throws(() => certificateRules([{ name: "x", validityEndTime: "soon" }], 7, TEST_ALERT_SETTINGS), /RFC 3339/);
    assert.throws(() => certificateRules(issued, 0, TEST_ALERT_SETTINGS), /whole number of days/);
  });

  it("pass promtool check rules", () => {
    checkRuleFiles({ [FILE]: text });
  });

  it("fire CertificateExpiresSoon for the certificate within warningDays of its expiry, not before, and never for the CA", () => {
    const { summary, description, runbook_url } = alertRule().annotations;
    testRules(
      { [FILE]: text },
      {
        rule_files: [FILE],
        evaluation_interval: "1h",
        tests: [
          {
            name: "the server certificate nears its expiry on day 14, with a 7-day warning",
            interval: "1h",
            input_series: [],
            alert_rule_test: [
              { eval_time: "6d", alertname: CERTIFICATE_EXPIRY_ALERT, exp_alerts: [] },
              {
                eval_time: "8d",
                alertname: CERTIFICATE_EXPIRY_ALERT,
                exp_alerts: [
                  {
                    exp_labels: { severity: "critical", certificate: "server" },
                    exp_annotations: {
                      summary,
                      runbook_url,
                      description: description
                        .replace("{{ $labels.certificate }}", "server")
                        .replace("{{ $value | humanizeDuration }}", "6d 0h 0m 0s"),
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    );
  });
});
