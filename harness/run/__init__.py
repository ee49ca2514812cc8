"""A run: plan the cells (`plan`, `modes`), start or resume it (`launch`, `resume`), fan cells out to providers
through per-deployment lanes with retries, budget and the response cache (`runner`, `lanes`, `retry`, `budget`,
`cache`, `faults`), grade (`grading`), and journal what happened (`records`). After the cells: routed play
(`routed`) and the pairwise judge pass (`pairwise`); `calibration` runs a task's judges over labelled outputs and
`dryrun` prices a plan without calling anything."""
