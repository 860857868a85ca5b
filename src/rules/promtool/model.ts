/** The shape of a promtool rule test file (`promtool test rules`), as plain data. */
import type { InputSeries } from './series.js';

/** One expected alert of an alert_rule_test. */
export interface ExpectedAlert {
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations: Readonly<Record<string, string>>;
}

/** Checks which alerts fire at an evaluation time. */
export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpectedAlert[];
}

/** Checks an expression's result at an evaluation time. */
export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: ReadonlyArray<{ readonly labels: string; readonly value: number }>;
}

/** One named test: input series and what to expect. */
export interface UnitTest {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test?: readonly AlertRuleTest[];
  readonly promql_expr_test?: readonly PromqlExprTest[] | undefined;
}

/** A whole test file. */
export interface TestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly UnitTest[];
}
