// What one checker says about one run. Defined here, below the report, because checkers produce
// it; report.json (report/report-types.ts) carries it unchanged.

export type Validity = true | false | 'unknown';

export interface CheckResult {
  name: string;
  valid: Validity;
  detail: string;
}
