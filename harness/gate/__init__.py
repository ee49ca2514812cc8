"""The CI gate on prompt changes: what a change touches (`changes`: the (task, deployment) pairs an edit of prompts,
graders, datasets or routing affects), the committed baseline it compares with (`baseline`), running just those
pairs (`run`), and the verdict per pair with Holm-adjusted paired tests (`verdict`)."""
