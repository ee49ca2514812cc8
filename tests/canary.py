"""Fake credentials for the secret tests, shaped like real keys only at run time.

The vendor prefixes are assembled here so that no key-shaped string is committed (a repository scan for key
prefixes stays clean) while the redaction code still meets keys that look real.
"""

ANTHROPIC = "s" + "k-ant-api03-"
OPENAI_PROJECT = "s" + "k-proj-"
OPENAI = "s" + "k-"
GOOGLE = "AI" + "za"
AWS_ACCESS_KEY = "AK" + "IA"  # then 16 upper-case letters and digits


def fake_key(prefix: str, body: str) -> str:
    return prefix + body
