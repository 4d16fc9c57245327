"""Stage 4, deliverables: what a planner reads, from one set of figures.

Enters: a run of the main job (:class:`forecast.pipeline.QuotaRun`: the shortage forecast, the
quota proposal and the run information) and the run's data. Leaves: ``quota.xlsx`` and
``report.html`` (written atomically into the output folder with ``quota.csv`` and ``run.json``),
and the terminal summary.

- :mod:`~forecast.deliverables.content`: :func:`planner_content` gathers every table and series
  the documents show, once, so the workbook, the report and the terminal agree;
- :mod:`~forecast.deliverables.balance`: each aggregate of the balance (net shortage at the
  planning quantile, demand of the quota year, by sector and region) computed once, for every
  table that shows it;
- :mod:`~forecast.deliverables.backtest_text` and :mod:`~forecast.deliverables.notes_html`: the
  plain-words verdict of the back-test and the run's notes (scenario, how to get what a run
  did not compute);
- :mod:`~forecast.deliverables.mechanism_text`: the headline chain, the fee scenario and the
  sentences on uptake, the net shortage and the ceiling (and where it cuts most);
- :mod:`~forecast.deliverables.comparison`: the scenario comparison, on the terminal and in the
  report, with readable headings;
- :mod:`~forecast.deliverables.provenance`: where the run's tables come from, the tables it
  lacks (and what that does to the figures, in every summary) and the published figures beside
  it;
- :mod:`~forecast.deliverables.workbook`, :mod:`~forecast.deliverables.report` and
  :mod:`~forecast.deliverables.charts`: the Excel workbook, the HTML report and its SVG charts;
  :mod:`~forecast.deliverables.cell_values` gives its cells' values and number formats,
  :mod:`~forecast.deliverables.stable_xlsx` saves it with the same bytes for the same
  content, :mod:`~forecast.deliverables.hyphenation` marks where the report's long heading
  words may break, :mod:`~forecast.deliverables.pages` writes the short pages of the ``forecast`` and
  ``backtest`` commands;
- :mod:`~forecast.deliverables.i18n`: labels and number formats in English, Russian and Kazakh
  (the label files are in ``labels/``);
- :mod:`~forecast.deliverables.formats`: which columns are shares (percent formats in both
  documents), digits for small rates, and the policy and assumptions as readable rows;
- :mod:`~forecast.deliverables.messages`: the pipeline's warnings by message key, and the data
  stage's texts (notice, missing tables, sources) in the reader's language;
- :mod:`~forecast.deliverables.outputs`: staged, atomic writing of the output folder;
- :mod:`~forecast.deliverables.console`: the terminal summary and progress.
"""

# The languages of every text a person reads (label files in ``labels/``).
LANGUAGES = ("en", "ru", "kk")
