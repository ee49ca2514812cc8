"""What a user writes, loaded and checked: the model table, the routing table, the suite, versioned datasets,
per-(task, model) prompt templates, failure scenarios, and what decides a case's eligibility for a deployment.

Every file-facing model derives from `base.Strict` (unknown keys rejected, no silent coercion); loading a file that
does not validate raises `ConfigError` naming file, line and key.
"""
