"""Numbered, named schema migrations for `results/harness.duckdb`, applied once each, in order.

Never edit a released migration: add the next number. The views are documented in README.md (Storage).
"""

from __future__ import annotations

M001_INITIAL = """
CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    suite VARCHAR, suite_path VARCHAR,
    started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ,
    status VARCHAR,                 -- running | complete | cancelled | crashed | failed
    mode VARCHAR,                   -- requested mode: auto | live | sim
    simulated BOOLEAN,              -- true when any deployment of the run was answered by a simulator
    sim_seed BIGINT,
    git_commit VARCHAR, git_dirty BOOLEAN,
    harness_version VARCHAR,
    packages VARCHAR,               -- JSON: versions of the packages that shape results
    hashes VARCHAR,                 -- JSON: suite, model table, routing table file hashes
    fingerprint VARCHAR,            -- JSON: everything resume must find unchanged
    deployment_modes VARCHAR,       -- JSON: deployment -> live | sim | local | skipped
    tasks VARCHAR[], deployments VARCHAR[], variants VARCHAR[],
    planned_cells INTEGER,
    counts VARCHAR,                 -- JSON, at the end: ok / error / skipped
    pid INTEGER, host VARCHAR
);
CREATE TABLE cells (
    cell_key VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    task VARCHAR, task_class VARCHAR,
    dataset VARCHAR, dataset_version VARCHAR, dataset_sha256 VARCHAR,
    case_id VARCHAR, cluster VARCHAR, tags VARCHAR[],
    deployment VARCHAR, provider VARCHAR, model VARCHAR, family VARCHAR, role VARCHAR,
    variant VARCHAR, sample INTEGER,
    template_path VARCHAR, template_hash VARCHAR, prompt_hash VARCHAR,
    options_hash VARCHAR, request_hash VARCHAR,
    status VARCHAR,                 -- ok | error | skipped
    output VARCHAR, tool_calls VARCHAR, finish_reason VARCHAR,
    error_class VARCHAR, error_message VARCHAR,
    input_tokens INTEGER, output_tokens INTEGER, cost_usd DOUBLE, latency_ms DOUBLE,
    attempts INTEGER, cache_hit BOOLEAN,
    mode VARCHAR,                   -- live | sim | local
    simulated BOOLEAN,
    served_deployment VARCHAR, chain_position INTEGER,
    pass_threshold DOUBLE,
    finished_at TIMESTAMPTZ
);
CREATE TABLE attempts (
    attempt_id VARCHAR PRIMARY KEY,
    cell_key VARCHAR NOT NULL, run_id VARCHAR NOT NULL, n INTEGER,
    deployment VARCHAR, status VARCHAR, error_class VARCHAR, error_message VARCHAR,
    http_status INTEGER, retry_after DOUBLE, latency_ms DOUBLE,
    input_tokens INTEGER, output_tokens INTEGER, request_id VARCHAR,
    started_at TIMESTAMPTZ, simulated BOOLEAN
);
CREATE TABLE grades (
    cell_key VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
    grader_id VARCHAR NOT NULL, grader_version VARCHAR NOT NULL,
    value DOUBLE, passed BOOLEAN, reason VARCHAR, error VARCHAR, weight DOUBLE,
    judge_deployment VARCHAR, graded_at TIMESTAMPTZ,
    PRIMARY KEY (cell_key, grader_id, grader_version)
);
CREATE TABLE journals (
    path VARCHAR PRIMARY KEY, run_id VARCHAR, byte_offset BIGINT, lines BIGINT, loaded_at TIMESTAMPTZ
);
CREATE VIEW cell_scores AS
SELECT cell_key,
       sum(value * weight) / sum(weight) AS score,
       bool_and(passed) AS all_passed,
       count(*) FILTER (WHERE error IS NOT NULL) AS grade_errors,
       count(*) AS graders
FROM (
    SELECT * FROM grades
    QUALIFY row_number() OVER (PARTITION BY cell_key, grader_id ORDER BY graded_at DESC, grader_version DESC) = 1
)
GROUP BY cell_key;
CREATE VIEW results AS
SELECT c.run_id, r.suite, c.task, c.task_class, c.dataset, c.dataset_version, c.case_id, c.cluster, c.tags,
       c.deployment, c.provider, c.model, c.family, c.role, c.variant, c.sample,
       c.status, c.error_class, c.output, c.tool_calls, c.finish_reason,
       CASE WHEN s.grade_errors > 0 THEN NULL ELSE s.score END AS score,
       CASE WHEN s.grade_errors > 0 OR s.graders IS NULL THEN NULL
            ELSE s.all_passed AND s.score >= c.pass_threshold - 1e-9 END AS passed,
       s.grade_errors,
       c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.attempts, c.cache_hit,
       c.mode, c.simulated, c.template_path, c.template_hash, c.prompt_hash, c.dataset_sha256,
       c.served_deployment, c.chain_position, c.cell_key, c.finished_at
FROM cells c
LEFT JOIN cell_scores s USING (cell_key)
LEFT JOIN runs r USING (run_id);
CREATE VIEW case_results AS
SELECT run_id, task, deployment, variant, case_id, any_value(cluster) AS cluster,
       count(*) AS samples,
       count(*) FILTER (WHERE status = 'ok') AS ok_samples,
       avg(score) AS score,
       avg(CASE WHEN passed THEN 1.0 WHEN passed = false THEN 0.0 END) AS pass_rate,
       bool_or(simulated) AS simulated
FROM results
GROUP BY run_id, task, deployment, variant, case_id;
"""

M002_ROUTES = """
CREATE TABLE routes (
    run_id VARCHAR NOT NULL, task VARCHAR NOT NULL, case_id VARCHAR NOT NULL,
    route VARCHAR,                  -- chain | route N
    chain VARCHAR[], case_tokens INTEGER, risk_level VARCHAR,
    entries VARCHAR,                -- JSON: [{deployment, position, variant, eligible, reason}]
    PRIMARY KEY (run_id, task, case_id)
);
ALTER TABLE cells ADD COLUMN est_input_tokens INTEGER;
ALTER TABLE runs ADD COLUMN routing_table_version VARCHAR;
CREATE VIEW eligibility AS
SELECT r.run_id, r.task, r.case_id, r.route,
       e.deployment::VARCHAR AS deployment, e.position::INTEGER AS position, e.variant::VARCHAR AS variant,
       e.eligible::BOOLEAN AS eligible, e.reason::VARCHAR AS reason
FROM routes r,
     unnest(from_json(r.entries, '[{"deployment": "VARCHAR", "position": "INTEGER", "variant": "VARCHAR",
                                    "eligible": "BOOLEAN", "reason": "VARCHAR"}]')) AS t(e);
"""

M003_SERVED = """
CREATE TABLE served (
    run_id VARCHAR NOT NULL, task VARCHAR NOT NULL, case_id VARCHAR NOT NULL, variant VARCHAR NOT NULL,
    sample INTEGER NOT NULL,
    route VARCHAR, requested VARCHAR, served_deployment VARCHAR, served_position INTEGER, served_cell VARCHAR,
    status VARCHAR,                 -- ok | error (no position could serve)
    failure_class VARCHAR,          -- why the walk ended without an answer
    path VARCHAR,                   -- JSON: [{deployment, position, outcome}] in the order tried
    latency_ms DOUBLE, cost_usd DOUBLE,   -- end to end, failed attempts included
    score DOUBLE, passed BOOLEAN,   -- the served cell's
    PRIMARY KEY (run_id, task, case_id, variant, sample)
);
"""

M004_ATTEMPT_DETAIL = """
ALTER TABLE attempts ADD COLUMN served_model VARCHAR;
ALTER TABLE attempts ADD COLUMN cost_usd DOUBLE;
ALTER TABLE attempts ADD COLUMN finish_reason VARCHAR;
ALTER TABLE attempts ADD COLUMN retryable BOOLEAN;
ALTER TABLE attempts ADD COLUMN wait_s DOUBLE;          -- backoff / Retry-After waited before the next attempt
ALTER TABLE attempts ADD COLUMN stop_reason VARCHAR;    -- why no further attempt followed
ALTER TABLE attempts ADD COLUMN retry_layer VARCHAR;    -- harness (SDK retries are off)
ALTER TABLE cells ADD COLUMN served_model VARCHAR;      -- the model string the provider says answered
"""

M005_SERVED_SIMULATED = """
ALTER TABLE served ADD COLUMN simulated BOOLEAN;    -- a simulated answer was on the walked path
"""

M006_JUDGES = """
ALTER TABLE grades ADD COLUMN judge_prompt_hash VARCHAR;   -- sha256 of the judge prompt template and its includes
ALTER TABLE grades ADD COLUMN judge_simulated BOOLEAN;     -- a simulated judge decided: never evidence
ALTER TABLE grades ADD COLUMN flagged BOOLEAN;             -- the pre-screen flagged the output: failed, not judged
CREATE TABLE pairwise (
    run_id VARCHAR NOT NULL, task VARCHAR NOT NULL, case_id VARCHAR NOT NULL, variant VARCHAR NOT NULL,
    sample INTEGER NOT NULL,
    a_deployment VARCHAR NOT NULL,  -- the candidate compared
    b_deployment VARCHAR NOT NULL,  -- what it is compared against (the case's primary, or a named deployment)
    judge_deployment VARCHAR NOT NULL,
    a_cell VARCHAR, b_cell VARCHAR,
    winner VARCHAR,                 -- a | b | tie; NULL when the judge erred
    consistent BOOLEAN,             -- both orders gave the same verdict (a flip with order counts as a tie)
    first_order VARCHAR,            -- the verdict with a shown first, mapped to a | b | tie
    second_order VARCHAR,           -- the verdict with b shown first, mapped to a | b | tie
    flagged VARCHAR,                -- a | b | both: sides the pre-screen flagged (they lose without a judge call)
    reason VARCHAR, error VARCHAR,
    judge_prompt_hash VARCHAR,
    simulated BOOLEAN,              -- a simulated judge or simulated answers: never evidence
    judged_at TIMESTAMPTZ,
    PRIMARY KEY (run_id, task, case_id, variant, sample, a_deployment, b_deployment, judge_deployment)
);
CREATE TABLE judge_calibrations (
    calibration_id VARCHAR NOT NULL,
    calibrated_at TIMESTAMPTZ,
    suite VARCHAR, task VARCHAR NOT NULL, dataset VARCHAR, grader_id VARCHAR NOT NULL, grader_version VARCHAR,
    judge_deployment VARCHAR NOT NULL, judge_prompt_hash VARCHAR,
    simulated BOOLEAN,              -- a simulated judge: the numbers test the pipeline, not the judge
    n INTEGER,                      -- labelled outputs with a verdict
    errors INTEGER,                 -- labelled outputs the judge could not grade (judge errors)
    flagged INTEGER,                -- labelled outputs the pre-screen flagged
    accuracy DOUBLE,                -- pass/fail agreement with the labels
    kappa DOUBLE,                   -- Cohen's kappa on pass/fail
    weighted_kappa DOUBLE,          -- quadratic-weighted kappa on the ordinal score levels
    length_score_corr DOUBLE,       -- Pearson correlation of output length (chars) and judge score
    confusion VARCHAR,              -- JSON: {levels, matrix (labels x judge, on levels), passed: [[tn, fp], [fn, tp]]}
    PRIMARY KEY (calibration_id, grader_id, judge_deployment)
);
"""

# Issue 30: a load counts the records a table's key keeps out, and tells a replaced journal from the one it loaded.
M007_JOURNAL_CHECKS = """
ALTER TABLE journals ADD COLUMN ignored BIGINT DEFAULT 0;
ALTER TABLE journals ADD COLUMN tail_hash VARCHAR;
"""

# Issue 20: what a run selected (tasks, deployments, variants, scenario, faults, routed) travels with its row, so a
# report read from the lake, where no journal is, says what the run injected.
M008_RUN_SELECTION = """
ALTER TABLE runs ADD COLUMN selection VARCHAR;  -- JSON: the run's selection
"""

# Issue 24: which sandbox ran a code_exec grade: bwrap (isolated) or rlimits (limits only, bwrap could not run).
M009_GRADE_SANDBOX = """
ALTER TABLE grades ADD COLUMN sandbox VARCHAR;  -- code_exec: bwrap | rlimits; NULL for every other grader
"""

# Issue 27: a function-calling cell records how its case's tools were translated for the vendor (types, renamed
# functions), so a user sees what was sent.
M010_TOOL_SCHEMA = """
ALTER TABLE cells ADD COLUMN tool_schema VARCHAR;  -- JSON: {renamed: {sent: dataset's}, changes: [...]}, or NULL
"""

# Issue 31: how each lane's limits moved (every cut and its cause, and the lane at the end of each session), and the
# kind of every 429 (quota: the response said the quota is spent; transient: any other).
M011_LANES = """
ALTER TABLE attempts ADD COLUMN rate_limit VARCHAR;     -- quota | transient, for 429s and overloaded answers
CREATE TABLE lanes (
    run_id VARCHAR NOT NULL, from_shard INTEGER NOT NULL,   -- k of the --shard k/n run that wrote it, 0: a whole run
    session INTEGER NOT NULL, deployment VARCHAR NOT NULL, seq INTEGER NOT NULL,
    event VARCHAR,                  -- cut | end (the lane when the session's fan-out ended)
    t DOUBLE,                       -- seconds since the lane started
    cause VARCHAR,                  -- cut: quota (a 429 said the quota is spent) | share (the window's 429 share)
    in_flight_limit INTEGER, rate DOUBLE, rate_before DOUBLE,   -- requests per second; NULL: unpaced
    max_concurrency INTEGER, declared_rate DOUBLE,
    window_attempts INTEGER, window_limited INTEGER, window_quota INTEGER,   -- the window that caused the cut
    retry_after DOUBLE, spent VARCHAR,                          -- the Retry-After and the limit it named
    quota_429s INTEGER, transient_429s INTEGER,                 -- so far in the session
    cuts INTEGER, lowest_rate DOUBLE,                           -- end: cuts in the session, the lowest rate held
    windows_grown INTEGER, windows_held INTEGER, windows_idle INTEGER,
    PRIMARY KEY (run_id, from_shard, session, deployment, seq, t)   -- t: a pairwise pass has lanes of its own
);
"""

# Issue 23: a search-grounded answer (a deployment with `tools: [google_search]`) records what it drew on.
M012_GROUNDING = """
-- JSON: {queries, sources: [{uri, title, domain}], supports: [{text, chunks, start, end, confidence}], simulated}
ALTER TABLE cells ADD COLUMN grounding VARCHAR;  -- NULL: no grounding tool sent, or the answer was not grounded
"""

# Issue 29: streamed answers record time to first token, tokens per second and chunks; an attempt whose stream failed
# mid-way keeps the text it had delivered.
M013_STREAMING = """
ALTER TABLE cells ADD COLUMN ttft_ms DOUBLE;          -- ms from the call to its first content chunk; NULL: not streamed
ALTER TABLE cells ADD COLUMN tokens_per_s DOUBLE;     -- output tokens per second between the first and last chunk
ALTER TABLE cells ADD COLUMN chunks INTEGER;          -- chunks (events with content) the answer arrived in
ALTER TABLE attempts ADD COLUMN ttft_ms DOUBLE;
ALTER TABLE attempts ADD COLUMN chunks INTEGER;
ALTER TABLE attempts ADD COLUMN partial_output VARCHAR;  -- a stream that failed mid-way: the text delivered before
CREATE OR REPLACE VIEW results AS
SELECT c.run_id, r.suite, c.task, c.task_class, c.dataset, c.dataset_version, c.case_id, c.cluster, c.tags,
       c.deployment, c.provider, c.model, c.family, c.role, c.variant, c.sample,
       c.status, c.error_class, c.output, c.tool_calls, c.finish_reason,
       CASE WHEN s.grade_errors > 0 THEN NULL ELSE s.score END AS score,
       CASE WHEN s.grade_errors > 0 OR s.graders IS NULL THEN NULL
            ELSE s.all_passed AND s.score >= c.pass_threshold - 1e-9 END AS passed,
       s.grade_errors,
       c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.attempts, c.cache_hit,
       c.mode, c.simulated, c.template_path, c.template_hash, c.prompt_hash, c.dataset_sha256,
       c.served_deployment, c.chain_position, c.cell_key, c.finished_at,
       c.ttft_ms, c.tokens_per_s, c.chunks
FROM cells c
LEFT JOIN cell_scores s USING (cell_key)
LEFT JOIN runs r USING (run_id);
"""

# Issue 29: routed play with deadlines and hedging: when the served request saw its first token, and what hedging cost.
M014_SERVED_LATENCY = """
ALTER TABLE served ADD COLUMN ttft_ms DOUBLE;         -- ms from the request to the served answer's first token
ALTER TABLE served ADD COLUMN hedged BOOLEAN;         -- a hedge (the next position started early) was sent
ALTER TABLE served ADD COLUMN hedge_cost_usd DOUBLE;  -- what the cancelled racers had cost (in cost_usd too)
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "initial", M001_INITIAL),
    (2, "routes", M002_ROUTES),
    (3, "served", M003_SERVED),
    (4, "attempt_detail", M004_ATTEMPT_DETAIL),
    (5, "served_simulated", M005_SERVED_SIMULATED),
    (6, "judges", M006_JUDGES),
    (7, "journal_checks", M007_JOURNAL_CHECKS),
    (8, "run_selection", M008_RUN_SELECTION),
    (9, "grade_sandbox", M009_GRADE_SANDBOX),
    (10, "tool_schema", M010_TOOL_SCHEMA),
    (11, "lanes", M011_LANES),
    (12, "grounding", M012_GROUNDING),
    (13, "streaming", M013_STREAMING),
    (14, "served_latency", M014_SERVED_LATENCY),
]
