"""A cell's prompt, rendered again from the template and the case it recorded, and checked against the prompt hash
the run stored: the messages shown are the ones sent only when the hashes match (else the note says why not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def rendered(run: dict[str, Any], cell: dict[str, Any], results_dir: Path | None) -> dict[str, Any]:
    """`{"messages": [{"role", "content"}], "note": str}`; no messages, and the reason in the note, when the suite,
    dataset or template cannot be read any more."""
    from harness.config.datasets import load_dataset
    from harness.config.prompts import PromptLibrary, prompt_hash
    from harness.config.suite import load_suite
    from harness.errors import HarnessError
    from harness.report.data import suite_path
    from harness.run.plan import attach_images, prompt_context, train_examples

    try:
        project = load_suite(suite_path(run, results_dir))
        ds = load_dataset(project.datasets_dir, cell["dataset"], cell["dataset_version"])
        case = next((c for c in ds.cases if c.id == cell["case_id"]), None)
        if case is None:
            return {"messages": [], "note": f"case {cell['case_id']!r} is no longer in {ds.ref}"}
        task = project.suite.tasks.get(cell["task"])
        library = PromptLibrary(project.prompts_dir)
        tmpl = library.load(cell["template_path"])
        context = prompt_context(cell["task"], ds, case, train_examples(ds, task.examples if task else 0))
        messages = attach_images(library.render(tmpl, context), case.images)
    except (HarnessError, OSError, KeyError) as e:
        return {"messages": [], "note": f"not rendered: {str(e).splitlines()[0][:200]}"}
    same = prompt_hash(messages) == cell.get("prompt_hash")
    note = "" if same else ("the template, its includes or the suite changed since this run: this is today's "
                            "rendering, not what was sent (its prompt hash differs)")  # fmt: skip
    return {"messages": [{"role": m.role, "content": m.content} for m in messages], "note": note, "same": same}
