"""Statistics on plain Python sequences: `intervals` (means, intervals, pass@k, summaries, scenario expectations) and
`paired` (paired differences, resampling tests, multiple comparisons, verdicts, agreement).

`from harness import stats` then `stats.wilson_interval(...)`, `stats.paired_difference(...)`: both modules are
re-exported here, so callers need not know which holds what.
"""

from harness.stats.intervals import (
    MIN_CLUSTERS_FOR_SE,
    ChainStep,
    Interval,
    Observation,
    ScenarioExpectation,
    Summary,
    bootstrap_interval,
    case_intervals,
    clustered_interval,
    clustered_standard_error,
    cr2_standard_error,
    flaky_cases,
    mean,
    normal_interval,
    pass_at_k,
    pass_hat_k,
    quantile,
    scenario_expectation,
    standard_error,
    summarise,
    summarise_groups,
    t_sf,
    t_value,
    wilson_interval,
    z_value,
)
from harness.stats.paired import (
    EXACT_SIGN_FLIP_MAX,
    Z_POWER_80,
    DriftVerdict,
    PairedDifference,
    ResamplingTest,
    benjamini_hochberg,
    cases_to_decide,
    cohen_kappa,
    drift_verdict,
    drop_p,
    fleiss_kappa,
    holm,
    mcnemar,
    mde,
    non_inferiority,
    paired_bootstrap,
    paired_difference,
    sign_flip_test,
    tost,
    underpowered,
)

__all__ = [
    "ChainStep", "DriftVerdict", "EXACT_SIGN_FLIP_MAX", "Interval", "MIN_CLUSTERS_FOR_SE", "Observation",
    "PairedDifference", "ResamplingTest", "ScenarioExpectation", "Summary", "Z_POWER_80", "benjamini_hochberg",
    "bootstrap_interval", "case_intervals", "cases_to_decide", "clustered_interval", "clustered_standard_error",
    "cohen_kappa", "cr2_standard_error", "drift_verdict", "drop_p", "flaky_cases", "fleiss_kappa", "holm", "mcnemar",
    "mde", "mean", "non_inferiority", "normal_interval", "paired_bootstrap", "paired_difference", "pass_at_k",
    "pass_hat_k", "quantile", "scenario_expectation", "sign_flip_test", "standard_error", "summarise",
    "summarise_groups", "t_sf", "t_value", "tost", "underpowered", "wilson_interval", "z_value",
]  # fmt: skip
